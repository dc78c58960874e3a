"""Greek punctuation in the one catalogue: ";" is the Greek question mark, so it ends a
question and never separates items in a list; "?" is not Greek. Every key has both
languages."""

import re

from components.catalogue.widgets import GRID_EL, LIBRARY_WORDS_EL, PLOTLY_EL
from components.i18n import CATALOGUE

LATIN_QUESTION = re.compile(r"\?")
# A question mark ends a sentence: after it comes the end, a space and a capital, or a quote.
MISPLACED_SEMICOLON = re.compile(r";(?!$|\s+[Α-ΩΆ-Ώ«A-Z{]|»)")


def greek_texts():
    yield from ((k, v["el"]) for k, v in CATALOGUE.items())
    yield from GRID_EL.items()
    yield from LIBRARY_WORDS_EL.items()
    yield from PLOTLY_EL["dictionary"].items()


def test_every_key_speaks_both_languages():
    assert [k for k, v in CATALOGUE.items() if not v.get("el") or not v.get("en")] == []


def test_greek_asks_with_its_own_question_mark_and_lists_without_it():
    wrong = [(k, v) for k, v in greek_texts()
             if LATIN_QUESTION.search(v.replace("?", "", 1) if v == "?" else v)
             or MISPLACED_SEMICOLON.search(v)]
    assert wrong == []
