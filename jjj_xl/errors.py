"""Errors and warnings an analyst reads in one line (METHODS.md §8)."""

from __future__ import annotations

import warnings


class InputError(ValueError):
    """Bad input, explained in one line that names the place.

    ``indicator``, ``column`` (0-based) and ``row`` (0-based) are kept so an
    adapter (an Excel cell, a workbook sheet) can say the same thing in its
    own coordinates with :meth:`relocated`.
    """

    def __init__(self, message: str, *, indicator=None, column=None, row=None,
                 found=None, needed=None, template=None):
        super().__init__(message)
        self.indicator = indicator
        self.column = column
        self.row = row
        self.found = found
        self.needed = needed
        self._template = template

    def relocated(self, row_offset: int = 0, column_offset: int = 0, *,
                  sheet: str | None = None) -> "InputError":
        """The same error with row/column shifted, e.g. to sheet cells."""
        if self._template is None:
            return self
        row = None if self.row is None else self.row + row_offset
        col = None if self.column is None else self.column + column_offset
        msg = self._template(row, col)
        if sheet:
            msg = f"sheet {sheet}: {msg}"
        return InputError(msg, indicator=self.indicator, column=col, row=row,
                          found=self.found, needed=self.needed,
                          template=self._template)


class JJJWarning(UserWarning):
    """Degenerate but legal data: a defined answer was given (METHODS.md §8)."""


def warn(message: str, stacklevel: int = 3) -> None:
    warnings.warn(message, JJJWarning, stacklevel=stacklevel)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (Excel column letters)."""
    if index < 0:
        raise ValueError("negative column index")
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
