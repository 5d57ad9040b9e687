"""The README's Python examples run as printed, and its two commands are the ones CI uses."""

import re
import subprocess
import warnings


import jjj_xl as jx

from .conftest import ROOT, shared_file

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_python_examples_run(monkeypatch):
    shared_file("data", "jjj_province_innovation_2012_2022.csv")
    monkeypatch.chdir(ROOT)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        for block in _python_blocks():
            exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["jx"].grade(0.65, lang="zh") == (7, "初级协调")
    table = namespace["res"].tables["I"]
    # the numbers the README quotes
    assert round(table.loc["Beijing", 2012], 3) == 0.048
    assert round(table.loc["Beijing", 2022], 3) == 0.995


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in script
    out = subprocess.run(["awk", r'/<!-- test-command -->/{f=1; next} f && /^```bash/{g=1; next} '
                          r'g && /^```/{exit} g{print}', "README.md"], cwd=ROOT,
                         capture_output=True, text=True).stdout.strip()
    assert out == 'python -m pip install -e ".[dev]" && python -m pytest -q'
    assert "<!-- demo-command -->" in README and "jjj-xl demo" in README
