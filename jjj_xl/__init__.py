"""jjj-xl: entropy weights, TOPSIS and coupling coordination degree for regional economics.

The engine is pure numpy/pandas (it imports in Pyodide); Excel functions,
macros and the CLI are thin adapters over it. The numerical contract is
METHODS.md in the project's shared folder.
"""

from .coupling import GradeScheme, coupling, grade, lag_type, make_scheme, stage
from .errors import InputError, JJJWarning
from .obstacle import obstacle_degree
from .standardize import standardize
from .topsis import topsis
from .weights import (combine_weights, critic_weights, cv_weights, entropy_weights,
                      hierarchical_weights, std_weights)
from .workflows import entropy_topsis_coupling, ideal_solution_index

__version__ = "0.1.0"

__all__ = [
    "standardize", "entropy_weights", "hierarchical_weights", "critic_weights", "cv_weights",
    "std_weights", "combine_weights", "topsis", "coupling", "grade", "stage", "lag_type",
    "obstacle_degree", "entropy_topsis_coupling", "ideal_solution_index", "InputError",
    "JJJWarning", "GradeScheme", "make_scheme", "__version__",
]
