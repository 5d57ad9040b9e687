"""The jjj-xl command: demo workbook, help, one-line errors with exit code 2."""

import subprocess
import sys
import warnings

import numpy as np
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
    assert wb.sheetnames == list(tpl.sheets)
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
