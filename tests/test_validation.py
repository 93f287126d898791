"""The one validation module: which error each kind of bad input raises."""

from __future__ import annotations

import pandas as pd
import pytest

import citra_eval as ce
from citra_eval._validation import (
    check_choice,
    check_ci,
    check_codings_in_corpus,
    check_frame,
    check_int,
    check_lang,
    check_names,
)


def test_frame_type_and_columns():
    with pytest.raises(TypeError, match="codings must be a pandas DataFrame, got list"):
        check_frame([], "codings")
    with pytest.raises(ce.InputError, match=r"codings lacks column\(s\) code \(it has doc_id\)"):
        check_frame(pd.DataFrame({"doc_id": []}), "codings", columns=["doc_id", "code"])
    frame = pd.DataFrame({"a": [1]})
    assert check_frame(frame, "x", columns=["a"]) is frame


@pytest.mark.parametrize("bad", ["fr", None, "ID"])
def test_lang(bad):
    assert check_lang("en") == "en"
    with pytest.raises(ValueError, match="lang must be one of 'id', 'en'"):
        check_lang(bad)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True, "0.95", float("nan")])
def test_ci(bad):
    assert check_ci(0.9) == 0.9
    with pytest.raises(ValueError, match="ci must be a confidence level"):
        check_ci(bad)


def test_choice_suggests():
    with pytest.raises(ValueError, match="did you mean 'nominal'"):
        check_choice("nominl", "level", ("nominal", "ordinal"))


def test_int_and_names():
    with pytest.raises(TypeError):
        check_int(True, "n_boot")
    with pytest.raises(ValueError, match="n_boot must be at least 0"):
        check_int(-1, "n_boot", minimum=0)
    with pytest.raises(TypeError, match="the string 'age'"):
        check_names("age", "controls")
    assert check_names(("a", "b"), "controls") == ["a", "b"]
    with pytest.raises(ValueError, match="controls names 'a' more than once; give each"):
        check_names(["a", "b", "a"], "controls", unique=True)
    assert check_names([0, 1], "columns", as_str=False) == [0, 1]


def test_codings_in_corpus():
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {P: interviewer}\n---\nP: a\n"})
    ok = pd.DataFrame({"doc_id": ["D"], "segment_id": [1]})
    check_codings_in_corpus(ok, corpus)
    with pytest.raises(ce.InputError, match=r"document.*not in the corpus: X"):
        check_codings_in_corpus(pd.DataFrame({"doc_id": ["X"], "segment_id": [1]}), corpus)
    with pytest.raises(ce.InputError, match=r"1 segment.*D/7"):
        check_codings_in_corpus(pd.DataFrame({"doc_id": ["D"], "segment_id": [7]}), corpus)
