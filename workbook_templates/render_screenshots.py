"""Render what an analyst sees: each template, filled with the bundled sample, through LibreOffice.

    python workbook_templates/render_screenshots.py   (needs soffice and pdftoppm)

Writes PNGs into workbook_templates/screenshots/ for the README. The sample data are
illustrative (generated), not official statistics.
"""

import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from openpyxl import load_workbook

from jjj_xl import cli

HERE = Path(__file__).resolve().parent
SHOTS = HERE / "screenshots"
VIEWS = [("entropy_topsis_ccd", "Guide"), ("entropy_topsis_ccd", "Coupling"),
         ("entropy_topsis_ccd", "Charts"), ("ideal_solution_index", "IndexTables"),
         ("ideal_solution_index", "Charts"), ("coupling_coordination", "Results")]


def render(template: str, sheet: str, work: Path) -> Path:
    book = work / f"{template}.xlsx"
    if not book.exists():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cli.main(["new", template, str(book), "--sample"])
    # LibreOffice prints every sheet: hide all but one so the PDF is that sheet alone
    wb = load_workbook(book)
    if sheet == "Charts":
        from jjj_xl.workbook.templates import restore_charts
        restore_charts(wb, template)
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws.title == sheet else "hidden"
    wb.active = wb.sheetnames.index(sheet)
    one = work / f"{template}-{sheet}.xlsx"
    wb.save(one)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(work), str(one)],
                       check=True, capture_output=True, timeout=300)
    png = SHOTS / f"{template}-{sheet}"
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(work / f"{one.stem}.pdf"), str(png)], check=True)
    return png.with_suffix(".png")


def main() -> int:
    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        print("needs LibreOffice (soffice) and poppler-utils (pdftoppm)", file=sys.stderr)
        return 1
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for template, sheet in VIEWS:
            print(render(template, sheet, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
