"""STOP, START and HELP are recognised however a phone writes them, and only then."""

from __future__ import annotations

import pytest

from portal.services.sms_replies import keyword

STOPS = [
    "STOP",
    "stop",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPT OUT",
    "OPTOUT",
    "STOP.",
    "Stop!",
    "unsubscribe.",
    '"STOP"',
    "“Stop”",
    "ＳＴＯＰ",
    "STOP 🙏",
    "🛑 stop",
    "stop please",
    "Stop all",
    "opt-out",
    "  Stop\n",
    "stop stop",
    "stop sending me texts",
]
NOT_STOPS = [
    "Don't stop sending me updates",
    "when will it stop raining",
    "cancel my order",
    "stop by the front door",
    "S T O P",
    "🙏",
    "",
]


@pytest.mark.parametrize("body", STOPS)
def test_a_stop_keyword_with_punctuation_emoji_or_filler_is_a_stop(body):
    assert keyword(body) == "stop"


@pytest.mark.parametrize("body", NOT_STOPS)
def test_a_sentence_that_mentions_stop_is_not_a_stop(body):
    assert keyword(body) is None


@pytest.mark.parametrize(
    "body, expected",
    [
        ("Start!", "start"),
        ("ＵＮＳＴＯＰ", "start"),
        ("yes please", "start"),
        ("HELP?", "help"),
        ("help me", "help"),
        ("“info”", "help"),
        ("help, where is my parcel?", None),
        ("start the return", None),
    ],
)
def test_start_and_help_are_normalised_the_same_way(body, expected):
    assert keyword(body) == expected
