"""Every sample bot played over Telegram: `bubble serve --telegram` against the local Bot API
stand-in, a user typing, tapping inline keyboards, sending locations and files (the walks follow
each sample's conversation test, as the web chat's do)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bubble_lang.runtime.values import to_text
from bubble_lang.vm.captcha_challenges import challenge_of

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def walk_bml(user, api):
    user.say("/start")
    user.sees("I'm the pattern bot")
    user.say("my name is Ada Lovelace")
    user.sees("Hello Ada Lovelace")


def walk_calculator(user, api):
    user.say("/start")
    user.sees("Hello I am CompuTron")
    user.say("add 5 and 5")
    user.sees("10")


def walk_chatflow_order(user, api):
    user.say("/start")
    user.sees("What's your name")
    user.say("Ada")
    user.sees("Please select a Resturant")
    user.tap("3 Burger")
    user.sees("Please Select your main dish")
    user.tap("Douple Burger")
    user.sees("How many Douple Burger do you want")
    user.say("3")
    user.sees("what do you want with your order")
    user.tap("fries")
    user.tap("Onion rings")
    api.wait_for("editMessageReplyMarkup", 2)
    user.tap("Done")
    api.wait_for("sendMessage", where=lambda c: c.params.get("parse_mode") == "HTML")


def walk_color(user, api):
    user.say("/start")
    user.sees("Choose a color")
    user.say("blue")
    user.sees("That is not right")
    user.tap("Red")
    api.wait_for("answerCallbackQuery")


def walk_events(user, api):
    user.say("/start")
    user.sees("I'm the Amsterdam city guide")
    api.inject_location(user.chat_id, 48.85, 2.35)
    user.sees("You are at 48.85, 2.35, which is outside Amsterdam")
    api.inject_voice(user.chat_id, b"OggS voice")
    user.sees("Thanks for the audio/ogg, but I can only look at pictures")


def walk_features(user, api):
    user.say("/start")
    user.sees("What is your email address")
    user.say("ada@example.com")
    user.sees("Thanks! We'll reply to ada@example.com")


def walk_guards(user, api):
    user.say("/start")
    user.sees("What pizza would you like to order")
    user.tap("Hawaii")
    user.sees("Do you want another pizza")
    user.tap("No thanks")
    user.sees("That will be")


def walk_pizza(user, api):
    user.say("hi")
    user.sees("Welcome to Pizza Bot")
    user.tap("pepperoni")
    user.sees("How many pepperoni pizzas")
    user.say("2")
    user.sees("Shall I place the order")
    user.tap("yes")
    user.sees("Your order is placed. Goodbye!")


def walk_restaurant(user, api):
    user.say("/start")
    user.sees("Welcome to Restaurant Sienna")
    api.wait_for("sendPhoto")
    api.wait_for("sendLocation")
    user.tap("Location")
    user.sees("You can find us at Wibautstraat 150 in Amsterdam")


def walk_signup(user, api):
    user.say("/start")
    api.wait_for("sendPhoto", where=lambda c: "photo" in c.files)  # the captcha's picture, uploaded
    challenge = challenge_of(user.state().frames[-1].wait)
    user.say(to_text(challenge["text"]))
    user.sees("Tell us about yourself")
    user.say("name: Ada; age: 36; email: ada@example.com; shift: evening")
    user.sees("Where do you live")
    api.inject_location(user.chat_id, 52.37, 4.89)
    user.sees("Please upload a short CV")
    api.inject_document(user.chat_id, b"%PDF-1.4 a CV", "cv.pdf", "application/pdf")
    user.sees("Anything else we should know")
    user.say("allergies=nuts")
    user.sees("Is this right")
    user.tap("Yes")
    user.sees("You are registered, Ada")
    api.wait_for("sendDocument", where=lambda c: "document" in c.files)  # the download, uploaded


def walk_tasks(user, api):
    user.say("/start")
    user.sees("Welcome to the Corner Shop assistant")
    user.say("ARE YOU OPEN")
    user.sees("No need to shout")


def walk_trivia(user, api):
    user.say("/start")
    user.sees("Question 1 of 3")
    user.say("Jupiter")
    user.sees("Right")


def walk_ubuntu_wizard(user, api):
    user.say("/start")
    user.sees("Step 1 of 5 — Network")
    user.tap("staging")
    user.sees("Step 2 of 5 — Solution name")
    user.say("web1")
    user.sees("Step 3 of 5 — Ubuntu version")
    assert any(b.get("callback_data") == "b" for b in _last_markup(api, user, "Step 3 of 5"))
    user.api.inject_callback(user.chat_id, "b")  # ← Back
    user.sees("Step 2 of 5 — Solution name", count=2)
    user.say("web2")
    user.sees("Step 3 of 5 — Ubuntu version", count=2)
    user.tap("ubuntu-20.04")
    user.sees("Deploy this container")
    user.tap("Yes")
    user.sees("Your ubuntu container web2 (ubuntu-20.04) is being deployed on staging")


def walk_widgets(user, api):
    user.say("/start")
    user.sees("Hello, what's your name?")
    user.say("Ada")
    user.sees("Please select a restaurant")
    user.tap("3 Pizza")
    user.sees("Please select your main dish")
    user.tap("Beef Pizza")
    user.sees("How many Beef Pizza do you want")
    user.say("2")
    user.sees("What do you want with your order")
    user.tap("Fries")
    api.wait_for("editMessageReplyMarkup", where=lambda c: "✓ Fries" in str(c.params.get("reply_markup")))
    user.tap("Done")
    user.sees("Something sweet to finish")
    user.tap("Tiramisu")
    user.sees("When will you pick it up")
    user.say("tomorrow at 12:00")
    user.sees("Anything the kitchen should know")
    user.say("Extra napkins please")
    user.sees("Shall I send this order to the restaurant")
    user.tap("Yes")
    user.sees("Your order has been confirmed, Ada")


def _last_markup(api, user, text):
    for call in reversed(api.calls_of("sendMessage")):
        if str(call.params.get("text", "")).startswith(text) and call.params.get("reply_markup"):
            return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    return []


WALKS = {name[len("walk_"):]: walk for name, walk in dict(globals()).items() if name.startswith("walk_")}


def test_every_sample_has_a_telegram_walk():
    bots = sorted(p.stem for p in SAMPLES.rglob("*.bot") if not p.name.endswith(".test.bot"))
    assert bots == sorted(WALKS)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("name", sorted(WALKS))
def test_a_sample_over_telegram(name, mode, telegram, bot_api, request):
    if name == "trivia":
        request.getfixturevalue("trivia_server")
    bot = next(p for p in SAMPLES.rglob(f"{name}.bot"))
    user = telegram(bot, mode=mode)
    WALKS[name](user, bot_api)
    bot_api.wait_for("answerCallbackQuery", len(bot_api.callback_ids()))
    answered = [c.params["callback_query_id"] for c in bot_api.calls_of("answerCallbackQuery")]
    assert sorted(answered) == sorted(bot_api.callback_ids())  # every tap answered, once
    for call in bot_api.calls_of("sendMessage"):
        assert 1 <= len(call.params["text"]) <= 4096
    if mode == "webhook":  # every update came by POST to the server, none by getUpdates
        assert bot_api.calls_of("getUpdates") == [] and bot_api.webhook.attempts
        assert bot_api.webhook.secret
        bot_api.wait_confirmed()  # each answered 2xx once played
