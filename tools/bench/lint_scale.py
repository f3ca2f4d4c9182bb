"""Benchmark: `bubble lint` time as a bot grows (issue: "did you mean" was quadratic, 23 s on 16 KB).

    python tools/bench/lint_scale.py [--sizes 64,128,256,512,1024] [--repeat 3]

Generates bots of about the given sizes in KB, of realistic dialogs (triggers with BML, guards,
asks, branches, tasks, constants), with a few unknown names in every KB or so — misspelt
dialogs, variables and constants, and names nothing resembles — so the "did you mean" search
runs as a buggy bot makes it run. Times the whole front end with lint (`check_bot`, best of
--repeat) for each, and prints one JSON line: the sizes, seconds, seconds per KB, and how many
diagnostics each run gave. It asserts nothing: the number to watch is seconds per KB, which
should stay roughly flat from the smallest size to the largest.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WORDS = ("pizza", "pasta", "salad", "order", "table", "booking", "payment", "delivery", "menu", "drink")


def step(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}_step_{i}"


def choice(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}_choice_{i}"


def dialog_text(i: int) -> str:
    """Dialog `step(i)` (sometimes with a task), mistakes included every so often."""
    word = WORDS[i % len(WORDS)]
    target = step(i + 1)
    if i % 23 == 5:
        target = target.replace("_step_", "_stpe_")  # misspelt dialog: one edit away
    elif i % 31 == 7:
        target = f"checkout_wizard_{i}"  # unknown and like nothing
    variable = choice(max(i - 1, 0)) if i % 29 != 3 else choice(i - 1).replace("_choice_", "_chioce_")
    constant = "@menu" if i % 37 != 11 else "@mneu"
    kind = i % 5
    if kind == 0:
        return (f'dialog {step(i)}, trigger: "{word} {i} _ (please | now)[=how]" do\n'
                f'  say "You asked for {word} #{{message.how}}"\n'
                f'  {choice(i)} = ask "Which {word} would you like?", expecting: {constant}\n'
                f'  invoke {target}\nend\n')
    if kind == 1:
        return (f"dialog {step(i)} when {variable} != nil do\n"
                f'  say "You chose #{{{variable}}}"\n'
                f"  {choice(i)} = {variable}\n"
                f"  invoke {target}\nend\n")
    if kind == 2:
        return (f"dialog {step(i)} do\n  if counter > {i % 7} do\n    say \"plenty of {word}\"\n  else\n"
                f"    counter = counter + {choice(max(i - 1, 0))}\n  end\n  {choice(i)} = counter\n  perform task_{i}\n"
                f"  invoke {target}\nend\n\n"
                f"task task_{i} do\n  counter = {i}\nend\n")
    if kind == 3:
        return (f"dialog {step(i)} do\n  branch {choice(max(i - 1, 0))} do\n    1 -> say \"one {word}\"\n"
                f"    2 -> say \"two {word}\"\n    else\n      say \"many {word}\"\n  end\n"
                f"  {choice(i)} = length({constant})\n  invoke {target}\nend\n")
    return (f'dialog {step(i)}, trigger: "[Start] {word} {i} [number=count]" do\n'
            f'  say "#{{message.count}} times {word} #{{{choice(max(i - 1, 0))}}}"\n  {choice(i)} = message.count\n'
            f"  invoke {target}\nend\n")


def generate(kilobytes: int) -> tuple[str, int]:
    """A bot of about `kilobytes` KB, and its number of dialogs."""
    parts = ['@menu ["margherita", "pepperoni", "hawaii"]\n',
             f'dialog main do\n  counter = 0\n  {choice(0)} = 1\n  say "Welcome"\n  invoke {step(0)}\nend\n']
    size = sum(len(part) for part in parts)
    count = 0
    while size < kilobytes * 1024:
        part = dialog_text(count)
        parts.append(part)
        size += len(part) + 1
        count += 1
    parts.append(f'dialog {step(count)} do\n  say "Done: #{{{choice(count - 1)}}}"\nend\n')
    return "\n".join(parts), count + 1


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--sizes", default="64,128,256,512,1024", help="bot sizes in KB, comma-separated")
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()

    from bubble_lang.frontend import BotFiles, check_bot

    results = []
    with tempfile.TemporaryDirectory() as folder:
        for kilobytes in (int(size) for size in args.sizes.split(",")):
            text, dialogs = generate(kilobytes)
            path = Path(folder) / f"bot_{kilobytes}.bot"
            path.write_text(text, encoding="utf-8")
            files = BotFiles(root=Path(folder), scripts=(path,))
            best = float("inf")
            diagnostics = 0
            for _ in range(args.repeat):
                start = time.perf_counter()
                check = check_bot(files, lint=True)
                best = min(best, time.perf_counter() - start)
                diagnostics = len(check.diagnostics)
            size_kb = len(text.encode("utf-8")) / 1024
            results.append({"kb": round(size_kb, 1), "dialogs": dialogs, "diagnostics": diagnostics,
                            "seconds": round(best, 3), "seconds_per_kb": round(best / size_kb, 5)})
    per_kb = [result["seconds_per_kb"] for result in results]
    print(json.dumps({"benchmark": "lint_scale", "runs": results,
                      "seconds_per_kb_largest_over_smallest": round(per_kb[-1] / per_kb[0], 2)}))


if __name__ == "__main__":
    main()
