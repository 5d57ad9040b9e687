"""jjj-xl: entropy weights, TOPSIS and coupling coordination degree for regional economics.

The engine is pure numpy/pandas (it imports in Pyodide); Excel functions,
macros and the CLI are thin adapters over it. The numerical contract is
METHODS.md in the project's shared folder.
"""

from .methods.coupling import GradeScheme, coupling, grade, lag_type, make_scheme, stage
from .methods.development import relative_development
from .errors import InputError, JJJWarning
from .methods.ahp import ahp_weights
from .methods.grey import grey_relational_degree, grey_relational_grade
from .methods.obstacle import obstacle_degree
from .methods.standardize import positivize, standardize
from .methods.topsis import entropy_topsis, topsis
from .methods.weights import (combine_weights, critic_weights, cv_weights, entropy_weights,
                      hierarchical_weights, std_weights)
from .methods.workflows import entropy_topsis_coupling, ideal_solution_index
# after the coupling: spatial autocorrelation, disparity, forecast, robustness (issue 10)
from .methods.disparity import dagum_gini, kernel_density, theil
from .methods.forecast import gm11
from .methods.sensitivity import rank_reversal, rank_sensitivity
from .methods.spatial import (contiguity_weights, distance_weights, knn_weights, local_morans,
                              morans_i)

__version__ = "0.1.0"

__all__ = [
    "standardize", "entropy_weights", "hierarchical_weights", "critic_weights", "cv_weights",
    "std_weights", "combine_weights", "topsis", "coupling", "grade", "stage", "lag_type",
    "obstacle_degree", "entropy_topsis_coupling", "ideal_solution_index", "InputError",
    "JJJWarning", "GradeScheme", "make_scheme", "__version__",
    "relative_development", "positivize", "ahp_weights", "grey_relational_grade",
    "grey_relational_degree", "entropy_topsis",
]
__all__ += [  # issue 10: after the coupling
    "morans_i", "local_morans", "contiguity_weights", "distance_weights", "knn_weights",
    "theil", "dagum_gini", "kernel_density", "gm11", "rank_sensitivity", "rank_reversal",
]
