"""The learned coder: a classifier per code, trained on the study's own human codings.

:func:`train_coder` learns from one or several coders' codings of some interviews and
codes the rest; :func:`cross_validate_coder` measures, leave one document out, how well it
agrees with each human coder, beside the coders' agreement with each other;
:func:`suggest_turns` lists the uncoded turns a human should code next.

The model (hyper-parameters fixed in advance, never tuned on evaluation data)
----------------------------------------------------------------------------
Units are turns of the coded roles (default informants). A turn's text is normalised as the
dictionary coder does it (case, slang and Banjarese, compounds, PySastrawi stems; see
:mod:`citra_eval.normalise`), without its web and e-mail addresses and social media handles
(``@humas_kota``: who is addressed, not what is said; blanked as the vocabulary tables blank
them, :func:`~citra_eval.normalise.blank_addresses`, so a handle's name is never learned as
evidence; the dictionary block still sees them, as pattern matching does), and described by

=========================  ============================================================
block                      features
=========================  ============================================================
turn words                 TF-IDF of stem 1-2-grams (sublinear tf, ``min_df=2``)
turn characters            TF-IDF of character 2-5-grams of the stems inside word
                           bounds (``char_wb``, sublinear tf, ``min_df=2``)
the question               TF-IDF of stem 1-2-grams of the interviewer's turn just
                           before, weighted :data:`QUESTION_WEIGHT`
the dictionary             per code: 1 if the dictionary coder codes the turn from a
                           hit in it, 1 if only from the question; per pattern: 1 if it
                           hits the turn (negated and excluded hits do not count)
=========================  ============================================================

The TF-IDF blocks are L2-normalised per turn; their vocabularies and weights are fitted on
all training turns (no labels are used for them). For every code three coders are fitted:

- ``dictionary``: the dictionary coder's decision (no fitting);
- ``learned``: a logistic regression on the text blocks (words, characters, question);
- ``stacked``: a logistic regression on the text blocks and the dictionary block, which
  can learn which pattern hits to trust.

Each regression is scikit-learn's ``LogisticRegression`` (``liblinear``, L2 penalty in its
dual form, ``C =`` :data:`C`, ``class_weight="balanced"``, ``random_state=seed``). Its
decision threshold is chosen by cross-validation inside the training documents only:
out-of-fold probabilities from :data:`INNER_FOLDS`-fold ``GroupKFold`` by document; the
threshold on the grid 0.05, 0.075, ..., 0.95 with the best F1 (the middle of the best run
when several tie). ``combine="both"`` (the default) codes each code with whichever of the
dictionary and the stacked model had the better F1 in that inner cross-validation (the
dictionary's F1 is simply its F1 on the training turns; a tie goes to the dictionary);
``combine="learned"`` always uses the text model, ``combine="dictionary"`` the dictionary.
A code with fewer than :data:`MIN_POSITIVES` positive turns, or positives in only one
document, is left to the dictionary in ``both`` and never coded in ``learned``.

History, reported in ``docs/autocode.md``: the first design (committed before any
evaluation) made ``both`` the stacked model for every code, with one dictionary feature per
code; its leave-one-document-out micro-F1 against coder A was 0.595. The per-code choice by
inner cross-validation and the per-pattern features were added after that result; the
choice itself never sees the held-out document. Second session (also in docs/autocode.md),
written down before their results were seen and changing no default: labels ``any``/``all``
from both coders (0.612 and 0.585 against coder A, pooled 0.616) and ``neighbours=True``
(0.597 trained on A, 0.611 on A and B). Third session: variants compared against
coder B only (``benchmarks/dev_learned_coder.py``); the text model no longer competes in
``both`` (choosing among three noisy inner F1 values did worse than choosing between the
dictionary and the stacked model), decided before the run against coder A.

Fitting: a turn that several coders labelled alike (``labels="pooled"``) is one row weighted
by their number, not several identical rows: the same penalised likelihood and balanced
class weights, solved on fewer rows; the inner folds are computed once per training set and
shared by every code and model.

Labels from several coders: with ``labels="pooled"`` (default) every coder's decision on a
turn is one training example (a turn coded by one of two coders counts once positive and
once negative, so the model learns the share of coders who would code it); ``"any"``
makes a turn positive when any coder coded it, ``"all"`` when every coder of that document
did. A turn counts only in documents the coder coded at all: an interview nobody has coded
yet is not a set of negatives.

Cost: training fits two regressions per learned code, each ``INNER_FOLDS + 1`` times (one
per inner fold, one on every training turn), however many documents there are; each fit
grows with the non-zero features of the training turns (linear in the text; the solver's
iterations do not grow). That is seconds on a study of a dozen interviews like the example
and a minute or more on a large one (100 interviews of 100 turns, 2.8 MB of text: about a
minute of CPU, most of it in the fits). The time per MB still grows somewhat with the size
(``benchmarks/bench_learned_training.py``): a larger study has more codes with enough
positive turns to be learned, and liblinear's time per feature grows with the vocabulary
(its weights no longer fit in the processor's cache); the rest of training grows linearly.
``progress=None`` shows a bar over the fits on a terminal. A coder is retrained from the
codings rather than saved; nothing is pickled.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ._progress import progress_bar
from ._validation import (
    check_bool,
    check_choice,
    check_ci,
    check_codebook,
    check_codings,
    check_corpus,
    check_int,
    check_n_boot,
    check_names,
    check_roles,
    check_seed,
    check_type,
    listed,
)
from .autocoding import (
    EVAL_COLUMNS,
    asks_question,
    autocode,
    coder_scores,
    coding_units,
    compile_codebook,
    empty_coder_codings,
)
from .codebook import Codebook
from .codings import CODING_COLUMNS, CoverageWarning, check_codings_against
from .corpus import Corpus
from .errors import InputError
from .intercoder import rated_documents
from .normalise import blank_addresses, text_token_ids
from .reliability import percentile_interval, resample_weights

if TYPE_CHECKING:  # for annotations only
    from scipy import sparse

__all__ = [
    "CHOICES",
    "CV_COLUMNS",
    "CV_COMPARE_COLUMNS",
    "CV_DOCUMENT_COLUMNS",
    "CV_INTERVAL_COLUMNS",
    "CV_LEARNED_COLUMNS",
    "INNER_FOLDS",
    "MACHINE_CODERS",
    "MIN_CV_DOCUMENTS",
    "MIN_POSITIVES",
    "QUESTION_WEIGHT",
    "SUGGEST_COLUMNS",
    "THRESHOLD_COLUMNS",
    "C",
    "CoderValidation",
    "LearnedCoder",
    "LearningWarning",
    "MachineCodingsWarning",
    "cross_validate_coder",
    "machine_output_signs",
    "suggest_turns",
    "train_coder",
    "training_documents",
]

#: Inverse regularisation strength of every logistic regression (fixed in advance).
C = 4.0
#: Character n-gram lengths of the character block.
CHAR_NGRAMS = (2, 5)
#: A "word" longer than this (a base64 blob, a run of text without spaces) adds no character
#: n-grams: it would add four per character, held as Python strings (hundreds of bytes per
#: character of the file), and no spoken word is that long.
MAX_CHAR_WORD = 100
#: Weight of the question block relative to the turn's own blocks.
QUESTION_WEIGHT = 0.5
#: Turns whose character block is built at a time when coding (the largest matrix; the
#: result does not depend on it).
PREDICT_CHUNK = 2048
#: Folds (by document) of the inner cross-validation that chooses each code's threshold.
INNER_FOLDS = 5
#: A code needs this many positive training turns (in at least two documents) to be learned.
MIN_POSITIVES = 3
#: Coded documents cross_validate_coder needs: each training set holds two or more.
MIN_CV_DOCUMENTS = 3
THRESHOLD_GRID = np.round(np.arange(0.05, 0.95 + 1e-9, 0.025), 4)
COMBINE = ("both", "learned", "dictionary")
LABELS = ("pooled", "any", "all")
THRESHOLD_COLUMNS = ["code", "model", "threshold", "inner_f1", "n_positive", "n_documents",
                     "selected"]
MODELS = ("dictionary", "learned", "stacked")
#: The coders ``combine="both"`` chooses from per code, in order of preference when
#: their inner F1 ties (the text-only model is fitted for ``combine="learned"``).
CHOICES = ("dictionary", "stacked")
CV_COLUMNS = ["reference", "coder", *EVAL_COLUMNS, "note"]
#: Columns of :attr:`CoderValidation.by_document`.
CV_DOCUMENT_COLUMNS = ["reference", "coder", "doc_id", "tp", "fp", "fn"]
#: Columns of :meth:`CoderValidation.conf_int`.
CV_INTERVAL_COLUMNS = ["reference", "coder", "measure", "estimate", "ci_low", "ci_high",
                       "n_documents", "n_boot", "note"]
#: Columns of :meth:`CoderValidation.compare`.
CV_COMPARE_COLUMNS = ["reference", "coder", "other", "measure", "difference", "ci_low",
                      "ci_high", "n_documents", "n_boot", "note"]
#: Columns of :attr:`CoderValidation.learned_in`.
CV_LEARNED_COLUMNS = ["code", "n_folds", "n_learned", "reason"]
_TOO_FEW = ("too few positive turns, or positives in only one document, among the training "
            "documents")
_EVERY_TURN = ("applied to every coded turn of the training documents, so none shows what "
               "it is not: code turns without it")
_MEASURES = ("precision", "recall", "f1")
_BOOT_CELLS = 1_000_000  # resampling weights (replicates x documents) held at once
SUGGEST_COLUMNS = ["doc_id", "segment_id", "start", "end", "text", "code", "score",
                   "threshold", "margin", "proposed"]
_SUGGEST_DTYPES = {"doc_id": "str", "segment_id": "int64", "start": "int64", "end": "int64",
                   "text": "str", "code": "str", "score": "float64", "threshold": "float64",
                   "margin": "float64", "proposed": "str"}
_FEATURE_PREFIX = {"w": "word: ", "q": "question: "}


# --------------------------------------------------------------------------- features


def _spoken(words: np.ndarray) -> np.ndarray:
    """``words`` with those longer than :data:`MAX_CHAR_WORD` blanked (no n-grams)."""
    long = np.fromiter((len(w) > MAX_CHAR_WORD for w in words), dtype=bool, count=len(words))
    return np.where(long, "", words).astype(object) if long.any() else words


@dataclass
class _Featuriser:
    """Turns → sparse feature blocks (fitted TF-IDF vectorisers, shared normaliser)."""
    matcher: object
    roles: tuple[str, ...] | None
    seed: int
    word: object = None
    question: object = None
    word_terms: pd.Index | None = None
    question_terms: pd.Index | None = None
    codes: list[str] = field(default_factory=list)
    char_vocab: dict[str, int] = field(default_factory=dict)
    char_idf: np.ndarray | None = None
    neighbours: bool = False
    negation: bool = True  # the dictionary's options (autocode's)
    question_context: bool = True

    def stems(self, texts: list[str]) -> list[str]:
        """Each text as a space-separated string of its normalised stems; web and e-mail
        addresses and social media handles are no words (:func:`blank_addresses`, as in
        the vocabulary tables): a handle's name is never learned as evidence."""
        if not texts:
            return []
        which, codes, uniques = text_token_ids([blank_addresses(t) for t in texts])
        if not uniques:
            return [""] * len(texts)
        expand = self.matcher.normaliser.expand
        mapped = np.array([" ".join(expand(t)) for t in uniques], dtype=object)[codes].tolist()
        cuts = np.searchsorted(which, np.arange(len(texts) + 1), side="left").tolist()
        return [" ".join(mapped[a:b]) for a, b in itertools.pairwise(cuts)]

    def units(self, corpus: Corpus) -> pd.DataFrame:
        """Coded-role turns with their stems and the stems of the question before them."""
        seg = corpus.segments
        prev = seg.groupby("doc_id", sort=False)[["role", "text"]].shift(1)
        q_text = prev["text"].where(asks_question(prev["role"], self.roles), "").fillna("")
        units = seg.assign(question=q_text.to_numpy())
        if self.roles is not None:
            units = units[units["role"].isin(list(self.roles))]
        units = units.reset_index(drop=True)
        units["stems"] = self.stems(units["text"].tolist())
        units["q_stems"] = self.stems(units["question"].tolist())
        return units

    def fit(self, units: pd.DataFrame) -> _Featuriser:
        self.word = _fit_words(units["stems"])
        if self.word is not None:
            self.word_terms = pd.Index(self.word.get_feature_names_out())
        self._fit_char(units["stems"])
        q = units["q_stems"]
        self.question = _fit_words(q) if (q.str.len() > 0).sum() >= 2 else None
        if self.question is not None:
            self.question_terms = pd.Index(self.question.get_feature_names_out())
        return self

    @staticmethod
    def _word_counts(words: _Words):
        """(turn-by-word counts, the words in sorted order), as
        ``CountVectorizer(tokenizer=str.split)`` counts them; None when there are no
        words."""
        from scipy import sparse

        if not len(words.flat):
            return None
        ids, distinct = pd.factorize(words.flat, sort=True)
        counts = sparse.csr_matrix((np.ones(len(ids), dtype=np.int64), (words.rows, ids)),
                                   shape=(words.n_rows, len(distinct)))
        return counts, np.asarray(distinct, dtype=object)

    def _fit_char(self, stems: pd.Series) -> None:
        """Fit the character block exactly as ``TfidfVectorizer(analyzer="char_wb",
        ngram_range=(2, 5), min_df=2, sublinear_tf=True, lowercase=False)`` would (same
        vocabulary, same idf; checked in the tests), but counting n-grams once per distinct
        word: ``char_wb`` n-grams never cross a word. A word longer than
        :data:`MAX_CHAR_WORD` gives none (bounded memory on a file without spaces)."""
        from sklearn.feature_extraction.text import CountVectorizer

        counted = self._word_counts(_Words.of(stems))
        self.char_vocab, self.char_idf = {}, np.zeros(0)
        if counted is None:
            return
        per_turn, words = counted
        grams = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, lowercase=False)
        per_word = grams.fit_transform(_spoken(words))
        df = np.asarray(((per_turn @ per_word) > 0).sum(axis=0)).ravel()
        keep = df >= 2
        terms = grams.get_feature_names_out()[keep]
        n = per_turn.shape[0]
        self.char_vocab = {t: i for i, t in enumerate(terms.tolist())}
        self.char_idf = np.log((1 + n) / (1 + df[keep])) + 1.0  # smooth idf

    def char_counts(self, words: _Words):
        """(turn-by-word, word-by-n-gram) float64 counts of the character block, each word's
        n-grams counted once; None without vocabulary or words."""
        from sklearn.feature_extraction.text import CountVectorizer

        counted = self._word_counts(words) if self.char_vocab else None
        if counted is None:
            return None
        per_turn, words = counted
        grams = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, lowercase=False,
                                vocabulary=self.char_vocab)
        return per_turn.astype(np.float64), grams.transform(_spoken(words)).astype(np.float64)

    def char_rows(self, counts, rows: slice, n_rows: int) -> sparse.csr_matrix:
        """Rows ``rows`` (``n_rows`` of them) of the character block from
        :meth:`char_counts`: turn-by-word @ word-by-n-gram counts, then sublinear tf, idf
        and L2 norm (what a fitted ``TfidfVectorizer`` gives). A row depends on its own
        turn only: its counts are exact integer sums, sorted before anything else."""
        from scipy import sparse
        from sklearn.preprocessing import normalize

        if counts is None:
            return sparse.csr_matrix((n_rows, len(self.char_vocab)))
        per_turn, per_word = counts
        # float64 counts straight from the product (sums of integer products: exact), in
        # sorted order, logged in place: no copy of the block
        block = (per_turn[rows] @ per_word).tocsr()
        block.sort_indices()
        np.log(block.data, out=block.data)  # sublinear_tf: log(tf) + 1
        block.data += 1.0
        block = block @ sparse.diags(self.char_idf)
        return normalize(block.tocsr(), norm="l2", copy=False)

    def char_matrix(self, stems: pd.Series) -> sparse.csr_matrix:
        """The character block of every turn (:meth:`char_rows` of all rows)."""
        return self.char_rows(self.char_counts(_Words.of(stems)), slice(None), len(stems))

    def prepare(self, corpus: Corpus) -> _Prepared:
        """The turns of ``corpus`` with their stems and the dictionary's block and codings."""
        units = self.units(corpus)
        if units.empty:  # no turn of the roles: no rows, but every column
            return _Prepared(units, np.zeros((0, self.dictionary_width())),
                             empty_coder_codings())
        dic, auto = self.dictionary(corpus, units)
        return _Prepared(units, dic, auto)

    def text_features(self, units: pd.DataFrame) -> _TextFeatures:
        """The text blocks of ``units``, ready to be taken a range of rows at a time."""
        question = None
        if self.question is not None:
            question = QUESTION_WEIGHT * _tfidf_rows(self.question, self.question_terms,
                                                     _Words.of(units["q_stems"]))
        from scipy import sparse

        words = _Words.of(units["stems"])  # split once for the word and character blocks
        if self.word is None:
            word = sparse.csr_matrix((len(units), 0))
        else:
            word = _tfidf_rows(self.word, self.word_terms, words)
        return _TextFeatures(self, word, self.char_counts(words), question)

    def text_matrix(self, units: pd.DataFrame) -> sparse.csr_matrix:
        from scipy import sparse

        return sparse.hstack(self.text_features(units).blocks(0, len(units)), format="csr")

    def dictionary_width(self) -> int:
        """The number of columns of :meth:`dictionary`'s block."""
        n_patterns = sum(p.rule == "include" for p in self.matcher.patterns)
        return (4 if self.neighbours else 2) * len(self.codes) + n_patterns

    def dictionary(self, corpus: Corpus, units: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        """The dictionary block and the dictionary's codings (for evidence and decisions).

        Columns: per code 1 when the dictionary codes the turn from a hit in it, per code 1
        when only from the question, then per include pattern 1 when it hits (coded status)
        in the turn.
        """
        hits = self.matcher.hits(units, negation=self.negation)
        # only the roles these turns have: a coder's role may be missing from this corpus
        roles = None if self.roles is None else tuple(
            r for r in self.roles if r in set(units["role"]))
        auto = autocode(corpus, self.matcher, roles=roles, hits=hits,
                        **self.dictionary_options)
        key = pd.MultiIndex.from_frame(units[["doc_id", "segment_id"]])
        n_codes = len(self.codes)
        patterns = [(p.code, p.text, p.kind) for p in self.matcher.patterns
                    if p.rule == "include"]
        out = np.zeros((len(units), 2 * n_codes + len(patterns)))
        row = key.get_indexer(pd.MultiIndex.from_frame(auto[["doc_id", "segment_id"]]))
        col = pd.Index(self.codes).get_indexer(auto["code"])
        ok = (row >= 0) & (col >= 0)
        direct = auto["score"].to_numpy() >= 1.0
        out[row[ok & direct], col[ok & direct]] = 1.0
        out[row[ok & ~direct], n_codes + col[ok & ~direct]] = 1.0
        coded = hits[(hits["status"] == "coded") & (hits["rule"] == "include")]
        if len(coded):
            index = {pat: i for i, pat in enumerate(patterns)}
            prow = key.get_indexer(pd.MultiIndex.from_frame(coded[["doc_id", "segment_id"]]))
            pcol = np.fromiter((index.get(t, -1) for t in zip(
                coded["code"], coded["pattern"], coded["kind"], strict=True)),
                dtype=np.int64, count=len(coded))
            good = (prow >= 0) & (pcol >= 0)
            out[prow[good], 2 * n_codes + pcol[good]] = 1.0
        if self.neighbours:
            out = np.hstack([out, _neighbour_codes(units, out[:, :n_codes])])
        return out, auto

    @property
    def dictionary_options(self) -> dict[str, bool]:
        """The options of :func:`~citra_eval.autocode` the dictionary side codes with."""
        return {"negation": self.negation, "question_context": self.question_context}

    def feature_names(self, with_dictionary: bool) -> list[str]:
        names = [] if self.word is None else [f"w{n}" for n in self.word_terms]
        names += [f"c{n}" for n in self.char_vocab]
        if self.question is not None:
            names += [f"q{n}" for n in self.question.get_feature_names_out()]
        if with_dictionary:
            names += [f"d{c}" for c in self.codes] + [f"Q{c}" for c in self.codes]
            names += [f"p{p.text}" for p in self.matcher.patterns if p.rule == "include"]
            if self.neighbours:
                names += [f"<{c}" for c in self.codes] + [f">{c}" for c in self.codes]
        return names


@dataclass(frozen=True)
class _Words:
    """The words of space-separated stem strings: all of them in order (``flat``, an object
    array), the row each comes from, and the number of rows."""
    flat: np.ndarray
    rows: np.ndarray
    n_rows: int

    @classmethod
    def of(cls, stems) -> _Words:
        parts = [s.split() for s in stems]
        lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        flat = np.fromiter(itertools.chain.from_iterable(parts), dtype=object,
                           count=int(lens.sum()))
        return cls(flat, np.repeat(np.arange(len(parts)), lens), len(parts))


def _fit_words(stems: pd.Series):
    """The word vectoriser (TF-IDF of stem 1-2-grams, ``min_df=2``) fitted on ``stems``;
    None when no n-gram occurs in two turns (a study of a few short turns)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                                 ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    try:
        return vectorizer.fit(stems)
    except ValueError:  # "no terms remain" / "empty vocabulary": nothing to learn from
        return None


def _tfidf_rows(vectorizer, terms: pd.Index, words: _Words) -> sparse.csr_matrix:
    """``vectorizer.transform(stems)`` (``terms``: its feature names) for the fitted word
    vectorisers of :meth:`_Featuriser.fit` (``TfidfVectorizer(tokenizer=str.split,
    ngram_range=(1, 2), sublinear_tf=True)``): the same matrix, bit for bit (tested), its
    n-grams looked up in the vocabulary with pandas instead of one Python dictionary count
    per turn."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    flat, rows = words.flat, words.rows
    keys, key_rows = [], []
    lo, hi = vectorizer.ngram_range
    for n in range(lo, hi + 1):
        m = len(flat) - n + 1
        if m <= 0:
            continue
        gram = flat[:m]
        for i in range(1, n):
            gram = gram + " " + flat[i:i + m]
        inside = rows[:m] == rows[n - 1:n - 1 + m]  # the n words are of one turn
        keys.append(gram[inside])
        key_rows.append(rows[:m][inside])
    col = terms.get_indexer(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    row = np.concatenate(key_rows) if key_rows else np.zeros(0, dtype=np.int64)
    known = col >= 0
    # counts in canonical order (duplicates summed, indices sorted), as CountVectorizer's
    x = sparse.csr_matrix((np.ones(int(known.sum())), (row[known], col[known])),
                          shape=(words.n_rows, len(terms)), dtype=vectorizer.dtype)
    x.sum_duplicates()
    if vectorizer.sublinear_tf:  # then TfidfTransformer.transform's steps
        np.log(x.data, x.data)
        x.data += 1.0
    if vectorizer.use_idf:
        x.data *= vectorizer.idf_[x.indices]
    return normalize(x, norm=vectorizer.norm, copy=False) if vectorizer.norm else x


@dataclass(frozen=True)
class _TextFeatures:
    """The word and question blocks of some turns, and the counts their character block is
    made from (the character block is large: it is built a range of rows at a time)."""
    featuriser: _Featuriser
    word: sparse.csr_matrix
    char: tuple | None
    question: sparse.csr_matrix | None

    def blocks(self, lo: int, hi: int) -> list[sparse.csr_matrix]:
        """The word, character and (when fitted) question blocks of rows ``lo:hi``."""
        out = [self.word[lo:hi], self.featuriser.char_rows(self.char, slice(lo, hi), hi - lo)]
        if self.question is not None:
            out.append(self.question[lo:hi])
        return out


def _neighbour_codes(units: pd.DataFrame, direct: np.ndarray) -> np.ndarray:
    """Per turn and code: the dictionary's direct code of the coded-role turn before it,
    then of the one after it, in the same document (0 at a document's edges)."""
    docs = units["doc_id"].to_numpy(dtype=object)
    same_prev = np.zeros(len(units), dtype=bool)
    same_prev[1:] = docs[1:] == docs[:-1]
    prev = np.zeros_like(direct)
    prev[1:] = direct[:-1]
    prev[~same_prev] = 0.0
    nxt = np.zeros_like(direct)
    nxt[:-1] = direct[1:]
    same_next = np.zeros(len(units), dtype=bool)
    same_next[:-1] = same_prev[1:]
    nxt[~same_next] = 0.0
    return np.hstack([prev, nxt])


@dataclass(frozen=True)
class _Prepared:
    """Turns ready for the models: ``units`` (with stems), the dictionary block (rows
    aligned with ``units``) and the dictionary's codings."""
    units: pd.DataFrame
    dic: np.ndarray
    auto: pd.DataFrame

    def subset(self, docs) -> _Prepared:
        keep = set(docs)
        mask = self.units["doc_id"].isin(keep).to_numpy()
        return _Prepared(self.units[mask].reset_index(drop=True), self.dic[mask],
                         self.auto[self.auto["doc_id"].isin(keep)].reset_index(drop=True))


# --------------------------------------------------------------------------- labels


def _labels(units: pd.DataFrame, codings: pd.DataFrame, codes: list[str],
            rule: str, rated: Mapping[str, set[str]] | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training rows: (unit index, label matrix rows x codes, document of each row). A
    coder's rows are the turns of the documents they have codings in and of those
    ``rated`` (coder -> documents) declares they read (their turns negatives)."""
    rated = rated or {}
    coders = sorted(set(map(str, codings["coder"].unique())) | set(rated))
    key = pd.MultiIndex.from_frame(units[["doc_id", "segment_id"]])
    code_idx = pd.Index(codes)
    per_coder = []
    for coder in coders:
        mine = codings[codings["coder"].astype(str) == coder]
        docs = set(mine["doc_id"]) | set(rated.get(coder, ()))
        rows = np.flatnonzero(units["doc_id"].isin(docs).to_numpy())
        y = np.zeros((len(units), len(codes)), dtype=np.int8)
        r = key.get_indexer(pd.MultiIndex.from_arrays(
            [mine["doc_id"], mine["segment_id"].astype("int64")]))
        c = code_idx.get_indexer(mine["code"])
        ok = (r >= 0) & (c >= 0)
        y[r[ok], c[ok]] = 1
        per_coder.append((rows, y))
    if rule == "pooled":
        idx = np.concatenate([rows for rows, _ in per_coder])
        y = np.concatenate([yy[rows] for rows, yy in per_coder])
    else:
        seen = np.zeros(len(units), dtype=np.int64)
        total = np.zeros((len(units), len(codes)), dtype=np.int64)
        for rows, yy in per_coder:
            seen[rows] += 1
            total[rows] += yy[rows]
        idx = np.flatnonzero(seen > 0)
        if rule == "any":
            y = (total[idx] > 0).astype(np.int8)
        else:
            y = (total[idx] >= seen[idx, None]).astype(np.int8)
    return idx, y, units["doc_id"].to_numpy(dtype=object)[idx]


# --------------------------------------------------------------------------- models


def _logistic(seed: int):
    from sklearn.linear_model import LogisticRegression

    # the dual formulation: the same optimum, much faster with far more features than turns
    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=True,
                              random_state=seed, max_iter=1000)


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    """F1 of 0/1 decisions ``pred`` against labels ``y`` (0 when undefined)."""
    y, pred = y.astype(bool), pred.astype(bool)
    tp = int((y & pred).sum())
    denom = 2 * tp + int((~y & pred).sum()) + int((y & ~pred).sum())
    return 2 * tp / denom if denom else 0.0


def _best_threshold(y: np.ndarray, p: np.ndarray,
                    weight: np.ndarray | None = None) -> tuple[float, float]:
    """The grid threshold with the best F1 of ``p >= t`` against ``y`` (middle of ties);
    ``weight`` counts each row that many times (a turn several coders labelled alike)."""
    pos = y.astype(bool)
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
    pred = p[:, None] >= THRESHOLD_GRID[None, :]
    tp = ((pred & pos[:, None]) * w[:, None]).sum(axis=0)
    fp = ((pred & ~pos[:, None]) * w[:, None]).sum(axis=0)
    fn = w[pos].sum() - tp
    denom = 2 * tp + fp + fn
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    best = np.flatnonzero(np.isclose(f1, f1.max()))
    # the middle of the longest run of tied best thresholds
    runs = np.split(best, np.flatnonzero(np.diff(best) > 1) + 1)
    run = max(runs, key=len)
    return float(THRESHOLD_GRID[run[len(run) // 2]]), float(f1.max())


def _inner_folds(groups: np.ndarray) -> list[np.ndarray]:
    """The documents held out by each inner fold: ``GroupKFold`` over the training rows
    (by document), computed once and shared by every code and model."""
    from sklearn.model_selection import GroupKFold

    n_docs = len(set(groups.tolist()))
    folds = min(INNER_FOLDS, n_docs)
    dummy = np.zeros((len(groups), 1))
    return [np.unique(groups[te]) for _, te in
            GroupKFold(n_splits=folds).split(dummy, None, groups)]


def _rows(x: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """``x[rows]`` of a canonical CSR matrix, marked canonical (row selection keeps each
    row's sorted, duplicate-free indices, so the solver need not sort them again)."""
    out = x[rows]
    out.has_sorted_indices = True
    out.has_canonical_format = True
    return out


def _fit_code(x: sparse.csr_matrix, units: np.ndarray, y: np.ndarray, groups: np.ndarray,
              folds: list[np.ndarray], seed: int, tick=None):
    """Fit one code's model; its threshold from out-of-fold probabilities by document.

    ``x`` holds one row per turn; the training rows are ``units`` (turn indices, a turn
    once per coder who coded its document) with labels ``y`` and documents ``groups``. Rows
    of the same turn and label are merged into one row weighted by their number: the same
    penalised likelihood (and balanced class weights) as the repeated rows, solved on
    fewer rows. ``tick()``, when given, is called after each of the ``len(folds) + 1``
    fits (a progress bar).
    """
    key = units.astype(np.int64) * 2 + y.astype(np.int64)
    uniq, first, weight = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")  # keep the rows' first-seen order
    uniq, first, weight = uniq[order], first[order], weight[order].astype(np.float64)
    rows, yy, gg = uniq // 2, (uniq % 2).astype(np.int8), groups[first]
    oof = np.full(len(yy), np.nan)
    for held in folds:
        te = np.isin(gg, held)
        tr = ~te
        w_tr, y_tr = weight[tr], yy[tr]
        if y_tr.sum() == 0 or y_tr.all():
            oof[te] = float((w_tr * y_tr).sum() / w_tr.sum())
        else:
            model = _logistic(seed).fit(_rows(x, rows[tr]), y_tr, sample_weight=w_tr)
            oof[te] = model.predict_proba(_rows(x, rows[te]))[:, 1]
        if tick is not None:
            tick()
    threshold, inner_f1 = _best_threshold(yy, oof, weight)
    model = _logistic(seed).fit(_rows(x, rows), yy, sample_weight=weight)
    if tick is not None:
        tick()
    return model, threshold, inner_f1


# --------------------------------------------------------------------------- the coder


class LearnedCoder:
    """A fitted learned coder (returned by :func:`train_coder`; do not build directly).

    Attributes
    ----------
    codebook : Codebook
    codes : list of str
        Every codable code; see ``thresholds`` for which were learned.
    thresholds : DataFrame
        ``code, model, threshold, inner_f1, n_positive, n_documents``: one row per code and
        model (``learned``, ``both``) that was fitted; ``inner_f1`` is the F1 of the chosen
        threshold in the inner cross-validation (on training documents).
    coders : list of str
        The coders whose codings were the labels.
    documents : list of str
        The training documents.
    seed : int
    labels : str
        How several coders' codings became labels.
    roles : tuple of str or None
        The roles coded.
    """

    def __init__(self, *, codebook: Codebook, matcher, featuriser: _Featuriser,
                 models: dict, thresholds: pd.DataFrame, coders: list[str],
                 documents: list[str], seed: int, labels: str,
                 unlearned: Mapping[str, str] | None = None) -> None:
        self.codebook = codebook
        self.codes = list(codebook.codable_ids)
        self._matcher = matcher
        self._features = featuriser
        self._models = models  # {(model, code): fitted LogisticRegression}
        self._learnable = {c for (_, c) in models}
        chosen = thresholds[thresholds["selected"]].set_index("code")["model"]
        self._choice = {c: chosen.get(c, "dictionary") for c in self.codes}
        self.thresholds = thresholds
        self.coders = coders
        self.documents = documents
        self.seed = seed
        self.labels = labels
        self.roles = featuriser.roles
        # code -> why the text model could not learn it (_why_not_learned)
        self._unlearned = dict(unlearned or {})

    def __repr__(self) -> str:
        learned = sorted({c for (m, c) in self._models if m == "learned"})
        return (f"LearnedCoder({len(learned)} of {len(self.codes)} codes learned from "
                f"{len(self.documents)} documents coded by {', '.join(self.coders)}; "
                f"seed={self.seed})")

    # ------------------------------------------------------------------ prediction
    def scores(self, corpus: Corpus, *, combine: str = "both") -> pd.DataFrame:
        """Per turn and code: the model's score and its threshold.

        Returns
        -------
        DataFrame
            ``doc_id, segment_id, start, end, code, score, threshold, coded`` for every
            coded-role turn and every code with a model (``combine`` ``learned`` or
            ``both``). A fitted model's score is its probability; in ``both``, codes
            decided by the dictionary get the fixed score 1.0/0.5/0.0 (hit, question,
            none; not a probability) and threshold 0.5. Empty, with these columns, for a
            corpus without a turn of the coder's roles.
        """
        check_corpus(corpus)
        check_choice(combine, "combine", ("both", "learned"))
        return self._scores(self._features.prepare(corpus), combine).drop(columns="model")

    def _scores(self, prepared: _Prepared, combine: str) -> pd.DataFrame:
        """:meth:`scores` of prepared turns, with a ``model`` column (the model that gave
        each score; ``dictionary``: a fixed 1.0/0.5/0.0, not a probability). ``combine``
        may also be ``stacked``: the stacked model wherever one was fitted, also for codes
        ``both`` leaves to the dictionary."""
        units, proba, thresholds, used, _ = self._predict(prepared, combine)
        n = len(units)
        out = pd.DataFrame({
            "doc_id": np.repeat(units["doc_id"].to_numpy(dtype=object), len(self.codes)),
            "segment_id": np.repeat(units["segment_id"].to_numpy(dtype=np.int64),
                                    len(self.codes)),
            "start": np.repeat(units["start"].to_numpy(dtype=np.int64), len(self.codes)),
            "end": np.repeat(units["end"].to_numpy(dtype=np.int64), len(self.codes)),
            "code": np.tile(np.asarray(self.codes, dtype=object), n),
            "score": proba.reshape(-1), "threshold": np.tile(thresholds, n),
            "model": np.tile(np.asarray(used, dtype=object), n)})
        out = out[np.isfinite(out["score"])].reset_index(drop=True)
        out["coded"] = out["score"] >= out["threshold"]
        return out.astype({"doc_id": "str", "code": "str", "model": "str"})

    def _predict(self, prepared: _Prepared, combine: str):
        """Units, probability matrix (NaN: no model), thresholds and model per code, and
        the coefficients and, for evidence, the stacked feature rows of the coded turns.

        The character block (the large one) is built :data:`PREDICT_CHUNK` turns at a time:
        every feature row depends on its own turn only, so the probabilities are the same
        as from one matrix of all turns (tested), and that block never exists whole.
        """
        from scipy import sparse

        units, dic = prepared.units, prepared.dic
        n_codes = len(self.codes)
        proba = np.full((len(units), n_codes), np.nan)
        thresholds = np.full(n_codes, np.nan)
        used: list[str | None] = [None] * n_codes
        contrib: dict[str, np.ndarray] = {}
        plan = []
        thr = self.thresholds.set_index(["model", "code"])["threshold"]
        for j, code in enumerate(self.codes):
            if combine == "stacked":  # the stacked model wherever there is one
                model_name = "stacked" if ("stacked", code) in self._models else "dictionary"
            else:
                model_name = self._choice[code] if combine == "both" else "learned"
            if model_name == "dictionary":
                proba[:, j] = np.maximum(dic[:, j], 0.5 * dic[:, n_codes + j])
                thresholds[j] = 0.5
                used[j] = "dictionary"
                continue
            model = self._models.get((model_name, code))
            if model is None:
                continue
            plan.append((j, model_name, model))
            thresholds[j] = thr[(model_name, code)]
            used[j] = model_name
            contrib[code] = (model.coef_[0], model_name)
        evidence = _EvidenceRows()
        if units.empty or not plan:
            return units, proba, thresholds, used, (contrib, evidence)
        names = {name for _, name, _ in plan}
        text = self._features.text_features(units)
        for lo in range(0, len(units), PREDICT_CHUNK):
            hi = min(lo + PREDICT_CHUNK, len(units))
            blocks, dic_rows = text.blocks(lo, hi), sparse.csr_matrix(dic[lo:hi])
            x = {}
            if "stacked" in names:
                x["stacked"] = sparse.hstack([*blocks, dic_rows], format="csr")
            if "learned" in names:
                x["learned"] = sparse.hstack(blocks, format="csr")
            for j, model_name, model in plan:
                proba[lo:hi, j] = model.predict_proba(x[model_name])[:, 1]
            with np.errstate(invalid="ignore"):
                coded = np.flatnonzero((proba[lo:hi] >= thresholds[None, :]).any(axis=1))
            # the evidence reads the stacked layout; only the coded rows when not predicted
            evidence.add(lo + coded, x["stacked"][coded] if "stacked" in x else sparse.hstack(
                [x["learned"][coded], dic_rows[coded]], format="csr"))
        return units, proba, thresholds, used, (contrib, evidence)

    def code(self, corpus: Corpus, *, roles: Sequence[str] | None = ("informant",),
             combine: Literal["both", "learned", "dictionary"] = "both",
             coder: str = "learned") -> pd.DataFrame:
        """Code ``corpus``: a codings table.

        Parameters
        ----------
        corpus : Corpus
        roles : sequence of str or None
            Roles to code; must be the roles the coder was trained on (default informants).
        combine : {"both", "learned", "dictionary"}
            ``both`` (default): the model that also sees the dictionary coder's decisions;
            ``learned``: the text model alone (a :class:`LearningWarning` names the codes
            it could not learn, which it never codes); ``dictionary``:
            :func:`~citra_eval.autocode` alone (with the ``negation`` and
            ``question_context`` the coder was trained with).
        coder : str
            Value of the ``coder`` column (default ``"learned"``; ``"auto"`` for
            ``dictionary`` unless given, and for ``both`` when no code was learned: then
            the dictionary decides every code, as :func:`train_coder`'s
            :class:`LearningWarning` said).

        Returns
        -------
        DataFrame
            ``doc_id, segment_id, start, end, code, coder, evidence, note, score``: one row
            per coded turn and code, spanning the turn. ``score`` is the model's
            probability, or the dictionary's fixed 1.0/0.5 (hit, question; not a
            probability) where the dictionary decides; ``note`` names the
            model and its threshold; ``evidence`` lists what pushed the code up, strongest
            first: ``word: <stems>`` (words of the turn, stemmed), ``question: <stems>``
            (words of the question) and the dictionary's own evidence (words as written, or
            ``question: <words>``).
        """
        check_corpus(corpus)
        check_choice(combine, "combine", COMBINE)
        check_type("coder", coder, str, "a coder name (a string such as 'learned')")
        chosen = check_names(roles, "roles")  # a bare string is a TypeError, as everywhere
        try:
            wanted = check_roles(chosen, corpus)
        except InputError:
            # the coder's own roles need not all be in this corpus (a role of some documents)
            if chosen is None or tuple(chosen) != self.roles:
                raise
            wanted = self.roles
        if wanted != self.roles:
            raise ValueError(f"roles must be the roles the coder was trained on "
                             f"({self.roles!r}), got {roles!r}; train another coder")
        if combine == "dictionary":
            name = "auto" if coder == "learned" else coder
            return autocode(corpus, self._matcher, roles=self.roles, coder=name,
                            **self._features.dictionary_options)
        if not self._models and combine == "both" and coder == "learned":
            # nothing learned (train_coder warned): the dictionary decides every code, and
            # the codings say so
            coder = "auto"
        never = [c for c in self.codes if ("learned", c) not in self._models]
        if combine == "learned" and never:
            warnings.warn(LearningWarning(
                f"combine='learned' never codes {listed(never)}: the text model could not "
                f"learn them ({_reasons_text(self._unlearned, never)}); combine='both' leaves "
                "them to the dictionary"),
                stacklevel=2)
        return self._codings(self._features.prepare(corpus), combine, coder)

    def _codings(self, prepared: _Prepared, combine: str, coder: str) -> pd.DataFrame:
        """The codings table of ``combine`` (``both`` or ``learned``) on prepared turns."""
        units, auto = prepared.units, prepared.auto
        units, proba, thresholds, used, parts = self._predict(prepared, combine)
        if units.empty:
            return empty_coder_codings()
        rows, cols = np.nonzero(proba >= thresholds[None, :])
        contrib, x = parts
        names = self._features.feature_names(True)
        auto_ev = {(d, int(s), c): e for d, s, c, e in
                   zip(auto["doc_id"], auto["segment_id"], auto["code"], auto["evidence"],
                       strict=True)}
        ev, notes = [], []
        doc_ids = units["doc_id"].to_numpy(dtype=object)
        seg_ids = units["segment_id"].to_numpy(dtype=np.int64)
        for r, j in zip(rows.tolist(), cols.tolist(), strict=True):
            code = self.codes[j]
            key = (doc_ids[r], int(seg_ids[r]), code)
            if used[j] == "dictionary":
                ev.append(auto_ev.get(key, ""))
                notes.append("dictionary (it did best in cross-validation on the training "
                             "documents)" if code in self._learnable else
                             "dictionary (too few training turns to learn this code)")
                continue
            coef, model_name = contrib[code]
            ev.append(_evidence(x.row(r), coef, names, auto_ev.get(key)))
            notes.append(f"{model_name} model: p={proba[r, j]:.2f} >= threshold "
                         f"{thresholds[j]:.3f}")
        out = pd.DataFrame({
            "doc_id": units["doc_id"].to_numpy(dtype=object)[rows],
            "segment_id": units["segment_id"].to_numpy(dtype=np.int64)[rows],
            "start": units["start"].to_numpy(dtype=np.int64)[rows],
            "end": units["end"].to_numpy(dtype=np.int64)[rows],
            "code": np.asarray(self.codes, dtype=object)[cols],
            "coder": coder, "evidence": ev, "note": notes,
            "score": proba[rows, cols].astype("float64")})
        text = dict.fromkeys(["doc_id", "code", "coder", "evidence", "note"], "str")
        return out[[*CODING_COLUMNS, "evidence", "note", "score"]].astype(text).reset_index(
            drop=True)


class _EvidenceRows:
    """The stacked feature rows of the turns a model coded, by their row in ``units``."""

    def __init__(self) -> None:
        self._index: dict[int, int] = {}
        self._parts: list = []
        self._matrix = None

    def add(self, rows: np.ndarray, x) -> None:
        base = len(self._index)
        self._index.update((int(r), base + i) for i, r in enumerate(rows.tolist()))
        self._parts.append(x)
        self._matrix = None

    def row(self, r: int):
        if self._matrix is None:
            from scipy import sparse

            self._matrix = sparse.vstack(self._parts, format="csr")
        return self._matrix[self._index[r]]


def _evidence(xrow, coef: np.ndarray, names: list[str], dictionary: str | None,
              k: int = 4) -> str:
    """The ``k`` readable features that pushed a turn's score up most."""
    keep = xrow.indices < len(coef)  # a text model's coefficients cover the text block
    idx, vals = xrow.indices[keep], xrow.data[keep]
    push = vals * coef[idx]
    order = np.argsort(-push, kind="stable")
    items: list[str] = []
    for i, v in zip(idx[order].tolist(), push[order].tolist(), strict=True):
        if v <= 0 or len(items) >= k:
            break
        name = names[i]
        kind, feat = name[0], name[1:]
        if kind in _FEATURE_PREFIX:
            items.append(_FEATURE_PREFIX[kind] + feat)
        elif kind in "dQp" and dictionary:
            items.extend(dictionary.split(" | "))
        elif kind == "p":
            items.append(f"pattern: {feat}")
    return " | ".join(dict.fromkeys(items))


# --------------------------------------------------------------------------- training


class LearningWarning(UserWarning):
    """The learned coder left something out or could not learn it: coded documents without
    a turn of the coded roles, a role only uncoded documents have, codes the text model
    never learned."""


class MachineCodingsWarning(LearningWarning):
    """The codings learned from look like an auto-coder's output (a filled ``score`` or
    ``evidence`` column, a machine coder's name): the learned coder would learn the
    machine's own decisions as if a person had made them. Silence it with
    ``warnings.filterwarnings("ignore", category=ce.MachineCodingsWarning)`` for codings a
    person has reviewed."""


#: Coder names the package's machine coders write (:func:`~citra_eval.autocode`,
#: :meth:`LearnedCoder.code`).
MACHINE_CODERS = ("auto", "learned", "both", "dictionary")


def machine_output_signs(codings: pd.DataFrame) -> str | None:
    """What makes ``codings`` look like an auto-coder's output, or None.

    The one test of :func:`train_coder`, :func:`cross_validate_coder`,
    :func:`suggest_turns` (a :class:`MachineCodingsWarning`) and ``citra-eval code
    --learn-from`` (a ``warning:`` line per file).

    Parameters
    ----------
    codings : DataFrame
        A codings table.

    Returns
    -------
    str or None
        The signs found, ``;``-separated, then the table's coders (``"a filled 'score'
        column; the machine coder name(s) 'auto'; coder(s) auto"``): a filled ``score``
        or ``evidence`` column (what the auto-coders write), a coder named as in
        :data:`MACHINE_CODERS`; None when there is none.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"code": ["a"], "coder": ["auto"], "score": [0.9]})
    >>> machine_output_signs(t)
    "a filled 'score' column; the machine coder name(s) 'auto'; coder(s) auto"
    >>> machine_output_signs(t.assign(coder="SR", score=float("nan"))) is None
    True
    """
    check_codings(codings, columns=["coder"])
    signs = [f"a filled '{c}' column" for c in ("score", "evidence") if c in codings.columns
             and codings[c].astype("string").fillna("").str.strip().ne("").any()]
    coders = sorted(map(str, codings["coder"].unique()))
    named = [c for c in coders if c in MACHINE_CODERS]
    if named:
        signs.append(f"the machine coder name(s) {', '.join(map(repr, named))}")
    return f"{'; '.join(signs)}; coder(s) {', '.join(coders)}" if signs else None


def _warn_machine_codings(codings: pd.DataFrame, stacklevel: int) -> None:
    """A :class:`MachineCodingsWarning` when ``codings`` look like a machine's output."""
    signs = machine_output_signs(codings)
    if signs:
        warnings.warn(MachineCodingsWarning(
            f"codings look like an auto-coder's output ({signs}), yet the learned coder "
            "learns from them as a person's codings, so it would learn the machine's own "
            "decisions; learn from human codings (a machine's reviewed by a person, e.g. "
            "through a coding sheet, saved without score)"), stacklevel=stacklevel + 1)


def _roles_text(roles) -> str:
    return "every role" if roles is None else "the role(s) " + listed(roles)


def training_documents(corpus: Corpus, codings: pd.DataFrame, *,
                       roles: Sequence[str] | None = ("informant",)) -> list[str]:
    """The documents the learned coder learns from: those with codings and with a turn of
    ``roles``, in corpus order.

    A coded document without such a turn (a focus group whose speakers are moderator and
    participants, when informants are coded) gives no training turn: :func:`train_coder`
    and :func:`cross_validate_coder` leave it out with a :class:`LearningWarning`, and
    count only these documents against their minimum (two, and
    :data:`MIN_CV_DOCUMENTS`).

    Parameters
    ----------
    corpus : Corpus
    codings : DataFrame
        A codings table.
    roles : sequence of str or None
        The coded roles (default informants; None: every segment).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> ce.learning.training_documents(corpus, a[a.doc_id.isin(["INF02", "INF01"])])
    ['INF01', 'INF02']
    """
    check_corpus(corpus)
    check_codings(codings, columns=["doc_id"])
    return _documents_with_turns(corpus, codings, check_roles(roles, corpus))[0]


def _documents_with_turns(corpus: Corpus, codings: pd.DataFrame, roles,
                          rated: Mapping[str, set[str]] | None = None
                          ) -> tuple[list[str], list[str]]:
    """(coded documents with a turn of ``roles``, coded documents without one), in corpus
    order; a document a coder is declared to have rated (``rated``) is coded."""
    coded = set(codings["doc_id"].astype(str)).union(*(rated or {}).values())
    with_turns = set(coding_units(corpus, roles)["doc_id"].astype(str))
    docs = [d for d in corpus.doc_ids if d in coded]
    return [d for d in docs if d in with_turns], [d for d in docs if d not in with_turns]


def _check_inputs(corpus, codings, codebook, seed, roles, labels, neighbours=False, *,
                  minimum: int = 2, too_few=None, coverage=None, purpose="training"):
    """Check the arguments; return (roles, the training documents, coder -> the documents
    they rated or None without ``coverage``). Coded documents without a turn of the
    roles, and roles only uncoded documents have, are warned about
    (:class:`LearningWarning`); fewer than ``minimum`` training documents is an
    ``InputError`` (``too_few(n)``: its message). ``purpose``: what an inferred coverage is
    said to do (:func:`~citra_eval.intercoder.rated_documents`)."""
    check_corpus(corpus)
    check_bool(neighbours, "neighbours")
    check_codings(codings, columns=CODING_COLUMNS)
    check_codebook(codebook, allow_none=False)
    check_seed(seed)
    check_choice(labels, "labels", LABELS)
    wanted = check_roles(roles, corpus)
    check_codings_against(codings, corpus, codebook=codebook)  # every code codable in it
    if codings.empty:
        raise InputError("codings is empty: the learned coder needs human codings of at "
                         "least two documents")
    _warn_machine_codings(codings, stacklevel=3)
    rated = (None if coverage is None else
             {c: set(d) for c, d in rated_documents(codings, corpus=corpus, coverage=coverage,
                                                     purpose=purpose).items()})
    docs, left_out = _documents_with_turns(corpus, codings, wanted, rated)
    if left_out:
        warnings.warn(LearningWarning(
            f"coded document(s) {listed(left_out)} have no turn of {_roles_text(wanted)}: "
            "the learned coder learns from and codes those turns only, so it leaves them "
            "out (to use them, train with roles= their speakers' roles)"), stacklevel=3)
    seg = corpus.segments
    in_docs = set(seg.loc[seg["doc_id"].isin(docs), "role"].dropna().astype(str))
    for role in wanted or ():
        elsewhere = list(dict.fromkeys(seg.loc[seg["role"] == role, "doc_id"].astype(str)))
        if elsewhere and role not in in_docs:
            warnings.warn(LearningWarning(
                f"role {role!r} occurs only in documents without codings "
                f"({listed(elsewhere)}): the coder has no training turn of it and codes "
                "its turns from what it learned on the other roles"), stacklevel=3)
    if len(docs) < minimum:
        why = (f"; {listed(left_out)} left out (no turn of {_roles_text(wanted)})"
               if left_out else "")
        raise InputError((too_few or _too_few_to_train)(len(docs)) + why)
    return wanted, docs, rated


def _why_not_learned(n_positive: int, n_documents: int, n_rows: int) -> str | None:
    """Why the text model cannot learn a code from its training labels; None: it can.

    Parameters
    ----------
    n_positive : int
        Positive training rows (a turn once per coder who coded its document).
    n_documents : int
        Documents with a positive row.
    n_rows : int
        Training rows.

    Returns
    -------
    str or None
        Too few positives (fewer than :data:`MIN_POSITIVES`, or in one document only), or
        the code applied to every coded turn (no negative to learn from); None when the
        model can be fitted. The one wording of every message that says so.
    """
    if n_positive < MIN_POSITIVES or n_documents < 2:
        return _TOO_FEW
    if n_positive >= n_rows:
        return _EVERY_TURN
    return None


def _reasons_text(reasons: Mapping[str, str], codes: Sequence[str]) -> str:
    """``codes``' reasons of :func:`_why_not_learned`: the one reason when they share it,
    else each reason after the codes it holds for (``'a', 'b': ...; 'c': ...``)."""
    by_reason: dict[str, list[str]] = {}
    for c in codes:
        by_reason.setdefault(reasons.get(c, _TOO_FEW), []).append(c)
    if len(by_reason) == 1:
        return next(iter(by_reason))
    return "; ".join(f"{listed(cs)}: {why}" for why, cs in by_reason.items())


def _dictionary_options(negation, question_context) -> dict[str, bool]:
    """The dictionary's options, checked: ``_Featuriser``'s keyword arguments."""
    check_bool(negation, "negation")
    check_bool(question_context, "question_context")
    return {"negation": negation, "question_context": question_context}


def _too_few_to_train(n_docs: int) -> str:
    return (f"codings cover {n_docs} document(s) with turns of the coded roles; the "
            "learned coder needs codings of at least two documents (its thresholds are "
            "cross-validated by document)")


def train_coder(corpus: Corpus, codings: pd.DataFrame, *, codebook: Codebook, seed: int = 0,
                roles: Sequence[str] | None = ("informant",),
                labels: Literal["pooled", "any", "all"] = "pooled",
                neighbours: bool = False,
                coverage: str | Mapping | pd.DataFrame | None = None,
                progress: bool | None = None, negation: bool = True,
                question_context: bool = True) -> LearnedCoder:
    """Train a coder on human codings of the study.

    Parameters
    ----------
    corpus : Corpus
        The transcripts the codings were made on (it may hold more, uncoded documents:
        only documents with codings are used for training).
    codings : DataFrame
        Codings of one or several coders (``coder`` column); only the turns of documents a
        coder coded count as that coder's examples.
    codebook : Codebook
        The codebook (its patterns make the dictionary block). Every code of ``codings``
        must be codable in it (:class:`InputError` naming the row otherwise, as
        :func:`~citra_eval.code_frequencies` gives it).
    seed : int
        Seed of every random step (the solver); the same inputs and seed give the same coder.
    roles : sequence of str or None
        Roles whose turns are units (default informants).
    labels : {"pooled", "any", "all"}
        How several coders' codings become labels (see the module notes).
    neighbours : bool
        Also give the stacked model the dictionary's direct codes of the coded-role turn
        before and the one after in the same document (default False: an experiment,
        reported in docs/autocode.md, that did not raise the cross-validated F1 on the
        example study).
    coverage : "all", "documents", mapping, DataFrame or None
        Which documents each coder rated, as :func:`~citra_eval.agreement` takes it (in a
        study, :attr:`citra_eval.Study.coverage`: study.yaml's ``double_coded``). A
        document a coder is declared to have read without coding anything in it trains
        too: its turns are that coder's negative examples. None (default): each coder's
        documents are those they have codings in.
    progress : bool or None
        A progress bar on stderr over the fits (codes times models times inner folds + 1);
        None: only on a terminal. Nothing is printed otherwise.
    negation, question_context : bool
        The dictionary's options, as :func:`~citra_eval.autocode` takes them (default True):
        the dictionary's codings the stacked model sees, and those of
        ``combine="dictionary"``, read negation and the interviewer's question or not. The
        text model's own question words are features either way.

    Returns
    -------
    LearnedCoder
        ``.code(corpus, combine=...)`` codes transcripts; ``.thresholds`` shows what was
        learned.

    Warns
    -----
    LearningWarning
        When no code could be learned (too few positive turns, or positives in only one
        document, for every code): the coder is then the dictionary alone, and
        ``.code()`` labels its codings coder ``'auto'``, as :func:`~citra_eval.autocode`.
        Also for coded documents without a turn of ``roles``.

    Notes
    -----
    The model and its fixed hyper-parameters are described in :mod:`citra_eval.learning`;
    per-code thresholds come from cross-validation by document inside the training
    documents only.

    Examples
    --------
    On the bundled (illustrative) example study, trained on coder A's codings of ten
    interviews, coding the eleventh:

    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> book = ce.Codebook.load(ce.example_path("codebook"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> coder = ce.train_coder(corpus, a[a.doc_id != "INF11"], codebook=book, seed=0)
    >>> out = coder.code(corpus.subset(["INF11"]))
    >>> list(out.columns)
    ['doc_id', 'segment_id', 'start', 'end', 'code', 'coder', 'evidence', 'note', 'score']
    >>> bool(out["score"].between(0, 1).all()) and set(out["doc_id"]) == {"INF11"}
    True
    """
    check_bool(progress, "progress", allow_none=True)
    options = _dictionary_options(negation, question_context)
    wanted, docs, rated = _check_inputs(corpus, codings, codebook, seed, roles, labels,
                                        neighbours, coverage=coverage)
    matcher = compile_codebook(codebook)
    codings = codings[codings["doc_id"].isin(docs)]
    feats = _Featuriser(matcher, wanted, seed, codes=list(codebook.codable_ids),
                        neighbours=neighbours, **options)
    prepared = feats.prepare(corpus.subset(docs))
    coder = _train(codebook, feats, prepared, codings, seed=seed, labels=labels,
                   progress=progress, rated=rated)
    if not coder._models:
        warnings.warn(LearningWarning(
            f"no code could be learned from the codings "
            f"({_reasons_text(coder._unlearned, coder.codes)}), so the coder is the "
            "dictionary alone: .code() gives ce.autocode's codings (coder 'auto'); code "
            "documents whose turns differ in their codes, then train again"), stacklevel=2)
    return coder


def _train(codebook: Codebook, feats: _Featuriser, prepared: _Prepared, codings: pd.DataFrame,
           *, seed: int, labels: str, progress: bool | None,
           rated: Mapping[str, set[str]] | None = None) -> LearnedCoder:
    """Fit the models of every code on prepared training turns (see :func:`train_coder`)."""
    from scipy import sparse

    units, dic = prepared.units, prepared.dic
    if units.empty:
        raise InputError(f"the coded documents have no turns of the roles {feats.roles!r}; "
                         "check roles= and the speakers of the transcripts")
    codes = feats.codes
    feats.fit(units)
    idx, y, groups = _labels(units, codings, codes, labels, rated)
    x_text = feats.text_matrix(units)
    x_stacked = sparse.hstack([x_text, sparse.csr_matrix(dic)], format="csr")
    for x in (x_text, x_stacked):
        x.sum_duplicates()  # canonical once, for every fit below
    folds = _inner_folds(groups)
    n_codes = len(codes)
    models, rows, unlearned = {}, [], {}
    # one step per fit: per code, each model's inner folds and its fit on every turn
    per_code = len(MODELS[1:]) * (len(folds) + 1)
    bar = progress_bar(n_codes * per_code, progress, desc="training", unit="fit", threshold=1)
    tick = None if bar is None else (lambda: bar.update(1))
    try:
        for j, code in enumerate(codes):
            yj = y[:, j]
            n_pos = int(yj.sum())
            pos_docs = len(set(groups[yj == 1].tolist()))
            # the dictionary needs no fitting: its F1 on the training turns
            decided = np.maximum(dic[idx, j], dic[idx, n_codes + j]) > 0
            rows.append([code, "dictionary", 0.5, _f1(yj, decided), n_pos, pos_docs, False])
            why = _why_not_learned(n_pos, pos_docs, len(yj))
            if why is None:
                for name, x in (("learned", x_text), ("stacked", x_stacked)):
                    model, thr, f1 = _fit_code(x, idx, yj, groups, folds, seed, tick)
                    models[(name, code)] = model
                    rows.append([code, name, thr, f1, n_pos, pos_docs, False])
                continue
            unlearned[code] = why  # left to the dictionary: nothing to fit
            if bar is not None:
                bar.update(per_code)
    finally:
        if bar is not None:
            bar.close()
    thresholds = pd.DataFrame(rows, columns=THRESHOLD_COLUMNS).astype(
        {"threshold": "float64", "inner_f1": "float64", "n_positive": "int64",
         "n_documents": "int64", "selected": "bool"})
    # per code, the candidate with the best inner F1 (ties: the simpler one, CHOICES order)
    rank = thresholds["model"].map({m: i for i, m in enumerate(CHOICES)})
    candidates = thresholds.assign(_r=rank, _f=-thresholds["inner_f1"].round(9))
    best = candidates[candidates["_r"].notna()].sort_values(
        ["code", "_f", "_r"], kind="stable").drop_duplicates("code").index
    thresholds.loc[best, "selected"] = True
    docs = list(dict.fromkeys(units["doc_id"]))
    return LearnedCoder(codebook=codebook, matcher=feats.matcher, featuriser=feats,
                        models=models, thresholds=thresholds,
                        coders=sorted(map(str, codings["coder"].unique())), documents=docs,
                        seed=seed, labels=labels, unlearned=unlearned)


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class CoderValidation:
    """Leave-one-document-out quality of the learned coder (see :func:`cross_validate_coder`).

    Attributes
    ----------
    table : DataFrame
        ``reference, coder, code, precision, recall, f1, support, tp, fp, fn``: every
        machine coder (``both``, ``learned``, ``dictionary``) and every other human coder
        against each reference coder, per code (codebook order), then ``micro`` and ``macro``
        rows.
    predictions : DataFrame
        The out-of-fold codings of the machine coders (a codings table; ``coder`` names the
        combination).
    documents : list of str
        The documents held out in turn.
    seed : int
    by_document : DataFrame
        ``reference, coder, doc_id, tp, fp, fn``: the micro counts of each document that
        the reference coded (what :meth:`conf_int` resamples); for a human coder, with
        ``coverage``, of those that both rated.
    learned_in : DataFrame
        ``code, n_folds, n_learned, reason``: per code, in how many of the folds the text
        model (and the stacked one) could be fitted; in the others the code had too few
        positive turns (or positives in one document only) among the training documents, or
        was applied to every coded turn there, as ``reason`` says (empty when learned in
        every fold), ``learned`` never codes it and ``both`` leaves it to the dictionary.

    Notes
    -----
    A side never fitted is not measured: the ``learned`` rows of a code it learned in no
    fold have precision, recall and F1 NaN, and when it learned no code in any fold, so do
    its ``micro`` and ``macro`` rows, its intervals and every comparison with it; the
    ``note`` column says why (and, on the ``micro`` and ``macro`` rows, which codes a
    partly fitted text model never learned: they count as never coded there).
    """
    table: pd.DataFrame
    predictions: pd.DataFrame
    documents: list[str]
    seed: int
    by_document: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CV_DOCUMENT_COLUMNS))
    learned_in: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CV_LEARNED_COLUMNS))

    @property
    def summary(self) -> pd.DataFrame:
        """``reference, coder, precision, recall, f1, macro_f1, support, note``: micro
        averages (``note``: that of the ``micro`` row of :attr:`table`)."""
        t = self.table
        if "note" not in t.columns:
            t = t.assign(note="")
        micro = t[t["code"] == "micro"].set_index(["reference", "coder"])
        macro = t[t["code"] == "macro"].set_index(["reference", "coder"])["f1"]
        out = micro[["precision", "recall", "f1", "support", "note"]].assign(macro_f1=macro)
        return out.reset_index()[["reference", "coder", "precision", "recall", "f1",
                                  "macro_f1", "support", "note"]]

    def _notes(self, reference: str) -> tuple[dict[str, str], dict[str, str]]:
        """(the coders not measured against ``reference``: a machine never fitted in any
        fold, a human coder who rated no document with it; the reason), (the notes of the
        others' summary figures), from the ``micro`` rows of :attr:`table`."""
        if "note" not in self.table.columns:
            return {}, {}
        t = self.table
        micro = t[(t["code"] == "micro") & t["note"].ne("") & (t["reference"] == reference)]
        notes = dict(zip(micro["coder"], micro["note"], strict=True))
        unfitted = {c: n for c, n in notes.items() if n.startswith("not measured")}
        return unfitted, {c: n for c, n in notes.items() if c not in unfitted}

    def per_code(self, reference: str) -> pd.DataFrame:
        """F1 per code against ``reference``: one column per coder (machines and humans).

        Rows in the order of :attr:`table`: the codes in codebook order, then the ``micro``
        and ``macro`` summary rows last. ``attrs["reference"]`` holds ``reference``
        (:func:`~citra_eval.plots.plot_coder_quality` checks its ``reference`` against it).
        """
        check_choice(str(reference), "reference",
                     list(dict.fromkeys(self.table["reference"].astype(str))))
        t = self.table[self.table["reference"] == reference]
        wide = t.pivot(index="code", columns="coder", values="f1").reindex(
            t["code"].unique()).rename_axis(index="code", columns=None).reset_index()
        wide.attrs["reference"] = reference  # whose F1 it is, for plot_coder_quality
        return wide

    def conf_int(self, *, ci: float = 0.95, n_boot: int = 2000,
                 seed: int | None = None) -> pd.DataFrame:
        """Bootstrap confidence intervals of the micro precision, recall and F1, by document.

        Parameters
        ----------
        ci : float
            Confidence level (default 0.95).
        n_boot : int
            Bootstrap replicates (default 2000).
        seed : int, optional
            Seed of the resampling (default: the cross-validation's ``seed``).

        Returns
        -------
        DataFrame
            ``reference, coder, measure, estimate, ci_low, ci_high, n_documents, n_boot``:
            one row per reference, coder and measure (``precision``, ``recall``, ``f1``, in
            that order). ``estimate`` is the value in :attr:`summary`; ``n_documents`` the
            documents the coder is measured on (a human coder: those both rated, with
            ``coverage``); ``n_boot`` the replicates in which the measure is defined (the
            interval is NaN when there are none, and when ``n_documents`` is below two:
            resampling one document gives its ratios every time, a zero-width interval that
            would claim a certainty it lacks; ``note`` says so).

        Notes
        -----
        A turn's codes depend on its interview (its speaker, its topic, the coder's reading
        of it), so the resampled unit is the document, not the turn (a cluster bootstrap,
        Field & Welsh 2007): each replicate draws the reference's documents with
        replacement, sums their ``tp, fp, fn`` (:attr:`by_document`) and computes
        ``precision = TP / (TP + FP)``, ``recall = TP / (TP + FN)`` and
        ``F1 = 2 TP / (2 TP + FP + FN)``. Every coder against the same reference is
        resampled with the same draws, so their intervals can be compared. The interval
        holds the ``(1 - ci) / 2`` and ``(1 + ci) / 2`` quantiles of the replicates
        (percentile interval, Efron & Tibshirani 1993). The out-of-fold codings are held
        fixed: how much the coders trained in the folds would vary with other training
        documents is not in the interval, so if anything it is too narrow.

        References
        ----------
        Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman &
        Hall, ch. 13.

        Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data. *Journal of the
        Royal Statistical Society B*, 69(3), 369-390.

        Examples
        --------
        >>> import citra_eval as ce
        >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
        >>> book = ce.Codebook.load(ce.example_path("codebook"))
        >>> a = ce.read_codings(ce.example_path("codings_A"))
        >>> docs = ["INF01", "INF02", "INF03", "INF04"]
        >>> cv = ce.cross_validate_coder(corpus.subset(docs), a[a.doc_id.isin(docs)],
        ...                              codebook=book)
        >>> ci = cv.conf_int(n_boot=200)
        >>> f1 = ci[(ci.coder == "dictionary") & (ci.measure == "f1")].iloc[0]
        >>> bool(f1.ci_low <= f1.estimate <= f1.ci_high), int(f1.n_documents)
        (True, 4)
        """
        ci = check_ci(ci)
        n_boot = check_n_boot(n_boot, ci, default=2000, none=False)
        seed = self.seed if seed is None else check_seed(seed)
        summary = self.summary.set_index(["reference", "coder"])
        rows = []
        for ref, part in self.by_document.groupby("reference", sort=False):
            unfitted, notes = self._notes(ref)
            # a coder with no document in common with the reference has no counts: NaN
            coders = list(dict.fromkeys([*part["coder"], *summary.loc[ref].index]))
            replicates, _ = self._replicates(ref, coders, n_boot, seed)
            # the documents each coder has counts in: a human coder's, those both rated
            counted_in = part.groupby("coder", sort=False)["doc_id"].nunique()
            for coder, reps in zip(coders, replicates, strict=True):
                low, high, valid = percentile_interval(reps, ci)
                n_docs = int(counted_in.get(coder, 0))
                note = unfitted.get(coder, notes.get(coder, ""))
                if coder in unfitted or n_docs < 2:  # nothing measured, or nothing to vary
                    low, high, valid = low * np.nan, high * np.nan, valid * 0
                if coder not in unfitted and n_docs < 2 and not note.startswith("not "):
                    # one document drawn again and again: the same ratios, a zero width
                    docs = f"{n_docs} interview{'' if n_docs == 1 else 's'}"
                    why = (f"{docs} in common with {ref}" if coder not in COMBINE else
                           f"{ref} rated {docs} held out")
                    note = "; ".join(filter(None, [note, f"no interval: {why} (an interval "
                                                         "needs two)"]))
                for k, measure in enumerate(_MEASURES):
                    rows.append((ref, coder, measure, summary.loc[(ref, coder), measure],
                                 low[k], high[k], n_docs, int(valid[k]), note))
        return pd.DataFrame(rows, columns=CV_INTERVAL_COLUMNS)

    def compare(self, coder: str, other: str, *, reference: str, ci: float = 0.95,
                n_boot: int = 2000, seed: int | None = None) -> pd.DataFrame:
        """The paired difference of two coders' micro precision, recall and F1, by document.

        How much better ``coder`` is than ``other`` against ``reference``, with a paired
        bootstrap interval.

        Parameters
        ----------
        coder, other : str
            Two coders of :attr:`summary` (``both``, ``learned``, ``dictionary`` or a human
            coder) scored against ``reference``.
        reference : str
            The reference coder.
        ci, n_boot, seed
            As in :meth:`conf_int`.

        Returns
        -------
        DataFrame
            ``reference, coder, other, measure, difference, ci_low, ci_high, n_documents,
            n_boot``: one row per measure (``precision``, ``recall``, ``f1``);
            ``difference`` is ``coder``'s value minus ``other``'s; ``n_boot`` the replicates
            in which both are defined.

        Notes
        -----
        Both coders are resampled with the same draws of documents (those of
        :meth:`conf_int` for the same ``seed``), so the interval is that of the paired
        difference: what the two coders have in common, the documents that are hard for
        both, cancels out. An interval that holds 0 means these documents cannot tell the
        two coders apart. The out-of-fold codings are held fixed, as in :meth:`conf_int`.

        Examples
        --------
        >>> import citra_eval as ce
        >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
        >>> book = ce.Codebook.load(ce.example_path("codebook"))
        >>> a = ce.read_codings(ce.example_path("codings_A"))
        >>> docs = ["INF01", "INF02", "INF03", "INF04"]
        >>> cv = ce.cross_validate_coder(corpus.subset(docs), a[a.doc_id.isin(docs)],
        ...                              codebook=book)
        >>> d = cv.compare("both", "dictionary", reference="A", n_boot=200)
        >>> d["measure"].tolist()
        ['precision', 'recall', 'f1']
        """
        ci = check_ci(ci)
        n_boot = check_n_boot(n_boot, ci, default=2000, none=False)
        seed = self.seed if seed is None else check_seed(seed)
        summary = self.summary
        check_choice(str(reference), "reference", list(dict.fromkeys(summary["reference"])))
        known = summary.loc[summary["reference"] == str(reference), "coder"].tolist()
        for name, value in (("coder", coder), ("other", other)):
            check_choice(value, name, known)
        (mine, theirs), n_docs = self._replicates(str(reference), [coder, other], n_boot, seed)
        low, high, valid = percentile_interval(mine - theirs, ci)
        unfitted, said = self._notes(str(reference))
        notes = [f"{c}: {unfitted[c]}" for c in (coder, other) if c in unfitted]
        if notes:  # a side never fitted: there is no difference to measure
            low, high, valid = low * np.nan, high * np.nan, valid * 0
        else:
            notes = [f"{c}: {said[c]}" for c in (coder, other) if c in said]
        values = summary[summary["reference"] == str(reference)].set_index("coder")
        rows = [(str(reference), coder, other, measure,
                 values.loc[coder, measure] - values.loc[other, measure], low[k], high[k],
                 n_docs, int(valid[k]), "; ".join(notes))
                for k, measure in enumerate(_MEASURES)]
        return pd.DataFrame(rows, columns=CV_COMPARE_COLUMNS)

    def _replicates(self, reference: str, coders: list[str], n_boot: int,
                    seed: int) -> tuple[list[np.ndarray], int]:
        """Per coder, (n_boot, 3) micro precision, recall, F1 in bootstrap replicates of the
        reference's documents (NaN where undefined), and the number of documents. The draws
        depend only on ``seed`` and the documents: every coder gets the same ones."""
        part = self.by_document[self.by_document["reference"] == reference]
        docs = list(dict.fromkeys(part["doc_id"]))
        if not docs:
            raise ValueError(f"by_document holds no counts against {reference!r}: the "
                             "intervals need the counts per document that "
                             "cross_validate_coder records")
        # documents x (tp, fp, fn of each coder), so one product per block serves all coders
        counts = np.hstack([part[part["coder"] == c].set_index("doc_id").reindex(docs)[
            ["tp", "fp", "fn"]].fillna(0).to_numpy(dtype=float) for c in coders])
        rng = np.random.default_rng(seed)
        # replicates in blocks: memory stays bounded for any n_boot, the draws are the same
        step = max(1, _BOOT_CELLS // len(docs))
        sums = np.vstack([resample_weights(rng, len(docs), min(step, n_boot - lo)) @ counts
                          for lo in range(0, n_boot, step)])
        out = []
        for k in range(len(coders)):
            tp, fp, fn = sums[:, 3 * k:3 * k + 3].T
            with np.errstate(invalid="ignore", divide="ignore"):
                out.append(np.column_stack([tp / (tp + fp), tp / (tp + fn),
                                            2 * tp / (2 * tp + fp + fn)]))
        return out, len(docs)


def _too_few_to_cross_validate(n_docs: int) -> str:
    return (f"codings cover {n_docs} document(s) with turns of the coded roles; "
            "leave-one-document-out "
            f"cross-validation needs codings of at least {MIN_CV_DOCUMENTS} documents (each "
            "coder is trained on the others, and training needs two)")


def cross_validate_coder(corpus: Corpus, codings: pd.DataFrame, *, codebook: Codebook,
                         reference: Sequence[str] | None = None, seed: int = 0,
                         roles: Sequence[str] | None = ("informant",),
                         labels: Literal["pooled", "any", "all"] = "pooled",
                         neighbours: bool = False,
                         coverage: str | Mapping | pd.DataFrame | None = None,
                         progress: bool | None = None, negation: bool = True,
                         question_context: bool = True) -> CoderValidation:
    """Leave-one-document-out precision, recall and F1 of the learned coder.

    For every coded document in turn, a coder is trained on the codings of all other
    documents (:func:`train_coder`, thresholds chosen inside those documents only) and codes
    the held-out document. The pooled out-of-fold codings are scored against each reference
    coder, beside the dictionary coder alone and beside the other human coders on the same
    turns.

    Parameters
    ----------
    corpus : Corpus
    codings : DataFrame
        Codings of one or several coders (the training labels).
    codebook : Codebook
        Every code of ``codings`` must be codable in it (see :func:`train_coder`).
    reference : sequence of str, optional
        Coders to score against (default: every coder in ``codings``). The reference's
        codings of a held-out document are never used to train the model that codes it.
    seed : int
    roles : sequence of str or None
        Roles whose turns are units (default informants).
    labels : {"pooled", "any", "all"}
        See :func:`train_coder`.
    neighbours : bool
        See :func:`train_coder`.
    negation, question_context : bool
        The dictionary's options (see :func:`train_coder`); the ``dictionary`` rows score
        :func:`~citra_eval.autocode` with them.
    coverage : "all", "documents", mapping, DataFrame or None
        Which documents each coder rated, as :func:`~citra_eval.agreement` takes it (in a
        study, :attr:`citra_eval.Study.coverage`: study.yaml's ``double_coded``), e.g.
        ``{"A": "all", "B": ["INF01"]}``. A human coder is compared with a reference only
        on the documents both rated; the machine coders on every held-out document the
        reference rated. None (default): each reference's documents are those it has
        codings in, and every other coder is taken to have rated them all (a second coder
        who double-coded some interviews then misses everything the reference coded in
        the others; a :class:`~citra_eval.CoverageWarning` says so when the coders'
        codings are in different documents, as :func:`~citra_eval.agreement` does).
    progress : bool or None
        A progress bar over documents; None: only on a terminal.

    Returns
    -------
    CoderValidation
        ``.table`` (long: reference, coder, code, precision, recall, f1, support, tp, fp,
        fn), ``.summary`` (micro/macro per reference and coder), ``.per_code(reference)``
        (F1 per code in codebook order, then micro and macro; a column per coder),
        ``.predictions``.

    Notes
    -----
    Precision, recall and F1 as in :func:`~citra_eval.evaluate_coder` (units are turns; a
    turn is positive for a code when the coder coded any part of it). Only documents with
    codings are held out and scored; there must be at least :data:`MIN_CV_DOCUMENTS`
    (``InputError`` otherwise), as every training set needs two.

    A turn a coder did not code counts as their "not this code" only in a document they
    rated: with ``coverage``, the row of a human coder against a reference (and its
    :attr:`~CoderValidation.by_document` counts) holds only the documents both rated, so
    it measures what :func:`~citra_eval.agreement` with the same ``coverage`` measures.
    :meth:`~CoderValidation.conf_int` still resamples the reference's documents; a human
    coder's replicates count only those of the drawn documents that coder rated (and
    :meth:`~CoderValidation.compare` of a human coder with a machine compares figures on
    different documents). ``coverage`` is the training's too (see :func:`train_coder`): a
    document a coder is declared to have read without coding anything in it is held out and
    trained on like the others, its turns that coder's negatives. A declared
    ``coverage`` is checked as :func:`~citra_eval.agreement` checks it (``InputError``);
    ``"documents"`` warns with a :class:`~citra_eval.CoverageWarning`.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> book = ce.Codebook.load(ce.example_path("codebook"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> cv = ce.cross_validate_coder(corpus.subset(["INF01", "INF02", "INF03"]),
    ...                              a[a.doc_id.isin(["INF01", "INF02", "INF03"])],
    ...                              codebook=book)
    >>> cv.summary[["reference", "coder"]].values.tolist()
    [['A', 'both'], ['A', 'learned'], ['A', 'dictionary']]
    """
    check_bool(progress, "progress", allow_none=True)
    options = _dictionary_options(negation, question_context)
    wanted, docs, rated = _check_inputs(corpus, codings, codebook, seed, roles, labels,
                                        neighbours, minimum=MIN_CV_DOCUMENTS,
                                        too_few=_too_few_to_cross_validate, coverage=coverage,
                                        purpose="validation")
    coders = sorted(map(str, codings["coder"].unique()))
    refs = coders if reference is None else [str(r) for r in (
        [reference] if isinstance(reference, str) else reference)]
    unknown = [r for r in refs if r not in coders]
    if unknown:
        raise ValueError(f"reference must name coders in codings ({', '.join(coders)}), got "
                         f"{', '.join(unknown)}")
    if coverage is None and len(coders) > 1:  # said when unlikely, as agreement says it
        rated_documents(codings[codings["doc_id"].isin(docs)], corpus=corpus.subset(docs),
                        coverage=None)
    # coder -> the documents they rated (None: those the reference has codings in)
    # every document is featurised once (stems, dictionary block: both per turn or per
    # document, so the same as in a training run on a subset); the models are fitted anew
    # on each training set
    matcher = compile_codebook(codebook)
    codes = list(codebook.codable_ids)
    prepared = _Featuriser(matcher, wanted, seed, codes=codes, neighbours=neighbours,
                           **options).prepare(corpus.subset(docs))
    parts, n_learned = [], dict.fromkeys(codes, 0)
    reasons: dict[str, dict[str, None]] = {c: {} for c in codes}  # code -> its reasons, ordered
    bar = progress_bar(len(docs), progress, desc="cross-validating", unit="doc", threshold=1)
    try:
        for d in docs:
            rest = [x for x in docs if x != d]
            train = codings[codings["doc_id"].isin(rest)]
            coder = _train(codebook, _Featuriser(matcher, wanted, seed, codes=codes,
                                                 neighbours=neighbours, **options),
                           prepared.subset(rest), train, seed=seed, labels=labels,
                           progress=False, rated=rated)
            for m, c in coder._models:
                n_learned[c] += m == "learned"
            for c, why in coder._unlearned.items():
                reasons[c][why] = None
            held = prepared.subset([d])
            for combine in ("both", "learned"):
                parts.append(coder._codings(held, combine, combine))
            parts.append(held.auto.assign(coder="dictionary"))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    predictions = (pd.concat(parts, ignore_index=True) if parts else
                   empty_coder_codings())
    scored = corpus.subset(docs)
    codes = list(codebook.codable_ids)
    rows, per_doc, apart = [], [], []
    for ref in refs:
        ref_codings = codings[codings["coder"].astype(str) == ref]
        ref_docs = set(ref_codings["doc_id"]) if rated is None else rated[ref]
        others = [(c, codings[codings["coder"].astype(str) == c]) for c in coders if c != ref]
        machines = [(c, predictions[predictions["coder"] == c]) for c in COMBINE]
        for name, table in [*machines, *others]:
            # a human coder against the reference: only where both rated
            on = ref_docs if rated is None or name in COMBINE else ref_docs & rated[name]
            on_corpus = scored.subset([d for d in docs if d in on])
            if not len(on_corpus):
                apart.append((ref, name))
            table = table[table["doc_id"].isin(on)].assign(coder=name)
            reference_on = ref_codings[ref_codings["doc_id"].isin(on)]
            ev = coder_scores(table, reference=reference_on,
                              corpus=on_corpus, roles=wanted, codes=codes)
            rows.append(ev.assign(reference=ref, coder=name))
            per_doc += _document_counts(table, reference_on, on_corpus, roles=wanted,
                                        codes=codes, names=(ref, name))
    learned_in = pd.DataFrame({"code": codes, "n_folds": len(docs),
                               "n_learned": [n_learned[c] for c in codes],
                               "reason": [" / ".join(reasons[c]) for c in codes]}).astype(
        {"n_folds": "int64", "n_learned": "int64", "reason": "str"})
    table = _mark_unlearned(pd.concat(rows, ignore_index=True), learned_in)[CV_COLUMNS]
    for ref, name in apart:  # nothing to compare: said like a side never fitted
        table.loc[(table["reference"] == ref) & (table["coder"] == name), "note"] = (
            f"not measured: {name} and {ref} rated no held-out document in common "
            "(coverage)")
    by_document = pd.DataFrame(per_doc, columns=CV_DOCUMENT_COLUMNS).astype(
        {"tp": "int64", "fp": "int64", "fn": "int64"})
    return CoderValidation(table=table, predictions=predictions, documents=docs, seed=seed,
                           by_document=by_document, learned_in=learned_in)


def _mark_unlearned(table: pd.DataFrame, learned_in: pd.DataFrame) -> pd.DataFrame:
    """The cross-validation table with its ``note`` column: what the text model could not
    learn, in how many folds; precision, recall and F1 NaN where it was never fitted (see
    :class:`CoderValidation`)."""
    n = int(learned_in["n_folds"].max())
    k = learned_in.set_index("code")["n_learned"]
    why = learned_in.set_index("code")["reason"].replace("", _TOO_FEW)
    never = k.index[k == 0].tolist()
    table = table.assign(note="")
    code, coder = table["code"], table["coder"]
    summary = code.isin(["micro", "macro"])
    per_code = code.map(k)
    partly = per_code.between(1, n - 1)
    for name, what in (("learned", "never coded"), ("both", "left to the dictionary")):
        mine = coder == name
        table.loc[mine & partly, "note"] = [
            f"learned in {int(j)} of {n} folds; {what} in the others"
            for j in per_code[mine & partly]]
    mine = (coder == "both") & (per_code == 0)
    table.loc[mine, "note"] = [f"left to the dictionary in all {n} folds ({why[c]})"
                               for c in code[mine]]
    measures = ["precision", "recall", "f1"]
    unfitted = (coder == "learned") & (per_code == 0)
    if len(never) == len(k):  # the text model was never fitted at all
        unfitted |= (coder == "learned") & summary
        table.loc[(coder == "both") & summary, "note"] = (
            "the dictionary in every fold: no code was learned")
    elif never:
        table.loc[(coder == "learned") & summary, "note"] = (
            f"counts the codes never learned as never coded: {listed(never, quote=False)}")
    table.loc[unfitted, measures] = np.nan
    # a code's own reason; on the micro and macro rows, every code's
    said = {c: why[c] for c in k.index} | dict.fromkeys(
        ["micro", "macro"], _reasons_text(why.to_dict(), never))
    table.loc[unfitted, "note"] = [f"not measured: the text model was fitted in none of "
                                   f"the {n} folds ({said[c]})" for c in code[unfitted]]
    return table


def _document_counts(codings: pd.DataFrame, reference: pd.DataFrame, corpus: Corpus, *,
                     roles, codes: list[str], names: tuple[str, str]) -> list[tuple]:
    """``(*names, doc_id, tp, fp, fn)`` of each document of ``corpus``: the micro counts of
    :func:`evaluate_coder` on that document alone (``names``: reference and coder)."""
    out = []
    for doc in corpus.doc_ids:
        ev = coder_scores(codings[codings["doc_id"] == doc],
                          reference=reference[reference["doc_id"] == doc],
                          corpus=corpus.subset([doc]), roles=roles, codes=codes)
        micro = ev[ev["code"] == "micro"].iloc[0]
        out.append((*names, doc, int(micro["tp"]), int(micro["fp"]), int(micro["fn"])))
    return out


# --------------------------------------------------------------------------- active coding


def suggest_turns(corpus: Corpus, codings: pd.DataFrame, *, codebook: Codebook, n: int = 20,
                  seed: int = 0, roles: Sequence[str] | None = ("informant",),
                  coder: LearnedCoder | None = None,
                  coverage: str | Mapping | pd.DataFrame | None = None,
                  negation: bool = True, question_context: bool = True) -> pd.DataFrame:
    """The uncoded turns a human should code next, most uncertain first.

    Parameters
    ----------
    corpus : Corpus
        Coded and not yet coded transcripts.
    codings : DataFrame
        The human codings so far (documents without any coding are "uncoded").
    codebook : Codebook
    n : int
        How many turns to return (default 20).
    seed : int
    roles : sequence of str or None
        Roles whose turns are units (default informants).
    coder : LearnedCoder, optional
        A coder already trained on ``codings`` (trained here when omitted, with
        ``coverage``, ``negation`` and ``question_context``).
    coverage : "all", "documents", mapping, DataFrame or None
        Which documents each coder rated (see :func:`train_coder`): a document a coder is
        declared to have read is coded, even without a coding in it, and not suggested.
    negation, question_context : bool
        The dictionary's options, as :func:`train_coder` and :func:`~citra_eval.autocode`
        take them (default True): the dictionary's codings the stacked model sees and
        ``proposed`` shows read negation and the interviewer's question or not. A
        ``coder`` passed must have been trained with the same (``ValueError`` otherwise).

    Returns
    -------
    DataFrame
        ``doc_id, segment_id, start, end, text, code, score, threshold, margin, proposed``:
        one row per uncoded turn, ``margin`` ascending. ``code`` is the code the model is
        least sure about in that turn, ``score`` the stacked model's probability for it,
        ``threshold`` that model's threshold, ``margin = |score - threshold|``;
        ``proposed`` lists the codes the ``both`` model would apply (``; ``). Turns no
        model scores (only codes too rare to learn, left to the dictionary) come last, with
        ``margin`` NaN: ``code`` is the dictionary's strongest code there and ``score`` its
        fixed 1.0 (hit), 0.5 (question) or 0.0, threshold 0.5 (no probability). Empty,
        with these columns and a warning, when every document is coded, when no uncoded
        document has a turn of ``roles``, and when no model could be fitted (nothing ranks
        the turns).

    Warns
    -----
    LearningWarning
        No turn is suggested: every document is coded, no uncoded document has a turn of
        ``roles``, or no code could be learned from ``codings``.

    Notes
    -----
    Uncertainty sampling (Lewis & Gale 1994): a turn whose probability for some code lies
    closest to that code's threshold is the one whose human coding teaches the model most.
    The probability is the stacked model's (text and dictionary features) wherever one was
    fitted, also for a code whose ``both`` decision is left to the dictionary because it
    did better in the inner cross-validation: the dictionary's fixed scores say nothing of
    how sure it is, so they never rank a turn as uncertain.

    The coder learns from whole documents: every turn of a document in which a coder applied
    any code counts as coded by that coder (a turn without a code is a negative example). So
    code the documents these turns are in, whole, before training again; coding only the
    listed turns would teach the model that the document's other turns carry no code.

    References
    ----------
    Lewis, D. D., & Gale, W. A. (1994). A sequential algorithm for training text
    classifiers. *Proceedings of SIGIR '94*, 3-12.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> book = ce.Codebook.load(ce.example_path("codebook"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> some = a[a.doc_id.isin(["INF01", "INF02", "INF03", "INF04"])]
    >>> next_up = ce.suggest_turns(corpus, some, codebook=book, n=5)
    >>> len(next_up), bool(next_up["margin"].is_monotonic_increasing)
    (5, True)
    >>> bool(next_up["doc_id"].isin(["INF01", "INF02", "INF03", "INF04"]).any())
    False
    """
    check_int(n, "n", minimum=1)
    options = _dictionary_options(negation, question_context)
    if coder is not None:
        check_type("coder", coder, LearnedCoder, "a LearnedCoder from train_coder")
        trained = coder._features.dictionary_options
        differ = [k for k in options if options[k] != trained[k]]
        if differ:
            raise ValueError(
                "; ".join(f"{k}={options[k]} but the coder was trained with {k}={trained[k]}"
                          for k in differ)
                + ": pass the options the coder was trained with, or leave out coder= to "
                  "train one here")
    wanted, _, rated = _check_inputs(corpus, codings, codebook, seed, roles, "pooled",
                                     coverage=coverage)
    coded = set(codings["doc_id"]).union(*(rated or {}).values())
    todo = [d for d in corpus.doc_ids if d not in coded]
    if not todo:
        warnings.warn(LearningWarning(
            "every document is coded (has codings, or a coder is declared to have read it), "
            "so no turn is left to suggest; add the transcripts still to be coded to the "
            "corpus"), stacklevel=2)
        return pd.DataFrame(columns=SUGGEST_COLUMNS).astype(_SUGGEST_DTYPES)
    if coding_units(corpus.subset(todo), wanted).empty:
        warnings.warn(LearningWarning(
            f"no uncoded document ({listed(todo)}) has a turn of {_roles_text(wanted)}, so "
            "no turn is suggested (to suggest theirs, pass roles= their speakers' roles)"),
            stacklevel=2)
        return pd.DataFrame(columns=SUGGEST_COLUMNS).astype(_SUGGEST_DTYPES)
    if coder is None:
        with warnings.catch_warnings():  # said once, by the check above
            warnings.simplefilter("ignore", LearningWarning)
            warnings.simplefilter("ignore", CoverageWarning)
            coder = train_coder(corpus, codings, codebook=codebook, seed=seed, roles=roles,
                                coverage=coverage, **options)
    prepared = coder._features.prepare(corpus.subset(todo))
    keys = ["doc_id", "segment_id"]
    both = coder._scores(prepared, "both")
    proposed = both[both["coded"]].groupby(keys, sort=False)["code"].agg("; ".join)
    # uncertainty from a fitted model only: the dictionary's fixed scores are no probability
    scores = coder._scores(prepared, "stacked")
    scores["margin"] = (scores["score"] - scores["threshold"]).abs().where(
        scores["model"] != "dictionary")
    if scores["margin"].isna().all():  # no model fitted: any order would be arbitrary
        warnings.warn(LearningWarning(
            f"no code could be learned from the codings "
            f"({_reasons_text(coder._unlearned, coder.codes)}), so nothing ranks the uncoded "
            "turns and none is suggested; code documents whose turns differ in their codes, "
            "then train again"),
            stacklevel=2)
        return pd.DataFrame(columns=SUGGEST_COLUMNS).astype(_SUGGEST_DTYPES)
    # per turn: its least certain modelled code, else the dictionary's strongest code
    best = scores.assign(_s=-scores["score"]).sort_values(
        ["margin", "_s"], kind="stable", na_position="last").drop_duplicates(keys)
    units = prepared.units[[*keys, "text"]]
    out = best.merge(units, on=keys, how="left")
    out["proposed"] = [proposed.get((d, s), "") for d, s in
                       zip(out["doc_id"], out["segment_id"], strict=True)]
    out = out.sort_values(["margin", "doc_id", "segment_id"], kind="stable",
                          na_position="last").head(n)
    return out[SUGGEST_COLUMNS].astype(_SUGGEST_DTYPES).reset_index(drop=True)

