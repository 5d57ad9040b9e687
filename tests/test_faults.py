"""Fault injection (issue 7 item 5): no traceback, ever, from the command line.

Every package part is damaged in every way (truncated, garbage, empty, removed, an XML
entity bomb) for each command that reads a workbook, and internals are made to raise
arbitrary exceptions (RuntimeError, KeyError, MemoryError, OSError(ENOSPC)) for every
command. The answer is always exactly one line on stderr naming the file, exit code 1 or
2 (or a clean success when the damaged part is one the command copies without reading),
and no temporary file left in the folder.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from jjj_xl import cli

from .rich_books import filled, parts, rewrite, rich

BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def _damage(data: bytes, how: str) -> bytes | None:
    if how == "truncate":
        return data[: len(data) // 2]
    if how == "garbage":
        return bytes((i * 131 + 7) % 256 for i in range(max(len(data), 64)))
    if how == "empty":
        return b""
    if how == "remove":
        return None
    if how == "bomb":
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return BOMB + body.replace(b">", b">&lol3;", 1) if body.startswith(b"<") else BOMB + body
    raise ValueError(how)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fault-base")
    return rich(folder, src=filled(folder, filename="plain.xlsx"), name="book.xlsm")


def _names(path):
    with zipfile.ZipFile(path) as zf:
        return [i.filename for i in zf.infolist()]


def _check(folder: Path, argv, capsys, expected_files: set, book: Path | None):
    before = book.read_bytes() if book is not None else None
    rc = cli.main(argv)
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert rc in (0, 1, 2), (argv, rc, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    if rc:
        assert len(lines) == 1 and lines[0].startswith("jjj-xl: "), (argv, err)
        if book is not None:
            assert book.name in lines[0], lines[0]
            assert book.read_bytes() == before      # a refused run never touches the book
    else:
        assert err == "", err
    left = {p.name for p in folder.iterdir()}
    debris = left - expected_files - {Path(a).name for a in argv if "." in Path(a).name}
    assert not debris, f"left behind: {debris}"
    assert not any(n.startswith(".") for n in left), left
    return rc, lines


def _commands(book: Path, out: Path):
    return {"run": ["run", str(book)],
            "validate": ["validate", str(book)],
            "share": ["share", str(book), "--out", str(out.with_suffix(".xlsx"))],
            "share --lite": ["share", str(book), "--out", str(out), "--lite"]}


HOW = ("truncate", "garbage", "empty", "remove", "bomb")


@pytest.mark.parametrize("command", ["run", "validate", "share", "share --lite"])
def test_every_damaged_part_is_one_line(tmp_path, base, capsys, command):
    names = _names(base)
    if command != "run":
        # every part for run; for the others the parts they read and one of each other kind
        names = [n for n in names if n in {
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/_rels/sheet3.xml.rels",
            "xl/tables/table2.xml", "xl/charts/chart1.xml", "xl/theme/theme1.xml",
            "docProps/core.xml"}]
    codes = {}
    for name in names:
        for how in HOW:
            if how == "bomb" and not name.endswith((".xml", ".rels")):
                continue
            folder = tmp_path / f"{command.replace(' ', '_')}-{len(codes)}"
            folder.mkdir()
            book = folder / "book.xlsm"

            def edit(items, name=name, how=how):
                new = _damage(items[name], how)
                if new is None:
                    del items[name]
                else:
                    items[name] = new
                return items
            rewrite(base, book, edit)
            argv = _commands(book, folder / "shared.xlsm")[command]
            expected = {"book.xlsm", "shared.xlsm", "shared.xlsx"}
            rc, lines = _check(folder, argv, capsys, expected, book)
            codes[(name, how)] = rc
    # the parts jjj-xl reads are never silently accepted when damaged
    for key in (("xl/workbook.xml", "garbage"), ("[Content_Types].xml", "remove"),
                ("_rels/.rels", "empty"), ("xl/workbook.xml", "bomb")):
        assert codes[key] == 2, (key, codes[key])


def test_damaged_zip_and_file_kinds(tmp_path, base, capsys):
    good = base.read_bytes()
    cases = {"cut.xlsx": good[: len(good) // 2], "text.xlsx": b"hello",
             "flipped.xlsx": good[:200] + bytes(b ^ 0xFF for b in good[200:400]) + good[400:],
             "empty.xlsx": b""}
    for name, data in cases.items():
        folder = tmp_path / name.split(".")[0]
        folder.mkdir()
        book = folder / name
        book.write_bytes(data)
        for argv in _commands(book, folder / "shared.xlsm").values():
            rc, lines = _check(folder, argv, capsys, {name}, book)
            # validate reads only what it checks; every command that copies the package refuses
            assert rc == 2 or (name == "flipped.xlsx" and argv[0] == "validate"), (argv, lines)


def test_encrypted_workbook_is_called_encrypted(tmp_path, capsys):
    """Excel saves a password-protected workbook as an OLE compound file holding an
    EncryptionInfo stream (MS-OFFCRYPTO 2.3.4); it is not 'not a zip package'."""
    sector = bytearray(512)
    sector[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    entry = "EncryptionInfo".encode("utf-16-le")
    book = tmp_path / "secret.xlsx"
    book.write_bytes(bytes(sector) + entry + bytes(512 - len(entry)) + bytes(1024))
    for argv in (["run", str(book)], ["validate", str(book)],
                 ["share", str(book), "--out", str(tmp_path / "s.xlsx")],
                 ["share", str(book), "--out", str(tmp_path / "l.xlsx"), "--lite"]):
        rc, lines = _check(tmp_path, argv, capsys, {"secret.xlsx"}, book)
        assert rc == 2 and "encrypted (password-protected)" in lines[0], lines
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(bytes(sector) + bytes(1024))
    assert cli.main(["run", str(legacy)]) == 2
    assert "legacy .xls" in capsys.readouterr().err


# ---------------------------------------------------------------- internals that raise

ERRORS = {"RuntimeError": RuntimeError("boom"), "KeyError": KeyError("missing"),
          "MemoryError": MemoryError(), "ENOSPC": OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))}

# where each command is made to fail: a step of its own and the zip writer under every save
PATCHES = {
    "run": ["jjj_xl.workbook.actions._compute", "jjj_xl.workbook.package._render_sheet",
            "zipfile.ZipFile.writestr"],
    "validate": ["jjj_xl.workbook.actions._validate_panel",
                 "jjj_xl.workbook.package.PackageBook._sheet_values"],
    "share": ["jjj_xl.workbook.share.share_book", "zipfile.ZipFile.writestr"],
    "share --lite": ["jjj_xl.excel.lite.embed_lite", "zipfile.ZipFile.writestr"],
    "demo": ["jjj_xl.methods.workflows.entropy_topsis_coupling",
             "jjj_xl.workbook.actions.run_action", "zipfile.ZipFile.writestr"],
    "new": ["jjj_xl.workbook.templates.build_template", "zipfile.ZipFile.writestr"],
}


def _argv(command, folder: Path, book: Path):
    if command == "demo":
        return ["demo", "--out", str(folder / "demo.xlsx")]
    if command == "new":
        return ["new", "entropy_topsis_ccd", str(folder / "new.xlsx"), "--sample"]
    return _commands(book, folder / "shared.xlsm")[command]


@pytest.mark.parametrize("command", list(PATCHES))
@pytest.mark.parametrize("error", list(ERRORS))
def test_internal_failures_are_one_line(tmp_path, base, capsys, monkeypatch, command, error):
    exc = ERRORS[error]
    for k, target in enumerate(PATCHES[command]):
        folder = tmp_path / f"p{k}"
        folder.mkdir()
        book = folder / "book.xlsm"
        shutil.copy(base, book)

        def fail(*args, **kwargs):
            raise exc
        with monkeypatch.context() as m:
            m.setattr(target, fail)
            rc, lines = _check(folder, _argv(command, folder, book), capsys, {"book.xlsm"},
                               book if command not in ("demo", "new") else None)
        assert rc == (1 if error in ("MemoryError", "ENOSPC") else 2), (target, lines)
        assert not (folder / "demo.xlsx").exists() and not (folder / "new.xlsx").exists()
        if error == "ENOSPC":
            assert "No space left on device" in lines[0] and ": :" not in lines[0]


def test_disk_full_in_a_real_process_has_no_exception_ignored(tmp_path, base):
    """A subprocess (interpreter shutdown included): ENOSPC while writing the zip."""
    book = tmp_path / "book.xlsm"
    shutil.copy(base, book)
    code = ("import errno, os, sys, zipfile\n"
            "orig = zipfile.ZipFile.writestr\n"
            "n = [0]\n"
            "def writestr(self, *a, **k):\n"
            "    n[0] += 1\n"
            "    if n[0] > 3:\n"
            "        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
            "    return orig(self, *a, **k)\n"
            "zipfile.ZipFile.writestr = writestr\n"
            "from jjj_xl import cli\n"
            f"sys.exit(cli.main(['run', {str(book)!r}]))\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "book.xlsm" in proc.stderr and "No space left on device" in proc.stderr
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_killed_save_leaves_no_debris_next_time(tmp_path, base):
    """kill -9 during a save leaves its temporary file; the next save of that book removes it
    (its process is gone) and never touches another live process's file."""
    book = tmp_path / "book.xlsm"
    shutil.copy(base, book)
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True)
    dead = int(proc.stdout)
    stale = tmp_path / f".book.xlsm.jjj-tmp-{dead}-abc.tmp"
    stale.write_bytes(b"half a workbook")
    live = tmp_path / f".book.xlsm.jjj-tmp-{os.getpid()}-xyz.tmp"
    live.write_bytes(b"someone is writing")
    assert cli.main(["run", str(book)]) == 0
    assert not stale.exists() and live.exists()
    live.unlink()


def test_read_only_workbook_is_not_replaced(tmp_path, base, capsys):
    book = tmp_path / "book.xlsm"
    shutil.copy(base, book)
    os.chmod(book, 0o444)
    rc, lines = _check(tmp_path, ["run", str(book)], capsys, {"book.xlsm"}, book)
    assert rc == 1 and "read-only" in lines[0]


def test_usage_errors_are_one_line():
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for argv in (["run"], ["nonsense"], ["share", "x.xlsx"], ["run", "a.xlsx", "--bogus"]):
        proc = subprocess.run([sys.executable, "-m", "jjj_xl", *argv], capture_output=True,
                              text=True, env=env, timeout=120)
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("jjj-xl: ")
