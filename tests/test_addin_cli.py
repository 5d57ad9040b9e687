"""`jjj-xl addin build` / `addin doctor` from the command line (issue 8)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jjj_xl.excel import addin

ROOT = Path(__file__).resolve().parent.parent


def cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "jjj_xl", "addin", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_build_names_this_python_and_doctor_agrees(tmp_path):
    pytest.importorskip("pyopenvba")
    out = tmp_path / "jjj_xl.xlam"
    res = cli("build", "--out", str(out))
    assert res.returncode == 0, res.stderr
    key = addin.interpreter_key().upper()
    assert addin.read_addin(out)["config"][key] == sys.executable
    doc = cli("doctor", "--file", str(out))
    assert doc.returncode == 0, doc.stdout + doc.stderr
    assert sys.executable in doc.stdout and "imports jjj_xl" in doc.stdout


def test_build_with_interpreter_and_doctor_reports_it_missing(tmp_path):
    pytest.importorskip("pyopenvba")
    out = tmp_path / "jjj_xl.xlam"
    other = tmp_path / "elsewhere" / "python"
    assert cli("build", "--out", str(out), "--interpreter", str(other)).returncode == 0
    doc = cli("doctor", "--file", str(out))
    assert doc.returncode == 1
    assert f"PROBLEM: {other} does not exist here" in doc.stdout
    assert "Traceback" not in doc.stdout + doc.stderr
