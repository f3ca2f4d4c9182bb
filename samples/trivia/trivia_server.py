"""The trivia bot's extension server, written with `bubble_lang.extensions` (Chatto's protocol).

    python samples/trivia/trivia_server.py [--port 8770]

It keeps no state of its own: the conversation sends its variables as Chatto's `slots` (all
text), and each reply sends back the ones that changed. `next_question` asks question number
`round`; `check_answer` compares `guess` with that question's answer, counts the `score`, and after
the last question moves the conversation to the bot's `final` dialog.
"""

from __future__ import annotations

import argparse

from bubble_lang.extensions import ExtensionApp, ExtensionCall

QUESTIONS = [
    ("Which planet is the largest in our solar system?", ["Mars", "Jupiter", "Venus"], "Jupiter"),
    ("How many legs does a spider have?", ["6", "8", "10"], "8"),
    ("Which language is spoken in Brazil?", ["Spanish", "Portuguese", "French"], "Portuguese"),
]

app = ExtensionApp()


def round_of(call: ExtensionCall) -> int:
    """The question number the conversation is at (0 when it has none, or an odd one)."""
    text = call.slots.get("round", "0")
    return int(text) if text.isdigit() and int(text) < len(QUESTIONS) else 0


@app.extension("next_question")
def next_question(call: ExtensionCall) -> dict:
    number = round_of(call)
    question, options, _answer = QUESTIONS[number]
    return call.reply([f"Question {number + 1} of {len(QUESTIONS)}: {question} ({', '.join(options)})"])


@app.extension("check_answer")
def check_answer(call: ExtensionCall) -> dict:
    number = round_of(call)
    _question, _options, answer = QUESTIONS[number]
    score = int(call.slots.get("score", "0") or 0)
    if call.slots.get("guess", "").strip().lower() == answer.lower():
        score += 1
        said = "Right!"
    else:
        said = f"Not quite: it is {answer}."
    slots = {"score": score, "round": number + 1}
    if number + 1 == len(QUESTIONS):
        return call.reply([said], slots=slots, state="final")
    return call.reply([said], slots=slots)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8770)
    app.run(port=parser.parse_args().port)
