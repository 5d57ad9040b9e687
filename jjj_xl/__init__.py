"""jjj-xl: entropy weights, TOPSIS and coupling coordination degree for regional economics.

The engine is pure numpy/pandas (it imports in Pyodide); Excel functions,
macros and the CLI are thin adapters over it. The numerical contract is
METHODS.md in the project's shared folder.
"""

from .methods.coupling import GradeScheme, coupling, grade, lag_type, make_scheme, stage
from .errors import InputError, JJJWarning
from .methods.ahp import ahp_weights
from .methods.grey import grey_relational_degree, grey_relational_grade
from .methods.obstacle import obstacle_degree
from .methods.standardize import positivize, standardize
from .methods.topsis import entropy_topsis, topsis
from .methods.weights import (combine_weights, critic_weights, cv_weights, entropy_weights,
                      hierarchical_weights, std_weights)
from .methods.workflows import entropy_topsis_coupling, ideal_solution_index

__version__ = "0.1.0"

__all__ = [
    "standardize", "entropy_weights", "hierarchical_weights", "critic_weights", "cv_weights",
    "std_weights", "combine_weights", "topsis", "coupling", "grade", "stage", "lag_type",
    "obstacle_degree", "entropy_topsis_coupling", "ideal_solution_index", "InputError",
    "JJJWarning", "GradeScheme", "make_scheme", "positivize", "ahp_weights",
    "grey_relational_grade", "grey_relational_degree", "entropy_topsis", "__version__",
]
