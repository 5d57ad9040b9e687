"""Every JJJ_* formula on a template's Formulas sheet reserves exactly the range its result
fills (issue 8: JJJ_COUPLING sat in C13:I15 but returns 3 columns; a single-cell
JJJ_CCD_GRADE showed only the level; JJJ_ENTROPY_TABLE reserved 5 columns for 3).

The formulas are evaluated here by calling the Python functions behind them with the
arguments Excel would pass: the template filled with its bundled sample, structured
references and named settings resolved, earlier results (the weights row) reused. The shape
of each result is compared with the array-formula range; only JJJ_TOPSIS, whose length
follows the data, may reserve more rows (documented: extra cells show #N/A).
"""

import re
import warnings

import pytest
from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from jjj_xl.workbook.templates import unguard

from jjj_xl.datasets import load_sample
from jjj_xl.excel import udfs
from jjj_xl.workbook import layout
from jjj_xl.workbook.templates import FORMULAS_SHEET, SAMPLE_FOR, build_template, fill_inputs

GROWS_WITH_DATA = {"JJJ_TOPSIS"}


def split_args(text):
    args, depth, cur, quoted = [], 0, "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if not quoted and ch in "([{":
            depth += 1
        elif not quoted and ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            args.append(cur)
            cur = ""
        else:
            cur += ch
    args.append(cur)
    return args


class Evaluator:
    def __init__(self, name):
        self.tpl = layout.TEMPLATES[name]
        s = load_sample(SAMPLE_FOR[name])
        self.indicators, self.data = s.indicators, s.data
        self.wb = fill_inputs(build_template(name), name, s.indicators, s.data)
        self.settings = {st.name: st.default for st in self.tpl.settings}
        self.results = {}            # "$C$8:$P$8" -> values

    def arg(self, text):
        t = text.strip()
        ind, data = self.tpl.inputs
        if t == "":
            return None
        if t in ("TRUE", "FALSE"):
            return t == "TRUE"
        if t.startswith('"'):
            return t.strip('"')
        if re.fullmatch(r"-?\d+(\.\d+)?", t):
            return float(t)
        if t in self.settings:
            return self.settings[t]
        if t.startswith("{"):
            return [[v.strip('"') if v.startswith('"') else float(v) for v in r.split(",")]
                    for r in t.strip("{}").split(";")]
        if m := re.fullmatch(rf"{data.table}\[\[(\w+)\]:\[(\w+)\]\]", t):
            cols = list(self.data.columns)
            codes = cols[cols.index(m.group(1)): cols.index(m.group(2)) + 1]
            return self.data[codes].to_numpy().tolist()
        if m := re.fullmatch(rf"TRANSPOSE\({ind.table}\[(\w+)\]\)", t):
            return [list(self.indicators[m.group(1)])]
        if t.replace("$", "") in self.results:
            return self.results[t.replace("$", "")]
        raise AssertionError(f"argument not understood by the test: {t}")

    def call(self, formula):
        m = re.fullmatch(r"=(JJJ_\w+)\((.*)\)", formula)
        fn = getattr(udfs, m.group(1).lower())
        args = [self.arg(a) for a in split_args(m.group(2))] if m.group(2) else []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(*args)
        return out if isinstance(out, list) else [[out]]


def formulas(ws):
    for row in ws.iter_rows():
        for c in row:
            v = c.value
            text = v.text if isinstance(v, ArrayFormula) else v
            text = unguard(text) if isinstance(text, str) else text   # IFERROR(…) around it
            if isinstance(text, str) and text.startswith("=JJJ_"):
                ref = v.ref if isinstance(v, ArrayFormula) else f"{c.coordinate}:{c.coordinate}"
                yield c.coordinate, ref, text


TEMPLATES = [n for n, t in layout.TEMPLATES.items() if FORMULAS_SHEET in t.sheets]


@pytest.mark.parametrize("name", TEMPLATES)
def test_reserved_ranges_fit_the_results(name):
    ev = Evaluator(name)
    seen = set()
    for coord, ref, formula in formulas(ev.wb[FORMULAS_SHEET]):
        c1, r1, c2, r2 = range_boundaries(ref)
        out = ev.call(formula)
        rows, cols = len(out), max(len(r) for r in out)
        assert all(len(r) == cols for r in out), formula
        fn = formula[1:].split("(")[0]
        seen.add(fn)
        reserved = (r2 - r1 + 1, c2 - c1 + 1)
        if fn in GROWS_WITH_DATA:
            assert cols == reserved[1] and rows <= reserved[0], (ref, formula, (rows, cols))
        else:
            assert (rows, cols) == reserved, (ref, formula, (rows, cols))
        ev.results[ref] = out
    assert {"JJJ_VERSION", "JJJ_ENTROPY_WEIGHTS", "JJJ_CCD_GRADE", "JJJ_COUPLING", "JJJ_TOPSIS",
            "JJJ_ENTROPY_TABLE", "JJJ_AHP", "JJJ_POSITIVIZE", "JJJ_REL_DEV"} <= seen


@pytest.mark.parametrize("header", [False, True])
def test_header_adds_exactly_one_row(header):
    X = load_sample("paper000").data.iloc[:, 2:6].to_numpy().tolist()
    U = [[0.4, 0.9, 0.6], [0.55, 0.6, 0.5]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shapes = {
            "entropy_table": udfs.jjj_entropy_table(X, None, None, None, header),
            "topsis_table": udfs.jjj_topsis_table(X, [[0.25] * 4], None, None, None, None, header),
            "coupling": udfs.jjj_coupling(U, None, None, header),
            "obstacle": udfs.jjj_obstacle(X, [[0.25] * 4], None, 2, header),
        }
    expected = {"entropy_table": (4, 3), "topsis_table": (len(X), 4), "coupling": (2, 3),
                "obstacle": (len(X), 4)}
    for key, out in shapes.items():
        rows, cols = expected[key]
        assert (len(out), len(out[0])) == (rows + header, cols), key


def test_guide_signatures_match_the_functions():
    """The Guide's list (templates.FUNCTIONS) shows [optional] exactly where the function has
    a default."""
    import inspect
    from jjj_xl.workbook.templates import FUNCTIONS
    for signature, *_ in FUNCTIONS:
        name, _, params = signature.partition("(")
        if params.startswith("..."):
            continue
        fn = getattr(udfs, name.lower())
        shown = [p.strip() for p in params.rstrip(")").split(",") if p.strip()]
        real = inspect.signature(fn).parameters
        assert [p.strip("[]") for p in shown] == list(real), name
        for p in shown:
            assert p.startswith("[") == (real[p.strip("[]")].default is not inspect.Parameter.empty), (name, p)


def test_issue9_examples_show_the_published_numbers():
    """The Formulas sheet's issue 9 examples compute what their labels promise: Fan, Ke & Cao
    (2024) (0.2, 0.8) → C 0.4, T 0.5, D 0.447214 and, right-closed (Tian et al. 2021, Table 1),
    (0.25, 0.25) → D 0.5 → level 5; middle 7: 5, 7, 8, 9 → 0, 1, 0.5, 0; a consistent 3 × 3
    AHP-like matrix (1, 3, 5 / 1/3, 1, 3 / 1/5, 1/3, 1) has CR < 0.1."""
    ev = Evaluator("entropy_topsis_ccd")
    out = {}
    for _, ref, formula in formulas(ev.wb[FORMULAS_SHEET]):
        fn = formula[1:].split("(")[0]
        key = "fan" if fn == "JJJ_COUPLING" and '"fan"' in formula else fn
        if key in ("fan", "JJJ_AHP", "JJJ_POSITIVIZE", "JJJ_REL_DEV"):
            out[key] = ev.call(formula)
    fan = out["fan"]
    assert fan[0] == ["C", "T", "D", "level", "label"]
    assert [round(v, 6) for v in fan[1][:3]] == [0.4, 0.5, 0.447214] and fan[1][3] == 5
    assert fan[2][2] == 0.5 and fan[2][3] == 5
    assert out["JJJ_POSITIVIZE"] == [[0.0], [1.0], [0.5], [0.0]]
    ahp = out["JJJ_AHP"]
    assert ahp[0] == ["w", "lambda_max", "CI", "CR"] and ahp[1][3] < 0.1
    assert abs(sum(r[0] for r in ahp[1:]) - 1) < 1e-12
    rel = out["JJJ_REL_DEV"]
    assert [r[:2] for r in rel[1:]] == [[0.4, 1], [1.0, 2], [2.5, 3]]
