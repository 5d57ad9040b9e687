"""Command line: ``jjj-xl demo [--out FILE]`` (also ``python -m jjj_xl``).

Errors are one line on stderr with exit code 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from .errors import InputError, JJJWarning


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jjj-xl",
        description="Entropy weights, TOPSIS and coupling coordination degree for regional "
                    "economics (京津冀 studies), in Python and Excel.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo", help="run the paper 000 workflow on the bundled sample panel and write a workbook",
        description="Runs entropy weights → TOPSIS → coupling coordination (Li et al. 2022) on "
                    "the bundled ILLUSTRATIVE sample panel (6 cities × 2014–2019, generated, not "
                    "official statistics), writes a workbook with sheets Indicators, Data, "
                    "Weights, Scores and Coupling, and prints a summary.")
    demo.add_argument("--out", default="jjj_xl_demo.xlsx", metavar="FILE",
                      help="workbook to write (default: jjj_xl_demo.xlsx)")
    demo.add_argument("--lang", choices=("en", "zh"), default="en",
                      help="language of the grade labels (default: en)")
    demo.add_argument("--model", choices=("ring", "classic", "ring_printed", "wang"),
                      default="ring", help="coupling model (default: ring, as paper 000)")
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


def cmd_demo(args) -> int:
    from .datasets import load_sample
    from .workbook import write_paper000_workbook
    from .workflows import entropy_topsis_coupling

    sample = load_sample("paper000")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JJJWarning)
        result = entropy_topsis_coupling(sample.data, sample.indicators, lang=args.lang,
                                         coupling_model=args.model)
    path = write_paper000_workbook(args.out, sample.data, sample.indicators, result,
                                   description=sample.description)
    print(sample.description)
    print(_summary(result))
    for w in caught:
        print(f"note: {w.message}")
    print(f"Wrote {path}")
    return 0


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
        return {"demo": cmd_demo}[args.command](args)
    except InputError as err:
        print(f"jjj-xl: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"jjj-xl: cannot write {getattr(err, 'filename', '') or ''}: {err.strerror or err}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
