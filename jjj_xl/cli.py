"""Command line (also ``python -m jjj_xl``).

  jjj-xl demo [--out FILE] [--force]  paper 000 workflow on the bundled sample, a filled template
  jjj-xl new TEMPLATE FILE [--sample]  copy a blank template (optionally with the sample data)
  jjj-xl run BOOK [--out FILE] [--force]  "Compute all" headless: updates BOOK's output sheets
  jjj-xl validate BOOK                 every problem in the inputs, one per line (writes nothing)
  jjj-xl share BOOK --out FILE [--lite]  a copy with native formulas (or for xlwings Lite)
  jjj-xl template build [--dir DIR]    rebuild the template workbooks from code
  jjj-xl addin build|install|doctor    the Excel ribbon add-in, made from the installed xlwings

Files: ``run`` rewrites only the parts of BOOK that jjj-xl owns (see
:mod:`jjj_xl.workbook.package`); ``--out`` never replaces an existing file other than the
input unless ``--force`` is given. Errors are one line on stderr naming the file (and the
part or cell); bad input exits with code 2, I/O failures (disk full, permission) with 1.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from .errors import InputError, JJJWarning

TEMPLATE_NAMES = ("entropy_topsis_ccd", "ideal_solution_index", "coupling_coordination")


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors in one line too (exit code 2)."""

    def error(self, message):
        from .i18n import tr
        argv = sys.argv[1:]
        lang = next((argv[k + 1] for k, a in enumerate(argv[:-1]) if a == "--lang"), None) \
            or next((a.split("=", 1)[1] for a in argv if a.startswith("--lang=")), "en")
        text = tr(" ".join(str(message).split()), lang if lang in ("en", "zh") else "en")
        see = "（见 jjj-xl --help）" if lang == "zh" else f" (see {self.prog} --help)"
        self.exit(2, f"jjj-xl: {text}{see}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    demo.add_argument("--force", action="store_true", help="replace FILE if it exists")
    demo.add_argument("--lang", choices=("en", "zh"), default="en",
                      help="language of the workbook (headers, labels, notes, warnings) and of "
                           "these console lines (default: en)")
    demo.add_argument("--model", choices=("ring", "classic", "ring_printed", "wang"),
                      default="ring", help="coupling model (default: ring, as paper 000)")

    new = sub.add_parser("new", help="copy a blank template workbook",
                         description="Copies one of the template workbooks shipped with jjj-xl.")
    new.add_argument("template", choices=TEMPLATE_NAMES, help="which template")
    new.add_argument("file", help="the new workbook (.xlsx); an existing file is not overwritten")
    new.add_argument("--sample", action="store_true",
                     help="fill it with the bundled illustrative sample data")
    new.add_argument("--force", action="store_true", help="replace FILE if it exists")
    new.add_argument("--lang", choices=("en", "zh"), default="en",
                     help="language of the template: Guide, headers, Settings labels and results "
                          "(default: en)")

    run = sub.add_parser("run", help='"Compute all" on a filled template, without Excel',
                         description="Reads the inputs of a jjj-xl template workbook, computes "
                                     "every output and updates BOOK in place, as the ribbon does: "
                                     "only the output sheets (and their number formats and chart "
                                     "ranges) are rewritten; every other part of the file, macros "
                                     "included, is kept byte for byte. Written to a temporary file "
                                     "in the same folder, then renamed.")
    run.add_argument("book", help="a filled jjj-xl template workbook (.xlsx or .xlsm)")
    run.add_argument("--out", metavar="FILE", help="write a copy here instead of updating BOOK "
                                                   "(an existing FILE needs --force)")
    run.add_argument("--force", action="store_true", help="replace FILE given with --out if it exists")
    run.add_argument("--action", default="compute_all", choices=RUN_ACTIONS,
                     help="which button to press (default compute_all; after_d: the After D sheets "
                          "of entropy_topsis_ccd, which runs Compute all first)")
    run.add_argument("--lang", choices=("en", "zh"), default=None,
                     help="language of what is written and printed (default: the workbook's "
                          "Settings lang)")

    val = sub.add_parser("validate", help="check a filled template's inputs (writes nothing)",
                         description="Runs the checks of Compute all (the same ones) and prints "
                                     "every problem, one per line with its cell; exit code 2 when "
                                     "there is one. The workbook is not changed.")
    val.add_argument("book", help="a filled jjj-xl template workbook (.xlsx or .xlsm)")
    val.add_argument("--lang", choices=("en", "zh"), default=None,
                     help="language of the report (default: the workbook's Settings lang)")

    share = sub.add_parser(
        "share", help="a copy that keeps computing without Python (native formulas) or in xlwings Lite",
        description="From a filled template workbook, write a share workbook in which every result "
                    "cell is a native Excel formula over Data and Indicators (same cells as Compute "
                    "all), or with --lite a copy that carries jjj-xl for xlwings Lite.")
    share.add_argument("book", help="a filled jjj-xl template workbook (.xlsx)")
    share.add_argument("--out", required=True, metavar="FILE", help="the workbook to write (.xlsx)")
    share.add_argument("--lite", action="store_true",
                       help="embed main.py and requirements.txt for xlwings Lite instead of formulas")
    share.add_argument("--force", action="store_true", help="replace FILE if it exists")
    share.add_argument("--steps", action=argparse.BooleanOptionalAction, default=None,
                       help="show the steps: also write the full standardised and p·ln p matrices "
                            "(default: on up to 2,000 data cells)")
    share.add_argument("--lang", choices=("en", "zh"), default=None,
                       help="language of the share workbook's labels and of the console lines "
                            "(default: the workbook's Settings lang)")

    tpl = sub.add_parser("template", help="template workbooks",
                         description="Template workbooks are built by code; this rebuilds them.")
    tpl_sub = tpl.add_subparsers(dest="template_command", metavar="ACTION", required=True)
    build = tpl_sub.add_parser("build", help="write the three templates into a folder")
    build.add_argument("--dir", default="workbook_templates", help="folder (default: workbook_templates)")
    build.add_argument("--force", action="store_true",
                       help="replace template files that already exist in the folder")
    build.add_argument("--lang", choices=("en", "zh"), default="en",
                       help="language of the templates (Guide, headers, Settings labels); "
                            "default en")

    addin = sub.add_parser("addin", help="the Excel ribbon add-in (JJJ 分析 tab)",
                           description="Builds jjj_xl.xlam on this machine from the ribbon add-in "
                                       "template inside the installed xlwings package, or installs "
                                       "it into Excel's startup folder (Windows, macOS).")
    addin_sub = addin.add_subparsers(dest="addin_command", metavar="ACTION", required=True)
    ab = addin_sub.add_parser("build", help="build jjj_xl.xlam")
    ab.add_argument("--out", default="jjj_xl.xlam", metavar="FILE")
    ab.add_argument("--interpreter", default=None, metavar="PATH",
                    help="Python that Excel should run (default: this Python, the one with jjj-xl)")
    ai = addin_sub.add_parser("install", help="copy (or build) jjj_xl.xlam into Excel's startup folder")
    ai.add_argument("--file", default=None, help="an add-in built before (default: build one now)")
    ai.add_argument("--interpreter", default=None, metavar="PATH",
                    help="Python that Excel should run (default: this Python, the one with jjj-xl)")
    ad = addin_sub.add_parser("doctor", help="what Excel will run: interpreter, xlwings versions, jjj_xl")
    ad.add_argument("--file", default=None, help="the add-in to check (default: the installed one)")
    return parser


_LANG = {"lang": "en"}     # the console language of this command (set by main, then by the book)


def out(line="", *, file=None, names: dict | None = None) -> None:
    """The command line's one printer: every console line passes here (in English, once),
    printed in the chosen language (:func:`jjj_xl.i18n.console`); ``names``: indicator name
    → name_zh."""
    from .i18n import console
    print(console(line, _LANG["lang"], names) if line else line, file=file)


def _use_lang(lang) -> None:
    if lang in ("en", "zh"):
        _LANG["lang"] = lang


def _report(result, path_line: str, book=None, extra=()) -> None:
    """What an action wrote and every warning it wrote to Notes, one line each (the warnings
    name the sheet, the Excel row and the region/year where they concern a row); in zh the
    indicator names are their name_zh, as on the Notes sheet (``book``: where to read them)."""
    warned = list(result.get("warnings", []))
    names = {}
    if _LANG["lang"] != "en" and book is not None and warned:
        from .workbook.actions import _indicator_names_zh, detect_template
        names = _indicator_names_zh(book, detect_template(book))
    if warned:
        out(f"{len(warned)} warning{'s' if len(warned) > 1 else ''} written to the Notes sheet:")
        for k, w in enumerate(warned, start=1):
            out(f"warning {k}: {' '.join(str(w).split())}", names=names)
    else:
        out("no warnings")
    for line in extra:
        out(line)
    out(path_line)


def _summary(result) -> str:
    overall = result.coupling[result.coupling["dimension"] == "overall"]
    from .i18n import tr
    lang = _LANG["lang"]
    lines = [tr("Coupling of the 6 cities, overall score, year by year:", lang),
             f"{tr('year', lang):>6} {'C':>7} {'T':>7} {'D':>7} {tr('level', lang):>6}  "
             f"{tr('label', lang)}"]
    for _, r in overall.iterrows():
        lines.append(f"{int(r.year):>6} {r.C:7.3f} {r['T']:7.3f} {r.D:7.3f} {int(r.level):>6}  {r.label}")
    dims = result.dimension_weights
    lines.append(tr("Dimension weights: " + ", ".join(f"{k} {v:.3f}" for k, v in dims.items()), lang))
    return "\n".join(lines)


def _set_setting(wb, template: str, key: str, value):
    from .workbook import layout
    sheet, row, col = layout.TEMPLATES[template].setting_cell(key)
    wb[sheet].cell(row, col).value = value


def _target(out, src=None, *, force: bool = False):
    """Where to write: never over an existing file the user did not name as the target.

    ``src`` (the input workbook) may be the target; any other existing file needs ``force``.
    """
    from pathlib import Path
    out = Path(out)
    if out.is_dir():
        raise InputError(f"{out} is a folder; --out must name a workbook file")
    same = src is not None and out.exists() and Path(src).exists() and \
        out.resolve() == Path(src).resolve()
    if out.exists() and not same and not force:
        raise InputError(f"{out} already exists; choose another name or add --force to replace "
                         f"it (nothing was written)")
    return out


def cmd_demo(args) -> int:
    from . import datasets
    from .workbook.actions import run_action
    from .workbook.book import OpenpyxlBook
    from .workbook.templates import build_template, fill_inputs, restore_charts
    from .methods.workflows import entropy_topsis_coupling

    target = _target(args.out, force=args.force)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"{target.name}: the demo workbook is an .xlsx file; use a name ending "
                         f"in .xlsx")
    sample = datasets.load_sample("paper000")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JJJWarning)
        result = entropy_topsis_coupling(sample.data, sample.indicators, lang=args.lang,
                                         coupling_model=args.model)
    wb = build_template("entropy_topsis_ccd", lang=args.lang)
    fill_inputs(wb, "entropy_topsis_ccd", sample.indicators, sample.data)
    _set_setting(wb, "entropy_topsis_ccd", "lang", args.lang)
    _set_setting(wb, "entropy_topsis_ccd", "coupling_model", args.model)
    book = OpenpyxlBook(target, workbook=wb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)  # already collected above
        run_action(book, "after_d")   # Compute all, then the After D sheets
    restore_charts(wb, "entropy_topsis_ccd")
    if len(result.coupling_dimensions):   # the schematic map and the grade table by region and year
        from .i18n import language
        from .workbook.maps import add_map_sheet
        with language(args.lang):
            add_map_sheet(wb, result.coupling_dimensions)
    from .workbook.printing import DEMO_BANNER
    from .workbook.templates import print_setup_book
    print_setup_book(wb, "entropy_topsis_ccd", header=DEMO_BANNER)   # marked on every page
    path = book.save(target)
    out(sample.description)
    print(_summary(result))
    _report({"warnings": [str(w.message) for w in caught]}, f"Wrote {path}", book)
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
    _target(target, force=args.force)
    lang = getattr(args, "lang", "en")
    if args.sample:
        from . import datasets
        from .workbook.actions import run_action
        from .workbook.templates import SAMPLE_FOR, build_template, fill_inputs, restore_charts
        wb = build_template(args.template, lang=lang)
        if args.template in SAMPLE_FOR:
            s = datasets.load_sample(SAMPLE_FOR[args.template])
            fill_inputs(wb, args.template, s.indicators, s.data)
        else:
            fill_inputs(wb, args.template, data=_sample_u())
        book = OpenpyxlBook(target, workbook=wb)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", JJJWarning)
            result = run_action(book, "compute_all")
        restore_charts(wb, args.template)
        from .workbook.printing import DEMO_BANNER
        from .workbook.templates import print_setup_book
        print_setup_book(wb, args.template, header=DEMO_BANNER)
        book.save(target)
        _report(result, f"Wrote {target}", book)
        return 0
    elif lang != "en":      # a zh template: built (the shipped files are the en ones)
        from .workbook.templates import build_template, restore_charts
        wb = build_template(args.template, lang=lang)
        restore_charts(wb, args.template)
        save_atomically(wb, target)
    else:
        from openpyxl import load_workbook
        with template_file(args.template).open("rb") as fh:
            wb = load_workbook(fh)
        from .workbook.templates import restore_charts
        restore_charts(wb, args.template)
        save_atomically(wb, target)
    out(f"Wrote {target}")
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


def _refuse_share_workbook(book, src, command: str) -> None:
    """A share workbook's results are live formulas: Compute all would replace them by values
    (and Validate would pass it), so both say so in one line."""
    from .workbook.share import HELPER_SHEETS
    helper = next((h for h in HELPER_SHEETS if book.has_sheet(h)), None)
    if helper is not None:
        raise InputError(f"{src.name} is a share workbook (it has the sheet {helper}): its results "
                         f"are formulas that update when Data changes; {command} the original "
                         f"template workbook instead (jjj-xl {command} would replace the formulas "
                         f"by values)")


RUN_ACTIONS = ("compute_all", "weights", "scores", "coupling", "clear_outputs", "after_d")


def cmd_run(args) -> int:
    from pathlib import Path

    from .workbook.actions import detect_template, run_action
    from .workbook.package import PackageBook

    src = Path(args.book)
    target = src if args.out is None else _target(args.out, src, force=args.force)
    if target.suffix.lower() != src.suffix.lower():
        raise InputError(f"{target.name}: --out must keep the workbook's type ({src.suffix}); "
                         f"a {src.suffix} package saved as {target.suffix or 'no extension'} would "
                         f"not open in Excel")
    book = PackageBook(src, display=src.name)
    _refuse_share_workbook(book, src, "run")
    tpl = detect_template(book)
    from .workbook.actions import book_lang
    _use_lang(book_lang(book, args.lang))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)   # they are in the result (and on Notes)
        if args.action == "after_d":
            result = run_action(book, "after_d", lang=args.lang)
        else:
            result = run_action(book, args.action, lang=args.lang,
                                more_hint=f"jjj-xl validate {src.name} lists them all")
    extra = []
    if getattr(book, "map_grades", None) is not None or getattr(book, "map_clear", False):
        path, drawn = _save_with_map(book, src, target, tpl, book_lang(book, args.lang))
        if drawn:     # its own line: the sheet list of the last line stays translatable
            extra = [MAP_LINE_CLEARED if getattr(book, "map_clear", False) else MAP_LINE]
    else:
        path = book.save(None if target == src else target, template=tpl.name)
    _report(result, f"{tpl.name}: wrote {', '.join(result['written'])} in {path}", book, extra)
    return 0


MAP_LINE = "also wrote the Map sheet (schematic maps by year, grade table)"
MAP_LINE_CLEARED = "cleared the Map sheet (its coordinates table stays)"


def _save_with_map(book, src, target, tpl, lang):
    """Save the results and the Map sheet (issue 11 item 3, :func:`.workbook.maps.
    refresh_map_package`) in one write: both are assembled in a temporary copy first, so the
    user's file is written once or not at all. A package the map step cannot read (a
    damaged part it needs) gets the results without the map, and a line saying why."""
    import tempfile
    from pathlib import Path

    from .workbook.cells import atomic_write
    from .workbook.maps import MAP_SHEET, refresh_map_package
    with tempfile.TemporaryDirectory(prefix="jjj-xl-map-") as tmpd:
        tmp = Path(tmpd) / Path(target).name
        book.save(tmp, template=tpl.name)
        try:
            drawn = refresh_map_package(tmp, getattr(book, "map_grades", None), lang=lang,
                                        display=src.name, clear=getattr(book, "map_clear", False))
        except InputError as exc:
            drawn = False
            out(f"{MAP_SHEET}: not drawn ({' '.join(str(exc).split())})")
        data = tmp.read_bytes()
    path = atomic_write(target, lambda fh: fh.write(data),
                        display=src.name if target == src else str(target))
    return path, drawn


def cmd_validate(args) -> int:
    from pathlib import Path

    from .workbook.actions import validate_book
    from .workbook.package import PackageBook

    src = Path(args.book)
    book = PackageBook(src, display=src.name)
    _refuse_share_workbook(book, src, "validate")
    from .workbook.actions import book_lang
    _use_lang(book_lang(book, args.lang))
    problems = validate_book(book)
    names = {}
    if problems and _LANG["lang"] != "en":     # indicator names as name_zh, as on the Notes sheet
        from .workbook.actions import _indicator_names_zh, detect_template
        names = _indicator_names_zh(book, detect_template(book))
    for p in problems:
        out(" ".join(str(p).split()), names=names)
    if problems:
        raise InputError(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the inputs "
                         f"(listed above); nothing was written")
    out(f"{src.name}: no problems found")
    return 0


def cmd_share(args) -> int:
    from pathlib import Path

    from .workbook.package import check_package
    src = Path(args.book)
    if Path(args.out).exists() and src.exists() and Path(args.out).resolve() == src.resolve():
        raise InputError("--out must name a new file; the filled workbook is kept as it is")
    target = _target(args.out, force=args.force)
    check_package(src, display=src.name, deep=True)
    if args.lang is None:
        from .workbook.actions import book_lang
        from .workbook.package import PackageBook
        _use_lang(book_lang(PackageBook(src, display=src.name)))
    if args.lite:
        from .excel.lite import embed_lite
        path = embed_lite(src, target)
    else:
        from .workbook.share import share_workbook
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", JJJWarning)
            try:
                path = share_workbook(src, target, steps=args.steps, lang=args.lang)
            except RuntimeError as err:   # an input the share formulas cannot carry
                text = _one_line(err).removeprefix("share: ")
                raise InputError(f"cannot make a share workbook: {text}; replace that formula by "
                                 f"its value (or use jjj-xl run)") from None
    out(f"Wrote {path}")
    return 0


def cmd_template(args) -> int:
    from pathlib import Path

    from .workbook import layout
    from .workbook.templates import build_all
    for tpl in layout.TEMPLATES.values():   # never over a file (perhaps a filled workbook) unasked
        _target(Path(args.dir) / tpl.filename, force=args.force)
    for path in build_all(args.dir, lang=args.lang):
        out(f"Wrote {path}")
    return 0


def cmd_addin(args) -> int:
    from .excel.addin import build_addin, doctor, install_addin, install_hint
    if args.addin_command == "build":
        out(f"Wrote {build_addin(args.out, args.interpreter)}")
    elif args.addin_command == "doctor":
        ok, lines = doctor(args.file)
        print("\n".join(lines))
        return 0 if ok else 1
    else:
        out(f"Installed {install_addin(args.file, interpreter=args.interpreter)}")
        print(install_hint())
    return 0


COMMANDS = {"demo": cmd_demo, "new": cmd_new, "run": cmd_run, "validate": cmd_validate,
            "share": cmd_share, "template": cmd_template, "addin": cmd_addin}


def _subject(args) -> str:
    """The file a command is about, as the user typed it (for one-line errors)."""
    from pathlib import Path
    for key in ("book", "file", "out", "dir"):
        value = getattr(args, key, None)
        if value:
            return Path(value).name
    return ""


def _one_line(text) -> str:
    return " ".join(str(text).split())


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__
        print(__version__)
        return 0
    if args.command is None:     # a command is needed: the help, and exit 2 (a usage error)
        parser.print_help(sys.stderr)
        return 2
    subject = _subject(args)
    _LANG["lang"] = "en"
    _use_lang(getattr(args, "lang", None))

    def say(msg) -> None:
        from .i18n import tr
        msg = tr(_one_line(msg), _LANG["lang"])
        if subject and subject not in msg.split(":", 1)[0]:
            msg = f"{subject}: {msg}"
        print(f"jjj-xl: {msg}", file=sys.stderr)

    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None   # no "Exception ignored" from destructors
    try:
        return COMMANDS[args.command](args)
    except InputError as err:
        say(err)
        return 2
    except MemoryError:
        say("not enough memory to finish; close other programs or split the workbook "
            "(nothing was written)")
        return 1
    except OSError as err:
        import os
        name = getattr(err, "filename", None)
        what = err.strerror or (os.strerror(err.errno) if err.errno else "") or str(err) \
            or type(err).__name__
        if isinstance(err, PermissionError) and "read-only" not in what:
            what += " (is the workbook open in Excel? close it and try again)"
        from pathlib import Path
        if name and Path(str(name)).name.startswith("."):   # a temporary file: name the target
            name = getattr(args, "out", None) or getattr(args, "file", None) or name
        if name:
            msg = f"{Path(str(name)).name}: {what}"
            if subject and Path(str(name)).name != subject and subject not in msg:
                msg = f"{subject}: {msg}"
            out(f"jjj-xl: {_one_line(msg)}", file=sys.stderr)
        else:
            say(what)
        return 1
    except KeyboardInterrupt:
        say("interrupted; the workbook was not changed")
        return 130
    except Exception as err:  # noqa: BLE001  never a traceback from the command line
        detail = _one_line(err)[:300] or "no details"
        say(f"could not be processed ({type(err).__name__}: {detail})")
        return 2
    finally:
        import gc
        gc.collect()
        sys.unraisablehook = hook


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
