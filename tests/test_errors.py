"""Tests of citra_eval.errors: the string-similarity helpers behind "did you mean" hints."""

from __future__ import annotations

import pytest

from citra_eval.errors import closest, one_typo


@pytest.mark.parametrize("a, b, typo", [
    ("INF3", "INF03", True),  # a character left out
    ("INF_03", "INF03", True),  # one added
    ("IFN03", "INF03", True),  # two neighbours swapped
    ("INX03", "INF03", True),  # one written for another
    ("INF04", "INF03", False),  # a digit for a digit: another number, another interview
    ("INF03", "INF03", False),  # the same
    ("IN03X", "INF03", False),  # two typos
    ("INF", "INF03", False),
])
def test_one_typo_is_one_character_left_out_added_swapped_or_replaced(a, b, typo):
    assert one_typo(a, b) is typo
    assert one_typo(b, a) is typo


def test_closest_prefers_a_choice_in_another_case_then_difflib():
    assert closest("r01", ["R04", "R01"]) == "R01"
    assert closest("kerjasama", ["kerja_sama", "media"]) == "kerja_sama"
    assert closest("zzz", ["kerja_sama", "media"]) is None


def test_advice_reads_per_audience_and_survives_being_passed_on():
    """Nineteenth session: a message's advice names the command to command-line users and
    the Python call to Python users, from one message (the rest written once)."""
    import copy
    import pickle

    from citra_eval.errors import InputError, Problem, advised, for_cli

    msg = advised("coded text has drifted: ", cli="run 'citra-eval reanchor'",
                  python="call ce.reanchor(codings, corpus)")
    assert msg == "coded text has drifted: call ce.reanchor(codings, corpus)"
    assert for_cli(msg) == "coded text has drifted: run 'citra-eval reanchor'"
    assert for_cli("plain") == "plain"
    err = InputError(msg, path="c.csv", line=3)
    assert str(err) == "c.csv:3: coded text has drifted: call ce.reanchor(codings, corpus)"
    assert for_cli(err) == (
        "error: c.csv:3: coded text has drifted: run 'citra-eval reanchor'")
    assert err.format() == "error: " + str(err)
    again = pickle.loads(pickle.dumps(err.problems[0]))
    assert for_cli(again) == for_cli(Problem("c.csv", msg, 3))
    assert for_cli(copy.deepcopy(msg)) == for_cli(msg)
    assert for_cli(msg.around("warning: c.csv: ", ".")) == (
        "warning: c.csv: coded text has drifted: run 'citra-eval reanchor'.")


def test_name_hint_guesses_only_a_name_one_typo_or_a_letter_case_away():
    """Nineteenth session, items 3 and 6: names where a near miss names something else
    (document ids, coders) are guessed only one typo or a letter case away."""
    from citra_eval.errors import likely_name, name_hint

    assert likely_name("rina", ["Rina", "Budi"]) == "Rina"
    assert likely_name("Rini", ["Rina", "Budi"]) == "Rina"
    assert likely_name("INF05", ["INF03", "INF04"]) is None  # another interview
    assert likely_name("Rn", ["Rina"]) is None
    assert likely_name("Z", ["A", "B"]) is None  # every letter is one typo from another
    assert likely_name("Bb", ["A", "B"]) == "B"
    assert likely_name("INF0", ["INF01", "INF02"]) is None  # which one?
    assert likely_name("a", ["A", "B"]) == "A"
    assert name_hint("Rini", ["Rina"], what="coder names") == " (did you mean 'Rina'?)"
    assert name_hint("rina", ["Rina"], what="coder names") == (
        " (did you mean 'Rina'? coder names are case-sensitive)")
    assert name_hint("inf03", ["INF03"], what="document ids", fix="write it so") == (
        " (did you mean 'INF03'? document ids are case-sensitive: write it so)")
    assert name_hint("zzz", ["Rina"], what="coder names") == ""
