"""LibreOffice headless: open our workbooks, recalculate, convert (stands in for Excel here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice():
    """LibreOffice is part of CI (.ci/run installs it): on CI its absence is a failure."""
    if SOFFICE:
        return SOFFICE
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is not installed; .ci/run must install libreoffice-calc-nogui")
    pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui")


def convert(path, fmt: str, outdir) -> Path:
    """``soffice --headless --convert-to FMT``; returns the converted file."""
    soffice = require_soffice()
    path = Path(path)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    # a private profile per call: parallel or repeated runs never share a locked profile
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), str(path)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    out = outdir / f"{path.stem}.{fmt.split(':')[0]}"
    if proc.returncode != 0 or not out.exists():
        raise AssertionError(f"LibreOffice could not convert {path.name} to {fmt}: "
                             f"rc={proc.returncode} {proc.stdout} {proc.stderr}")
    return out


def pdf_pages(pdf: Path) -> int:
    """Number of pages of a PDF (a cheap sanity check that something was rendered)."""
    import re
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
