"""Exploring the vocabulary of the interviews with nltk: frequencies, collocations, keyness.

What NVivo's and MAXQDA's word-frequency queries give, as tidy tables, over the package's
normalised tokens: case-folded, colloquial and Banjarese words mapped to standard Indonesian
(*nggak* → *tidak*, *ulun* → *saya*), optionally stemmed (*kerjasama, bekerja sama* →
*kerja sama*). Counting uses ``nltk.FreqDist``; collocations nltk's collocation finders and
association measures; keyness nltk's log-likelihood ratio. Stop words are the package's list
of Indonesian function words (``data/stopwords_id.txt``: pronouns, prepositions, conjunctions,
particles, auxiliaries; content words like *kerja*, *sama*, *baik*, *jawab* stay), or, when
the codebook passed is English (``language: en``), scikit-learn's English stop words (nothing
is downloaded) and the English contractions of function words (*it's*, *don't*: apostrophes
compare as one, so *it’s* too); ``stopwords="sastrawi"`` uses PySastrawi's longer list,
``stopwords=False`` keeps everything. Web and e-mail addresses and social media handles are
no words: they are left out (a tweet's ``https://t.co/…`` link would count *https*, *t* and
*co*, its ``@humas_kota`` would top the table); a hashtag's word is kept, whole and without
its ``#`` (``#BanjirJakarta`` is *banjirjakarta*; see
:func:`~citra_eval.normalise.blank_addresses`). Apart from the stop words, the
normalisation (slang, stemming) is made for Indonesian: for another language the tables
count the words as written.

Units are turns of the chosen roles (default informants): a collocation never spans two
turns.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ._validation import (
    check_bool,
    check_choice,
    check_codebook,
    check_codings,
    check_corpus,
    check_document_attribute,
    check_int,
    check_known,
    check_roles,
    check_type,
)
from .autocoding import coding_units
from .codings import CODING_COLUMNS
from .corpus import Corpus
from .normalise import (
    Normaliser,
    blank_addresses,
    canonical_token,
    fold_case,
    function_words,
    text_token_ids,
)
from .themes import checked_codings, documents_without_attribute

__all__ = [
    "COLLOCATION_COLUMNS",
    "FREQUENCY_COLUMNS",
    "KEYNESS_COLUMNS",
    "collocations",
    "keyness",
    "stop_words",
    "word_frequencies",
]

FREQUENCY_COLUMNS = ["word", "count", "per_1000", "n_turns", "n_documents", "forms"]
COLLOCATION_COLUMNS = ["ngram", "count", "score", "measure"]
KEYNESS_COLUMNS = ["word", "count_target", "count_rest", "per_1000_target", "per_1000_rest",
                   "log_likelihood", "p_value", "log_ratio", "direction"]


#: English contractions of function words, written for citra_eval (GPL-3.0-or-later):
#: scikit-learn's list holds their parts (*it*, *is*, *do*, *not*) but not the contracted
#: forms, which the tokens keep as one word (``it's``; a typographic apostrophe, ``it’s``,
#: is the same token). Negated ones (``don't``, ``isn't``) go too, as *not* and *no* do.
ENGLISH_CONTRACTIONS = frozenset("""
    i'm i've i'll i'd you're you've you'll you'd he's he'll he'd she's she'll she'd
    it's it'll it'd we're we've we'll we'd they're they've they'll they'd
    that's that'll that'd there's there're there'll there'd here's
    what's what're what'll what'd who's who're who'll who'd where's where'd when's why's
    how's how'd let's y'all
    isn't aren't wasn't weren't ain't hasn't haven't hadn't doesn't don't didn't
    won't wouldn't shan't shouldn't can't couldn't mustn't mightn't needn't oughtn't
    """.split())


@functools.lru_cache(maxsize=2)
def stop_words(source: Literal["package", "sastrawi", "english"] = "package"
               ) -> frozenset[str]:
    """Stop words: Indonesian (the package's or PySastrawi's list) or English.

    Parameters
    ----------
    source : {"package", "sastrawi", "english"}
        The package's list of Indonesian function words (``data/stopwords_id.txt``, about
        190 words, GPL-3.0-or-later), PySastrawi's list (about 800 words, MIT licence; it
        also holds content words such as *kerja*, *sama*, *baik*, *penting*), or
        scikit-learn's English stop words (``ENGLISH_STOP_WORDS``, 318 words, BSD-3-Clause;
        installed with citra_eval, nothing is downloaded) with the English contractions of
        function words (:data:`ENGLISH_CONTRACTIONS`: ``it's``, ``don't``, ``i'm``; the
        word lists compare apostrophes as one, so ``it’s`` is dropped too).

    Examples
    --------
    >>> {"yang", "dan", "itu"} <= stop_words()
    True
    >>> "kerja" in stop_words(), "kerja" in stop_words("sastrawi")
    (False, True)
    >>> {"the", "and", "is"} <= stop_words("english"), "nurse" in stop_words("english")
    (True, False)
    >>> {"it's", "don't"} <= stop_words("english")
    True
    """
    check_choice(source, "source", ("package", "sastrawi", "english"))
    if source == "english":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS) | ENGLISH_CONTRACTIONS
    if source == "sastrawi":
        from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

        return frozenset(StopWordRemoverFactory().get_stop_words())
    return function_words()


def _english(codebook) -> bool:
    """Whether ``codebook`` (a Codebook, or None) says its language is English."""
    return str(getattr(codebook, "language", "") or "").lower() in ("en", "eng")


def _tokens(corpus: Corpus, *, roles, stem: bool, stopwords, codebook) -> pd.DataFrame:
    """One row per normalised word of the selected turns: ``doc_id, segment_id, word, form``."""
    check_corpus(corpus)
    check_codebook(codebook)
    check_bool(stem, "stem")
    units = coding_units(corpus, check_roles(roles, corpus))
    norm = (Normaliser(stem=stem) if codebook is None else
            Normaliser.for_codebook(codebook, stem=stem))
    if stopwords is True:
        stop = stop_words("english" if _english(codebook) else "package")
    elif stopwords == "sastrawi":
        stop = stop_words("sastrawi")
    elif stopwords is False or stopwords is None:
        stop = frozenset()
    elif isinstance(stopwords, str) or not isinstance(stopwords, Iterable):
        raise TypeError("stopwords must be True, False or a collection of words, got "
                        f"{type(stopwords).__name__}")
    else:
        # compared as the tokens are: case-folded, apostrophes straight
        stop = frozenset(canonical_token(fold_case(str(w))) for w in stopwords)
    texts = [blank_addresses(t) for t in units["text"].tolist()]  # no URL, no @handle
    if not texts:
        return pd.DataFrame(columns=["doc_id", "segment_id", "word", "form"])
    which, ids, uniques = text_token_ids(texts)
    expand = [norm.expand(t) for t in uniques]
    rows_u, words, forms = [], [], []
    for w, i in zip(which.tolist(), ids.tolist(), strict=True):
        tok = uniques[i]
        if not any(ch.isalpha() for ch in tok):
            continue  # numbers, times
        for word in expand[i]:
            if word in stop or tok in stop:
                continue
            rows_u.append(w)
            words.append(word)
            forms.append(tok)
    idx = np.asarray(rows_u, dtype=np.int64)
    return pd.DataFrame({"doc_id": units["doc_id"].to_numpy(dtype=object)[idx],
                         "segment_id": units["segment_id"].to_numpy(dtype=np.int64)[idx],
                         "word": words, "form": forms})


def word_frequencies(corpus: Corpus, *, by: str | None = None,
                     roles: Sequence[str] | None = ("informant",), stem: bool = False,
                     stopwords: bool | Iterable[str] = True, min_count: int = 1,
                     top: int | None = None, codebook=None) -> pd.DataFrame:
    """Word frequencies over the normalised words of the turns.

    Parameters
    ----------
    corpus : Corpus
    by : str, optional
        A document attribute (front-matter key, e.g. ``"group"``): frequencies per group,
        with the group in the first column. A document without a value is in no group (a
        ``UserWarning`` names it). One attribute: a list (such as a study's ``group_by``)
        is a ``TypeError``; call once per attribute.
    roles : sequence of str or None
        Roles whose turns are counted (default informants; None: every turn).
    stem : bool
        Count stems (``True``) or normalised words (default).
    stopwords : bool, "sastrawi" or collection of str
        Drop the stop words of the codebook's language (default ``True``: English ones,
        :func:`stop_words` ``("english")``, for a codebook with ``language: en``, else the
        package's Indonesian ones), PySastrawi's (``"sastrawi"``), none (False), or the
        given words.
    min_count : int
        Drop words seen fewer times (per group).
    top : int, optional
        Keep the ``top`` most frequent words (per group).
    codebook : Codebook, optional
        Its ``slang``, ``no_stem`` and multi-word patterns (as compounds: *bekerjasama* →
        *kerja sama*) are used, and its ``language`` chooses the stop words.

    Returns
    -------
    DataFrame
        ``[by,] word, count, per_1000, n_turns, n_documents, forms``: ``per_1000`` is the
        count per 1,000 counted words (of the group), ``forms`` the written forms seen,
        most frequent first (``; ``). Sorted by count, then word.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: Kami nggak pernah telat. Rilis kami cepat, tidak telat.\\n"})
    >>> ce.word_frequencies(corpus, stopwords=False)[["word", "count", "forms"]].head(3)
        word  count         forms
    0   kami      2          kami
    1  telat      2         telat
    2  tidak      2  nggak; tidak
    """
    check_corpus(corpus)
    check_int(min_count, "min_count", minimum=1)
    if top is not None:
        check_int(top, "top", minimum=1)
    if by is not None:
        check_document_attribute(by, corpus)
    toks = _tokens(corpus, roles=roles, stem=stem, stopwords=stopwords, codebook=codebook)
    groups = [(None, toks)]
    if by is not None:
        docs = corpus.documents
        lacking = documents_without_attribute(corpus, by, set(toks["doc_id"]),
                                              "word_frequencies")
        toks = toks[~toks["doc_id"].isin(lacking)]
        toks = toks.assign(_g=toks["doc_id"].map(docs.set_index("doc_id")[by]))
        groups = list(toks.groupby("_g", sort=True))
    parts = []
    for g, t in groups:
        part = _frequency_table(t, min_count, top)
        if by is not None:
            part.insert(0, by, g)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    cols = ([by] if by is not None else []) + FREQUENCY_COLUMNS
    return out.reindex(columns=cols)


def _frequency_table(toks: pd.DataFrame, min_count: int, top: int | None) -> pd.DataFrame:
    counts = toks["word"].value_counts(sort=False)
    total = len(toks)
    rows = sorted(((w, n) for w, n in zip(counts.index.tolist(), counts.tolist(), strict=True)
                   if n >= min_count), key=lambda x: (-x[1], x[0]))
    if top is not None:
        rows = rows[:top]
    words = [w for w, _ in rows]
    sub = toks[toks["word"].isin(words)] if top is not None or min_count > 1 else toks
    turns = sub.drop_duplicates(["doc_id", "segment_id", "word"]).groupby("word").size()
    docs = sub.drop_duplicates(["doc_id", "word"]).groupby("word").size()
    forms = _forms(sub)
    return pd.DataFrame({
        "word": words, "count": [n for _, n in rows],
        "per_1000": [1000 * n / total if total else np.nan for _, n in rows],
        "n_turns": turns.reindex(words, fill_value=0).to_numpy(dtype=np.int64),
        "n_documents": docs.reindex(words, fill_value=0).to_numpy(dtype=np.int64),
        "forms": [forms.get(w, "") for w in words]}, columns=FREQUENCY_COLUMNS).astype(
        {"count": "int64", "n_turns": "int64", "n_documents": "int64"})


def _forms(toks: pd.DataFrame) -> dict[str, str]:
    """``{word: its written forms}``, most frequent first, ties alphabetically, joined by
    ``"; "``: one groupby for all words (one per word took seconds on large corpora)."""
    if toks.empty:
        return {}
    n = toks.groupby(["word", "form"], sort=False).size().reset_index(name="n")
    n = n.sort_values(["word", "n", "form"], ascending=[True, False, True], kind="stable")
    out: dict[str, str] = {}
    for word, form in zip(n["word"].tolist(), n["form"].tolist(), strict=True):
        out[word] = f"{out[word]}; {form}" if word in out else form
    return out


def collocations(corpus: Corpus, *, n: Literal[2, 3] = 2,
                 measure: Literal["likelihood", "pmi"] = "likelihood",
                 roles: Sequence[str] | None = ("informant",), stem: bool = False,
                 stopwords: bool | Iterable[str] = True, min_count: int = 3, top: int = 20,
                 codebook=None) -> pd.DataFrame:
    """Word pairs (or triples) that occur together more than chance, with nltk.

    Parameters
    ----------
    corpus : Corpus
    n : {2, 3}
        Bigrams or trigrams.
    measure : {"likelihood", "pmi"}
        nltk's log-likelihood ratio (Dunning 1993; robust for rare words) or pointwise
        mutual information (favours rare, exclusive pairs: use a ``min_count``).
    roles, stem, stopwords, codebook
        As in :func:`word_frequencies` (stop words are removed before pairing, so
        ``kerja sama dengan media`` pairs *kerja–sama*, *sama–media*).
    min_count : int
        Minimum frequency of the n-gram.
    top : int
        How many to return.

    Returns
    -------
    DataFrame
        ``ngram, count, score, measure``: ``ngram`` the words joined by a space; best first.

    Notes
    -----
    Built with ``nltk.collocations.BigramCollocationFinder.from_documents`` (or the trigram
    finder), one document per turn, scored with ``BigramAssocMeasures.likelihood_ratio`` or
    ``.pmi`` (trigram measures for ``n=3``).

    References
    ----------
    Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
    *Computational Linguistics*, 19(1), 61-74.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> top = ce.collocations(corpus, top=5)
    >>> list(top.columns), len(top)
    (['ngram', 'count', 'score', 'measure'], 5)
    """
    from nltk.collocations import (
        BigramAssocMeasures,
        BigramCollocationFinder,
        TrigramAssocMeasures,
        TrigramCollocationFinder,
    )

    check_choice(n, "n", (2, 3))
    check_choice(measure, "measure", ("likelihood", "pmi"))
    check_int(min_count, "min_count", minimum=1)
    check_int(top, "top", minimum=1)
    toks = _tokens(corpus, roles=roles, stem=stem, stopwords=stopwords, codebook=codebook)
    docs = [g["word"].tolist() for _, g in toks.groupby(["doc_id", "segment_id"], sort=False)]
    finder_cls, measures = ((BigramCollocationFinder, BigramAssocMeasures) if n == 2 else
                            (TrigramCollocationFinder, TrigramAssocMeasures))
    finder = finder_cls.from_documents(docs)
    finder.apply_freq_filter(min_count)
    score_fn = measures.likelihood_ratio if measure == "likelihood" else measures.pmi
    scored = finder.score_ngrams(score_fn)  # sorted by score, then n-gram
    counts = finder.ngram_fd
    rows = [(" ".join(g), int(counts[g]), float(s), measure) for g, s in scored[:top]]
    return pd.DataFrame(rows, columns=COLLOCATION_COLUMNS).astype({"count": "int64",
                                                                   "score": "float64"})


def keyness(corpus: Corpus, *, target: str, codings: pd.DataFrame | None = None,
            by: str | None = None, roles: Sequence[str] | None = ("informant",),
            stem: bool = False, stopwords: bool | Iterable[str] = True, min_count: int = 3,
            top: int | None = 20, codebook=None, coder: str | None = None) -> pd.DataFrame:
    """Key words of a code's turns (or a group's) against the other turns.

    Parameters
    ----------
    corpus : Corpus
    target : str
        A code (with ``codings``: the turns coded with it) or a value of the document
        attribute ``by`` (e.g. ``by="group", target="media"``).
    codings : DataFrame, optional
        A codings table (one coder or a consensus, or choose with ``coder=``); a turn
        belongs to the target when any coding of ``target`` lies in it, to the rest when
        its document has a coding of the coder but the turn none of ``target``. Documents
        the coder has not coded at all are left out of both sides (not yet coded is not
        "coded without ``target``"; see :func:`~citra_eval.coded_documents`).
    by : str, optional
        A document attribute; give either ``codings`` or ``by``. A document without a
        value is neither target nor rest (a ``UserWarning`` names it). One attribute, as
        in :func:`word_frequencies`.
    roles, stem, stopwords
        As in :func:`word_frequencies`.
    codebook : Codebook, optional
        As in :func:`word_frequencies` (slang, compounds, language); with ``codings``,
        every code of them must be codable in it (:class:`~citra_eval.InputError` naming
        the row otherwise, as in :func:`~citra_eval.code_frequencies`).
    coder : str, optional
        With ``codings``: keep only this coder's codings; a table of several coders
        without it is an :class:`~citra_eval.InputError` (as in
        :func:`~citra_eval.code_frequencies`).
    min_count : int
        Minimum count of a word in target and rest together.
    top : int or None
        Keep the ``top`` words most over-used in the target (None: every word, both
        directions).

    Returns
    -------
    DataFrame
        ``word, count_target, count_rest, per_1000_target, per_1000_rest, log_likelihood,
        p_value, log_ratio, direction``, by ``log_likelihood`` (over-used words first when
        ``top`` is given). ``direction`` is ``over`` or ``under`` (used more or less often
        per word counted in the target than in the rest), or ``equal`` for a word used at
        exactly the same rate on both sides (G² = 0, ``log_ratio`` 0): key to neither side,
        so never among the ``top`` key words.

    Raises
    ------
    InputError
        ``target`` is no code of ``codings`` (e.g. a code of the codebook nobody applied)
        or no value of ``by``; the message lists the known ones.
        A code of ``codings`` is not codable in ``codebook`` (a misspelt code, a category).

    Notes
    -----
    With ``a`` and ``b`` the word's counts in target and rest and ``c`` and ``d`` all words
    counted there, the log-likelihood is Dunning's (1993) G² of the 2×2 table ``[[a, c - a],
    [b, d - b]]``, computed by ``nltk``'s ``BigramAssocMeasures.likelihood_ratio``:
    ``G² = 2 Σ O ln(O / E)`` over the four cells; ``p_value`` from χ² with one degree of
    freedom (G² ≥ 3.84: p < .05; 10.83: p < .001). ``log_ratio = log2((a / c) / (b / d))``
    (Hardie 2014), with 0.5 added to a zero count.

    References
    ----------
    Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
    *Computational Linguistics*, 19(1), 61-74.
    Rayson, P., & Garside, R. (2000). Comparing corpora using frequency profiling.
    *Proceedings of the Workshop on Comparing Corpora*, 1-6.
    Hardie, A. (2014). Log ratio: an informal introduction. ESRC Centre for Corpus Approaches
    to Social Science (CASS), Lancaster University.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> key = ce.keyness(corpus, codings=a, target="bamara", top=5)
    >>> list(key.columns[:3]), bool((key["direction"] == "over").all())
    (['word', 'count_target', 'count_rest'], True)
    """
    from nltk.collocations import BigramAssocMeasures
    from scipy.stats import chi2

    check_corpus(corpus)  # first: a codings table here would be told about codings=/by=
    check_type("target", target, str, "a code or a group name")
    check_int(min_count, "min_count", minimum=1)
    if top is not None:
        check_int(top, "top", minimum=1)
    if (codings is None) == (by is None):
        raise ValueError("give either codings= (target is a code) or by= (target is a value "
                         "of that document attribute)")
    if by is not None:
        check_document_attribute(by, corpus)
    toks = _tokens(corpus, roles=roles, stem=stem, stopwords=stopwords, codebook=codebook)
    if codings is not None:
        check_codings(codings, columns=CODING_COLUMNS)
        codings = checked_codings(codings, corpus, coder, codebook=codebook)
        # documents nobody coded are neither target nor rest
        toks = toks[toks["doc_id"].isin(set(codings["doc_id"]))]
        check_known([target], "target", set(codings["code"].astype(str)), what="code",
                    absent="no coding has", fix="; a code nobody applied has no turns "
                    "whose words could be key")
        mine = codings[codings["code"] == target]
        keys = pd.MultiIndex.from_arrays([mine["doc_id"], mine["segment_id"].astype("int64")])
        inside = pd.MultiIndex.from_frame(toks[["doc_id", "segment_id"]]).isin(keys)
    else:
        docs = corpus.documents
        lacking = documents_without_attribute(corpus, by, set(toks["doc_id"]), "keyness")
        toks = toks[~toks["doc_id"].isin(lacking)]
        values = docs.set_index("doc_id")[by].astype(str)
        check_known([target], "target", set(values), what="value",
                    absent=f"no document has as its {by!r}")
        inside = (toks["doc_id"].map(values) == target).to_numpy()
    a = toks.loc[inside, "word"].value_counts()
    b = toks.loc[~inside, "word"].value_counts()
    words = sorted(set(a.index) | set(b.index))
    ca = a.reindex(words, fill_value=0).to_numpy(dtype=np.int64)
    cb = b.reindex(words, fill_value=0).to_numpy(dtype=np.int64)
    keep = (ca + cb) >= min_count
    words = [w for w, k in zip(words, keep, strict=True) if k]
    ca, cb = ca[keep], cb[keep]
    c, d = int(a.sum()), int(b.sum())
    n = c + d
    ll = np.array([BigramAssocMeasures.likelihood_ratio(int(x), (int(x + y), c), n)
                   if c and d else np.nan for x, y in zip(ca, cb, strict=True)], dtype=float)
    ll = np.maximum(ll, 0.0)  # -0.0 and rounding noise
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_a = np.where(ca > 0, ca, 0.5) / c if c else np.full(len(ca), np.nan)
        rel_b = np.where(cb > 0, cb, 0.5) / d if d else np.full(len(cb), np.nan)
        log_ratio = np.log2(rel_a / rel_b)
        per_a = 1000 * ca / c if c else np.full(len(ca), np.nan)
        per_b = 1000 * cb / d if d else np.full(len(cb), np.nan)
    # compared as integers: a word at exactly the same rate on both sides is key to neither
    cross = ca * d - cb * c
    direction = np.select([cross > 0, cross < 0], ["over", "under"], "equal")
    out = pd.DataFrame({
        "word": words, "count_target": ca, "count_rest": cb, "per_1000_target": per_a,
        "per_1000_rest": per_b, "log_likelihood": ll, "p_value": chi2.sf(ll, 1),
        "log_ratio": log_ratio, "direction": direction},
        columns=KEYNESS_COLUMNS)
    out = out.sort_values(["log_likelihood", "word"], ascending=[False, True], kind="stable")
    if top is not None:
        out = out[out["direction"] == "over"].head(top)
    return out.reset_index(drop=True).astype({"count_target": "int64", "count_rest": "int64"})
