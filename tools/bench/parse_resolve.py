"""Benchmark: parse + resolve a generated 10,000-dialog script (issue: front end, target <= 1 s).

    python tools/bench/parse_resolve.py [--dialogs 10000] [--repeat 3]

Prints the time of each stage (tokenize alone; tokenize+parse+build, which Lark does in one pass;
the whole front end with resolution and lint: best of --repeat), the
peak traced memory of one full pass, and cold process start-up with and without Lark's grammar
cache (each in a fresh interpreter). There is no peer for this one: the number is absolute.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def generate(dialogs: int) -> str:
    """A realistic mix: triggers with BML, guards, asks with expecting, invoke chains, tasks."""
    parts = ['@menu ["margherita", "pepperoni", "hawaii"]', '@yes intent(match: "yes|yep|sure", label: "Yes")',
             'dialog main do\n  say "Welcome"\n  invoke d0\nend']
    for i in range(dialogs):
        nxt = f"d{i + 1}" if i + 1 < dialogs else "main"
        if i % 4 == 0:
            parts.append(f'dialog d{i}, trigger: "order{i} _ (pizza | pasta)[=dish]" do\n'
                         f'  say "You want #{{message.dish}} number {i}"\n  invoke {nxt}\nend')
        elif i % 4 == 1:
            parts.append(f'dialog d{i} when length(@menu) > {i % 7} do\n'
                         f'  choice = ask "Which pizza?", expecting: @menu\n  say "OK #{{choice}}"\nend')
        elif i % 4 == 2:
            parts.append(f'dialog d{i} do\n  if counter > {i} do\n    say "big"\n  else\n    counter = counter + 1\n'
                         f'  end\n  perform t{i}\nend\ntask t{i} do\n  counter = {i}\nend')
        else:
            parts.append(f'dialog d{i} do\n  branch counter do\n    1 -> say "one"\n    2 -> say "two"\n'
                         f'    else\n      say "many"\n  end\nend')
    return "\n\n".join(parts) + "\n"


def best(repeat: int, fn):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def cold_start(cache: bool) -> float:
    env = dict(os.environ, BUBBLE_NO_GRAMMAR_CACHE="0" if cache else "1")
    code = ("import time; t=time.perf_counter(); from bubble_lang.build import parse_script; "
            "from bubble_lang.source import SourceFile; parse_script(SourceFile('x.bot', 'dialog main do\\n say \"hi\"\\nend\\n'));"
            "print(time.perf_counter()-t)")
    if cache:
        subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True)
    runs = [float(subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout) for _ in range(3)]
    return min(runs)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--dialogs", type=int, default=10_000)
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()

    from bubble_lang.build import parse_script
    from bubble_lang.frontend import BotFiles, check_bot
    from bubble_lang.lexer import tokenize
    from bubble_lang.source import SourceFile

    text = generate(args.dialogs)
    source = SourceFile("bench.bot", text)
    parse_script(SourceFile("warm.bot", "dialog main do\nend\n"))
    t_tok, tokens = best(args.repeat, lambda: tokenize(source))
    t_parse_build, _ = best(args.repeat, lambda: parse_script(source))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.bot"
        path.write_text(text)
        files = BotFiles(root=Path(folder), scripts=(path,))
        t_all, check = best(args.repeat, lambda: check_bot(files))
        tracemalloc.start()
        check_bot(files)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    errors = [d for d in check.diagnostics if d.severity.value == "error"]
    report = {
        "dialogs": args.dialogs, "lines": text.count("\n"), "tokens": len(tokens),
        "tokenize_s": round(t_tok, 3), "tokenize_parse_build_s": round(t_parse_build, 3),
        "read_parse_resolve_check_s": round(t_all, 3), "resolve_and_checks_s": round(t_all - t_parse_build, 3),
        "peak_traced_mib": round(peak / 2**20, 1), "errors": len(errors),
        "cold_start_with_grammar_cache_s": round(cold_start(True), 3),
        "cold_start_without_grammar_cache_s": round(cold_start(False), 3),
        "target_s": 1.0,
    }
    print(json.dumps(report))
    if errors:
        sys.exit(f"the generated script has errors: {errors[0].message}")


if __name__ == "__main__":
    main()
