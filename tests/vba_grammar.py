"""Parse VBA with a real VBA grammar (ANTLR4, PyPI ``antlr4-vba``: Kevin Nowaczyk's grammar
after [MS-VBAL]) after the conditional-compilation pass that VBA itself runs first
([MS-VBAL] 3.4: ``#Const``, ``#If … Then``/``#ElseIf``/``#Else``/``#End If``).

The grammar has no rules for conditional compilation inside the module's declaration
section, so :func:`preprocess` evaluates the directives for one host configuration
(Windows 64-bit Excel by default) and blanks the lines of the branches not taken, keeping
line numbers. Only the expression forms found in xlwings' modules are understood
(``Mac``, ``Win64``, ``VBA7``, ``App = "…"``, ``Not``, ``And``, ``Or``, comparisons);
anything else raises, so a new form cannot be silently mis-evaluated.
"""

from __future__ import annotations

import re

WINDOWS_EXCEL = {"Mac": False, "Win64": True, "VBA7": True, "MAC_OFFICE_VERSION": 0,
                 "App": "Microsoft Excel"}
MAC_EXCEL = {"Mac": True, "Win64": False, "VBA7": True, "MAC_OFFICE_VERSION": 16,
             "App": "Microsoft Excel"}

_TOKEN = re.compile(r'\s*(?:(?P<str>"[^"]*")|(?P<num>\d+)|(?P<op><>|>=|<=|=|<|>|\(|\))|(?P<word>\w+))')


def _evaluate(expr: str, names: dict) -> bool:
    expr = re.sub(r"'.*$", "", expr).strip()
    out, pos = [], 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise ValueError(f"conditional-compilation expression not understood: {expr!r}")
        pos = m.end()
        if m.group("str") or m.group("num"):
            out.append(m.group("str") or m.group("num"))
        elif m.group("op"):
            out.append({"=": "==", "<>": "!="}.get(m.group("op"), m.group("op")))
        else:
            word = m.group("word")
            low = word.lower()
            if low in ("not", "and", "or"):
                out.append(low)
            elif low in ("true", "false"):
                out.append(low.capitalize())
            elif word in names:
                out.append(repr(names[word]))
            else:
                raise ValueError(f"unknown conditional-compilation constant {word!r} in {expr!r}")
    return bool(eval(" ".join(out), {"__builtins__": {}}, {}))  # noqa: S307 - tokens checked above


def preprocess(source: str, names: dict = WINDOWS_EXCEL) -> str:
    """The source as the compiler sees it for ``names``: directive lines and the lines of
    branches not taken become empty lines."""
    names = dict(names)
    out, stack, active = [], [], True
    for line in source.splitlines():
        s = line.strip()
        if m := re.match(r"#If\s+(.*?)\s+Then\b", s, re.I):
            cond = active and _evaluate(m.group(1), names)
            stack.append([active, cond])
            active = cond
        elif m := re.match(r"#ElseIf\s+(.*?)\s+Then\b", s, re.I):
            parent, taken = stack[-1]
            active = parent and not taken and _evaluate(m.group(1), names)
            stack[-1][1] = taken or active
        elif re.match(r"#Else\b", s, re.I):
            parent, taken = stack[-1]
            active = parent and not taken
            stack[-1][1] = True
        elif re.match(r"#End\s*If\b", s, re.I):
            active = stack.pop()[0]
        elif m := re.match(r"#Const\s+(\w+)\s*=\s*(.*)", s, re.I):
            if active:
                value = re.sub(r"'.*$", "", m.group(2)).strip()
                names[m.group(1)] = value.strip('"') if value.startswith('"') else _evaluate(value, names)
        else:
            out.append(line if active else "")
            continue
        out.append("")
    if stack:
        raise ValueError("#If without #End If")
    return "\n".join(out) + "\n"


def syntax_errors(source: str) -> list[tuple[int, int, str]]:
    """Syntax errors of a procedural module (after :func:`preprocess`); [] when it parses."""
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.error.ErrorListener import ErrorListener
    from antlr4_vba.vbaLexer import vbaLexer
    from antlr4_vba.vbaParser import vbaParser

    class Collect(ErrorListener):
        def __init__(self):
            self.errors = []

        def syntaxError(self, recognizer, offending, line, column, msg, e):  # noqa: N802
            self.errors.append((line, column, msg))

    listener = Collect()
    lexer = vbaLexer(InputStream(source))
    lexer.removeErrorListeners()
    lexer.addErrorListener(listener)
    parser = vbaParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(listener)
    parser.startRule()
    return listener.errors
