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
VIEWS = [("entropy_topsis_ccd", "Guide", "en"), ("entropy_topsis_ccd", "Coupling", "en"),
         ("entropy_topsis_ccd", "Charts", "en"), ("ideal_solution_index", "IndexTables", "en"),
         ("ideal_solution_index", "Charts", "en"), ("coupling_coordination", "Results", "en"),
         # the same workbooks in Chinese (Settings lang = zh: headers, notes, titles)
         ("entropy_topsis_ccd", "Guide", "zh"), ("entropy_topsis_ccd", "Coupling", "zh"),
         ("entropy_topsis_ccd", "Charts", "zh"), ("ideal_solution_index", "IndexTables", "zh"),
         ("coupling_coordination", "Results", "zh")]


def render(template: str, sheet: str, work: Path, lang: str = "en") -> Path:
    book = work / f"{template}-{lang}.xlsx"
    if not book.exists():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cli.main(["new", template, str(book), "--sample", "--lang", lang])
    # the whole workbook to PDF once; the sheet's first page is found by its footer (every
    # printed page names its sheet: hand-over printing)
    tag = "" if lang == "en" else f"-{lang}"
    pdf = work / f"{book.stem}.pdf"
    if not pdf.exists():
        if sheet == "Charts":
            from jjj_xl.workbook.templates import restore_charts
            wb = load_workbook(book)
            restore_charts(wb, template, lang=lang)
            wb.save(book)
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(work), str(book)],
                           check=True, capture_output=True, timeout=600)
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    page = None
    for k in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(k), "-l", str(k), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
        if lines and lines[-1].split()[0] == sheet:
            page = k
            break
    if page is None:
        raise SystemExit(f"{template} ({lang}): no printed page of sheet {sheet}")
    png = SHOTS / f"{template}-{sheet}{tag}"
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(png)], check=True)
    return png.with_suffix(".png")


def main() -> int:
    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        print("needs LibreOffice (soffice) and poppler-utils (pdftoppm)", file=sys.stderr)
        return 1
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for template, sheet, lang in VIEWS:
            print(render(template, sheet, Path(tmp), lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
