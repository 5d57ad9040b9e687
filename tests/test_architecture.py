"""The folders show the architecture: dependencies point excel/ -> workbook/ -> methods/.

Checked statically (every import statement of every module, including ones inside
functions), so a lazy import cannot hide a wrong-way dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "jjj_xl"

# what each layer may never import (absolute module prefixes)
FORBIDDEN = {
    "methods": ("jjj_xl.workbook", "jjj_xl.excel", "jjj_xl.cli", "openpyxl", "xlwings",
                "defusedxml", "python_calamine"),
    "workbook": ("jjj_xl.excel", "jjj_xl.cli", "xlwings.pro"),
    "excel": ("jjj_xl.cli", "xlwings.pro"),
}


def _imports(path: Path, package: str | None = None) -> list[tuple[int, str]]:
    """Absolute names of every module imported anywhere in the file."""
    if package is None:
        package = ".".join(path.relative_to(PKG.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.append((node.lineno, mod))
            found += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
    return found


def _modules(layer):
    return sorted((PKG / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_one_way(layer):
    files = _modules(layer)
    assert files, f"jjj_xl/{layer}/ has no modules"
    wrong = [f"{p.relative_to(PKG.parent)}:{line} imports {mod}"
             for p in files for line, mod in _imports(p)
             if any(mod == f or mod.startswith(f + ".") for f in FORBIDDEN[layer])]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_a_wrong_way_import(tmp_path):
    """The check itself can fail: a methods module importing openpyxl lazily is caught."""
    fake = tmp_path / "probe.py"
    fake.write_text("def f():\n    from ..workbook import book\n    import openpyxl\n")
    mods = [m for _, m in _imports(fake, package="jjj_xl.methods")]
    assert "jjj_xl.workbook" in mods and "jjj_xl.workbook.book" in mods and "openpyxl" in mods
