"""Run a Lite copy's main.py where jjj_xl is NOT importable (used by tests/test_lite_standalone.py).

Usage: python -I [-S] lite_driver.py MAIN_DIR HELPER_DIR CALLS_JSON [EXTRA_SYS_PATH]

Imports ``main`` from MAIN_DIR with xlwings in Server/Lite mode (tests' xlserver.py copied
to HELPER_DIR), then runs each call of CALLS_JSON through xlwings' own dispatch
(``xlwings.server.custom_functions_call`` / ``custom_scripts_call`` with Office.js-shaped
JSON) and prints one JSON object: versions, where jjj_xl came from, and each result.
"""

import importlib.util
import json
import os
import sys

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"   # tests only (xlwings' pro folder)

main_dir, helper_dir, calls_path = sys.argv[1:4]
if len(sys.argv) > 4:                   # -S: site-packages without its .pth files
    sys.path.extend(p for p in sys.argv[4].split(os.pathsep) if p)


class OnlyEmbedded:
    """First on sys.meta_path: jjj_xl may come only from main.py's embedded copy, even if a
    jjj-xl happens to be installed in this interpreter (as it never is in Lite)."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] != "jjj_xl":
            return None
        for finder in sys.meta_path:
            if type(finder).__name__ == "_EmbeddedJJJ":
                return finder.find_spec(name, path, target)
        raise ModuleNotFoundError(f"No module named {name!r}")


sys.meta_path.insert(0, OnlyEmbedded())
try:
    importlib.util.find_spec("jjj_xl")
    raise SystemExit("jjj_xl is importable here before main.py ran")
except ModuleNotFoundError:
    pass

sys.path.insert(0, helper_dir)
sys.path.insert(0, main_dir)
import xlserver  # noqa: E402

xw, (main,) = xlserver.fresh_xlwings("main")
import numpy  # noqa: E402
import pandas  # noqa: E402

out = {"versions": {"numpy": numpy.__version__, "pandas": pandas.__version__,
                    "xlwings": xw.__version__, "python": sys.version.split()[0]},
       "jjj_xl": sys.modules["jjj_xl"].__file__, "results": []}
with open(calls_path, encoding="utf-8") as f:
    calls = json.load(f)
for call in calls:
    try:
        if call["kind"] == "udf":
            result = xlserver.call_udf(main, call["name"], *call["args"])
        else:
            response = xlserver.run_script(main, call["name"], call["payload"])
            result = xlserver.apply_actions(call["payload"], response)
        out["results"].append({"ok": result})
    except Exception as err:  # noqa: BLE001 - reported to the test
        out["results"].append({"error": f"{type(err).__name__}: {err}"})
print(json.dumps(out, default=str))
