"""Benchmark: `bubble fmt` on the generated 10,000-dialog script (issue: target <= 2 s).

    python tools/bench/fmt.py [--dialogs 10000] [--repeat 3]

Writes `generate()` of `parse_resolve.py` (1.2 MB, 77,500 lines; it is not canonical: tasks follow
dialogs without a blank line, `else` of a `branch` is indented like an arm) to a temporary file,
and times `bubble fmt FILE` in this process on a fresh copy each time (reading, the syntax check,
the layout, its token check and writing: best of --repeat), then `bubble fmt --check` on the
formatted file (nothing to write), then one `bubble fmt FILE` in a fresh interpreter (start-up
and imports included). Prints one JSON line with the target. Asserts nothing but that the
formatted file is canonical.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools" / "bench"))

from parse_resolve import generate  # noqa: E402

TARGET_S = 2.0


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--dialogs", type=int, default=10_000)
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()

    from bubble_lang.build import parse_script
    from bubble_lang.cli.main import main as bubble
    from bubble_lang.source import SourceFile

    text = generate(args.dialogs)
    parse_script(SourceFile("warm.bot", "dialog main do\nend\n"))  # the grammar loaded, as in any run
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.bot"
        format_times = []
        for _ in range(args.repeat):
            path.write_text(text, encoding="utf-8")
            with contextlib.redirect_stderr(io.StringIO()):  # "reformatted …"
                format_times.append(timed(lambda: bubble(["fmt", str(path)])))
        formatted = path.read_text(encoding="utf-8")
        check_times = [timed(lambda: bubble(["fmt", "--check", str(path)])) for _ in range(args.repeat)]
        assert bubble(["fmt", "--check", str(path)]) == 0, "formatting twice changed the file"
        path.write_text(text, encoding="utf-8")
        cold = timed(lambda: subprocess.run([sys.executable, "-m", "bubble_lang", "fmt", str(path)], cwd=ROOT,
                                            check=True, capture_output=True))
    print(json.dumps({
        "dialogs": args.dialogs, "lines": text.count("\n"), "chars": len(text),
        "lines_added": formatted.count("\n") - text.count("\n"),
        "fmt_best_s": round(min(format_times), 3), "fmt_check_formatted_best_s": round(min(check_times), 3),
        "fmt_cold_process_s": round(cold, 3), "target_s": TARGET_S,
    }))


if __name__ == "__main__":
    main()
