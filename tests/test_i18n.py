"""The language switch (issue 11 items 1 and 5): one catalogue (jjj_xl/i18n.py), zh everywhere
text leaves jjj-xl, en as before; the command line reports what it wrote and every warning.

The end-to-end test drives the real command line on every template in zh — new --sample,
run, run --action after_d, validate, share, demo, template build, plus refused inputs — and
then reads back every written cell, every chart title (the chart XML in the files) and every
console line: none may hold an English sentence (two or more English words in a row; method
names, formulas, cell references and the user's own names aside, see i18n.english_sentence).
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jjj_xl import i18n
from jjj_xl.cli import main
from jjj_xl.i18n import EXACT, PATTERNS, english_sentence, has_cjk, tr
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import detect_template, validate_book
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.templates import _typed_cells

NAMES = list(layout.TEMPLATES)


def _cli(*argv) -> tuple[int, list[str]]:
    """Run the command line; (exit code, every stdout and stderr line)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([str(a) for a in argv])
    lines = [ln for ln in (out.getvalue() + err.getvalue()).splitlines() if ln.strip()]
    return rc, lines


# ---------------------------------------------------------------- the catalogue

def test_every_template_has_chinese_with_the_same_placeholders():
    assert len(PATTERNS) > 50
    for rx, zh in PATTERNS + i18n.JOINS:
        used = set(re.findall(r"{(\w+)}", zh))
        assert used == set(rx.groupindex), (rx.pattern, zh)
        assert has_cjk(zh) or not english_sentence(rx.pattern.replace("\\", "")), rx.pattern
    for en, zh in EXACT.items():
        assert zh is None or has_cjk(zh) or zh == en, (en, zh)
        assert zh is None or english_sentence(zh) is None, (en, zh)


def test_registered_pairs_come_from_the_layout():
    # the Settings labels and notes already carry their Chinese: the catalogue reads them there
    for tpl in layout.TEMPLATES.values():
        for s in tpl.settings:
            assert tr(s.label, "zh") == s.label_zh
            assert tr(s.note, "zh") == s.note_zh
    assert tr("Barely coordinated", "zh") == "勉强协调"


def test_templates_translate_their_groups_and_en_is_the_source():
    msg = "economy score: Data row 7 (Beijing 2019) is at the ideal (d⁺ = 0): closeness 1"
    assert tr(msg, "en") == msg
    assert tr(msg, "zh") == "economy 得分：Data 表第 7 行（Beijing 2019） 位于正理想解（d⁺ = 0）：贴近度为 1"
    # a user name passes through, or becomes its name_zh when given
    assert tr("GDP +10%", "zh", {"GDP": "地区生产总值"}) == "地区生产总值 +10%"
    assert tr("Beijing", "zh") == "Beijing"
    assert tr("=MATCH(\"year\",A1:J1,0)", "zh").startswith("=MATCH(\"year\"")   # formulas untouched
    # bilingual source text: the Chinese half, symbols kept
    assert tr("Gw share 占比", "zh") == "Gw 占比"
    assert tr("I 莫兰指数", "zh") == "I 莫兰指数"
    assert tr("minmax：极差标准化", "zh") == "minmax：极差标准化"


def test_the_detector_is_not_blind():
    assert english_sentence("the header row needs a column") == "the header row needs"
    assert english_sentence("已写入 out.xlsx") is None
    assert english_sentence("TOPSIS 贴近度") is None
    assert english_sentence("=IFERROR(MATCH(\"year\",A1:J1,0),1)") is None
    assert english_sentence("2 条警告已写入 the Notes sheet") is not None


# ---------------------------------------------------------------- zh end to end

def _scan_workbook(path: Path, where: str) -> list[str]:
    """English sentences in the written cells (not the user's input bodies nor the keywords
    typed in Settings) and in the chart titles of a workbook."""
    found = []
    wb = load_workbook(path)
    tpl = None
    try:
        tpl = detect_template(OpenpyxlBook(workbook=wb))
    except Exception:   # noqa: BLE001
        pass
    for ws in wb.worksheets:
        if ws.title == layout.CONF_SHEET:
            continue
        skip = _typed_cells(ws, tpl) if tpl is not None else set()
        for row in ws.iter_rows():
            for c in row:
                if (c.row, c.column) in skip:
                    continue
                e = english_sentence(c.value)
                if e:
                    found.append(f"{where} {ws.title}!{c.coordinate}: {e!r} in {str(c.value)[:120]!r}")
        for dv in ws.data_validations.dataValidation:
            for text in (dv.prompt, dv.error, dv.promptTitle, dv.errorTitle):
                e = english_sentence(text)
                if e:
                    found.append(f"{where} {ws.title} validation: {e!r} in {text[:120]!r}")
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        for n in charts:
            xml = z.read(n).decode("utf-8")
            for text in re.findall(r"<a:t>([^<]*)</a:t>|<c:v>([^<]*)</c:v>", xml):
                t = text[0] or text[1]
                e = english_sentence(t)
                if e:
                    found.append(f"{where} {n}: {e!r} in {t[:120]!r}")
    return found


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("zh")
    lines, books, codes = [], [], {}

    def cli(*argv):
        rc, out = _cli(*argv)
        codes[" ".join(map(str, argv))] = rc
        lines.extend(out)
        return rc, out

    for name in NAMES:
        book = d / f"{name}.xlsx"
        cli("new", name, book, "--sample", "--lang", "zh")
        cli("run", book)
        cli("validate", book)
        share = d / f"{name}-share.xlsx"
        cli("share", book, "--out", share)
        books += [book, share]
        blank = d / f"{name}-blank.xlsx"
        cli("new", name, blank, "--lang", "zh")
        books.append(blank)
        cli("run", blank)                     # refused: no data yet (an error line in zh)
    ccd = d / "entropy_topsis_ccd.xlsx"
    after = d / "after_d.xlsx"
    cli("run", ccd, "--action", "after_d", "--out", after)
    books.append(after)
    demo = d / "demo.xlsx"
    cli("demo", "--lang", "zh", "--out", demo)
    books.append(demo)
    tdir = d / "templates"
    cli("template", "build", "--dir", tdir, "--lang", "zh")
    books += sorted(tdir.glob("*.xlsx"))
    # refused inputs: a text in a number cell, a blank year; an existing --out; a missing file
    bad = d / "bad.xlsx"
    shutil.copy(ccd, bad)
    wb = load_workbook(bad)
    wb["Data"]["C5"] = "n/a"
    wb["Data"]["B9"] = None
    wb["Data"]["B10"] = wb["Data"]["B11"].value          # a region-year twice
    wb["Data"]["D12"] = True
    wb["Indicators"]["E3"] = "up"                        # a direction not understood
    wb["Indicators"]["A5"] = wb["Indicators"]["A4"].value   # a code twice
    sheet, r, c = layout.ENTROPY_TOPSIS_CCD.setting_cell("method")
    wb[sheet].cell(r, c).value = "zscore-ish"            # a setting not in the list
    wb.save(bad)
    cli("validate", bad)
    cli("run", bad)
    cli("run", ccd, "--out", after, "--lang", "zh")
    cli("run", d / "missing.xlsx", "--lang", "zh")
    return {"dir": d, "lines": lines, "books": books, "codes": codes}


def test_zh_everything_written_is_chinese(zh_run):
    found = []
    for path in zh_run["books"]:
        assert path.exists(), path
        found += _scan_workbook(path, path.name)
    assert not found, f"{len(found)} English sentences in zh workbooks:\n" + "\n".join(found[:40])


def test_zh_every_console_line_is_chinese(zh_run):
    lines = zh_run["lines"]
    assert len(lines) > 40
    bad = [ln for ln in lines if english_sentence(ln)]
    assert not bad, "English console lines in zh:\n" + "\n".join(bad[:40])
    # the refusals were refusals (exit code 2), and said where
    codes = zh_run["codes"]
    for key, rc in codes.items():
        refused = "bad.xlsx" in key or "missing" in key or "-blank" in key and key.startswith("run") \
            or key.startswith("run") and "--out" in key and "--lang" in key
        assert (rc != 0) == refused, (key, rc)
    for cell in ("Data!C5", "Data!B9", "Data!A11", "Data!D12", "Indicators!E3", "Indicators!A5",
                 "Settings!C3"):
        assert any(cell in ln for ln in lines), cell


def test_zh_results_use_name_zh_and_chinese_headers(zh_run):
    book = zh_run["dir"] / "entropy_topsis_ccd.xlsx"
    wb = load_workbook(book)
    ind = wb["Indicators"]
    header = [c.value for c in ind[1]]
    assert header[:6] == ["代码", "指标名称", "中文名称", "维度", "方向", "单位"]   # read back: run worked
    names_zh = [ind.cell(r, 3).value for r in range(2, ind.max_row + 1) if ind.cell(r, 1).value]
    w = wb["Weights"]
    head = [c.value for c in w[2]]
    assert head[:3] == ["维度", "指标", "方向"]
    col = head.index("指标") + 1
    assert [w.cell(r, col).value for r in range(3, 3 + len(names_zh))] == names_zh
    assert [c.value for c in wb["Data"][1]][:2] == ["地区", "年份"]
    assert wb["Notes"]["A1"].value == "方法说明"


def test_zh_charts_still_read_the_results(zh_run):
    # the Charts helper formulas find the result columns under their Chinese headers
    wb = load_workbook(zh_run["dir"] / "entropy_topsis_ccd.xlsx")
    formulas = [c.value for row in wb["Charts"].iter_rows() for c in row
                if isinstance(c.value, str) and "MATCH(" in c.value]
    assert formulas and all('MATCH("年份"' in f or 'MATCH("D"' in f or 'MATCH("w"' in f
                            or 'MATCH("指标"' in f or "MATCH(\"地区\"" in f for f in formulas)


def test_run_reports_every_warning_with_its_excel_row(tmp_path):
    book = tmp_path / "b.xlsx"
    assert _cli("new", "entropy_topsis_ccd", book, "--sample")[0] == 0
    rc, lines = _cli("run", book)
    assert rc == 0
    wb = load_workbook(book)
    notes = {wb["Notes"].cell(r, 1).value: wb["Notes"].cell(r, 2).value
             for r in range(3, wb["Notes"].max_row + 1)}
    written = [v for k, v in notes.items() if str(k).startswith("warning")]
    assert written and lines[0] == f"{len(written)} warning{'s' if len(written) > 1 else ''} " \
                                   f"written to the Notes sheet:"
    for k, text in enumerate(written, start=1):
        assert lines[k] == f"warning {k}: {text}"
        # the Excel row named is the row of that region and year on the Data sheet
        m = re.search(r"Data row (\d+) \((\S+) (\d{4})\)", text)
        assert m, text
        row = int(m.group(1))
        assert (wb["Data"].cell(row, 1).value, wb["Data"].cell(row, 2).value) == \
            (m.group(2), int(m.group(3)))
    assert lines[-1].startswith("entropy_topsis_ccd: wrote Weights, Scores, Coupling, Notes in ")
    assert all(english_sentence(ln) for ln in lines)   # the zh checks' detector sees these
    # the same in Chinese, with --lang (the workbook's Settings stay as they are)
    rc, zh = _cli("run", book, "--lang", "zh")
    assert rc == 0 and zh[0] == f"{len(written)} 条警告已写入 Notes 表："
    assert zh[1].startswith("警告 1：") and "Data 表第" in zh[1]
    wb = load_workbook(book)
    sheet, r, c = layout.ENTROPY_TOPSIS_CCD.setting_cell("lang")
    assert wb[sheet].cell(r, c).value == "en"
    assert wb["Notes"]["A1"].value == "方法说明" and wb["Scores"]["A2"].value == "地区"


def test_chinese_input_headers_are_read_in_an_en_template(tmp_path):
    book = tmp_path / "b.xlsx"
    _cli("new", "entropy_topsis_ccd", book, "--sample")
    wb = load_workbook(book)
    wb["Data"]["A1"], wb["Data"]["B1"] = "城市", "年份"
    for j, h in enumerate(("代码", "指标名称", "中文名称", "维度", "指标方向", "单位"), start=1):
        wb["Indicators"].cell(1, j).value = h
    wb["Data"].tables["tblData"].tableColumns = []
    wb["Indicators"].tables["tblIndicators"].tableColumns = []
    wb.save(book)
    assert validate_book(OpenpyxlBook(book)) == []
    rc, lines = _cli("run", book)
    assert rc == 0, lines


def test_en_is_unchanged(tmp_path):
    book = tmp_path / "b.xlsx"
    _cli("new", "coupling_coordination", book, "--sample")
    wb = load_workbook(book)
    assert [c.value for c in wb["Results"][2]][:7] == ["observation", "C", "T", "D", "level",
                                                       "label", "stage"]
    assert wb["Notes"]["A1"].value == "Method notes 方法说明"
    assert i18n.current() == "en"


# ---------------------------------------------------------------- zh over the settings' variants

U2 = {"observation": ["a", "b", "c", "d", "e"], "economy": [0.5, 0.0, 0.4, 0.2, 0.9],
      "environment": [0.3, 0.6, 0.4, 0.25, 0.1]}

VARIANTS = [
    ("coupling_coordination", {"coupling_model": m, "closed": c, "rescale": r})
    for m in ("classic", "ring", "ring_printed", "wang", "fan") for c in ("left", "right")
    for r in ("none", "0.01-0.99")
] + [
    ("coupling_coordination", {"rd_ratio": "u1/u2", "rd_bounds": "0.9, 1.7", "alpha": "0.4, 0.6"}),
    ("entropy_topsis_ccd", {"method": "max", "closeness": "squared", "distance": "w"}),
    ("entropy_topsis_ccd", {"method": "share", "orientation": "dimensions", "closed": "right"}),
    ("entropy_topsis_ccd", {"coupling_model": "fan", "orientation": "regions", "shift": 0.01}),
    ("ideal_solution_index", {"method": "minmax", "weights": "entropy", "closeness": "ratio",
                              "ideal": "data"}),
]


@pytest.mark.parametrize("name,settings", VARIANTS,
                         ids=[f"{n}-{'-'.join(map(str, s.values()))}" for n, s in VARIANTS])
def test_zh_settings_variants_write_chinese(tmp_path, name, settings):
    import warnings

    import pandas as pd

    from jjj_xl import datasets
    from jjj_xl.errors import JJJWarning
    from jjj_xl.workbook.actions import run_action
    from jjj_xl.workbook.templates import SAMPLE_FOR, build_template, fill_inputs

    tpl = layout.TEMPLATES[name]
    wb = build_template(name, lang="zh")
    if name in SAMPLE_FOR:
        s = datasets.load_sample(SAMPLE_FOR[name])
        fill_inputs(wb, name, s.indicators, s.data)
    else:
        fill_inputs(wb, name, data=pd.DataFrame(U2))
    for key, value in settings.items():
        sheet, row, col = tpl.setting_cell(key)
        wb[sheet].cell(row, col).value = value
    path = tmp_path / "v.xlsx"
    book = OpenpyxlBook(path, workbook=wb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        result = run_action(book, "compute_all")
    book.save(path)
    found = _scan_workbook(path, name)
    from jjj_xl.workbook.actions import _indicator_names_zh
    names = _indicator_names_zh(book, tpl)            # as the command line prints them
    found += [f"warning: {w}" for w in result["warnings"] if english_sentence(tr(w, "zh", names))]
    assert not found, "\n".join(found[:30])


def test_usage_errors_follow_lang_and_a_missing_command_is_an_error():
    """argparse's own messages are console lines too (issue 11 item 1): one line, in zh with
    --lang zh; no command at all prints the help and exits 2."""
    import subprocess
    import sys
    run = [sys.executable, "-m", "jjj_xl"]
    zh = subprocess.run(run + ["run", "x.xlsx", "--lang", "zh", "--bogus"], capture_output=True,
                        text=True)
    assert zh.returncode == 2 and zh.stderr == "jjj-xl: 无法识别的参数：--bogus（见 jjj-xl --help）\n"
    zh = subprocess.run(run + ["run", "--lang", "zh"], capture_output=True, text=True)
    assert zh.returncode == 2 and zh.stderr.startswith("jjj-xl: 缺少必需的参数：book")
    en = subprocess.run(run + ["run"], capture_output=True, text=True)
    assert en.returncode == 2 and en.stderr.startswith(
        "jjj-xl: the following arguments are required: book")
    none = subprocess.run(run, capture_output=True, text=True)
    assert none.returncode == 2 and "usage: jjj-xl" in none.stderr and not none.stdout
