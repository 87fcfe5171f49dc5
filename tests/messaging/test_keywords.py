import pytest

from messaging.keywords import KEYWORDS, Intent, classify

OPT_OUT = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
OPT_IN = ["START", "YES", "UNSTOP"]
HELP = ["HELP", "INFO"]


def test_the_keyword_table_is_twilios():
    assert sorted(k for k, v in KEYWORDS.items() if v == Intent.OPT_OUT) == sorted(OPT_OUT)
    assert sorted(k for k, v in KEYWORDS.items() if v == Intent.OPT_IN) == sorted(OPT_IN)
    assert sorted(k for k, v in KEYWORDS.items() if v == Intent.HELP) == sorted(HELP)


def spellings(word: str) -> list[str]:
    return [word, word.lower(), word.capitalize(), f"  {word}  ", f"{word}.", f"{word}!!",
            f"\n{word.lower()}?\n", f'"{word}"', f"{word} 🛑"]


@pytest.mark.parametrize("text", [s for w in OPT_OUT for s in spellings(w)])
def test_every_opt_out_keyword_in_any_case_spacing_or_punctuation_opts_out(text):
    assert classify(text).intent == Intent.OPT_OUT


@pytest.mark.parametrize("text", [s for w in OPT_IN for s in spellings(w)])
def test_every_opt_in_keyword_in_any_case_spacing_or_punctuation_opts_in(text):
    assert classify(text).intent == Intent.OPT_IN


@pytest.mark.parametrize("text", [s for w in HELP for s in spellings(w)])
def test_every_help_keyword_asks_for_help(text):
    assert classify(text).intent == Intent.HELP


def test_the_keyword_is_reported_upper_case():
    assert classify(" stop! ").keyword == "STOP"


@pytest.mark.parametrize("text", [
    "stop by tomorrow", "Can you stop by at 3?", "Please stop by and send the invoice",
    "S T O P", "STOPS", "nonstop", "The end", "I quit smoking", "Cancel my appointment",
    "end of the driveway", "yes please", "Yes, Tuesday works", "Don't stop the service",
    "Please don't send the tech before noon", "Remove me from the schedule Tuesday",
    "take me to the front door", "help me find the shutoff valve", "more info on the quote",
    "", "   ", "👍",
])
def test_near_misses_are_ordinary_messages(text):
    assert classify(text).intent == Intent.NONE


@pytest.mark.parametrize("text", [
    "please stop texting me", "Stop texting me!", "stop the texts please",
    "remove me from your list", "Remove my number", "take me off your list",
    "don't text me", "Do not text me again", "dont message me", "never contact me again",
    "I don't want any more texts", "no more messages", "stop sending me these",
    "unsubscribe me", "opt me out", "opt-out", "please stop", "Stop please", "STOP STOP",
    "stop now!", "leave me alone", "wrong number", "Quit messaging me",
])
def test_free_text_revocations_are_opt_outs_for_review(text):
    found = classify(text)
    assert found.intent == Intent.FREE_TEXT_OPT_OUT and found.keyword
