"""The engine: pure numpy/pandas, no Excel, importable in Pyodide. One file per family.

Every public function takes plain arrays or pandas objects and returns a small
result object (or array) whose ``notes`` say which options changed the numbers.
The numerical contract is METHODS.md.
"""
