"""The Lite copy's main.py runs where jjj-xl is NOT installed (issue 8).

xlwings Lite can install only what Pyodide ships or PyPI has; jjj-xl is on neither, so the
copy's main.py must carry jjj-xl itself and its requirements.txt must name only numpy,
pandas and xlwings. Here main.py runs in a separate interpreter in which jjj_xl cannot be
imported (checked first), and functions and a script are called through xlwings' own
Server/Lite dispatch with Office.js-shaped JSON (tests/lite_driver.py); the answers are
compared with the engine in this process.

Interpreters: this Python with ``-I -S`` (site-packages added without its .pth files, so
the editable jjj-xl install is invisible); this Python as it is, the driver hiding any
installed jjj_xl behind a first meta-path finder; plus every interpreter listed in the
environment variable JJJ_LITE_PYTHONS (os.pathsep-separated), e.g. venvs holding only
numpy/pandas/xlwings at the versions of the Pyodide release xlwings Lite uses
(numpy 2.0.2, pandas 2.2.3: Pyodide 0.27) and at the declared minimums (numpy 1.23.5,
pandas 1.5.3); .ci/run creates them.
"""

import ast
import json
import os
import shutil
import site
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import jjj_xl as jx
from jjj_xl.datasets import load_sample
from jjj_xl.excel import lite
from jjj_xl.workbook import layout
from jjj_xl.workbook.templates import build_template

from .test_macros_server import filled, frame_at, payload_of

HERE = Path(__file__).parent


def interpreters():
    found = [pytest.param(None, id="this-python-I-S"),
             pytest.param("hidden", id="this-python-jjj-installed-but-hidden")]
    for exe in filter(None, os.environ.get("JJJ_LITE_PYTHONS", "").split(os.pathsep)):
        found.append(pytest.param(exe, id=Path(exe).parent.parent.name or exe))
    return found


@pytest.fixture(scope="module")
def lite_copy(tmp_path_factory):
    d = tmp_path_factory.mktemp("lite_standalone")
    src = d / "template.xlsx"
    build_template("entropy_topsis_ccd").save(src)
    out = lite.embed_lite(src, d / "template_lite.xlsx")
    code = lite.read_lite(out)
    (d / "main.py").write_text(code["main.py"], encoding="utf-8")
    shutil.copy(HERE / "xlserver.py", d / "xlserver.py")
    return d, code


def test_requirements_name_only_what_lite_can_install(lite_copy):
    """Every requirement is a package Pyodide ships (numpy, pandas) or PyPI has (xlwings);
    jjj-xl (not on PyPI) is not one of them."""
    from packaging.requirements import Requirement

    _, code = lite_copy
    reqs = [Requirement(line) for line in code["requirements.txt"].splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    assert sorted(r.name for r in reqs) == sorted(lite.LITE_REQUIREMENTS)
    by_name = {r.name: r for r in reqs}
    assert not by_name["numpy"].specifier and not by_name["pandas"].specifier  # Pyodide's own
    import xlwings
    assert by_name["xlwings"].specifier.contains(xlwings.__version__)
    assert "jjj" not in code["requirements.txt"].replace("# jjj-xl itself is embedded", "")


def test_main_embeds_the_package_verbatim(lite_copy):
    """The embedded sources are the package's files, byte for byte (generated at export)."""
    _, code = lite_copy
    tree = ast.parse(code["main.py"])
    table = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                 and getattr(node.targets[0], "id", "") == "_JJJ_MODULES")
    embedded = ast.literal_eval(table)
    root = Path(jx.__file__).parent
    assert {"jjj_xl", "jjj_xl.errors", "jjj_xl.methods.weights", "jjj_xl.methods.topsis",
            "jjj_xl.methods.coupling", "jjj_xl.excel.udfs", "jjj_xl.excel.macros",
            "jjj_xl.workbook.actions",
            # issue 9 functions: AHP, grey relational analysis, relative development
            "jjj_xl.methods.ahp", "jjj_xl.methods.grey", "jjj_xl.methods.development"} <= set(embedded)
    for name, (is_pkg, source) in embedded.items():
        rel = Path(*name.split(".")[1:])
        path = root / rel / "__init__.py" if is_pkg else (root / rel).with_suffix(".py")
        assert source == path.read_text(encoding="utf-8"), name
    assert "openpyxl" not in {m.split(".")[0] for m in embedded}


def test_literal_round_trip():
    for text in ['a """ b', "back\\slash", 'ends with "', "x\\n'''y'''\\\\", ""]:
        assert ast.literal_eval(lite._literal(text)) == text


def _calls():
    s = load_sample("paper000")
    X = s.data[list(s.indicators["code"])].to_numpy().tolist()
    dirs = list(s.indicators["direction"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        payload = json.loads(json.dumps(payload_of(filled()), default=str))
    U = [[0.4, 0.9, 0.6], [0.55, 0.6, 0.5]]
    err = {"type": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"}
    return X, dirs, U, payload, [
        {"kind": "udf", "name": "jjj_version", "args": []},
        {"kind": "udf", "name": "jjj_entropy_weights", "args": [X, [dirs], None, None]},
        {"kind": "udf", "name": "jjj_coupling", "args": [U, None, [["ring"]], [[True]]]},
        {"kind": "udf", "name": "jjj_topsis", "args": [[[1, 2], [err, 4]], [[0.5, 0.5]], None, None,
                                                       None, None]},
        {"kind": "script", "name": "jjj_compute_all", "payload": payload},
        # issue 9 functions (modules ahp, grey, development embedded)
        {"kind": "udf", "name": "jjj_ahp", "args": [AHP3, None]},
        {"kind": "udf", "name": "jjj_grey_grade", "args": [X, [dirs], None, None, None, None]},
        {"kind": "udf", "name": "jjj_rel_dev", "args": [[[0.5, 0.2], [0.0, 0.4]], None, None, None,
                                                        None, None]},
        {"kind": "udf", "name": "jjj_coupling", "args": [[[0.2, 0.8]], None, [["fan"]], None,
                                                         [["right"]], None, [["zh"]]]},
    ]


AHP3 = [[1, 3, 5], [None, 1, "3"], [None, None, 1]]   # upper triangle, as typed


@pytest.mark.parametrize("exe", interpreters())
def test_main_runs_without_jjj_xl(lite_copy, tmp_path, exe):
    d, _ = lite_copy
    X, dirs, U, payload, calls = _calls()
    calls_path = tmp_path / "calls.json"
    calls_path.write_text(json.dumps(calls), encoding="utf-8")
    if exe is None:
        cmd = [sys.executable, "-I", "-S", str(HERE / "lite_driver.py"), str(d), str(d), str(calls_path),
               os.pathsep.join(site.getsitepackages())]
    elif exe == "hidden":   # site-packages as usual (jjj-xl may be installed): the driver hides it
        cmd = [sys.executable, "-I", str(HERE / "lite_driver.py"), str(d), str(d), str(calls_path)]
    else:
        cmd = [exe, "-I", str(HERE / "lite_driver.py"), str(d), str(d), str(calls_path)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "XLWINGS"))}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["jjj_xl"].startswith("<main.py"), out["jjj_xl"]   # served from main.py
    print("lite main.py ran with", out["versions"])
    version, weights, coupling, bad, script, ahp, grey, reldev, fan = out["results"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        ref_ahp = jx.ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
        ref_grey = jx.grey_relational_grade(np.array(X), dirs)
    assert "ok" in ahp, ahp
    np.testing.assert_allclose([r[0] for r in ahp["ok"]], ref_ahp.w, rtol=1e-12)
    np.testing.assert_allclose(ahp["ok"][0][1:], [ref_ahp.lambda_max, ref_ahp.CI, ref_ahp.CR], rtol=1e-12)
    np.testing.assert_allclose([r[0] for r in grey["ok"]], ref_grey.grade, rtol=1e-12)
    assert [r[1] for r in grey["ok"]] == list(ref_grey.rank)
    assert reldev["ok"][1][0] == "∞" and reldev["ok"][0][:2] == [0.4, 1]
    # Fan (0.2, 0.8): C 0.4, T 0.5, D = √0.2 = 0.447, in (0.4, 0.5] → level 5 濒临失调
    np.testing.assert_allclose(fan["ok"][0][:3], [0.4, 0.5, np.sqrt(0.2)], rtol=1e-12)
    assert fan["ok"][0][3:] == [5, "濒临失调"]

    assert version == {"ok": [[jx.__version__]]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        ref_w = jx.entropy_weights(np.array(X), dirs).w
        res = jx.entropy_topsis_coupling(load_sample("paper000").data, load_sample("paper000").indicators)
    np.testing.assert_allclose(weights["ok"][0], ref_w, rtol=1e-12)
    ref_c = jx.coupling(U, model="ring")
    assert coupling["ok"][0] == ["C", "T", "D"]
    np.testing.assert_allclose(np.array(coupling["ok"][1:], dtype=float),
                               np.column_stack([ref_c.C, ref_c.T, ref_c.D]), rtol=1e-12)
    assert bad == {"error": "XlwingsError: row 2, column 1 of data: the Excel error #DIV/0!; numbers only"}
    grids = script["ok"]
    scores = frame_at(grids["Scores"], layout.ENTROPY_TOPSIS_CCD.outputs["scores"])
    np.testing.assert_allclose(scores["overall"].astype(float), res.scores["overall"], rtol=1e-9)
