"""The jjj-xl command: demo workbook, help, one-line errors with exit code 2."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
import pandas as pd
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl import cli
from jjj_xl.workbook import layout
from jjj_xl.datasets import load_sample
from jjj_xl.workbook.cells import save_atomically, write_cell


def _read_block(ws, block, ncols):
    header = [ws.cell(block.row, block.col + j).value for j in range(ncols)]
    rows = []
    r = block.row + 1
    while ws.cell(r, block.col).value is not None:
        rows.append([ws.cell(r, block.col + j).value for j in range(ncols)])
        r += 1
    return pd.DataFrame(rows, columns=header)


def test_demo_writes_filled_template_matching_engine(tmp_path, capsys):
    out = tmp_path / "demo.xlsx"
    assert cli.main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Illustrative sample data" in printed and "Wrote" in printed
    wb = load_workbook(out)
    tpl = layout.ENTROPY_TOPSIS_CCD
    assert wb.sheetnames == list(tpl.sheets) + ["Map 地图"]   # the demo adds the schematic map
    s = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.entropy_topsis_coupling(s.data, s.indicators)
    out_w = tpl.outputs["weights"]
    weights = _read_block(wb[out_w.sheet], out_w, 7)
    assert list(weights.columns) == ["dimension", "indicator", "direction", "e", "d", "w",
                                     "dimension_weight"]
    np.testing.assert_allclose(weights["w"].astype(float), res.weights["w"], rtol=1e-12)
    out_c = tpl.outputs["coupling"]
    coupling = _read_block(wb[out_c.sheet], out_c, len(res.coupling.columns))
    assert len(coupling) == 36
    np.testing.assert_allclose(coupling["D"].astype(float), res.coupling["D"], rtol=1e-12)
    assert list(coupling["label"]) == list(res.coupling["label"])
    data_block = tpl.inputs[1]
    data = _read_block(wb[data_block.sheet], data_block, len(s.data.columns))
    np.testing.assert_allclose(data.iloc[:, 2:].astype(float), s.data.iloc[:, 2:])
    assert wb[data_block.sheet].tables[data_block.table].ref == f"A1:P{len(s.data) + 1}"
    # the summary printed to the terminal carries the overall D of every year
    for d in res.coupling.loc[res.coupling.dimension == "overall", "D"]:
        assert f"{d:.3f}" in printed


def test_demo_zh_labels(tmp_path, capsys):
    assert cli.main(["demo", "--out", str(tmp_path / "z.xlsx"), "--lang", "zh"]) == 0
    assert "协调" in capsys.readouterr().out


def test_help_everywhere():
    for argv in (["--help"], ["demo", "--help"]):
        proc = subprocess.run([sys.executable, "-m", "jjj_xl", *argv], capture_output=True, text=True)
        assert proc.returncode == 0 and "usage: jjj-xl" in proc.stdout


def test_bad_input_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    sample = load_sample("paper000")
    sample.data["gdp"] = sample.data["gdp"].astype(object)
    sample.data.loc[3, "gdp"] = "n/a"
    monkeypatch.setattr("jjj_xl.datasets.load_sample", lambda name: sample)
    assert cli.main(["demo", "--out", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert 'indicator "GDP" (column C)' in err and "row 4 (Beijing 2017)" in err and "n/a" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_unknown_command_exit_2():
    proc = subprocess.run([sys.executable, "-m", "jjj_xl", "nonsense"], capture_output=True, text=True)
    assert proc.returncode == 2


def test_formula_like_text_is_written_as_text(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    for i, text in enumerate(["=HYPERLINK(\"http://x\")", "+86 10", "-3%", "@user"], start=1):
        write_cell(ws, i, 1, text)
    path = save_atomically(wb, tmp_path / "t.xlsx")
    back = load_workbook(path)
    cells = [back.active.cell(i, 1) for i in range(1, 5)]
    assert [c.value for c in cells] == ["=HYPERLINK(\"http://x\")", "+86 10", "-3%", "@user"]
    assert all(c.data_type == "s" for c in cells)
    assert list(tmp_path.iterdir()) == [path]   # no temporary file left behind


def test_share_command_formulas_and_lite(tmp_path, capsys):
    demo = tmp_path / "demo.xlsx"
    assert cli.main(["demo", "--out", str(demo)]) == 0
    share = tmp_path / "share.xlsx"
    assert cli.main(["share", str(demo), "--out", str(share)]) == 0
    wb = load_workbook(share)
    coupling = layout.ENTROPY_TOPSIS_CCD.outputs["coupling"]
    d_cell = wb[coupling.sheet].cell(coupling.row + 1, coupling.col + 4).value
    assert isinstance(d_cell, str) and d_cell.startswith("=")      # a live formula, not a value
    lite = tmp_path / "lite.xlsx"
    assert cli.main(["share", str(demo), "--out", str(lite), "--lite"]) == 0
    from jjj_xl.excel.lite import lite_requirements, read_lite
    assert read_lite(lite)["requirements.txt"] == lite_requirements()
    assert cli.main(["share", str(demo), "--out", str(demo)]) == 2
    assert "--out must name a new file" in capsys.readouterr().err


# ---------------------------------------------------------------- output targets (issue 7 item 2)

def _precious(path):
    path.write_bytes(b"someone's unrelated workbook")
    return path.read_bytes()


def test_out_never_replaces_a_file_the_user_did_not_name(tmp_path, capsys, monkeypatch):
    from .rich_books import filled, parts
    book = filled(tmp_path)
    before = parts(book)
    other = tmp_path / "other.xlsx"
    keep = _precious(other)
    for argv in (["run", str(book), "--out", str(other)],
                 ["share", str(book), "--out", str(other)],
                 ["share", str(book), "--out", str(other), "--lite"],
                 ["demo", "--out", str(other)],
                 ["new", "coupling_coordination", str(other)]):
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "already exists" in err and "--force" in err, err
        assert other.read_bytes() == keep
    assert parts(book) == before
    # the demo's default name is not a name the user gave either
    monkeypatch.chdir(tmp_path)
    keep_demo = _precious(tmp_path / "jjj_xl_demo.xlsx")
    assert cli.main(["demo"]) == 2
    assert (tmp_path / "jjj_xl_demo.xlsx").read_bytes() == keep_demo
    capsys.readouterr()
    # --force replaces; --out naming the input is an in-place run
    assert cli.main(["run", str(book), "--out", str(other), "--force"]) == 0
    assert load_workbook(other)["Scores"]["C3"].value is not None
    assert parts(book) == before
    assert cli.main(["run", str(book), "--out", str(book)]) == 0
    assert load_workbook(book)["Scores"]["C3"].value is not None
    for argv in (["share", str(book), "--out", str(other), "--force"],
                 ["demo", "--out", str(other), "--force"],
                 ["new", "coupling_coordination", str(other), "--force"]):
        assert cli.main(argv) == 0, argv
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------- validate (issue 7 item 4)

def _set(path, cells: dict):
    wb = load_workbook(path)
    for (sheet, ref), value in cells.items():
        wb[sheet][ref].value = value
    wb.save(path)
    return path


def test_validate_command_lists_every_problem_and_writes_nothing(tmp_path, capsys):
    from .rich_books import filled, parts
    book = _set(filled(tmp_path), {("Data", "C5"): "n/a", ("Data", "N9"): None,
                                   ("Indicators", "E3"): "up"})
    before = parts(book)
    assert cli.main(["validate", str(book)]) == 2
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Indicators!E3") and any(x.startswith("Data!C5") for x in lines)
    assert err.count("\n") == 1 and "3 problems" in err and book.name in err
    assert parts(book) == before
    # run refuses with the first one, points at validate (no Notes sheet was written)
    assert cli.main(["run", str(book)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Indicators!E3" in err and "2 more" in err
    assert "Notes sheet" not in err and "jjj-xl validate" in err
    assert parts(book) == before
    good = filled(tmp_path, filename="good.xlsx")
    assert cli.main(["validate", str(good)]) == 0
    assert "no problems" in capsys.readouterr().out


def _u_book(tmp_path):
    from .rich_books import filled
    U = pd.DataFrame({"observation": ["2019", "2020", "2021"], "economy": [0.4, 0.5, 0.9],
                      "environment": [0.3, 0.52, 0.2]})
    return filled(tmp_path, "coupling_coordination", data=U, filename="u.xlsx")


def _custom_scheme(first_bound):
    tpl = layout.ENTROPY_TOPSIS_CCD
    sheet, row, col = tpl.setting_cell("scheme")
    blk = tpl.scheme
    cells = {(sheet, f"C{row}"): "custom"}
    letters = "HIJ"
    for i in range(12):
        for k in range(3):
            cells[(blk.sheet, f"{letters[k]}{blk.row + 1 + i}")] = None
    for i, (t, en) in enumerate([(first_bound, "Low"), (0.5, "Mid"), (0.7, "High")]):
        cells[(blk.sheet, f"H{blk.row + 1 + i}")] = t
        cells[(blk.sheet, f"I{blk.row + 1 + i}")] = en
    return cells


ONE_CHECKER_CASES = {
    # case: (template, cells to set, cell the message must name)
    "scheme lowest bound above 0": ("entropy_topsis_ccd", _custom_scheme(0.2), "Settings!H3"),
    "lag threshold 5": ("coupling_coordination",
                        {("Settings", f"C{layout.COUPLING_COORDINATION.setting_cell('lag_threshold')[1]}"): 5},
                        f"Settings!C{layout.COUPLING_COORDINATION.setting_cell('lag_threshold')[1]}"),
    "year 1e300": ("entropy_topsis_ccd", {("Data", "B7"): 1e300}, "Data!B7"),
    "year 12.5": ("entropy_topsis_ccd", {("Data", "B7"): 12.5}, "Data!B7"),
    "U above 1": ("coupling_coordination", {("U", "B3"): 1.5}, "U!B3"),
    "direction blank": ("entropy_topsis_ccd", {("Indicators", "E4"): None}, "Indicators!E4"),
}


@pytest.mark.parametrize("case", list(ONE_CHECKER_CASES))
def test_validate_reports_what_compute_refuses(tmp_path, capsys, case):
    """One checker: Validate reports (with the cell) exactly what Compute refuses."""
    from .rich_books import filled
    name, cells, where = ONE_CHECKER_CASES[case]
    path = _u_book(tmp_path) if name == "coupling_coordination" else filled(tmp_path)
    _set(path, cells)
    assert cli.main(["validate", str(path)]) == 2
    out, _ = capsys.readouterr()
    assert where in out, out
    assert cli.main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert where in err and err.count("\n") == 1 and "None" not in err


def test_validate_and_compute_agree_on_engine_refusals(tmp_path, monkeypatch, capsys):
    """Whatever the engine refuses (even a check Validate has no rule for) Validate reports."""
    from .rich_books import filled
    path = filled(tmp_path)

    def refuse(*a, **k):
        raise jx.InputError("Data: something only the engine knows")
    monkeypatch.setattr("jjj_xl.workbook.actions.entropy_topsis_coupling", refuse)
    assert cli.main(["validate", str(path)]) == 2
    assert "only the engine knows" in capsys.readouterr().out
    assert cli.main(["run", str(path)]) == 2
    assert "only the engine knows" in capsys.readouterr().err


def test_run_reads_the_inputs_once(tmp_path, monkeypatch):
    """Validate and Compute share one read of each input table (issue 12 item 1)."""
    from jjj_xl.workbook.package import PackageBook

    from .rich_books import filled
    path = filled(tmp_path)
    calls = []
    orig = PackageBook._sheet_values

    def counting(self, sheet):
        if sheet not in self._values:
            calls.append(sheet)
        return orig(self, sheet)
    monkeypatch.setattr(PackageBook, "_sheet_values", counting)
    computed = []
    import jjj_xl.workbook.actions as actions
    orig_compute = actions._compute
    monkeypatch.setattr(actions, "_compute", lambda *a: computed.append(1) or orig_compute(*a))
    assert cli.main(["run", str(path)]) == 0
    assert calls.count("Data") == 1 and calls.count("Indicators") == 1
    assert len(computed) == 1


def test_share_refuses_a_formula_it_cannot_carry_in_one_line(tmp_path, capsys):
    import re

    from .rich_books import filled, rewrite, sheet_part
    src = filled(tmp_path)

    def edit(items):
        part = sheet_part(items, "Data")
        items[part] = re.sub(rb'<c r="D3"([^>]*)><v>([^<]+)</v></c>',
                             rb'<c r="D3"\1><f>INDIRECT("E3")*0+\2</f><v>\2</v></c>', items[part])
        return items
    book = rewrite(src, tmp_path / "indirect.xlsx", edit)
    assert cli.main(["share", str(book), "--out", str(tmp_path / "s.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "indirect.xlsx" in err and "sheet Data, cell D3" in err and "INDIRECT" in err
    assert "Traceback" not in err and not (tmp_path / "s.xlsx").exists()
    assert cli.main(["run", str(book)]) == 0          # run reads the saved value


def test_share_skips_blank_rows_as_run_does(tmp_path, capsys):
    """run skips blank rows inside Data; so does share (its formulas skip those rows: see
    tests/test_share_blank_rows.py for the numbers)."""
    from .test_package import _with_blank_rows
    book = _with_blank_rows(tmp_path, [14])
    assert cli.main(["share", str(book), "--out", str(tmp_path / "s.xlsx")]) == 0
    assert (tmp_path / "s.xlsx").exists()


def test_template_build_never_replaces_an_existing_workbook(tmp_path, capsys):
    """A filled workbook named like a template is not overwritten by `template build`."""
    folder = tmp_path / "tb"
    folder.mkdir()
    mine = folder / "entropy_topsis_ccd.xlsx"
    mine.write_bytes(b"my filled workbook")
    assert cli.main(["template", "build", "--dir", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "entropy_topsis_ccd.xlsx" in err and "--force" in err
    assert mine.read_bytes() == b"my filled workbook"
    assert not (folder / "coupling_coordination.xlsx").exists()     # nothing written at all
    assert cli.main(["template", "build", "--dir", str(folder), "--force"]) == 0
    assert mine.read_bytes()[:2] == b"PK"


def test_run_and_validate_refuse_a_share_workbook(tmp_path, capsys):
    """`run` on a share workbook would replace its live formulas by values: refused, unchanged."""
    src = tmp_path / "book.xlsx"
    assert cli.main(["new", "entropy_topsis_ccd", str(src), "--sample"]) == 0
    shared = tmp_path / "book-share.xlsx"
    assert cli.main(["share", str(src), "--out", str(shared)]) == 0
    before = shared.read_bytes()
    capsys.readouterr()
    for command in ("run", "validate"):
        assert cli.main([command, str(shared)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "share workbook" in err and "book-share.xlsx" in err
    assert shared.read_bytes() == before
