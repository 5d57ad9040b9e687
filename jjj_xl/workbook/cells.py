"""Writing result tables to .xlsx with openpyxl, safely.

Text that starts with = + - @ is written as text (never as a formula), and
files are written to a temporary name beside the target and then renamed,
so an interrupted run never leaves half a workbook.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import numpy as np


FORMULA_STARTS = ("=", "+", "-", "@")
INPUT_FILL = "FFF2CC"


def cell_value(value):
    """A value openpyxl can store; NaN becomes an empty cell."""
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def write_cell(ws, row: int, col: int, value):
    """Write one cell; strings that look like formulas stay text."""
    cell = ws.cell(row=row, column=col)
    value = cell_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.value = value
        cell.data_type = "s"  # stored as a shared string, never evaluated
    else:
        cell.value = value
    return cell


TEMP_MARK = ".jjj-tmp-"


def _sweep_stale(path: Path) -> None:
    """Remove temporary files of earlier saves of ``path`` whose process is gone (kill -9)."""
    prefix = f".{path.name}{TEMP_MARK}"
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid = entry.name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
            continue                      # that process still runs: its file, not debris
        except ProcessLookupError:
            pass
        except (PermissionError, OSError):
            continue
        try:
            entry.unlink()
        except OSError:
            pass


def atomic_write(path, writer, display: str | None = None) -> Path:
    """Write a file through ``writer(binary file object)`` to a temporary file in the target
    folder, flush and fsync it, rename it over ``path`` and fsync the folder. On any failure
    (also KeyboardInterrupt) the temporary file is removed and the target is untouched; an
    OSError names the target (``display``), never the temporary file."""
    path = Path(path)
    display = display or str(path)
    if path.is_symlink():
        path = path.resolve()   # update the file the link points to, keep the link
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OSError(err.errno, err.strerror, display) from None
    if path.exists() and (not os.access(path, os.W_OK) or not os.stat(path).st_mode & 0o222):
        # renaming over it would work, but the user protected the file
        raise PermissionError(errno.EACCES, "the file is read-only; nothing was written", display)
    _sweep_stale(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}{os.getpid()}-", suffix=".tmp",
                                   dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            writer(fh)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = os.stat(path).st_mode & 0o777 if path.exists() else None
        except OSError:
            mode = None
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask   # mkstemp makes 0600; give the file normal permissions
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
        try:
            dfd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass   # some file systems cannot fsync a folder; the rename is done
    except OSError as err:
        raise OSError(err.errno, err.strerror or str(err), display) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return path


def save_atomically(wb, path) -> Path:
    """Save an openpyxl workbook through :func:`atomic_write`."""
    return atomic_write(path, wb.save)
