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
