"""LibreOffice (standing in for Excel here) opens every template and the demo workbook."""

import pytest

from jjj_xl import cli
from jjj_xl.workbook import layout

from .conftest import ROOT
from .libreoffice import convert, pdf_pages


@pytest.mark.parametrize("name", list(layout.TEMPLATES))
def test_committed_template_renders_to_pdf(name, tmp_path):
    pdf = convert(ROOT / "workbook_templates" / layout.TEMPLATES[name].filename, "pdf", tmp_path)
    assert pdf_pages(pdf) >= len(layout.TEMPLATES[name].sheets) - 2


def test_demo_workbook_renders_and_recalculates(tmp_path, capsys):
    demo = tmp_path / "demo.xlsx"
    assert cli.main(["demo", "--out", str(demo)]) == 0
    assert pdf_pages(convert(demo, "pdf", tmp_path / "pdf")) > 5
    # recalculated by LibreOffice, the chart helper formulas give the engine's D values
    from openpyxl import load_workbook
    recalc = load_workbook(convert(demo, "xlsx", tmp_path / "lo"), data_only=True)
    original = load_workbook(demo)
    coupling = layout.ENTROPY_TOPSIS_CCD.outputs["coupling"]
    ws_o, ws_r = original[coupling.sheet], recalc[coupling.sheet]
    for r in range(coupling.row + 1, coupling.row + 37):
        assert ws_r.cell(r, coupling.col + 4).value == pytest.approx(ws_o.cell(r, coupling.col + 4).value,
                                                                     rel=1e-12)
    values = [c.value for row in recalc["Charts"].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("#REF") for v in values)
