"""PackageBook on sheets big enough to take the chunked paths (issue 12): output sheets are
rendered and deflated in chunks of rows, result cells are keyed by one int, read caches are
released before saving. Every value written must come back, read by an independent reader
(openpyxl), in the right cell, and reading after a save must still work."""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook

from jjj_xl.workbook.layout import Block
from jjj_xl.workbook.package import PackageBook


def _book(path, rows: int):
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["region", "year", "x1", "x2"])
    for i in range(rows):
        ws.append([f"r{i // 20}", 2001 + i % 20, 1.5 + i, 2.0 * i])   # 2.0·i: whole floats
    wb.create_sheet("Out")
    wb.save(path)


def test_big_output_sheet_round_trips_every_cell(tmp_path):
    src = tmp_path / "big.xlsx"
    _book(src, 50)
    book = PackageBook(src)
    rng = np.random.default_rng(7)
    m = 9000                                   # > 20,000 XML pieces: several deflated chunks
    frame = pd.DataFrame({"name": [f"n{i}" for i in range(m)], "k": np.arange(m),
                          "v": rng.normal(size=m), "w": rng.uniform(size=m)})
    frame.loc[5, "w"] = np.nan                 # a blank cell
    book.write_frame(Block("Out", 3, 2), frame)
    out = tmp_path / "out.xlsx"
    book.save(out)
    ws = load_workbook(out)["Out"]
    assert ws.max_row == 3 + m
    assert [ws.cell(3, c).value for c in range(2, 6)] == ["name", "k", "v", "w"]
    got = [[ws.cell(r, c).value for c in range(2, 6)] for r in range(4, 4 + m)]
    assert [g[0] for g in got] == list(frame["name"])
    assert [g[1] for g in got] == list(range(m))
    assert [g[2] for g in got] == list(frame["v"])          # repr round-trips floats exactly
    assert got[5][3] is None
    assert [g[3] for i, g in enumerate(got) if i != 5] == [v for i, v in enumerate(frame["w"]) if i != 5]
    # the part's dimension covers what was written
    assert ws.calculate_dimension() == f"B3:E{3 + m}"


def test_reading_after_save_and_whole_floats(tmp_path):
    src = tmp_path / "big.xlsx"
    _book(src, 6000)
    book = PackageBook(src)
    frame = book.read_block(Block("Data", 1, 1))
    assert len(frame) == 6000
    assert frame.iloc[3].tolist() == ["r0", 2004, 4.5, 6]        # 6.0 read as the int 6
    assert isinstance(frame.iloc[3, 3], int) and isinstance(frame.iloc[3, 2], float)
    book.write("Out", 1, 1, [["a", 1.25], ["b", 2]])
    book.save(tmp_path / "out.xlsx")            # releases the read caches
    again = book.read_block(Block("Data", 1, 1))   # read again from the file
    assert again.equals(frame)
    assert book.read("Out", 1, 1, 2, 2) == [["a", 1.25], ["b", 2]]
    assert book.extent("Out") == (2, 2)
    ws = load_workbook(tmp_path / "out.xlsx")["Out"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [["a", 1.25], ["b", 2]]
