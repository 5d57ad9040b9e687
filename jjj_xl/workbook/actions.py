"""What the ribbon buttons do, on any book adapter: validate, compute, write, clear.

Only output sheets are written; input cells are never touched. Everything
about where things are comes from :mod:`jjj_xl.workbook.layout`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .. import __version__
from . import layout
from ..methods._matrix import _describe_bad_cell, direction_code
from .book import BookAdapter, as_adapter
from ..methods.coupling import coupling, lag_type, make_scheme
from ..errors import InputError, JJJWarning, column_letter
from ..methods.workflows import entropy_topsis_coupling, ideal_solution_index

ACTION_OUTPUTS = {
    # action -> template -> output keys written
    "compute_all": {"entropy_topsis_ccd": ("weights", "scores", "coupling", "coupling_dimensions"),
                    "ideal_solution_index": ("scores", "tables", "growth", "weights"),
                    "coupling_coordination": ("results",)},
    "weights": {"entropy_topsis_ccd": ("weights",), "ideal_solution_index": ("weights",)},
    "scores": {"entropy_topsis_ccd": ("scores",),
               "ideal_solution_index": ("scores", "tables", "growth")},
    "coupling": {"entropy_topsis_ccd": ("coupling", "coupling_dimensions"),
                 "coupling_coordination": ("results",)},
}


def cell_ref(sheet: str, row: int, col: int) -> str:
    return f"{sheet}!{column_letter(col - 1)}{row}"


# ---------------------------------------------------------------- reading

def detect_template(book: BookAdapter) -> layout.Template:
    sheet, row, col = layout.MARKER_CELL
    if not book.has_sheet(sheet):
        raise InputError(f'this workbook is not a jjj-xl template (no "{sheet}" sheet); '
                         f"start from one with New from template / jjj-xl new")
    marker = book.read(sheet, row, col, 1, 2)[0]
    name = str(marker[1]).strip() if marker[1] is not None else ""
    if str(marker[0]).strip() != layout.MARKER_TEXT or name not in layout.TEMPLATES:
        raise InputError(f"this workbook is not a jjj-xl template ({cell_ref(sheet, row, col)} "
                         f'should say "{layout.MARKER_TEXT}" and name the template); start from '
                         f"one with New from template / jjj-xl new")
    return layout.TEMPLATES[name]


def read_settings(book: BookAdapter, tpl: layout.Template, problems: list | None = None) -> dict:
    """Setting values by key; bad ones are reported (or raised) with their cell."""
    out = {}
    for s in tpl.settings:
        sheet, row, col = tpl.setting_cell(s.key)
        value = book.read(sheet, row, col, 1, 1)[0][0]
        where = f"{cell_ref(sheet, row, col)} ({s.label} {s.label_zh})"
        try:
            out[s.key] = _parse_setting(s, value, where)
        except InputError as err:
            if problems is None:
                raise
            problems.append(str(err))
            out[s.key] = s.default
    return out


def _parse_setting(s: layout.Setting, value, where: str):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return s.default
    if s.key == "alpha":
        text = str(value).strip()
        if text.lower() == "equal":
            return None
        try:
            return [float(p) for p in text.replace("，", ",").split(",") if p.strip()]
        except ValueError:
            raise InputError(f'{where}: "{value}" is not "equal" or numbers separated by commas') from None
    if s.choices:
        text = str(value).strip()
        if text not in s.choices:
            raise InputError(f'{where}: "{value}" is not one of {", ".join(s.choices)}')
        return text
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(str(value).strip())
        except ValueError:
            raise InputError(f'{where}: "{value}" is not a number') from None
    if not np.isfinite(value) or value < 0:
        raise InputError(f"{where}: {value} must be a number ≥ 0")
    return float(value)


def read_scheme(book: BookAdapter, tpl: layout.Template, settings: dict, problems=None):
    if settings.get("scheme") != "custom" or tpl.scheme is None:
        return "ccd10"
    table = book.read_block(tpl.scheme)
    rows = [tuple(r) for r in table.itertuples(index=False)]
    try:
        return make_scheme(rows)
    except InputError as err:
        msg = f"sheet {tpl.scheme.sheet}, custom grade table at {cell_ref(tpl.scheme.sheet, tpl.scheme.row, tpl.scheme.col)}: {err}"
        if problems is None:
            raise InputError(msg) from None
        problems.append(msg)
        return "ccd10"


# ---------------------------------------------------------------- validation

def validate_book(book) -> list[str]:
    """Every problem in the inputs, each one line naming its cell; [] when all is well."""
    book = as_adapter(book)
    try:
        tpl = detect_template(book)
    except InputError as err:
        return [str(err)]
    problems: list[str] = []
    settings = read_settings(book, tpl, problems)
    read_scheme(book, tpl, settings, problems)
    if tpl.name == "coupling_coordination":
        _validate_u(book, tpl, problems)
    else:
        _validate_panel(book, tpl, problems)
    return problems


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and v.strip() == "")


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)) \
        and np.isfinite(float(v))


def _validate_indicators(book, block, problems) -> pd.DataFrame:
    ind = book.read_block(block)
    cols = {c.lower(): c for c in ind.columns}
    for need in ("code", "dimension", "direction"):
        if need not in cols:
            problems.append(f'sheet {block.sheet}: the header row needs a "{need}" column')
    if problems and any(p.startswith(f"sheet {block.sheet}: the header") for p in problems):
        return ind
    seen = {}
    for i, row in enumerate(ind.itertuples(index=False)):
        r = block.row + 1 + i
        rec = dict(zip(ind.columns, row))
        code = rec[cols["code"]]
        for key in ("code", "dimension"):
            if _blank(rec[cols[key]]):
                c = block.col + list(ind.columns).index(cols[key])
                problems.append(f"{cell_ref(block.sheet, r, c)}: the {key} is blank; every "
                                f"indicator needs one")
        d = rec[cols["direction"]]
        if direction_code(d) is None:
            c = block.col + list(ind.columns).index(cols["direction"])
            problems.append(f'{cell_ref(block.sheet, r, c)}: direction "{d}" of indicator "{code}" '
                            f"is not understood; use + or - (正向/负向)")
        if not _blank(code):
            key = str(code).strip()
            if key in seen:
                problems.append(f'{cell_ref(block.sheet, r, block.col)}: code "{key}" is already '
                                f"used in row {seen[key]}")
            seen[key] = r
    if len(ind) == 0:
        problems.append(f"sheet {block.sheet}: no indicators listed below the header")
    return ind


def _validate_panel(book, tpl, problems):
    ind_block, data_block = tpl.inputs
    ind = _validate_indicators(book, ind_block, problems)
    data = book.read_block(data_block)
    header = list(data.columns)
    for need in ("region", "year"):
        if need not in header:
            problems.append(f'sheet {data_block.sheet}: the header row needs a "{need}" column')
    if len(data) < 2:
        problems.append(f"sheet {data_block.sheet}: fewer than 2 rows of data below the header; "
                        f"fill one row per region and year")
    if "code" not in [c.lower() for c in ind.columns]:
        return
    code_col = next(c for c in ind.columns if c.lower() == "code")
    name_col = next((c for c in ind.columns if c.lower() == "name"), code_col)
    for code, name in zip(ind[code_col], ind[name_col]):
        if _blank(code):
            continue
        code = str(code).strip()
        if code not in header:
            problems.append(f'sheet {data_block.sheet}: no column for indicator "{code}" ({name}); '
                            f"add it to the header row")
            continue
        j = header.index(code)
        c = data_block.col + j
        for i, v in enumerate(data[code]):
            if _is_number(v):
                continue
            r = data_block.row + 1 + i
            label = f"{data.iloc[i].get('region', '')} {data.iloc[i].get('year', '')}".strip()
            what = _describe_bad_cell(v) if not _blank(v) else "is blank; fill it"
            found, _, needed = what.partition(";")
            problems.append(f'{cell_ref(data_block.sheet, r, c)}: indicator "{name}" (column '
                            f"{column_letter(c - 1)}) {found} in row {r} ({label})"
                            + (f";{needed}" if needed else ""))
    if "region" in header and "year" in header:
        seen = {}
        for i, (reg, yr) in enumerate(zip(data["region"], data["year"])):
            r = data_block.row + 1 + i
            if _blank(reg):
                problems.append(f"{cell_ref(data_block.sheet, r, data_block.col + header.index('region'))}: "
                                f"the region is blank")
            if not _is_number(yr) or float(yr) != int(float(yr)):
                problems.append(f"{cell_ref(data_block.sheet, r, data_block.col + header.index('year'))}: "
                                f'the year "{yr}" is not a whole number')
                continue
            key = (str(reg).strip(), int(float(yr)))
            if key in seen:
                problems.append(f"{cell_ref(data_block.sheet, r, data_block.col)}: {key[0]} {key[1]} "
                                f"appears twice (first in row {seen[key]})")
            seen[key] = r


def _validate_u(book, tpl, problems):
    block = tpl.inputs[0]
    table = book.read_block(block)
    systems = list(table.columns[1:])
    if len(systems) < 2:
        problems.append(f"sheet {block.sheet}: coupling needs at least 2 system columns after "
                        f"the observation column")
    if len(table) == 0:
        problems.append(f"sheet {block.sheet}: no rows of U below the header")
    for j, name in enumerate(systems, start=1):
        c = block.col + j
        for i, v in enumerate(table[name]):
            r = block.row + 1 + i
            where = cell_ref(block.sheet, r, c)
            if _blank(v):
                problems.append(f'{where}: system "{name}" is blank in row {r}; fill it')
            elif not _is_number(v):
                found, _, needed = _describe_bad_cell(v).partition(";")
                problems.append(f'{where}: system "{name}" {found} in row {r};{needed}')
            elif not 0 <= float(v) <= 1:
                problems.append(f'{where}: system "{name}" is {v:g} in row {r}; U values must be '
                                f"in [0, 1]")


# ---------------------------------------------------------------- computing

def _compute(book: BookAdapter, tpl: layout.Template) -> tuple[dict, dict]:
    """Run the template's workflow; returns ({output key: DataFrame}, notes)."""
    settings = read_settings(book, tpl)
    scheme = read_scheme(book, tpl, settings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JJJWarning)
        if tpl.name == "entropy_topsis_ccd":
            ind = book.read_block(tpl.inputs[0])
            data = book.read_block(tpl.inputs[1])
            res = entropy_topsis_coupling(
                data, ind, method=settings["method"], shift=settings["shift"],
                closeness=settings["closeness"], distance=settings["distance"],
                coupling_model=settings["coupling_model"], scheme=scheme, lang=settings["lang"])
            frames = {"weights": res.weights.drop(columns=["code"]), "scores": res.scores,
                      "coupling": res.coupling, "coupling_dimensions": res.coupling_dimensions}
            orientation = settings["orientation"]
            if orientation == "regions":
                frames["coupling_dimensions"] = None
            elif orientation == "dimensions":
                frames["coupling"] = None
            notes = res.notes
        elif tpl.name == "ideal_solution_index":
            ind = book.read_block(tpl.inputs[0])
            data = book.read_block(tpl.inputs[1])
            res = ideal_solution_index(data, ind, method=settings["method"],
                                       weights=settings["weights"], closeness=settings["closeness"],
                                       ideal=settings["ideal"], distance=settings["distance"])
            stacked = [t.reset_index().assign(index=name)[["index", "region", *t.columns]]
                       for name, t in res.tables.items()]
            tables = pd.concat(stacked, ignore_index=True)
            tables.columns = [str(c) for c in tables.columns]
            frames = {"scores": res.scores, "tables": tables, "growth": res.growth,
                      "weights": res.weights.drop(columns=["code"])}
            notes = res.notes
        else:
            frames, notes = _compute_u(book, tpl, settings, scheme)
    notes = {"template": tpl.name, "jjj-xl version": __version__, **notes}
    for k, w in enumerate(caught, start=1):
        if issubclass(w.category, JJJWarning):
            notes[f"warning {k}"] = str(w.message)
    return frames, notes


def _compute_u(book, tpl, settings, scheme):
    table = book.read_block(tpl.inputs[0])
    labels = table.iloc[:, 0].tolist()
    U = table.iloc[:, 1:]
    U.index = [str(v) if v is not None else f"row {i + 1}" for i, v in enumerate(labels)]
    res = coupling(U, weights=settings["alpha"], model=settings["coupling_model"], scheme=scheme,
                   lang=settings["lang"])
    out = res.table.reset_index().rename(columns={"index": table.columns[0]})
    if U.shape[1] == 2:
        out["lag_type"] = np.asarray(lag_type(U, threshold=settings["lag_threshold"],
                                              lang=settings["lang"]))
    return {"results": out}, res.notes


def run_action(book, action: str) -> dict:
    """Run one ribbon action on a book; returns {"written": [sheets], "problems": [...]}."""
    book = as_adapter(book)
    if action == "validate":
        problems = validate_book(book)
        tpl = detect_template(book) if not problems or "not a jjj-xl template" not in problems[0] else None
        if tpl is not None:
            _write_report(book, tpl, problems)
        return {"written": [layout.NOTES_SHEET] if tpl else [], "problems": problems}
    if action == "after_d":   # After D sheets (issue 10): jjj_xl/workbook/after_d.py
        from .after_d import run_after_d
        return run_after_d(book)
    tpl = detect_template(book)
    if action == "clear_outputs":
        for sheet in tpl.output_sheets:
            _clear_sheet(book, tpl, sheet)
        return {"written": list(tpl.output_sheets), "problems": []}
    if action not in ACTION_OUTPUTS:
        raise InputError(f'unknown action "{action}"')
    keys = ACTION_OUTPUTS[action].get(tpl.name)
    if not keys:
        raise InputError(f'the {tpl.name} template has no "{action}" step; use Compute all')
    problems = validate_book(book)
    if problems:
        _write_report(book, tpl, problems)
        more = f" (and {len(problems) - 1} more: see the {layout.NOTES_SHEET} sheet)" if len(problems) > 1 else ""
        raise InputError(problems[0] + more)
    frames, notes = _compute(book, tpl)
    blocks = {k: tpl.outputs[k] for k in keys}
    sheets = list(dict.fromkeys([b.sheet for b in blocks.values()] + [layout.NOTES_SHEET]))
    for sheet in sheets:
        _clear_sheet(book, tpl, sheet)
    for key, block in blocks.items():
        if frames.get(key) is not None:
            book.write_frame(block, frames[key])
    notes_frame = pd.DataFrame({"setting": list(notes), "value": [str(v) for v in notes.values()]})
    book.write_frame(tpl.outputs["notes"], notes_frame)
    return {"written": sheets, "problems": []}


def _clear_sheet(book, tpl, sheet):
    """Blank an output sheet, then put back its titles and its "do not type here" note."""
    book.clear(sheet)
    for block in tpl.outputs.values():
        if block.sheet == sheet and block.title:
            book.write(sheet, block.row - 1, block.col, [[block.title]])
    if any(b.sheet == sheet for b in tpl.outputs.values()):
        row, col = layout.output_note_cell(tpl, sheet)
        book.write(sheet, row, col, [[layout.OUTPUT_NOTE]])


def _write_report(book, tpl, problems):
    _clear_sheet(book, tpl, layout.NOTES_SHEET)
    block = tpl.outputs["notes"]
    rows = problems or ["No problems found 未发现问题"]
    frame = pd.DataFrame({"validation report 数据校验": rows})
    book.write_frame(block, frame)
