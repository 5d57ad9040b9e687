"""Workbook layout contract: the one place that says which sheet holds what, where.

Writers (the demo, later templates, macros and share export) read these
objects; nobody else hard-codes a sheet name or a cell address.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """A table on a sheet: header row at ``(row, col)`` (1-based), data below it."""

    sheet: str
    row: int = 1
    col: int = 1
    title: str | None = None     # written one row above the header when given
    is_input: bool = False       # input cells: macros and the CLI never change them


INDICATORS = Block("Indicators", is_input=True)
DATA = Block("Data", is_input=True)
WEIGHTS = Block("Weights", row=2, title="Entropy weights (Table 2 layout)")
WEIGHTS_NOTES = Block("Weights", row=2, col=11, title="Method notes")
SCORES = Block("Scores", row=2, title="TOPSIS closeness by region and year")
COUPLING = Block("Coupling", row=2, title="Coupling of the regions, year by year (Tables 4–9 layout)")
COUPLING_DIMENSIONS = Block("Coupling", row=2, col=11,
                            title="Coupling of the dimensions, per region and year")

DEMO_SHEETS = ("Indicators", "Data", "Weights", "Scores", "Coupling")
INPUT_SHEETS = tuple(b.sheet for b in (INDICATORS, DATA))

# the indicator table's columns in the order written
INDICATOR_COLUMNS = ("code", "name", "name_zh", "dimension", "direction", "unit")

# number formats of result columns
NUMBER_FORMATS = {"e": "0.0000", "d": "0.0000", "w": "0.0000", "dimension_weight": "0.000",
                  "C": "0.000", "T": "0.000", "D": "0.000", "closeness": "0.0000"}
SCORE_FORMAT = "0.0000"
