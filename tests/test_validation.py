"""The one validation module: which error each kind of bad input raises."""

from __future__ import annotations

import functools
import pathlib
import re
import tempfile
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

import citra_eval as ce
from citra_eval import plots
from citra_eval._validation import (
    check_bool,
    check_choice,
    check_ci,
    check_codings_in_corpus,
    check_finite,
    check_frame,
    check_int,
    check_known,
    check_lang,
    check_n_boot,
    check_names,
    check_roles,
    check_seed,
    listed,
    yaml_key,
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


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, float("nan")])
def test_ci(bad):
    assert check_ci(0.9) == 0.9
    with pytest.raises(ValueError, match="ci must be a confidence level"):
        check_ci(bad)


@pytest.mark.parametrize(("bad", "got"), [("0.95", "the string '0.95'"), (True, "True"),
                                          (None, "None"), ([0.9], "list")])
def test_ci_of_the_wrong_type_is_a_type_error(bad, got):
    with pytest.raises(TypeError, match=f"ci must be a confidence level, a number between 0 "
                                        f"and 1 .*got {got}"):
        check_ci(bad)


@pytest.mark.parametrize("bad", ["no", "yes", 1, 0, None, "False"])
def test_bool_refuses_what_is_only_truthy(bad):
    assert check_bool(True, "negation") is True
    assert check_bool(np.bool_(False), "negation") is False
    with pytest.raises(TypeError, match=f"negation must be True or False, got {bad!r}"):
        check_bool(bad, "negation")


def test_known_names_the_unknown_and_lists_the_known_shortened():
    check_known(["a"], "codes", ["a", "b"], what="code(s)")
    with pytest.raises(ce.InputError, match=r"codes names code\(s\) 'zzz' that the data do not "
                                            r"have; the known ones are 'a', 'b'$"):
        check_known(["zzz"], "codes", ["b", "a"], what="code(s)")
    with pytest.raises(ce.InputError, match=r"known ones are 'c00', .*'c09' and 30 more; did "
                                            r"you mean 'c"):
        check_known(["c1"], "codes", [f"c{i:02d}" for i in range(40)], what="code(s)")
    assert listed(["a", "b"], quote=False) == "a, b"


def test_roles_must_be_roles_of_the_corpus():
    corpus = ce.Corpus.from_texts({"x.txt": "---\nid: D\nspeakers: {I: informant, P: "
                                            "interviewer}\n---\nP: Apa?\nI: Ya.\n"})
    assert check_roles(["informant", "interviewer"], corpus) == ("informant", "interviewer")
    assert check_roles(None, corpus) is None
    with pytest.raises(ce.InputError, match=r"roles names role\(s\) 'informan' that no "
                                            r"segment of the corpus has.*did you mean "
                                            r"'informant'"):
        check_roles(["informan"], corpus)
    with pytest.raises(TypeError, match="roles must be a list of role names"):
        check_roles([1], corpus)
    # one rule with every argument that takes several names (check_names)
    with pytest.raises(TypeError, match=r"^roles must be a list of names, got the string "
                                        r"'informant' \(write \['informant'\] for one name\)$"):
        check_roles("informant", corpus)


@pytest.fixture(scope="module")
def example():
    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    cb = ce.Codebook.load(ce.example_path("codebook"))
    a, b = (ce.read_codings(ce.example_path(f"codings_{c}")) for c in "AB")
    return corpus, cb, a, pd.concat([a, b], ignore_index=True)


#: A call of every public function (and method) that takes ``roles=``.
ROLE_CALLS = {
    "agreement": lambda c, cb, a, ab, r: ce.agreement(ab, corpus=c, roles=r),
    "autocode": lambda c, cb, a, ab, r: ce.autocode(c, cb, roles=r),
    "autocode_report": lambda c, cb, a, ab, r: ce.autocode_report(a, corpus=c, codebook=cb,
                                                                  roles=r),
    "code_case_matrix": lambda c, cb, a, ab, r: ce.code_case_matrix(a, corpus=c, roles=r),
    "code_frequencies": lambda c, cb, a, ab, r: ce.code_frequencies(a, corpus=c, roles=r),
    "coding_sheet": lambda c, cb, a, ab, r: ce.coding_sheet(c, cb, roles=r),
    "collocations": lambda c, cb, a, ab, r: ce.collocations(c, roles=r),
    "cooccurrence": lambda c, cb, a, ab, r: ce.cooccurrence(a, corpus=c, roles=r),
    "cross_validate_coder": lambda c, cb, a, ab, r: ce.cross_validate_coder(c, a, codebook=cb,
                                                                            roles=r),
    "disagreements": lambda c, cb, a, ab, r: ce.disagreements(ab, corpus=c, roles=r),
    "evaluate_coder": lambda c, cb, a, ab, r: ce.evaluate_coder(a, reference=a, corpus=c,
                                                                roles=r),
    "exemplar_quotes": lambda c, cb, a, ab, r: ce.exemplar_quotes(ab, corpus=c, roles=r),
    "explain": lambda c, cb, a, ab, r: ce.explain(a, corpus=c, codebook=cb, roles=r),
    "keyness": lambda c, cb, a, ab, r: ce.keyness(c, target=a["code"].iat[0], codings=a,
                                                  roles=r),
    "kwic": lambda c, cb, a, ab, r: ce.kwic(c, "humas", roles=r),
    "grouping_attributes": lambda c, cb, a, ab, r: ce.grouping_attributes(c, roles=r),
    "joint_display": lambda c, cb, a, ab, r: ce.joint_display(
        a, corpus=c, codebook=cb, responses=None, instrument=None, outcome=None, roles=r),
    "ungrouped_attributes": lambda c, cb, a, ab, r: ce.ungrouped_attributes(c, roles=r),
    "match_patterns": lambda c, cb, a, ab, r: ce.match_patterns(c, cb, roles=r),
    "question_hits": lambda c, cb, a, ab, r: ce.question_hits(c, cb, roles=r),
    "saturation": lambda c, cb, a, ab, r: ce.saturation(a, corpus=c, roles=r),
    "theme_evidence": lambda c, cb, a, ab, r: ce.theme_evidence(a, corpus=c, codebook=cb,
                                                                roles=r),
    "suggest_turns": lambda c, cb, a, ab, r: ce.suggest_turns(c, a, codebook=cb, roles=r),
    "train_coder": lambda c, cb, a, ab, r: ce.train_coder(c, a, codebook=cb, roles=r),
    "word_frequencies": lambda c, cb, a, ab, r: ce.word_frequencies(c, roles=r),
    "LearnedCoder.code": lambda c, cb, a, ab, r: ce.LearnedCoder.code(
        _untrained_coder(roles=("informant",)), c, roles=r),
}


def _untrained_coder(**attributes) -> ce.LearnedCoder:
    """A coder with only the attributes the checks before any work read (training takes
    seconds per call)."""
    coder = object.__new__(ce.LearnedCoder)
    vars(coder).update(attributes)
    return coder


def _taking(argument: str) -> set[str]:
    """The public functions and methods (of ``ce.__all__``) with a parameter ``argument``."""
    import inspect

    found = set()
    for name in ce.__all__:
        obj = getattr(ce, name)
        members = ([(f"{name}.{m}", f) for m, f in vars(obj).items() if callable(f)
                    and not m.startswith("_")] if inspect.isclass(obj) else [(name, obj)])
        for label, f in members:
            try:
                if argument in inspect.signature(f).parameters:
                    found.add(label)
            except (TypeError, ValueError):
                continue
    return found


def test_every_roles_argument_is_in_the_table():
    assert _taking("roles") == set(ROLE_CALLS)


@pytest.mark.parametrize("name", sorted(ROLE_CALLS))
def test_roles_is_one_rule_across_the_api(example, name):
    """A bare string is a TypeError and a role no turn has an InputError, before any work,
    in every function (coding_sheet took a typo and selected no turns; most took a bare
    string, saturation and coding_sheet refused it)."""
    with pytest.raises(TypeError, match=r"^roles must be a list of names, got the string "
                                        r"'informant' \(write \['informant'\] for one name\)$"):
        ROLE_CALLS[name](*example, "informant")
    with pytest.raises(ce.InputError, match=r"roles names role\(s\) 'informan' that no "
                                            r"segment of the corpus has.*'informant'"):
        ROLE_CALLS[name](*example, ["informan"])


#: A call of every public function (and method) that takes ``seed=``.
SEED_CALLS = {
    "agreement": lambda c, cb, a, ab, s: ce.agreement(ab, corpus=c, seed=s),
    "cross_validate_coder": lambda c, cb, a, ab, s: ce.cross_validate_coder(c, a, codebook=cb,
                                                                            seed=s),
    "joint_display": lambda c, cb, a, ab, s: ce.joint_display(
        a, corpus=c, codebook=cb, responses=None, instrument=None, outcome=None, seed=s),
    "krippendorff_alpha_details": lambda c, cb, a, ab, s: ce.krippendorff_alpha_details(
        np.array([[1, 1, 2], [1, 2, 2]]), n_boot=40, seed=s),
    "load_study": lambda c, cb, a, ab, s: ce.load_study(ce.example_path(), seed=s),
    "presence_agreement": lambda c, cb, a, ab, s: ce.presence_agreement(
        np.ones((3, 2, 1), dtype=bool), seed=s),
    "simulate_survey": lambda c, cb, a, ab, s: ce.simulate_survey(
        ce.Instrument.load(ce.example_path("instrument")), ce.SimulationSettings(), seed=s),
    "survey_truth": lambda c, cb, a, ab, s: ce.survey_truth(
        ce.Instrument.load(ce.example_path("instrument")), ce.SimulationSettings(), seed=s,
        outcome="x"),
    "suggest_turns": lambda c, cb, a, ab, s: ce.suggest_turns(c, a, codebook=cb, seed=s),
    "train_coder": lambda c, cb, a, ab, s: ce.train_coder(c, a, codebook=cb, seed=s),
    "CoderValidation.conf_int": lambda c, cb, a, ab, s: object.__new__(
        ce.CoderValidation).conf_int(seed=s),
    "CoderValidation.compare": lambda c, cb, a, ab, s: object.__new__(
        ce.CoderValidation).compare("x", "y", reference="A", seed=s),
}


def test_every_seed_argument_is_in_the_table():
    assert _taking("seed") == set(SEED_CALLS)


@pytest.mark.parametrize("name", sorted(SEED_CALLS))
def test_seed_is_one_rule_across_the_api(example, name):
    """Every seed is checked by check_seed before any work: one above 2**32 - 1 passed the
    bootstraps and failed scikit-learn's learned coder deep inside a notebook."""
    for bad, error in ((2**32, ValueError), (-1, ValueError), ("1", TypeError)):
        with pytest.raises(error, match=r"^seed must be a whole number from 0 to 4294967295"):
            SEED_CALLS[name](*example, bad)


def test_the_contract_roles_select_nothing_in_a_corpus_without_speakers():
    """Paragraphs without speakers have no role: the default ``roles=("informant",)`` codes
    nothing there (a study warns about it), it is no error that would stop a notebook."""
    corpus = ce.Corpus.from_texts({"x.txt": "---\nid: D\n---\nSatu.\n\nDua.\n"})
    assert check_roles(["informant"], corpus) == ("informant",)
    assert ce.autocode(corpus, ce.Codebook.load(ce.example_path("codebook"))).empty
    with pytest.raises(ce.InputError, match="'informan'"):
        check_roles(["informan"], corpus)


def test_choice_suggests():
    with pytest.raises(ValueError, match="did you mean 'nominal'"):
        check_choice("nominl", "level", ("nominal", "ordinal"))


def test_choice_names_other_forms_and_takes_what_cannot_be_hashed():
    """``also`` names what else the argument takes, ``fix`` ends the message; a value that
    cannot be hashed (a list, a dict) is simply not one of the choices, and None among
    them is written as None (never suggested as the string 'None')."""
    with pytest.raises(ValueError, match=r"^order must be one of 'date', 'auto' \(or a list "
                                         r"of doc ids\), got 'data'; did you mean 'date'\?$"):
        check_choice("data", "order", ("date", "auto"), also="a list of doc ids")
    with pytest.raises(ValueError, match=r"^x must be one of 'a', 'b', got \['a'\]; use it$"):
        check_choice(["a"], "x", {"a", "b"}, fix="; use it")
    with pytest.raises(ValueError, match=r"^impute must be one of None, 'median', got "
                                         r"'none'$"):
        check_choice("none", "impute", (None, "median"))
    assert check_choice(None, "impute", (None, "median")) is None
    assert check_choice("HC1", "robust", frozenset({"HC0", "HC1"})) == "HC1"


def _tmp() -> pathlib.Path:
    return pathlib.Path(tempfile.mkdtemp())


@functools.cache
def _qdpx() -> pathlib.Path:
    """A small REFI-QDA project (written once)."""
    path = _tmp() / "study.qdpx"
    ce.write_qdpx(path, ce.Corpus.from_texts({"a.txt": "---\nid: D\n---\nSatu.\n"}),
                  ce.Codebook.load(ce.example_path("codebook")))
    return path


def _qual_frequencies():
    return pd.DataFrame({"code": ["a"], "n_segments": [1], "n_documents": [1],
                         "n_codings": [1], "share_segments": [1.0]})


#: A call of public functions (a few of every module) taking an option of a fixed set of
#: values: (the argument, its allowed values, a bad value, the call with it given as ``x``).
CHOICE_CALLS = {
    "agreement.unit": ("unit", ("segment", "document"), "segments",
                       lambda c, cb, a, ab, x: ce.agreement(ab, corpus=c, unit=x, n_boot=0)),
    "agreement.coverage": ("coverage", ("all", "documents"), "everything",
                           lambda c, cb, a, ab, x: ce.agreement(ab, corpus=c, coverage=x)),
    "consensus.rule": ("rule", ("agreed", "any", "majority", "adjudicator"), "all",
                       lambda c, cb, a, ab, x: ce.consensus(ab, rule=x)),
    "autocode.unit": ("unit", ("turn", "sentence"), "turns",
                      lambda c, cb, a, ab, x: ce.autocode(c, cb, unit=x)),
    "cooccurrence.measure": ("measure", ("count", "jaccard"), "dice",
                             lambda c, cb, a, ab, x: ce.cooccurrence(a, corpus=c, measure=x)),
    "cooccurrence_matrix.measure": ("measure", ("count", "jaccard"), "dice",
                                    lambda c, cb, a, ab, x: ce.cooccurrence_matrix(
                                        pd.DataFrame(columns=["code_a", "code_b", "count"]),
                                        measure=x)),
    "saturation.order": ("order", ("date", "auto"), "dates",
                         lambda c, cb, a, ab, x: ce.saturation(a, corpus=c, order=x)),
    "scale_reliability.impute": ("impute", (None, "median"), "mean",
                                 lambda c, cb, a, ab, x: ce.scale_reliability(
                                     pd.DataFrame(), _instrument(), impute=x)),
    "krippendorff_alpha.level": ("level", ("nominal", "ordinal", "interval", "ratio"),
                                 "nominl", lambda c, cb, a, ab, x: ce.krippendorff_alpha(
                                     [[1, 1], [1, 2]], level=x)),
    "agreement_weights.weights": ("weights", ("linear", "quadratic", "ordinal", "radical",
                                              "ratio", "circular", "bipolar"), "cubic",
                                  lambda c, cb, a, ab, x: ce.agreement_weights(x, [1, 2])),
    "cohen_kappa.missing": ("missing", ("both", "gwet"), "either",
                            lambda c, cb, a, ab, x: ce.cohen_kappa([[1, 1], [1, 2]],
                                                                   missing=x)),
    "agreement_coefficients.method": ("method", ("gwet", "asymptotic"), "exact",
                                      lambda c, cb, a, ab, x: ce.agreement_coefficients(
                                          [[1, 1], [1, 2]], method=x)),
    "agreement_coefficients.alternative": ("alternative", ("two-sided", "greater"), "less",
                                           lambda c, cb, a, ab, x: ce.agreement_coefficients(
                                               [[1, 1], [1, 2]], alternative=x)),
    "image_model.robust": ("robust", (None, "HC0", "HC1", "HC2", "HC3"), "HC4",
                           lambda c, cb, a, ab, x: ce.image_model(
                               pd.DataFrame(), _instrument(), outcome="x", robust=x)),
    "ordinal_model.link": ("link", ("logit", "probit"), "cloglog",
                           lambda c, cb, a, ab, x: ce.ordinal_model(
                               pd.DataFrame({"y": [1, 2], "x": [1, 2]}), outcome="y",
                               predictors=["x"], link=x)),
    "read_qdpx.spanning": ("spanning", ("keep", "split"), "join",
                           lambda c, cb, a, ab, x: ce.read_qdpx(_qdpx(), spanning=x)),
    "read_qdpx.turns": ("turns", ("auto", "none", "strict"), "labels",
                        lambda c, cb, a, ab, x: ce.read_qdpx(_qdpx(), turns=x)),
    "read_qdpx.positions": ("positions", (None, "codepoint", "utf16"), "utf8",
                            lambda c, cb, a, ab, x: ce.read_qdpx(_qdpx(), positions=x)),
    "read_qdpx.crlf": ("crlf", (None, 1, 2), 3,
                       lambda c, cb, a, ab, x: ce.read_qdpx(_qdpx(), crlf=x)),
    "write_qdpx.positions": ("positions", ("codepoint", "utf16"), "utf8",
                             lambda c, cb, a, ab, x: ce.write_qdpx(
                                 _tmp() / "x.qdpx", c, cb, positions=x)),
    "plots.plot_code_frequencies.value": (
        "value", ("n_segments", "n_documents", "n_codings", "share_segments"), "n",
        lambda c, cb, a, ab, x: plots.plot_code_frequencies(_qual_frequencies(), value=x)),
    "example_path.name": ("name", ("study", "transcripts", "codebook"), "codebooks",
                          lambda c, cb, a, ab, x: ce.example_path(x)),
}


@pytest.mark.parametrize("name", sorted(CHOICE_CALLS))
def test_an_option_is_one_rule_across_the_api(example, name):
    """Every option of a fixed set of values goes through check_choice: one ValueError
    naming the argument, the allowed values and what it got (each function had its own
    wording: 'must be 'a' or 'b'', 'must be one of a, b', values quoted or not)."""
    arg, allowed, bad, call = CHOICE_CALLS[name]
    with pytest.raises(ValueError) as info:
        call(*example, bad)
    message = str(info.value)
    assert message.startswith(f"{arg} must be one of "), message
    for value in allowed:
        assert repr(value) in message.split(", got ")[0], (value, message)
    assert f", got {bad!r}" in message, message


@pytest.mark.parametrize(("bad", "none", "error", "message"), [
    (True, True, TypeError, "n_boot must be an integer, got bool"),
    (40.0, False, TypeError, "n_boot must be an integer, got float"),
    ("40", True, TypeError, "n_boot must be an integer, got str"),
    (-1, True, ValueError, "n_boot must be at least 0, got -1"),
    (0, False, ValueError, "n_boot must be at least 1, got 0"),
])
def test_n_boot_is_a_count_in_check_int_words(bad, none, error, message):
    """check_n_boot is check_int (at least 0, or 1 without 'no interval') and then enough
    replicates for the interval; it said 'a whole number >= 0, got ...' where every other
    count says 'an integer' and 'at least'."""
    with pytest.raises(error, match=rf"^{re.escape(message)}$"):
        check_n_boot(bad, 0.95, none=none)
    assert check_n_boot(np.int64(40), 0.95) == 40 and type(check_n_boot(40, 0.95)) is int


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


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (2**32, ValueError),
                                            (10**23, ValueError), (1.0, TypeError),
                                            ("1", TypeError), (True, TypeError)])
def test_seed_is_what_every_random_step_takes(bad, error):
    """numpy takes any seed of 0 or more, scikit-learn's random_state 0 to 2**32 - 1: a study
    seed of 2**32 passed validation and failed the learned coder after six notebooks."""
    assert check_seed(2**32 - 1) == 2**32 - 1
    assert check_seed(np.int64(3)) == 3 and type(check_seed(np.int64(3))) is int
    with pytest.raises(error, match=r"^seed must be a whole number from 0 to 4294967295, "
                                    rf"got {re.escape(repr(bad))}$"):
        check_seed(bad)


def test_codings_in_corpus():
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {P: interviewer}\n---\nP: a\n"})
    ok = pd.DataFrame({"doc_id": ["D"], "segment_id": [1]})
    check_codings_in_corpus(ok, corpus)
    with pytest.raises(ce.InputError, match=r"document.*not in the corpus: X"):
        check_codings_in_corpus(pd.DataFrame({"doc_id": ["X"], "segment_id": [1]}), corpus)
    with pytest.raises(ce.InputError, match=r"1 segment.*D/7"):
        check_codings_in_corpus(pd.DataFrame({"doc_id": ["D"], "segment_id": [7]}), corpus)


# --------------------------------------------------------------------------- boolean options


def _calls(tmp_path, corpus, codebook):
    """A call of every public function (of ``ce.__all__``) with a boolean option, by
    (function, option): each takes the option's value."""
    from matplotlib.figure import Figure

    codings = ce.read_codings(ce.example_path("codings_A"))
    both = pd.concat([codings, ce.read_codings(ce.example_path("codings_B"))])
    scores = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "g": list("aabb")})
    kw = {"corpus": corpus, "codebook": codebook}
    return {
        ("agreement", "masi"): lambda v: ce.agreement(both, corpus=corpus, n_boot=0, masi=v),
        ("autocode", "question_context"): lambda v: ce.autocode(corpus, codebook,
                                                                question_context=v),
        ("autocode", "negation"): lambda v: ce.autocode(corpus, codebook, negation=v),
        ("autocode", "progress"): lambda v: ce.autocode(corpus, codebook, progress=v),
        ("match_patterns", "negation"): lambda v: ce.match_patterns(corpus, codebook,
                                                                    negation=v),
        ("match_patterns", "progress"): lambda v: ce.match_patterns(corpus, codebook,
                                                                    progress=v),
        ("question_hits", "negation"): lambda v: ce.question_hits(corpus, codebook, negation=v),
        ("explain", "question_context"): lambda v: ce.explain(codings, question_context=v,
                                                              **kw),
        ("Matcher.hits", "negation"): lambda v: ce.Matcher.from_codebook(codebook).hits(
            corpus.segments, negation=v),
        ("Matcher.hits", "progress"): lambda v: ce.Matcher.from_codebook(codebook).hits(
            corpus.segments, progress=v),
        ("train_coder", "neighbours"): lambda v: ce.train_coder(corpus, codings, neighbours=v,
                                                                codebook=codebook),
        ("train_coder", "progress"): lambda v: ce.train_coder(corpus, codings, progress=v,
                                                              codebook=codebook),
        ("train_coder", "negation"): lambda v: ce.train_coder(corpus, codings, negation=v,
                                                              codebook=codebook),
        ("train_coder", "question_context"): lambda v: ce.train_coder(
            corpus, codings, question_context=v, codebook=codebook),
        ("cross_validate_coder", "neighbours"): lambda v: ce.cross_validate_coder(
            corpus, codings, codebook=codebook, neighbours=v),
        ("cross_validate_coder", "negation"): lambda v: ce.cross_validate_coder(
            corpus, codings, codebook=codebook, negation=v),
        ("cross_validate_coder", "question_context"): lambda v: ce.cross_validate_coder(
            corpus, codings, codebook=codebook, question_context=v),
        ("cross_validate_coder", "progress"): lambda v: ce.cross_validate_coder(
            corpus, codings, codebook=codebook, progress=v),
        ("suggest_turns", "negation"): lambda v: ce.suggest_turns(
            corpus, codings, codebook=codebook, negation=v),
        ("suggest_turns", "question_context"): lambda v: ce.suggest_turns(
            corpus, codings, codebook=codebook, question_context=v),
        ("collocations", "stem"): lambda v: ce.collocations(corpus, stem=v),
        ("keyness", "stem"): lambda v: ce.keyness(corpus, target="bamara", codings=codings,
                                                  stem=v),
        ("word_frequencies", "stem"): lambda v: ce.word_frequencies(corpus, stem=v),
        ("init_study", "example"): lambda v: ce.init_study(tmp_path / "s", example=v),
        ("init_study", "force"): lambda v: ce.init_study(tmp_path / "s", force=v),
        ("read_codings", "keep_lines"): lambda v: ce.read_codings(
            ce.example_path("codings_A"), keep_lines=v),
        ("read_qdpx", "strict"): lambda v: ce.read_qdpx(tmp_path / "x.qdpx", strict=v),
        ("Project.save", "replace"): lambda v: ce.Project("p", corpus, codebook, codings).save(
            tmp_path / "p", replace=v),
        ("read_transcripts", "allow_empty"): lambda v: ce.read_transcripts(
            ce.example_path("transcripts"), allow_empty=v),
        ("record_text", "overwrite"): lambda v: ce.record_text(codings, corpus=corpus,
                                                               overwrite=v),
        ("save_figure", "close"): lambda v: ce.save_figure(Figure(), "f", out_dir=tmp_path,
                                                           close=v),
        ("save_table", "index"): lambda v: ce.save_table(scores, "t", out_dir=tmp_path,
                                                         index=v),
        ("save_table", "replace_raw"): lambda v: ce.save_table(scores, "t", out_dir=tmp_path,
                                                               replace_raw=v),
        ("validate_codings", "warn"): lambda v: ce.validate_codings(codings, corpus=corpus,
                                                                    warn=v),
        ("write_codings", "replace_raw"): lambda v: ce.write_codings(
            codings, tmp_path / "w.csv", replace_raw=v),
        ("ttest_groups", "welch"): lambda v: ce.ttest_groups(scores, dv="x", between="g",
                                                             welch=v),
    }


def _boolean_options() -> set[tuple[str, str]]:
    """(function, option) of every keyword of the public functions and methods annotated
    ``bool`` (constructors excepted: the classes are made by the library's readers)."""
    import inspect

    found = set()
    for name in ce.__all__:
        obj = getattr(ce, name)
        if inspect.isclass(obj):
            funcs = [(f"{name}.{m}", f) for m, f in inspect.getmembers(obj, inspect.isfunction)
                     if not m.startswith("_")]
        else:
            funcs = [(name, obj)] if callable(obj) else []
        for fname, f in funcs:
            for p in inspect.signature(f).parameters.values():
                ann = str(p.annotation)
                if ann in ("bool", "bool | None"):
                    found.add((fname, p.name))
    return found


def test_every_boolean_option_is_refused_when_not_a_bool(tmp_path, example_corpus,
                                                         example_codebook):
    """A flag given as "no" or 1 was silently truthy: every public one is checked, by
    check_bool, before any work is done (and a new one cannot be forgotten here)."""
    calls = _calls(tmp_path, example_corpus, example_codebook)
    assert set(calls) == _boolean_options()
    for (_, option), call in calls.items():
        with pytest.raises(TypeError, match=f"^{option} must be True or False.*, got 'no'$"):
            call("no")
        with pytest.raises(TypeError, match=f"^{option} must be True or False.*, got 1$"):
            call(1)


def test_the_study_helper_kwic_counts_checks_roles_too():
    from citra_eval.themes import kwic_counts

    corpus = ce.Corpus.from_texts({"x.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                            "I: Kami bekerjasama.\n"})
    assert kwic_counts(corpus, ["kerja sama"], roles=["informant"]) == {"kerja sama": 1}
    with pytest.raises(TypeError, match="roles must be a list of names, got the string"):
        kwic_counts(corpus, ["kerja sama"], roles="informant")
    with pytest.raises(ce.InputError, match="did you mean 'informant'"):
        kwic_counts(corpus, ["kerja sama"], roles=["informan"])


def _indonesian_roles_corpus():
    return ce.Corpus.from_texts({"w.txt": "---\nid: W1\nspeakers: {P: pewawancara, "
                                          "N: narasumber}\n---\nP: Promosinya gimana?\n"
                                          "N: Lewat instagram tiap hari.\n"})


def test_roles_that_select_no_turn_of_a_corpus_with_other_roles_warn():
    """Role words other than the contract's (``narasumber``) are allowed, but the default
    ``roles=("informant",)`` then selected no turn and every analysis came back empty in
    silence: the one role check warns, naming the roles present and the fix."""
    corpus = _indonesian_roles_corpus()
    book = ce.Codebook.from_dict({"codebook": "x", "language": "id", "codes": [
        {"id": "m", "label": "M", "patterns": ["instagram"]}]})
    with pytest.warns(UserWarning, match=r"no turn has the role\(s\) 'informant'.*roles here: "
                                         r"narasumber, pewawancara.*as informants.*"
                                         r"\{P: pewawancara, N: informant\}.*"
                                         r"roles=\[") as record:
        assert ce.autocode(corpus, book).empty
    assert len([w for w in record if "no turn has the role" in str(w.message)]) == 1
    for call in (lambda: ce.word_frequencies(corpus),
                 lambda: ce.match_patterns(corpus, book)):
        with pytest.warns(UserWarning, match="roles here: narasumber, pewawancara"):
            call()


def test_roles_that_match_or_a_corpus_without_roles_do_not_warn():
    corpus = _indonesian_roles_corpus()
    book = ce.Codebook.from_dict({"codebook": "x", "language": "id", "codes": [
        {"id": "m", "label": "M", "patterns": ["instagram"]}]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(ce.autocode(corpus, book, roles=["narasumber"])) == 1
        assert check_roles(None, corpus) is None
        # no roles at all: the documented silent empty selection (validate warns)
        bare = ce.Corpus.from_texts({"x.txt": "---\nid: D\n---\nSatu.\n\nDua.\n"})
        assert check_roles(["informant"], bare) == ("informant",)


def _subtitle_corpus(folder, roles: str):
    """A Zoom .vtt (no front matter): its speakers' roles come from the sidecar zoom.yaml."""
    folder.mkdir()
    (folder / "zoom.vtt").write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nCitra Dewi: Selamat siang, Pak.\n\n2\n"
        "00:00:04.500 --> 00:00:08.000\nBudi Santoso: Siang. Keluhan pasien kami jawab.\n",
        encoding="utf-8")
    (folder / "zoom.yaml").write_text(f"id: Z1\nspeakers: {{{roles}}}\n", encoding="utf-8")
    return ce.read_transcripts(folder)


def test_the_role_check_names_where_the_roles_of_the_transcripts_come_from(tmp_path):
    """Session 12: the role check's fixes said "each transcript's front matter" even when
    the roles come from a subtitle file's sidecar <name>.yaml (a .vtt has no front matter)."""
    corpus = _subtitle_corpus(tmp_path / "t", "Citra Dewi: moderator, Budi Santoso: peserta")
    with pytest.warns(UserWarning, match=r"no turn has the role\(s\) 'informant'") as record:
        check_roles(["informant"], corpus)
    (message,) = [str(w.message) for w in record]
    assert "zoom.yaml" in message and "sidecar" in message
    assert "front matter" not in message
    assert "Budi Santoso: informant" in message and "roles here: moderator, peserta" in message
    with pytest.raises(ce.InputError, match="informan") as error:
        check_roles(["informan"], corpus)
    assert "zoom.yaml" in str(error.value) and "front matter" not in str(error.value)
    # a transcript with front matter is told to use it, and only it
    with pytest.warns(UserWarning) as record:
        check_roles(["informant"], _indonesian_roles_corpus())
    (message,) = [str(w.message) for w in record]
    assert "front matter" in message and "sidecar" not in message
    assert "speakers: {P: pewawancara, N: informant}" in message, message


def _example_sheet() -> ce.CodingSheet:
    """An (empty) coding sheet of the example study."""
    return ce.coding_sheet(ce.read_transcripts(ce.example_path("transcripts")),
                           ce.Codebook.load(ce.example_path("codebook")))


#: A call of every public function (and method) that takes ``codebook=``, with the
#: codebook given (the other arguments valid).
CODEBOOK_CALLS = {
    "autocode": lambda c, cb, a, ab, tmp: ce.autocode(c, cb),
    "autocode_report": lambda c, cb, a, ab, tmp: ce.autocode_report(a, corpus=c, codebook=cb),
    "code_case_matrix": lambda c, cb, a, ab, tmp: ce.code_case_matrix(a, corpus=c, codebook=cb),
    "code_frequencies": lambda c, cb, a, ab, tmp: ce.code_frequencies(a, corpus=c, codebook=cb),
    "codebook_to_qdc": lambda c, cb, a, ab, tmp: ce.codebook_to_qdc(cb, tmp / "x.qdc"),
    "coding_sheet": lambda c, cb, a, ab, tmp: ce.coding_sheet(c, cb),
    "codings_from_sheet": lambda c, cb, a, ab, tmp: ce.codings_from_sheet(
        _example_sheet(), corpus=c, codebook=cb, coder="A"),
    "collocations": lambda c, cb, a, ab, tmp: ce.collocations(c, codebook=cb),
    "cooccurrence": lambda c, cb, a, ab, tmp: ce.cooccurrence(a, corpus=c, codebook=cb),
    "cross_validate_coder": lambda c, cb, a, ab, tmp: ce.cross_validate_coder(c, a,
                                                                              codebook=cb),
    "exemplar_quotes": lambda c, cb, a, ab, tmp: ce.exemplar_quotes(ab, corpus=c, codebook=cb),
    "explain": lambda c, cb, a, ab, tmp: ce.explain(a, corpus=c, codebook=cb),
    "joint_display": lambda c, cb, a, ab, tmp: ce.joint_display(
        a, corpus=c, codebook=cb, responses=None, instrument=None, outcome=None),
    "keyness": lambda c, cb, a, ab, tmp: ce.keyness(c, target=a["code"].iat[0], codings=a,
                                                    codebook=cb),
    "kwic": lambda c, cb, a, ab, tmp: ce.kwic(c, "humas", codebook=cb),
    "match_patterns": lambda c, cb, a, ab, tmp: ce.match_patterns(c, cb),
    "question_hits": lambda c, cb, a, ab, tmp: ce.question_hits(c, cb),
    "read_coding_sheet": lambda c, cb, a, ab, tmp: ce.read_coding_sheet(
        tmp / "sheet.xlsx", corpus=c, codebook=cb, coder="A"),
    "read_codings": lambda c, cb, a, ab, tmp: ce.read_codings(ce.example_path("codings_A"),
                                                              corpus=c, codebook=cb),
    "suggest_turns": lambda c, cb, a, ab, tmp: ce.suggest_turns(c, a, codebook=cb),
    "theme_evidence": lambda c, cb, a, ab, tmp: ce.theme_evidence(a, corpus=c, codebook=cb),
    "train_coder": lambda c, cb, a, ab, tmp: ce.train_coder(c, a, codebook=cb),
    "validate_codings": lambda c, cb, a, ab, tmp: ce.validate_codings(a, corpus=c, codebook=cb),
    "word_frequencies": lambda c, cb, a, ab, tmp: ce.word_frequencies(c, codebook=cb),
    "write_qdpx": lambda c, cb, a, ab, tmp: ce.write_qdpx(tmp / "x.qdpx", c, cb, a),
}


def test_every_codebook_argument_is_in_the_table():
    assert _taking("codebook") == set(CODEBOOK_CALLS)


@pytest.mark.parametrize("name", sorted(CODEBOOK_CALLS))
def test_codebook_is_one_rule_across_the_api(example, name, tmp_path):
    """A codebook given as its file (as Codebook.load takes it) or as anything but a
    Codebook is a TypeError saying how to load it, before any work (most functions failed
    deep inside with an AttributeError; kwic ignored it)."""
    call = CODEBOOK_CALLS[name]
    with pytest.raises(TypeError, match=r"^codebook must be a citra_eval\.Codebook.*, got str; "
                                        r"load the file first: citra_eval\.Codebook\.load"):
        call(example[0], "codebook.yaml", *example[2:], tmp_path)
    with pytest.raises(TypeError, match=r"^codebook must be a citra_eval\.Codebook.*, "
                                        r"got int$"):
        call(example[0], 42, *example[2:], tmp_path)
    with pytest.raises(TypeError, match=r"^codebook must be a citra_eval\.Codebook.*, got dict; "
                                        r"build it first: citra_eval\.Codebook\.from_dict"):
        call(example[0], {"codes": [{"id": "a"}]}, *example[2:], tmp_path)
    assert not list(tmp_path.iterdir())


#: A call of every public function (and method) that takes ``corpus=``, with the corpus
#: given (the other arguments valid).
CORPUS_CALLS = {
    **{name: call for name, call in ROLE_CALLS.items() if name not in ("LearnedCoder.code",)},
    "Codebook.lint": lambda c, cb, a, ab, r: cb.lint(corpus=c),
    "LearnedCoder.code": lambda c, cb, a, ab, r: ce.LearnedCoder.code(
        _untrained_coder(roles=("informant",)), c),
    "LearnedCoder.scores": lambda c, cb, a, ab, r: ce.LearnedCoder.scores(
        _untrained_coder(roles=("informant",)), c),
    "check_anchors": lambda c, cb, a, ab, r: ce.check_anchors(a, c),
    "coded_documents": lambda c, cb, a, ab, r: ce.coded_documents(a, corpus=c),
    "codings_from_sheet": lambda c, cb, a, ab, r: ce.codings_from_sheet(
        _example_sheet(), corpus=c, codebook=cb, coder="A"),
    "consensus": lambda c, cb, a, ab, r: ce.consensus(ab, corpus=c),
    "pseudonymise": lambda c, cb, a, ab, r: ce.pseudonymise(c, key={}),
    "read_coding_sheet": lambda c, cb, a, ab, r: ce.read_coding_sheet(
        "sheet.xlsx", corpus=c, codebook=cb, coder="A"),
    "read_codings": lambda c, cb, a, ab, r: ce.read_codings(ce.example_path("codings_A"),
                                                            corpus=c),
    "reanchor": lambda c, cb, a, ab, r: ce.reanchor(a, c),
    "record_text": lambda c, cb, a, ab, r: ce.record_text(a, corpus=c),
    "reference_codings": lambda c, cb, a, ab, r: ce.reference_codings(ab, corpus=c),
    "reidentify": lambda c, cb, a, ab, r: ce.reidentify(c, pd.DataFrame()),
    "validate_codings": lambda c, cb, a, ab, r: ce.validate_codings(a, corpus=c),
    "write_codings": lambda c, cb, a, ab, r: ce.write_codings(a, "codings.csv", corpus=c),
    "write_qdpx": lambda c, cb, a, ab, r: ce.write_qdpx("x.qdpx", c, cb, a),
}


def test_every_corpus_argument_is_in_the_table():
    assert _taking("corpus") == set(CORPUS_CALLS)


@pytest.mark.parametrize("name", sorted(CORPUS_CALLS))
def test_corpus_is_one_rule_across_the_api(example, name, tmp_path, monkeypatch):
    """A corpus given as its folder of transcripts (or as anything but a Corpus) is a
    TypeError saying how to read it, before any work (read_codings, validate_codings,
    record_text, write_codings and Codebook.lint failed deep inside)."""
    monkeypatch.chdir(tmp_path)
    call = CORPUS_CALLS[name]
    with pytest.raises(TypeError, match=r"^corpus must be a citra_eval\.Corpus.*, got str; "
                                        r"read the transcripts first: "
                                        r"citra_eval\.read_transcripts\(folder\)$"):
        call("transcripts", *example[1:], None)
    with pytest.raises(TypeError, match=r"^corpus must be a citra_eval\.Corpus.*, got list$"):
        call([], *example[1:], None)
    assert not list(tmp_path.iterdir())


#: A call of every public function (and method) that takes ``codings``, with the codings
#: given (the other arguments valid).
CODINGS_CALLS = {
    "agreement": lambda c, cb, a, ab, k: ce.agreement(k, corpus=c),
    "autocode_report": lambda c, cb, a, ab, k: ce.autocode_report(k, corpus=c, codebook=cb),
    "check_anchors": lambda c, cb, a, ab, k: ce.check_anchors(k, c),
    "code_case_matrix": lambda c, cb, a, ab, k: ce.code_case_matrix(k, corpus=c),
    "code_frequencies": lambda c, cb, a, ab, k: ce.code_frequencies(k, corpus=c),
    "coded_documents": lambda c, cb, a, ab, k: ce.coded_documents(k, corpus=c),
    "consensus": lambda c, cb, a, ab, k: ce.consensus(k, corpus=c),
    "cooccurrence": lambda c, cb, a, ab, k: ce.cooccurrence(k, corpus=c),
    "cross_validate_coder": lambda c, cb, a, ab, k: ce.cross_validate_coder(c, k, codebook=cb),
    "disagreements": lambda c, cb, a, ab, k: ce.disagreements(k, corpus=c),
    "evaluate_coder": lambda c, cb, a, ab, k: ce.evaluate_coder(k, reference=a, corpus=c),
    "exemplar_quotes": lambda c, cb, a, ab, k: ce.exemplar_quotes(k, corpus=c),
    "explain": lambda c, cb, a, ab, k: ce.explain(k, corpus=c, codebook=cb),
    "joint_display": lambda c, cb, a, ab, k: ce.joint_display(
        k, corpus=c, codebook=cb, responses=None, instrument=None, outcome=None),
    "keyness": lambda c, cb, a, ab, k: ce.keyness(c, target="x", codings=k),
    "pseudonymise": lambda c, cb, a, ab, k: ce.pseudonymise(c, key={}, codings=k),
    "reanchor": lambda c, cb, a, ab, k: ce.reanchor(k, c),
    "record_text": lambda c, cb, a, ab, k: ce.record_text(k, corpus=c),
    "reference_codings": lambda c, cb, a, ab, k: ce.reference_codings(k, corpus=c),
    "reidentify": lambda c, cb, a, ab, k: ce.reidentify(c, pd.DataFrame(), codings=k),
    "saturation": lambda c, cb, a, ab, k: ce.saturation(k, corpus=c),
    "suggest_turns": lambda c, cb, a, ab, k: ce.suggest_turns(c, k, codebook=cb),
    "theme_evidence": lambda c, cb, a, ab, k: ce.theme_evidence(k, corpus=c, codebook=cb),
    "train_coder": lambda c, cb, a, ab, k: ce.train_coder(c, k, codebook=cb),
    "validate_codings": lambda c, cb, a, ab, k: ce.validate_codings(k, corpus=c),
    "write_codings": lambda c, cb, a, ab, k: ce.write_codings(k, "codings.csv", corpus=c),
    "write_qdpx": lambda c, cb, a, ab, k: ce.write_qdpx("x.qdpx", c, cb, k),
}


def test_every_codings_argument_is_in_the_table():
    assert _taking("codings") == set(CODINGS_CALLS)


@pytest.mark.parametrize("name", sorted(CODINGS_CALLS))
def test_codings_is_one_rule_across_the_api(example, name, tmp_path, monkeypatch):
    """Codings given as their file (or as anything but a DataFrame) are one TypeError
    saying how to read them, before any work (seven wordings before session 15;
    joint_display failed inside with 'string indices must be integers', pseudonymise and
    reidentify complained about the key)."""
    monkeypatch.chdir(tmp_path)
    call = CODINGS_CALLS[name]
    optional = " or None" if name in ("joint_display", "pseudonymise", "reidentify") else ""
    with pytest.raises(TypeError, match=rf"^codings must be a codings table \(a pandas "
                                        rf"DataFrame\){optional}, got str; read the file "
                                        r"first: citra_eval\.read_codings\(path\)$"):
        call(*example[:2], example[2], example[3], "codings.csv")
    with pytest.raises(TypeError, match=rf"^codings must be a codings table \(a pandas "
                                        rf"DataFrame\){optional}, got list$"):
        call(*example[:2], example[2], example[3], [])
    assert not list(tmp_path.iterdir())


def test_the_reference_of_evaluate_coder_is_checked_as_codings(example):
    with pytest.raises(TypeError, match=r"^reference must be a codings table \(a pandas "
                                        r"DataFrame\), got str; read the file first"):
        ce.evaluate_coder(example[2], reference="codings_A.csv", corpus=example[0])


def test_codings_lacking_columns_are_named_with_what_to_pass():
    from citra_eval._validation import check_codings

    frame = pd.DataFrame({"doc_id": ["D"]})
    assert check_codings(frame) is frame and check_codings(None, allow_none=True) is None
    with pytest.raises(ce.InputError, match=r"codings lacks column\(s\) code \(it has "
                                            r"doc_id\); pass a codings table \(doc_id, "):
        check_codings(frame, columns=["doc_id", "code"])
    with pytest.raises(TypeError, match=r"got PurePosixPath; read the file first"):
        check_codings(pathlib.PurePosixPath("codings.csv"))


def _instrument() -> ce.Instrument:
    return ce.Instrument.load(ce.example_path("instrument"))


#: A call of every public function (and plot) whose table argument is a plain DataFrame
#: (responses, scores, a table to save), with that argument given as ``x``.
FRAME_CALLS = {
    "construct_evidence": ("responses", lambda x: ce.construct_evidence(x, _instrument(),
                                                                        outcome=None)),
    "image_model": ("responses", lambda x: ce.image_model(x, _instrument(), outcome="x")),
    "item_statistics": ("responses", lambda x: ce.item_statistics(x, _instrument())),
    "joint_display": ("responses", lambda x: ce.joint_display(
        None, corpus=None, codebook=None, responses=x, instrument=_instrument(),
        outcome=None)),
    "likert_table": ("responses", lambda x: ce.likert_table(x, _instrument())),
    "scale_reliability": ("responses", lambda x: ce.scale_reliability(x, _instrument())),
    "score_scales": ("responses", lambda x: ce.score_scales(x, _instrument())),
    "plots.plot_coefficients": ("responses", lambda x: _plot_call(
        "plot_coefficients", instrument=_instrument(), responses=x)),
    "plots.plot_likert": ("responses", lambda x: plots.plot_likert(x, _instrument())),
    "plots.term_labels": ("responses", lambda x: _plot_call("term_labels", ["unit[T.b]"],
                                                            responses=x)),
    "correlation_matrix": ("frame", lambda x: ce.correlation_matrix(x)),
    "describe_by": ("frame", lambda x: ce.describe_by(x, dv="x")),
    "ordinal_model": ("frame", lambda x: ce.ordinal_model(x, outcome="x", predictors=["y"])),
    "save_table": ("frame", lambda x: ce.save_table(x, "x")),
    "ttest_groups": ("frame", lambda x: ce.ttest_groups(x, dv="x", between="y")),
    "compare_groups": ("scores", lambda x: ce.compare_groups(x, dv="x", between="y")),
    "compare_scales": ("scores", lambda x: ce.compare_scales(x, scales=["x"], between="y")),
    "save_case_matrix": ("matrix", lambda x: ce.save_case_matrix(x, "x.csv")),
    "meta_inferences": ("table", lambda x: ce.meta_inferences(x)),
    "plots.plot_coder_quality": ("per_code", lambda x: _plot_call("plot_coder_quality", x)),
    "plots.plot_coder_quality.intervals": ("intervals", lambda x: _plot_call(
        "plot_coder_quality", pd.DataFrame({"code": [], "both": [], "dictionary": []}),
        intervals=x)),
    "plots.plot_keyness": ("table", lambda x: _plot_call("plot_keyness", x)),
}


def test_every_responses_argument_is_in_the_table():
    assert _taking("responses") | {f"plots.{n}" for n in _plots_taking("responses")} == {
        n for n, (arg, _) in FRAME_CALLS.items() if arg == "responses"}


@pytest.mark.parametrize("name", sorted(FRAME_CALLS))
def test_a_table_is_one_rule_across_the_api(name, tmp_path, monkeypatch):
    """A table given as its file (or as anything but a DataFrame) is one TypeError,
    ``<argument> must be a pandas DataFrame, got <type>``, before any work (the wordings
    differed by module; term_labels ignored a responses path or failed inside)."""
    monkeypatch.chdir(tmp_path)
    arg, call = FRAME_CALLS[name]
    for bad, got in (("responses.csv", "str"), ([], "list")):
        with pytest.raises(TypeError, match=rf"^{arg} must be a pandas DataFrame, got {got}$"):
            call(bad)
    assert not list(tmp_path.iterdir())


def _reanchor(**options):
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: D\n---\nSatu dua.\n"})
    codings = pd.DataFrame([("D", 1, 0, 4, "x", "A")], columns=ce.CODING_COLUMNS)
    return ce.reanchor(codings, corpus, **options)


_KEYNESS = pd.DataFrame({"word": ["a"], "log_likelihood": [1.0], "count_target": [1],
                         "direction": ["over"], "p_value": [0.01]})

#: A call of every public function taking a proportion (a share, a rate, a similarity,
#: a significance level), with it given as ``x``, and its interval: (whether 0, whether 1
#: is allowed).
PROPORTION_CALLS = {
    "meta_inferences.salience": ("salience", (False, True), lambda x: ce.meta_inferences(
        pd.DataFrame({"theme": [], "construct": []}), salience=x)),
    "joint_display.salience": ("salience", (False, True), lambda x: ce.joint_display(
        None, corpus=None, codebook=None, responses=None, instrument=None, outcome=None,
        salience=x)),
    "reanchor.min_similarity": ("min_similarity", (False, True),
                                lambda x: _reanchor(min_similarity=x)),
    "plots.plot_keyness.alpha": ("alpha", (False, False),
                                 lambda x: plots.plot_keyness(_KEYNESS, alpha=x)),
    "saturation.threshold": ("threshold", (True, True), lambda x: ce.saturation(
        pd.DataFrame(columns=ce.CODING_COLUMNS),
        corpus=ce.Corpus.from_texts({"a.txt": "---\nid: D\n---\nSatu.\n"}), threshold=x)),
    **{f"{fn.__name__}.{rate}": (rate, (True, False), lambda x, fn=fn, rate=rate: fn(
        _instrument(), ce.SimulationSettings(), seed=0, **{rate: x},
        **({"outcome": "x"} if fn is ce.survey_truth else {})))
       for fn in (ce.simulate_survey, ce.survey_truth)
       for rate in ("missing_rate", "straightliner_rate")},
}


@pytest.mark.parametrize("name", sorted(PROPORTION_CALLS))
def test_a_proportion_is_one_rule_across_the_api(name):
    """Every proportion is checked by check_proportion before any work: one message for
    a string or a bool (TypeError), one for a number outside its interval or NaN
    (ValueError); salience took True as 1, the rates of the simulation failed on '0.1'
    with a raw comparison error, each wording differed."""
    arg, (zero, one), call = PROPORTION_CALLS[name]
    for bad, got in (("0.5", "the string '0.5'"), (True, "True"), (None, "None")):
        with pytest.raises(TypeError, match=rf"^{arg} must be a proportion, a number from 0 "
                                            rf"to 1 \(e\.g\. 0\.05\), got {got}$"):
            call(bad)
    interval = re.escape(f"{'[' if zero else '('}0, 1{']' if one else ')'}")
    for bad in [1.5, -0.1, float("nan"), *([] if zero else [0]), *([] if one else [1])]:
        with pytest.raises(ValueError, match=rf"^{arg} must be a proportion in {interval}, "
                                             rf"got {re.escape(repr(bad))}$"):
            call(bad)


def _sat_example():
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: D\n---\nSatu.\n"})
    return pd.DataFrame(columns=ce.CODING_COLUMNS), corpus


#: A call of every public function taking a count of at least 1 (not n_boot: 0 is no
#: interval there), with it given as ``x``.
COUNT_CALLS = {
    "exemplar_quotes.k": ("k", lambda x: ce.exemplar_quotes(
        _sat_example()[0], corpus=_sat_example()[1], k=x)),
    "saturation.base_size": ("base_size", lambda x: ce.saturation(
        _sat_example()[0], corpus=_sat_example()[1], base_size=x)),
    "saturation.run_length": ("run_length", lambda x: ce.saturation(
        _sat_example()[0], corpus=_sat_example()[1], run_length=x)),
    "simulate_survey.n": ("n", lambda x: ce.simulate_survey(
        _instrument(), ce.SimulationSettings(), seed=0, n=x)),
    "survey_truth.n_population": ("n_population", lambda x: ce.survey_truth(
        _instrument(), ce.SimulationSettings(), seed=0, outcome="x", n_population=x)),
}


@pytest.mark.parametrize("name", sorted(COUNT_CALLS))
def test_a_count_is_one_rule_across_the_api(name):
    """Counts go through check_int: a string or a float is a TypeError, 0 a ValueError,
    each in check_int's words (k, base_size, run_length and n said 'whole number >= 1'
    with a ValueError for a string; survey_truth's n_population was not checked and
    failed inside numpy)."""
    arg, call = COUNT_CALLS[name]
    for bad, got in (("3", "str"), (2.0, "float"), (True, "bool")):
        with pytest.raises(TypeError, match=rf"^{arg} must be an integer, got {got}$"):
            call(bad)
    with pytest.raises(ValueError, match=rf"^{arg} must be at least 1, got 0$"):
        call(0)


def test_a_numpy_integer_is_an_integer(example):
    assert check_int(np.int64(3), "k", minimum=1) == 3
    assert type(check_int(np.int64(3), "k")) is int
    corpus, a = example[0], example[2]
    sat = ce.saturation(a, corpus=corpus, base_size=np.int64(2), run_length=np.int32(1))
    pd.testing.assert_frame_equal(sat, ce.saturation(a, corpus=corpus, base_size=2,
                                                     run_length=1))


def _plot_call(name: str, table=None, **options):
    """``citra_eval.plots.<name>`` called on ``table`` (an empty one by default) with
    ``options`` (and the required arguments each plot needs besides its table)."""
    from citra_eval import plots

    required = {"plot_coder_quality": {"reference": "A"}}.get(name, {})
    extra = (None,) if name == "plot_likert" else ()
    table = pd.DataFrame() if table is None else table
    return getattr(plots, name)(table, *extra, **required, **options)


def _plots_taking(argument: str) -> list[str]:
    import inspect

    from citra_eval import plots

    return [n for n in plots.__all__
            if argument in inspect.signature(getattr(plots, n)).parameters]


@pytest.mark.parametrize("name", _plots_taking("ax"))
def test_every_plot_refuses_an_ax_that_is_not_an_axes(name):
    """ax="left" failed inside matplotlib (no attribute 'yaxis'); every plot checks ax
    first, before the table."""
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    with pytest.raises(TypeError, match=r"^ax must be a matplotlib Axes or None .*got str$"):
        _plot_call(name, ax="left")
    assert plt.get_fignums() == before


@pytest.mark.parametrize("name", _plots_taking("codebook"))
def test_every_plot_refuses_a_codebook_that_is_not_a_codebook(name):
    """A codebook path (or 42) was ignored (code ids shown instead of the labels asked for)
    or failed inside; the one codebook check refuses it first."""
    assert len(_plots_taking("codebook")) >= 4
    with pytest.raises(TypeError, match=r"^codebook must be a citra_eval\.Codebook or None, "
                                        r"got str; load the file first"):
        _plot_call(name, codebook="codebook.yaml")
    with pytest.raises(TypeError, match=r"^codebook must be a citra_eval\.Codebook or None, "
                                        r"got int$"):
        _plot_call(name, codebook=42)


def test_speakers_listed_without_roles_warn_with_the_mapping_to_write():
    """Session 14: 'speakers: [INT, R1]' (a list, no roles) was read without a word; every
    turn got role '' and the analyses of the default roles=("informant",) came back empty
    in silence. The one role check now warns, showing the mapping to write instead."""
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: A\nspeakers: [INT, R1]\n---\n"
                                            "INT: Bagaimana dengan Instagram?\n"
                                            "R1: Saya pakai Instagram setiap hari.\n"})
    book = ce.Codebook.from_dict({"codebook": "x", "language": "id", "codes": [
        {"id": "m", "label": "M", "patterns": ["instagram"]}]})
    for call in (lambda: ce.autocode(corpus, book), lambda: ce.word_frequencies(corpus)):
        with pytest.warns(UserWarning, match=r"no turn has the role\(s\) 'informant'") as rec:
            assert call().empty
        (message,) = [str(w.message) for w in rec if "no turn has" in str(w.message)]
        assert "have no role" in message and "INT, R1" in message
        assert "'speakers: {INT: interviewer, R1: informant}'" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_roles(None, corpus) is None  # every turn: nothing to warn about


@pytest.mark.parametrize("pattern", [
    "([a-z ])*([a-z ])*!", "(a)*(a)*e", "(?:ab|cd)*(?:ab|ef)*x", "(a|b|c|d)*(a|b)*e",
    "(?:ab)*[a-z]*x", "(?:a|bc)*(?:ab|c)*x", "(?>a)*a*c"])
def test_regex_hazard_sees_through_groups_and_multi_character_runs(pattern):
    # capturing groups hid two runs in a row (hours on one turn), as did runs of
    # alternatives of several characters that match the same text
    from citra_eval._validation import regex_hazard

    assert "two repetitions in a row" in (regex_hazard(pattern) or ""), pattern


@pytest.mark.parametrize("pattern", [
    "[\u0600-\u06ff]*[\u0600-\u06ff]*!", "[\u0627-\u0628]*\\w*!", "\u0627*\u0627*x",
    "[\u4e00-\u9fff]*[\u9000-\ua000]*x", "(?:[\u0400-\u04ff]|\u0430\u0431)*x",
    "[^x]*[\u0600-\u06ff]*!"])
def test_regex_hazard_judges_every_script_as_it_judges_latin(pattern):
    # only characters below U+0250 were compared: an Arabic class run twice in a row (the
    # Latin form refused) passed and hung 'code' on a turn of 3,000 Arabic letters
    from citra_eval._validation import regex_hazard

    assert regex_hazard(pattern), pattern


@pytest.mark.parametrize("pattern", [
    "[\u0600-\u06ff]*[\u0400-\u04ff]*!", "(?:\u0627|\u0628)*x", "[\u4e00-\u4eff]*\\d+"])
def test_regex_hazard_keeps_runs_of_other_scripts_that_cannot_overlap(pattern):
    from citra_eval._validation import regex_hazard

    assert regex_hazard(pattern) is None, pattern


@pytest.mark.parametrize("pattern", [
    "(?:ab)*(?:ac)*x", r"(?:\d[.,])*\d+", r"(kerja)*\s*(sama)*", "(ab)*(cd)*"])
def test_regex_hazard_keeps_runs_that_cannot_match_the_same_text(pattern):
    from citra_eval._validation import regex_hazard

    assert regex_hazard(pattern) is None, pattern


def test_check_finite_names_rows_as_every_other_check_does():
    """Session 18: an infinite value's rows were named by index label only (``rows 100,
    101``); each shown row is now named by position and index label (``row_name``), as the
    codings and responses checks name theirs."""
    frame = pd.DataFrame({"y": [1.0, np.inf, -np.inf, 4.0], "t": list("abcd")},
                         index=[100, 101, 102, 103])
    with pytest.raises(ce.InputError) as info:
        check_finite(frame, ["t", "y"], "describe_by")
    assert str(info.value) == (
        "<input>: describe_by: column 'y' holds 2 infinite value(s) (row 1 (index 101), "
        "row 2 (index 102)); means, variances and ranks are undefined with them: replace "
        "them with a number or NaN (missing)")
    with pytest.raises(ce.InputError, match=r"holds 2 infinite value\(s\) \(row 1, row 2\);"):
        check_finite(frame.reset_index(drop=True), ["y"], "describe_by")
    check_finite(frame.assign(y=[1.0, np.nan, 3.0, 4.0]), ["y"], "describe_by")  # missing: fine


def test_a_codebook_given_as_a_dict_is_told_codebook_from_dict():
    """Student, s18 repro 11: a dict (yaml.safe_load of codebook.yaml) got "got dict" and no
    way forward, though Codebook.from_dict reads exactly that."""
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: A\nspeakers: {I: informant}\n---\nI: ya\n"})
    d = {"codebook": "x", "codes": [{"id": "a", "label": "A", "patterns": ["ya"]}]}
    with pytest.raises(TypeError, match=r"codebook must be a citra_eval\.Codebook, got dict; "
                                        r"build it first: citra_eval\.Codebook\.from_dict\(d\)"):
        ce.autocode(corpus, d)
    assert len(ce.autocode(corpus, ce.Codebook.from_dict(d))) == 1


@pytest.mark.parametrize("name", ["PWW", "INF01", "Budi Santoso", "Dr. X", "yes", "1", "it's",
                                  "Ibu Ani: x", "a#b", "_x"])
def test_a_speaker_example_is_the_yaml_a_user_types(name):
    """Session 19 (newcode): the roles fix showed Python's {'PWW': pewawancara}; a plain
    key where YAML reads it back as that text, quoted only where it must be."""
    key = yaml_key(name)
    assert yaml.safe_load(f"{{{key}: informant}}") == {name: "informant"}
    assert (key == name) is (name in ("PWW", "INF01", "Budi Santoso", "Dr. X"))
