"""Command line (also ``python -m jjj_xl``).

  jjj-xl demo [--out FILE]           paper 000 workflow on the bundled sample, a filled template
  jjj-xl new TEMPLATE FILE [--sample] copy a blank template (optionally with the sample data)
  jjj-xl run BOOK.xlsx [--out FILE]   "Compute all" headless, with openpyxl
  jjj-xl share BOOK --out FILE [--lite]  a copy with native formulas (or for xlwings Lite)
  jjj-xl template build [--dir DIR]   rebuild the template workbooks from code
  jjj-xl addin build|install          the Excel ribbon add-in, made from the installed xlwings

Errors are one line on stderr; bad input exits with code 2.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from .errors import InputError, JJJWarning

TEMPLATE_NAMES = ("entropy_topsis_ccd", "ideal_solution_index", "coupling_coordination")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jjj-xl",
        description="Entropy weights, TOPSIS and coupling coordination degree for regional "
                    "economics (京津冀 studies), in Python and Excel.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="run the paper 000 workflow on the bundled sample panel and write a workbook",
        description="Fills the entropy_topsis_ccd template with the bundled ILLUSTRATIVE sample "
                    "panel (6 cities × 2014–2019, generated, not official statistics), computes "
                    "weights, scores and coupling, writes the workbook and prints a summary.")
    demo.add_argument("--out", default="jjj_xl_demo.xlsx", metavar="FILE",
                      help="workbook to write (default: jjj_xl_demo.xlsx)")
    demo.add_argument("--lang", choices=("en", "zh"), default="en",
                      help="language of the grade labels (default: en)")
    demo.add_argument("--model", choices=("ring", "classic", "ring_printed", "wang"),
                      default="ring", help="coupling model (default: ring, as paper 000)")

    new = sub.add_parser("new", help="copy a blank template workbook",
                         description="Copies one of the template workbooks shipped with jjj-xl.")
    new.add_argument("template", choices=TEMPLATE_NAMES, help="which template")
    new.add_argument("file", help="the new workbook (.xlsx); an existing file is not overwritten")
    new.add_argument("--sample", action="store_true",
                     help="fill it with the bundled illustrative sample data")

    run = sub.add_parser("run", help='"Compute all" on a filled template, without Excel',
                         description="Reads the inputs of a jjj-xl template workbook, computes "
                                     "every output and writes them (output sheets only; input "
                                     "cells are kept). Written to a temporary file, then renamed.")
    run.add_argument("book", help="a filled jjj-xl template workbook (.xlsx)")
    run.add_argument("--out", metavar="FILE", help="write here instead of updating BOOK")

    share = sub.add_parser(
        "share", help="a copy that keeps computing without Python (native formulas) or in xlwings Lite",
        description="From a filled template workbook, write a share workbook in which every result "
                    "cell is a native Excel formula over Data and Indicators (same cells as Compute "
                    "all), or with --lite a copy that carries jjj-xl for xlwings Lite.")
    share.add_argument("book", help="a filled jjj-xl template workbook (.xlsx)")
    share.add_argument("--out", required=True, metavar="FILE", help="the workbook to write (.xlsx)")
    share.add_argument("--lite", action="store_true",
                       help="embed main.py and requirements.txt for xlwings Lite instead of formulas")
    share.add_argument("--steps", action=argparse.BooleanOptionalAction, default=None,
                       help="show the steps: also write the full standardised and p·ln p matrices "
                            "(default: on up to 2,000 data cells)")

    tpl = sub.add_parser("template", help="template workbooks",
                         description="Template workbooks are built by code; this rebuilds them.")
    tpl_sub = tpl.add_subparsers(dest="template_command", metavar="ACTION", required=True)
    build = tpl_sub.add_parser("build", help="write the three templates into a folder")
    build.add_argument("--dir", default="workbook_templates", help="folder (default: workbook_templates)")

    addin = sub.add_parser("addin", help="the Excel ribbon add-in (JJJ 分析 tab)",
                           description="Builds jjj_xl.xlam on this machine from the ribbon add-in "
                                       "template inside the installed xlwings package, or installs "
                                       "it into Excel's startup folder (Windows, macOS).")
    addin_sub = addin.add_subparsers(dest="addin_command", metavar="ACTION", required=True)
    ab = addin_sub.add_parser("build", help="build jjj_xl.xlam")
    ab.add_argument("--out", default="jjj_xl.xlam", metavar="FILE")
    ab.add_argument("--interpreter", default=None,
                    help="Python that Excel should run (default: the one Excel finds)")
    ai = addin_sub.add_parser("install", help="copy (or build) jjj_xl.xlam into Excel's startup folder")
    ai.add_argument("--file", default=None, help="an add-in built before (default: build one now)")
    ai.add_argument("--interpreter", default=None, help="Python that Excel should run")
    return parser


def _summary(result) -> str:
    overall = result.coupling[result.coupling["dimension"] == "overall"]
    lines = ["Coupling of the 6 cities, overall score, year by year:",
             f"{'year':>6} {'C':>7} {'T':>7} {'D':>7} {'level':>6}  label"]
    for _, r in overall.iterrows():
        lines.append(f"{int(r.year):>6} {r.C:7.3f} {r['T']:7.3f} {r.D:7.3f} {int(r.level):>6}  {r.label}")
    dims = result.dimension_weights
    lines.append("Dimension weights: " + ", ".join(f"{k} {v:.3f}" for k, v in dims.items()))
    return "\n".join(lines)


def _set_setting(wb, template: str, key: str, value):
    from .workbook import layout
    sheet, row, col = layout.TEMPLATES[template].setting_cell(key)
    wb[sheet].cell(row, col).value = value


def cmd_demo(args) -> int:
    from . import datasets
    from .workbook.actions import run_action
    from .workbook.book import OpenpyxlBook
    from .workbook.templates import build_template, fill_inputs, restore_charts
    from .methods.workflows import entropy_topsis_coupling

    sample = datasets.load_sample("paper000")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JJJWarning)
        result = entropy_topsis_coupling(sample.data, sample.indicators, lang=args.lang,
                                         coupling_model=args.model)
    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", sample.indicators, sample.data)
    _set_setting(wb, "entropy_topsis_ccd", "lang", args.lang)
    _set_setting(wb, "entropy_topsis_ccd", "coupling_model", args.model)
    book = OpenpyxlBook(args.out, workbook=wb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)  # already collected above
        run_action(book, "compute_all")
    restore_charts(wb, "entropy_topsis_ccd")
    path = book.save(args.out)
    print(sample.description)
    print(_summary(result))
    for w in caught:
        print(f"note: {w.message}")
    print(f"Wrote {path}")
    return 0


def template_file(name: str):
    """The shipped template: package data once installed, else the source checkout's folder."""
    from importlib.resources import files
    from pathlib import Path

    from .workbook import layout
    filename = layout.TEMPLATES[name].filename
    try:
        return files("jjj_xl.workbook_templates").joinpath(filename)
    except ModuleNotFoundError:  # running from a checkout (editable install)
        return Path(__file__).resolve().parents[1] / "workbook_templates" / filename


def cmd_new(args) -> int:
    from pathlib import Path

    from .workbook.book import OpenpyxlBook
    from .workbook.cells import save_atomically

    target = Path(args.file)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"{target.name}: the new workbook must end in .xlsx")
    if target.exists():
        raise InputError(f"{target} already exists; choose another name (nothing was overwritten)")
    if args.sample:
        from . import datasets
        from .workbook.actions import run_action
        from .workbook.templates import SAMPLE_FOR, build_template, fill_inputs, restore_charts
        wb = build_template(args.template)
        if args.template in SAMPLE_FOR:
            s = datasets.load_sample(SAMPLE_FOR[args.template])
            fill_inputs(wb, args.template, s.indicators, s.data)
        else:
            fill_inputs(wb, args.template, data=_sample_u())
        book = OpenpyxlBook(target, workbook=wb)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", JJJWarning)
            run_action(book, "compute_all")
        restore_charts(wb, args.template)
        book.save(target)
    else:
        from openpyxl import load_workbook
        with template_file(args.template).open("rb") as fh:
            wb = load_workbook(fh)
        from .workbook.templates import restore_charts
        restore_charts(wb, args.template)
        save_atomically(wb, target)
    print(f"Wrote {target}")
    return 0


def _sample_u():
    """Illustrative U values (the paper 000 sample's dimension scores of Beijing)."""
    import pandas as pd

    from . import datasets
    from .methods.workflows import entropy_topsis_coupling
    s = datasets.load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        res = entropy_topsis_coupling(s.data, s.indicators)
    sc = res.scores[res.scores.region == "Beijing"]
    return pd.DataFrame({"observation": [f"Beijing {y}" for y in sc.year],
                         "economy": sc.economy.round(4), "technology": sc.technology.round(4),
                         "life": sc.life.round(4)})


def cmd_run(args) -> int:
    from .workbook.actions import detect_template, run_action
    from .workbook.book import OpenpyxlBook
    from .workbook.templates import restore_charts

    book = OpenpyxlBook(args.book)
    tpl = detect_template(book)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JJJWarning)
        result = run_action(book, "compute_all")
    restore_charts(book.wb, tpl.name)
    path = book.save(args.out or args.book)
    for w in caught:
        print(f"note: {w.message}")
    print(f"{tpl.name}: wrote {', '.join(result['written'])} in {path}")
    return 0


def cmd_share(args) -> int:
    from pathlib import Path
    if Path(args.out).resolve() == Path(args.book).resolve():
        raise InputError("--out must name a new file; the filled workbook is kept as it is")
    if args.lite:
        from .workbook.book import check_zip
        from .excel.lite import embed_lite
        check_zip(args.book)
        path = embed_lite(args.book, args.out)
    else:
        from .workbook.share import share_workbook
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", JJJWarning)
            path = share_workbook(args.book, args.out, steps=getattr(args, "steps", None))
    print(f"Wrote {path}")
    return 0


def cmd_template(args) -> int:
    from .workbook.templates import build_all
    for path in build_all(args.dir):
        print(f"Wrote {path}")
    return 0


def cmd_addin(args) -> int:
    from .excel.addin import build_addin, install_addin, install_hint
    if args.addin_command == "build":
        print(f"Wrote {build_addin(args.out, args.interpreter)}")
    else:
        print(f"Installed {install_addin(args.file, interpreter=args.interpreter)}")
        print(install_hint())
    return 0


COMMANDS = {"demo": cmd_demo, "new": cmd_new, "run": cmd_run, "share": cmd_share,
            "template": cmd_template, "addin": cmd_addin}


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__
        print(__version__)
        return 0
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return COMMANDS[args.command](args)
    except InputError as err:
        print(f"jjj-xl: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"jjj-xl: {getattr(err, 'filename', '') or ''}: {err.strerror or err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
