"""A study folder: ``study.yaml`` and everything it points at, read and checked in one call.

A study folder (see CONTRACT.md) holds ``study.yaml`` at its root, the transcripts, the
codebook, each coder's codings, the survey instrument and responses. :func:`load_study` reads
``study.yaml``, then every input it names (or the standard layout), checks them against each
other, and returns a :class:`Study`: one way in for the notebooks and the command line.

Problems that make a result wrong are errors (:class:`~citra_eval.InputError`, every problem
with its file and line); things that only limit what can be done are warnings
(:attr:`Study.warnings`): a study with one coder, without a survey or without transcripts
loads, and the warnings say what will be skipped.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from ._files import (
    RAW_FOLDERS,
    broken_link,
    is_input_file,
    output_path_problem,
    read_text_file,
)
from ._validation import (
    LANGS,
    check_bool,
    check_lang,
    check_seed,
    counted,
    informants_fix,
    roles_fix,
    row_name,
    without_speakers,
)
from ._yaml import LineDict, LineList, load_yaml, unknown_keys
from .codebook import Codebook, category_fix
from .codings import (
    cut_character_notes,
    empty_codings,
    informant_documents,
    read_codings,
    same_code_overlaps,
    turn_role_notes,
)
from .corpus import (
    TIMESTAMP_PATTERN,
    Corpus,
    caught_transcript_warnings,
    declared_speakers,
    front_matter_of,
    label_lines,
    match_label,
    read_transcripts,
    transcript_files,
    unread_files,
)
from .errors import (
    Advice,
    InputError,
    Problem,
    advised,
    closest,
    did_you_mean,
    name_hint,
    quoted,
)
from .intercoder import (
    CONSENSUS_CODER,
    CONSENSUS_NOTE,
    CoverageWarning,
    coded_documents,
    reference_codings,
)
from .lint import PROCESSED_LANGUAGES
from .normalise import tokenize
from .outputs import output_name
from .paths import example_path
from .regression import (
    MIN_GROUP_SIZE,
    analysis_sample,
    control_levels_problem,
    control_name_problem,
    default_predictors,
    leverage_one_problem,
    lone_level_problem,
    no_predictors_reason,
)
from .survey import Instrument, read_responses, score_scales
from .themes import (
    SATURATION_RUN_LENGTH,
    documents_with_roles,
    grouping_attributes,
    kwic_counts,
    saturation_base_size,
    ungrouped_attributes,
)

__all__ = [
    "DEFAULT_PATHS",
    "EXAMPLE_CONTENT",
    "NESTED_STUDY_DEPTH",
    "NESTED_STUDY_FOLDERS",
    "NOTEBOOK_FILE_NAMES",
    "STUDY_FILE",
    "STUDY_KEYS",
    "Study",
    "StudySettings",
    "cut_character_warnings",
    "example_study",
    "find_study_root",
    "init_study",
    "load_study",
    "notebook_study_root",
    "shown_path",
    "transcript_warnings",
    "turn_role_warnings",
]

#: The file that makes a folder a study folder.
STUDY_FILE = "study.yaml"

#: What the example study is made of (``setup.py`` copies the same into the wheel).
EXAMPLE_CONTENT = ("study.yaml", "interview_transcripts", "data/raw", "notebooks", "reports")

#: The package folder holding the templates of a new study (``init_study``).
TEMPLATE_DIR = "study_template"

#: Where the inputs are when ``study.yaml`` does not say (relative to the study folder;
#: ``codings`` is a glob, one file per coder).
DEFAULT_PATHS = {
    "transcripts": "interview_transcripts",
    "codebook": "data/raw/codebook.yaml",
    "codings": "data/raw/codings_*.csv",
    "instrument": "data/raw/instrument.yaml",
    "responses": "data/raw/survey_responses.csv",
}

#: Every key of ``study.yaml`` and what it holds (``title`` is the only required one).
STUDY_KEYS = {
    "title": "the study's title (required)",
    "lang": "language of labels in figures and tables: id or en (default id)",
    "illustrative": "true: show the 'illustrative, not real findings' banner (default false)",
    "outcome": "the survey scale the image model explains",
    "controls": "demographic columns entered as controls in the image model",
    "compare_by": "demographic columns to compare groups by",
    "kwic": "terms for keyword-in-context tables",
    "group_by": "front-matter attributes of the transcripts to count the themes by "
                "(default: every attribute that divides the interviews into groups; [] for none)",
    "min_items": "fewest answered items of a scale a respondent needs for a score (default 1: "
                 "every respondent who answered one)",
    "saturation_base": "interviews in the base of the saturation rule (default 4 when a run "
                       "of 2 can follow it, else the largest base that leaves one run)",
    "seed": "seed of every random step, e.g. the bootstrap (default 0)",
    "double_coded": "which documents each coder rated, e.g. {A: all, B: [INF01, INF02]} "
                    "(default: inferred from where each coder applied a code)",
    "transcripts": f"folder of transcripts (default {DEFAULT_PATHS['transcripts']})",
    "codebook": f"codebook YAML (default {DEFAULT_PATHS['codebook']})",
    "codings": f"codings CSV files, a glob or a list (default {DEFAULT_PATHS['codings']})",
    "instrument": f"survey instrument YAML (default {DEFAULT_PATHS['instrument']})",
    "responses": f"survey responses CSV (default {DEFAULT_PATHS['responses']})",
}

_GLOB_CHARS = re.compile(r"[*?\[]")
# A line that opens with 2-4 capitalised words and a colon reads like a speaker label
# ("Pak S:", "Bu Rina:"), and labels joined by ',', '/', '&', '+', 'dan' or 'and' ("P1, P2:",
# "P1/P2:") like a turn several speakers share; the transcript reader only takes declared or
# one-word labels, so such a line is read as part of the turn before it.
_LABEL_WORD = r"[^\W\d_][\w.'\-]*"
_MULTIWORD_LABEL = re.compile(
    rf"^(?:{TIMESTAMP_PATTERN})?(?P<label>{_LABEL_WORD}(?:(?:[ \t]*[,/&+][ \t]*|[ \t]+)"
    rf"{_LABEL_WORD}){{1,7}})[ \t]*:(?=[ \t]|$)")
_JOINT_SEPARATOR = re.compile(r"[ \t]*[,/&+][ \t]*|[ \t]+(?:dan|and)[ \t]+")


@dataclass(frozen=True)
class StudySettings:
    """The contents of ``study.yaml``, validated, with every path resolved.

    Attributes
    ----------
    title : str
        The study's title.
    lang : {"id", "en"}
        Language of labels in figures and tables.
    illustrative : bool
        Whether reports carry the "illustrative, not real findings" banner.
    outcome : str or None
        The survey scale the image model explains (None: not set).
    controls, compare_by, kwic : tuple of str
        Control columns of the image model, columns to compare groups by, and
        keyword-in-context terms (empty: not set).
    group_by : tuple of str or None
        Front-matter attributes of the transcripts to count the themes by; None when
        ``study.yaml`` does not say (then :attr:`Study.group_by` chooses them).
    min_items : int or None
        Fewest answered items of a scale a respondent needs for a score, passed by the
        notebooks to ``score_scales``, ``scale_reliability``, ``image_model`` and
        ``joint_display``; None when ``study.yaml`` does not say (every respondent who
        answered one item is scored).
    saturation_base : int or None
        Interviews in the base of the saturation rule, passed by notebook 03 to
        ``saturation`` (``base_size``); None when ``study.yaml`` does not say (the
        library's default, which adapts to the number of interviews).
    seed : int
        Seed of every random step.
    double_coded : dict or None
        Coder -> ``"all"`` or a tuple of the document ids that coder rated (coded, including
        the documents where they found nothing to code); None when ``study.yaml`` does not
        say (then :attr:`Study.coverage` infers it). Checked against the codings and the
        transcripts by :func:`load_study`.
    transcripts, codebook, instrument, responses : Path
        Absolute paths of the inputs (they need not exist).
    codings : tuple of Path
        Absolute paths of the codings files (the glob expanded, sorted).
    path : Path
        The ``study.yaml`` file.
    given : frozenset of str
        The keys ``study.yaml`` sets (the others have their defaults).
    lines : dict
        Key -> line of ``study.yaml`` (for messages).
    named : dict
        Absolute path of each input file (and of the transcripts folder) -> its path in the
        study folder as ``study.yaml`` (or the default) names it: the name of a link, not
        where the link leads (see :meth:`relative`).
    """
    title: str
    lang: str = "id"
    illustrative: bool = False
    outcome: str | None = None
    controls: tuple[str, ...] = ()
    compare_by: tuple[str, ...] = ()
    kwic: tuple[str, ...] = ()
    group_by: tuple[str, ...] | None = None
    min_items: int | None = None
    saturation_base: int | None = None
    seed: int = 0
    double_coded: dict[str, str | tuple[str, ...]] | None = field(default=None, hash=False)
    transcripts: Path = Path(DEFAULT_PATHS["transcripts"])
    codebook: Path = Path(DEFAULT_PATHS["codebook"])
    codings: tuple[Path, ...] = ()
    instrument: Path = Path(DEFAULT_PATHS["instrument"])
    responses: Path = Path(DEFAULT_PATHS["responses"])
    path: Path = Path(STUDY_FILE)
    given: frozenset[str] = frozenset()
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    named: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | os.PathLike) -> StudySettings:
        """Read and validate a ``study.yaml`` file; paths resolve against its folder.

        Raises
        ------
        InputError
            Every problem, each with its line: a missing or empty ``title``, unknown keys
            (with a "did you mean"), values of the wrong kind, paths outside the study
            folder or (when set explicitly) missing, a codings file listed twice.
        """
        p = Path(path)
        if not is_input_file(p, shown_path(p)):
            raise InputError(_INIT.around(f"no {STUDY_FILE} here; make a study with "),
                             path=shown_path(p))
        text = read_text_file(p, allow_empty=True)
        return _parse_settings(load_yaml(text, path=shown_path(p)), p)

    def relative(self, path: str | os.PathLike) -> str:
        """``path`` relative to the study folder, with ``/`` (as the checksums name it).

        An input of :attr:`named` (or a file in the transcripts folder) is named by its path
        in the study, also when it is a link to a file elsewhere."""
        p = Path(path)
        if p in self.named:
            return self.named[p]
        if p.parent in self.named and p.parent == self.transcripts:
            return f"{self.named[p.parent]}/{p.name}"
        try:
            return p.resolve().relative_to(self.path.parent.resolve()).as_posix()
        except ValueError:
            return p.as_posix()


@dataclass(frozen=True, eq=False)
class Study:
    """A study folder, loaded: its settings and every input, checked against each other.

    Made by :func:`load_study`; notebooks and commands take everything study-specific
    from here.

    Attributes
    ----------
    root : Path
        The study folder (absolute).
    settings : StudySettings
        ``study.yaml`` with defaults filled in and paths resolved.
    corpus : Corpus or None
        The transcripts (None when there are none).
    codebook : Codebook or None
        The codebook (None when there is none).
    codings : DataFrame
        Every coder's codings, one file after the other (a codings table with the contract's
        columns; empty when there are none). Codings whose code the codebook lacks are left
        out, with a warning.
    instrument : Instrument or None
        The survey instrument (None without a survey).
    responses : DataFrame or None
        The validated survey responses (None without a survey).
    warnings : tuple of str
        ``warning: <file>[:<line>]: <message>`` lines: what is missing and what will therefore
        be skipped, documents no coder coded, lines that look like undeclared speaker labels,
        codes the codebook lacks, transcripts without the ``date`` the notebooks order
        interviews by.
    coding_files : tuple
        ``(file relative to the study folder, number of codings kept, coders)`` per codings
        file; a header-only ``codings_<coder>.csv`` whose coder ``double_coded`` names has
        that coder (who rated their interviews and coded nothing in them).
    """
    root: Path
    settings: StudySettings
    corpus: Corpus | None
    codebook: Codebook | None
    codings: pd.DataFrame
    instrument: Instrument | None
    responses: pd.DataFrame | None
    warnings: tuple[str, ...] = ()
    coding_files: tuple[tuple[str, int, tuple[str, ...]], ...] = field(default=(), repr=False)

    @property
    def coders(self) -> list[str]:
        """The coders of :attr:`codings`, sorted, and those of a header-only
        ``codings_<coder>.csv`` that ``double_coded`` names (they rated their interviews and
        coded nothing in them)."""
        return sorted(set(self.codings["coder"].astype(str)).union(
            *(coders for _, _, coders in self.coding_files)))

    @property
    def n_coders(self) -> int:
        """How many coders coded (0 without codings)."""
        return len(self.coders)

    @property
    def coverage(self) -> dict[str, str | tuple[str, ...]] | str:
        """Which documents each coder rated, as :func:`citra_eval.agreement` takes it.

        ``study.yaml``'s ``double_coded`` when it is set; otherwise ``"documents"``: inferred
        from where each coder applied a code (``agreement`` then warns with a
        :class:`~citra_eval.CoverageWarning`, which notebook 02 and ``citra-eval agree`` show
        as a note).

        Examples
        --------
        >>> import citra_eval as ce
        >>> ce.example_study().coverage
        {'A': 'all', 'B': 'all'}
        """
        return _coverage(self.settings)

    @property
    def coded_corpus(self) -> Corpus | None:
        """The transcripts of the coded interviews: what the theme analyses count.

        :func:`citra_eval.coded_documents` of :attr:`codings` with :attr:`coverage`: the
        documents at least one coder rated (``double_coded`` when study.yaml has it, else
        where they applied a code). An interview nobody coded (left for the learned coder) is
        left out rather than counted as "coded, no code"; one only some coders rated counts
        with their codings (:attr:`reference_codings`); one without an informant's turn is
        kept (there is nothing in it to code, and the analyses say so). None without
        transcripts or codings.

        Examples
        --------
        >>> import citra_eval as ce
        >>> study = ce.example_study()
        >>> study.coded_corpus.doc_ids == study.corpus.doc_ids
        True
        """
        if self.corpus is None or not self.has_codings:
            return None
        return _coded_corpus(self.corpus, self.codings, self.coverage)

    @property
    def reference_codings(self) -> pd.DataFrame | None:
        """The codings the theme analyses count: the coders' consensus, per document.

        :func:`citra_eval.reference_codings` of :attr:`codings` with :attr:`coverage` and the
        corpus (so with a ``text`` column): the ``agreed`` consensus of the coders who rated
        each document, and in a document one coder rated (e.g. the second coder
        double-coded some interviews), that coder's codings; with one coder, theirs. The
        :class:`~citra_eval.CoverageWarning` of an inferred coverage is not repeated here
        (notebook 02 says it). None without transcripts or codings.

        Examples
        --------
        >>> import citra_eval as ce
        >>> study = ce.example_study()
        >>> set(study.reference_codings["coder"])
        {'consensus'}
        """
        if self.corpus is None or not self.has_codings:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CoverageWarning)
            return reference_codings(self.codings, corpus=self.corpus, coverage=self.coverage)

    @property
    def group_by(self) -> list[str]:
        """The front-matter attributes to count the themes by (notebook 03).

        ``study.yaml``'s ``group_by`` when it is set (``[]``: none); otherwise every attribute
        that divides the interviews into groups (:func:`citra_eval.grouping_attributes`).
        Empty without transcripts.

        Examples
        --------
        >>> import citra_eval as ce
        >>> ce.example_study().group_by
        ['group']
        """
        if not self.has_transcripts:
            return []
        if self.settings.group_by is not None:
            return list(self.settings.group_by)
        with _roles_said():
            return grouping_attributes(self.corpus)

    @property
    def has_transcripts(self) -> bool:
        """True when the study has at least one transcript with text (a turn or paragraph)."""
        return self.corpus is not None and len(self.corpus.segments) > 0

    @property
    def has_codings(self) -> bool:
        """True when at least one coding was read."""
        return len(self.codings) > 0

    @property
    def has_survey(self) -> bool:
        """True when the study has an instrument and responses."""
        return self.instrument is not None and self.responses is not None

    @property
    def has_scale_pairs(self) -> bool:
        """True when the survey has at least two scales: the correlations between scales
        (notebook 05) need a pair; a survey of one scale skips them.

        Examples
        --------
        >>> import citra_eval as ce
        >>> ce.example_study().has_scale_pairs
        True
        """
        return self.has_survey and len(self.instrument.scales) >= 2

    def summary(self) -> list[str]:
        """One line per input, e.g. ``transcripts: 11 documents, 442 segments``."""
        out = []
        if self.corpus is not None:
            out.append(f"transcripts: {counted(len(self.corpus), 'document')}, "
                       f"{counted(len(self.corpus.segments), 'segment')}")
        if self.codebook is not None:
            out.append(f"codebook: {counted(len(self.codebook), 'code')} "
                       f"({len(self.codebook.codable_ids)} codable)")
        for rel, n, coders in self.coding_files:
            out.append(f"codings {rel}: {counted(n, 'coding')} by {', '.join(coders)}" if n else
                       f"codings {rel}: no codings by {coders[0]} (declared in "
                       "'double_coded': rated, nothing coded)" if coders else
                       f"codings {rel}: no codings yet")
        if self.instrument is not None:
            out.append(f"instrument: {self.instrument.describe()}")
        if self.responses is not None:
            out.append(f"responses: {counted(len(self.responses), 'respondent')}")
        return out

    def __repr__(self) -> str:
        parts = [repr(self.settings.title)]
        if self.corpus is not None:
            parts.append(f"{len(self.corpus)} documents")
        parts.append(f"{self.n_coders} coder(s)")
        if self.responses is not None:
            parts.append(f"{len(self.responses)} respondents")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning(s)")
        return f"Study({', '.join(parts)})"


# --------------------------------------------------------------------------- finding

def find_study_root(start: str | os.PathLike | None = None) -> Path:
    """The study folder: ``start`` (or the current folder) or the nearest parent holding
    ``study.yaml``.

    Parameters
    ----------
    start : str or path, optional
        Where to start looking (default: the current folder). A ``study.yaml`` file is
        accepted too.

    Returns
    -------
    Path
        The folder holding ``study.yaml`` (absolute).

    Raises
    ------
    InputError
        No ``study.yaml`` in ``start`` or above; the message says how to make one.

    Examples
    --------
    >>> import citra_eval as ce
    >>> root = ce.find_study_root(ce.example_path("transcripts"))
    >>> (root / "study.yaml").is_file()
    True
    """
    here = Path(start) if start is not None else Path.cwd()
    if here.is_file() and here.name == STUDY_FILE:
        return here.resolve().parent
    if start is not None and not here.exists():
        raise InputError("no such folder; give the folder of a study (one with study.yaml)",
                         path=os.fspath(start))
    here = here.resolve()
    for p in (here, *here.parents):
        if (p / STUDY_FILE).is_file():
            return p
    raise InputError(_INIT.around(f"not inside a study folder: no {STUDY_FILE} here or in a "
                                  "parent folder; run inside a study, give its folder, or "
                                  "make one with "),
                     path=os.fspath(start) if start is not None else shown_path(here))


#: How a study is made, as its reader does it (:func:`~.errors.advised`).
_INIT = advised("", cli="'citra-eval init DIR'", python="ce.init_study(DIR)")


#: How many folders deep below a study :func:`notebook_study_root` looks for another study.
NESTED_STUDY_DEPTH = 3
#: How many folders :func:`notebook_study_root` lists at most, in all, looking for another
#: study below a study (nearest first): a study holding a big tree (a data folder of thousands
#: of folders, a home folder) costs a bounded time on every ``load_study`` in a notebook.
NESTED_STUDY_FOLDERS = 2000
#: Folders never searched for another study, besides hidden ones and Python environments:
#: caches and installed packages.
_NOT_SEARCHED = frozenset({"__pycache__", "node_modules", "site-packages"})
#: What a Python environment (venv, virtualenv, conda) holds, whatever its folder's name.
_ENVIRONMENT_MARKS = frozenset({"pyvenv.cfg", "conda-meta"})
#: The variables a notebook's front end sets to the notebook's file, most specific first:
#: papermill ``--inject-input-path`` (a parameter; relative to where papermill was called) and
#: VS Code (the kernel's namespace); JupyterLab and Jupyter Notebook 7 set the environment
#: variable ``JPY_SESSION_NAME`` (read after these).
NOTEBOOK_FILE_NAMES = ("PAPERMILL_INPUT_PATH", "__vsc_ipynb_file__")


def _study_here() -> Path:
    """:func:`find_study_root` of the current folder; outside a study, the message also says
    how a notebook is given its study (the notebooks' default, ``study_root = None``, lands
    here when run outside one)."""
    try:
        return find_study_root()
    except InputError as exc:
        said = exc.problems[0].message
        notebook = ("; a notebook run by hand takes the study folder as its parameter "
                    "study_root (papermill NOTEBOOK OUT -p study_root PATH; in JupyterLab set "
                    "it in the parameters cell)")
        raise InputError(said.around(after=notebook) if isinstance(said, Advice)
                         else said + notebook, path=exc.problems[0].path) from None


def _kernel_namespace() -> Mapping | None:
    """The user namespace of the Jupyter kernel running this code (None outside a kernel:
    a command, a script, a terminal IPython). IPython is looked up, never imported."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    return shell.user_ns


def _notebook_file(namespace: Mapping) -> Path | None:
    """The notebook file the front end names (:data:`NOTEBOOK_FILE_NAMES`, then
    ``JPY_SESSION_NAME``) if it is one here, else None."""
    for name in (*(namespace.get(n) for n in NOTEBOOK_FILE_NAMES),
                 os.environ.get("JPY_SESSION_NAME")):
        if isinstance(name, str) and name.endswith(".ipynb") and Path(name).is_file():
            return Path(name).resolve()
    return None


def _listing(folder: Path) -> tuple[set[str], set[str]]:
    """The names of the files and of the folders in ``folder``, one listing; a link to a
    folder is neither (never followed: no loop); an unreadable folder holds nothing."""
    files: set[str] = set()
    folders: set[str] = set()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    folders.add(entry.name)
                elif entry.is_file():
                    files.add(entry.name)
    return files, folders


def _studies_below(root: Path) -> list[Path]:
    """Studies with notebooks (``study.yaml`` and ``notebooks/*.ipynb``) in folders below
    ``root``, at most :data:`NESTED_STUDY_DEPTH` deep, breadth first (the nearest first),
    listing at most :data:`NESTED_STUDY_FOLDERS` folders in all; hidden folders, caches,
    installed packages, Python environments and links to folders are not searched. The
    first four found at most (a message names three)."""
    found: list[Path] = []
    budget = NESTED_STUDY_FOLDERS
    queue = deque([(root, 0)])
    while queue and budget > 0 and len(found) < 4:
        here, depth = queue.popleft()
        files, folders = _listing(here)
        budget -= 1
        if depth and STUDY_FILE in files and "notebooks" in folders and budget > 0:
            budget -= 1
            if any(n.endswith(".ipynb") for n in _listing(here / "notebooks")[0]):
                found.append(here)
        if depth < NESTED_STUDY_DEPTH and not _ENVIRONMENT_MARKS & (files | folders):
            queue.extend((here / d, depth + 1) for d in sorted(folders)
                         if not d.startswith(".") and d not in _NOT_SEARCHED)
    return found


def notebook_study_root(namespace: Mapping | None = None) -> Path:
    """The study a notebook reads when its parameter ``study_root`` is None.

    Parameters
    ----------
    namespace : mapping, optional
        The notebook kernel's variables (default: those of the running kernel; none outside
        one).

    Returns
    -------
    Path
        The folder holding ``study.yaml`` (absolute): the study holding the notebook's file
        when the front end names it and it lies in a study, else the study holding the
        current folder (:func:`find_study_root`).

    Raises
    ------
    InputError
        No study holds the current folder (naming the studies with notebooks below it, if
        any: papermill called from the folder holding two studies); or the notebook's file
        is unknown and the study holding the current folder holds another study with
        notebooks: the notebook may be that study's, so nothing is guessed. The message
        says how to give the study.

    Notes
    -----
    A kernel is told its notebook's file by papermill run with ``--inject-input-path``
    (``PAPERMILL_INPUT_PATH``), by VS Code (``__vsc_ipynb_file__``) and by JupyterLab or
    Jupyter Notebook 7 (``JPY_SESSION_NAME``). Plain papermill, nbclient and nbconvert tell
    it nothing: it knows only its working folder, which papermill takes from where it is
    called (``--cwd``), not from the notebook. ``citra-eval reproduce`` passes
    ``study_root`` itself. Other studies are looked for :data:`NESTED_STUDY_DEPTH` folders
    deep, nearest first, in at most :data:`NESTED_STUDY_FOLDERS` folders (so a study holding
    a big tree is not slowed down on every ``load_study``; a study further away than that is
    not seen, as one deeper than :data:`NESTED_STUDY_DEPTH` is not), not in hidden folders,
    caches, installed packages, Python environments or links to folders; a ``study.yaml``
    without a ``notebooks/`` folder of notebooks (test data, templates) is not one.

    Examples
    --------
    >>> import citra_eval as ce
    >>> nb = ce.example_path() / "notebooks" / "01-corpus-codebook.ipynb"
    >>> ce.notebook_study_root({"PAPERMILL_INPUT_PATH": str(nb)}) == ce.example_path()
    True
    """
    ns = _kernel_namespace() if namespace is None else namespace
    nb = _notebook_file(ns or {})
    if nb is not None:
        with contextlib.suppress(InputError):  # a notebook outside any study: the folder's
            return find_study_root(nb.parent)
    try:
        root = _study_here()
    except InputError as exc:  # beside studies (papermill called from their parent folder)
        others = _studies_below(Path.cwd())
        if not others:
            raise
        raise InputError(f"not inside a study folder: no {STUDY_FILE} here or in a parent "
                         f"folder, but {_studies_named(others)} lie below; "
                         f"{_WHICH_STUDY}", path=exc.problems[0].path) from None
    others = _studies_below(root)
    if others:
        raise InputError(f"the study here holds another study ({_studies_named(others)}); "
                         f"{_WHICH_STUDY}", path=shown_path(root))
    return root


#: Why a notebook whose file is unknown does not pick a study it sees, and how to give it.
_WHICH_STUDY = (
    "this notebook cannot tell which study it belongs to, as its file is unknown (papermill "
    "tells a notebook only the folder it was called from); give the study: papermill "
    "NOTEBOOK OUT -p study_root PATH (or papermill --inject-input-path, or call papermill "
    "inside the study), or run 'citra-eval reproduce' in the study")


def _studies_named(studies: list[Path]) -> str:
    """The first three of ``studies`` (:func:`_studies_below`), for a message."""
    return ", ".join(shown_path(p) for p in studies[:3]) + (", ..." if studies[3:] else "")


# --------------------------------------------------------------------------- loading

def _coverage(settings: StudySettings) -> dict[str, str | tuple[str, ...]] | str:
    """:attr:`Study.coverage` of a study with these settings."""
    declared = settings.double_coded
    return dict(declared) if declared is not None else "documents"


def _coded_corpus(corpus: Corpus, codings: pd.DataFrame, coverage) -> Corpus:
    """:attr:`Study.coded_corpus`: the coded documents, and those without an informant's
    turn (nothing in them to code)."""
    keep = set(coded_documents(codings, corpus=corpus, coverage=coverage))
    spoken = _informant_documents(corpus)
    return corpus.subset(d for d in corpus.doc_ids if d in keep or (spoken and d not in spoken))


def load_study(root: str | os.PathLike | None = None, *, lang: str | None = None,
               seed: int | None = None) -> Study:
    """Read a study folder: ``study.yaml`` and every input, checked against each other.

    Parameters
    ----------
    root : str or path, optional
        The study folder (or a folder inside it, or its ``study.yaml``). Default: the
        folder holding ``study.yaml`` at or above the current folder; in a notebook, the
        study holding the notebook (:func:`notebook_study_root`).
    lang : {"id", "en"}, optional
        Overrides ``study.yaml``'s ``lang`` (what ``citra-eval reproduce --lang`` passes).
    seed : int, optional
        Overrides ``study.yaml``'s ``seed``.

    Returns
    -------
    Study
        ``.settings``, ``.corpus``, ``.codebook``, ``.codings``, ``.coders``,
        ``.instrument``, ``.responses``, ``.warnings``.

    Raises
    ------
    InputError
        No study found (in a notebook: see :func:`notebook_study_root`, which also refuses
        to guess between two studies). Every problem in every input, each with its file and
        line (the readers' own checks,
        plus: ``outcome`` not a scale of the instrument or leaving the image model no
        predictor scale, ``controls``/``compare_by`` not columns of the responses, a text
        control with too many levels, a ``compare_by`` column that is not a demographic, does
        not make two groups of two or more, or has a group whose scores do not vary, a coding
        listed in two files, responses without an instrument).

    Notes
    -----
    Missing parts are warnings, not errors: without transcripts, codebook or codings the
    qualitative analyses are skipped; with one coder, inter-coder reliability; without an
    instrument or responses, the survey analyses. Paths not set in ``study.yaml`` default to
    the standard layout (:data:`DEFAULT_PATHS`); a path that *is* set must exist.

    Examples
    --------
    >>> import citra_eval as ce
    >>> study = ce.load_study(ce.example_path())
    >>> study.settings.outcome, study.settings.controls, study.coders
    ('CITRA', ('district',), ['A', 'B'])
    >>> len(study.corpus), len(study.responses), study.has_survey
    (11, 400, True)
    >>> study.warnings
    ()
    """
    if lang is not None:
        check_lang(lang)
    if seed is not None:
        seed = check_seed(seed)
    kernel = _kernel_namespace() if root is None else None
    if kernel is not None:  # in a notebook: the study holding it
        r = notebook_study_root(kernel)
    elif root is None:
        r = _study_here()
    else:
        r = find_study_root(root)
    # a wrong study.yaml stops here: without it nothing else can be located reliably
    settings = StudySettings.load(r / STUDY_FILE)
    problems: list[Problem] = []
    warn = _Warnings()
    if lang is not None or seed is not None:
        settings = _replace(settings, lang=lang or settings.lang,
                            seed=settings.seed if seed is None else seed)

    def attempt(fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    corpus = _load_corpus(settings, attempt, warn)
    codebook = None
    if is_input_file(settings.codebook, shown_path(settings.codebook)):
        codebook = attempt(Codebook.load, shown_path(settings.codebook))
    elif corpus is not None:
        warn.add(shown_path(settings.codebook), "no codebook: coding, reliability and the themes "
                 "are skipped")
    if codebook is not None and corpus is not None \
            and codebook.language not in PROCESSED_LANGUAGES:
        english = str(codebook.language).lower() in ("en", "eng")
        vocabulary = ("the vocabulary tables of notebook 03 (word frequencies, collocations, "
                      "keyness) leave out English stop words (scikit-learn's list)" if english
                      else "the vocabulary tables of notebook 03 (word frequencies, "
                      "collocations, keyness) leave out Indonesian stop words only, so this "
                      "language's function words will lead them")
        warn.add(shown_path(settings.codebook), advised(
            f"the codebook's language is {codebook.language!r}, but the auto-coder reads the "
            "transcripts as Indonesian (stemming, slang, negation words), so its patterns "
            "match little more than the word forms written in them; so do the "
            "keyword-in-context tables of notebook 03 (a 'kwic' term finds the forms written "
            f"in it, 'spokesperson' not 'spokespersons': list each form); {vocabulary}; human "
            "coding, reliability and the survey are not affected (",
            cli="'citra-eval validate --lint' says more)",
            python="study.codebook.lint(corpus=study.corpus) says more)"))
    before = len(problems)
    codings, coding_files = _load_codings(settings, corpus, codebook, attempt, problems, warn)
    # a codings file that failed to read has said so; its coders are not "without codings"
    codings_read = len(problems) == before
    instrument, responses = _load_survey(settings, attempt, problems, warn)
    _check_settings_against_data(settings, corpus, codebook, codings, instrument, responses,
                                 problems, warn, codings_read=codings_read,
                                 silent={c for _, n, cs in coding_files if not n for c in cs})
    if corpus is not None and (problem := _no_informant_problem(
            corpus, shown_path(settings.transcripts))) is not None:
        problems.append(problem)
    if problems:
        raise InputError(problems=problems)
    if corpus is not None:
        _speaker_label_warnings(corpus, warn)
        _date_warnings(corpus, settings, warn)
        _kwic_warnings(corpus, codebook, settings, warn)
        if len(codings):
            _uncoded_document_warnings(corpus, codings, warn, settings.double_coded,
                                       shown_path(settings.transcripts))
            _role_warnings(corpus, codings, warn, shown_path(settings.transcripts))
        else:
            _no_role_warning(corpus, warn, shown_path(settings.transcripts))
    return Study(root=r, settings=settings, corpus=corpus, codebook=codebook,
                 codings=codings, instrument=instrument, responses=responses,
                 warnings=tuple(warn.lines), coding_files=coding_files)


def example_study() -> Study:
    """The bundled example study, loaded (illustrative: written and simulated for citra_eval,
    not real findings).

    Returns
    -------
    Study
        As :func:`load_study` of ``ce.example_path()``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> study = ce.example_study()
    >>> study.settings.illustrative, study.settings.kwic
    (True, ('bamara',))
    """
    return load_study(example_path())


# --------------------------------------------------------------------------- settings

class _Warnings:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, path: str | None, message: str, line: int | None = None) -> None:
        where = path or "<input>"
        if line is not None:
            where += f":{line}"
        self.lines.append(message.around(f"warning: {where}: ") if isinstance(message, Advice)
                          else f"warning: {where}: {message}")

    def add_at(self, path: str | None, message: str, place: int | str) -> None:
        """A warning at a coding's place (:func:`_coding_place`): the line of its file, or
        ``row 1 (index 101)`` of a DataFrame given in memory (after the path)."""
        if isinstance(place, str):
            self.add(path, f"{place}: {message}")
        else:
            self.add(path, message, place)


def _replace(settings: StudySettings, **changes) -> StudySettings:
    import dataclasses

    return dataclasses.replace(settings, **changes)


def shown_path(p: str | os.PathLike) -> str:
    """A path as messages and readers see it: relative to the current folder when it lies
    below it, or below the study folder the current folder is in (so reports and messages
    hold no machine paths); else absolute."""
    path = Path(p)
    if not path.is_absolute():
        return path.as_posix()
    cwd = Path.cwd().resolve()
    if path.is_relative_to(cwd):
        return path.relative_to(cwd).as_posix() or "."
    home = next((d for d in (cwd, *cwd.parents) if (d / STUDY_FILE).is_file()), None)
    if home is not None and path.is_relative_to(home):
        return Path(os.path.relpath(path, cwd)).as_posix()
    return path.as_posix()


def _parse_settings(data, path: Path) -> StudySettings:
    spath = shown_path(path)
    root = path.resolve().parent
    problems: list[Problem] = []
    named: dict[Path, str] = {}  # each input's path in the study, as named (links kept)

    def err(msg: str, line: int | None, path: str | None = None) -> None:
        problems.append(Problem(path or spath, msg, line))

    if data is None:
        raise InputError("study.yaml is empty; write at least 'title: <the study's title>'",
                         path=spath, line=1)
    if not isinstance(data, LineDict):
        raise InputError("study.yaml must be 'key: value' lines (a YAML mapping), not a "
                         f"{type(data).__name__}", path=spath, line=1)
    for msg, line in unknown_keys(data, STUDY_KEYS, "study.yaml"):
        err(msg, line)
    line = data.line_of
    out: dict = {"path": path.resolve(), "given": frozenset(k for k in data if k in STUDY_KEYS),
                 "lines": {k: line(k) for k in data}}

    title = data.get("title")
    if "title" not in data:
        err("'title' is missing; add a line 'title: <the study's title>'", data.line or 1)
    elif not isinstance(title, str) or not title.strip():
        err(f"'title' must be a non-empty text, got {title!r}", line("title"))
    else:
        out["title"] = title.strip()
    if "lang" in data:
        if data["lang"] in ("id", "en"):
            out["lang"] = data["lang"]
        else:
            err(f"'lang' must be id or en, got {data['lang']!r}", line("lang"))
    if "illustrative" in data:
        if isinstance(data["illustrative"], bool):
            out["illustrative"] = data["illustrative"]
        else:
            err(f"'illustrative' must be true or false, got {data['illustrative']!r}",
                line("illustrative"))
    if "seed" in data:
        s = data["seed"]
        try:
            out["seed"] = check_seed(s, "'seed'")
        except (TypeError, ValueError) as exc:
            err(str(exc), line("seed"))
    for key, what in (("min_items", "the fewest answered items of a scale for a score, e.g. "
                                    "'min_items: 2'"),
                      ("saturation_base", "the interviews in the base of the saturation "
                                          "rule, e.g. 'saturation_base: 4'")):
        if data.get(key) is not None:
            m = data[key]
            if isinstance(m, bool) or not isinstance(m, int) or m < 1:
                err(f"'{key}' must be a whole number of 1 or more ({what}), got {m!r}",
                    line(key))
            else:
                out[key] = m
    if data.get("outcome") is not None:
        if isinstance(data["outcome"], str) and data["outcome"].strip():
            out["outcome"] = data["outcome"].strip()
        else:
            err(f"'outcome' must be the name of a survey scale, got {data['outcome']!r}",
                line("outcome"))
    for key in ("controls", "compare_by", "kwic", "group_by"):
        if data.get(key) is not None:
            names = _names(data[key])
            if names is None:
                err(f"'{key}' must be a list of names, e.g. '{key}: [a, b]', got "
                    f"{data[key]!r}", line(key))
            elif len(set(names)) < len(names):
                dup = sorted({n for n in names if names.count(n) > 1})
                err(f"'{key}' lists {', '.join(dup)} more than once", line(key))
            elif key == "kwic" and not all(map(tokenize, names)):
                wordless = next(n for n in names if not tokenize(n))
                err(f"'kwic': {quoted(wordless)} has no word (letters or digits) to search "
                    "for; write the word, or remove it", line(key))
            elif (same := _same_file_name(names)) is not None:
                (a, b), stem = same
                shown = f"'...-{stem}.csv'" if stem else "(no ASCII letter or digit is left)"
                err(f"'{key}': {quoted(a)} and {quoted(b)} give the same output file name "
                    f"{shown}: file names keep ASCII letters, digits, '_', '-' and '.', in "
                    "lower case, so one table would overwrite the other; keep one of them",
                    line(key))
            else:
                out[key] = tuple(names)
    for key in ("transcripts", "codebook", "instrument", "responses"):
        rel = data.get(key, DEFAULT_PATHS[key])
        target = _study_path(rel, root, key, line(key) if key in data else None, err)
        if target is None:
            continue
        named[target.resolve()] = target.relative_to(root).as_posix()
        target = target.resolve()
        out[key] = target
        if key in data and not target.exists():
            err(f"'{key}': {rel} does not exist; fix the path, or remove the line to use "
                f"the default ({DEFAULT_PATHS[key]})", line(key))
    out["codings"] = _codings_files(data, root, err, named)
    out["named"] = named
    if data.get("double_coded") is not None:
        out["double_coded"] = _double_coded(data["double_coded"], line("double_coded"), err,
                                            out["lines"])
    if problems:
        raise InputError(problems=problems)
    return StudySettings(**out)


def _same_file_name(names: list[str]) -> tuple[tuple[str, str], str] | None:
    """The first two of ``names`` that :func:`citra_eval.output_name` turns into the same
    file name (``café`` and ``cafe``, ``e-government`` and ``e government``) and that name;
    None when all differ. The notebooks name a table after each ``kwic`` term, ``compare_by``
    column and ``group_by`` attribute."""
    seen: dict[str, str] = {}
    for name in names:
        stem = output_name("x", name)[2:]  # "" when nothing usable is left
        if stem in seen:
            return (seen[stem], name), stem
        seen[stem] = name
    return None


def _names(value) -> list[str] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) and not
                                              isinstance(v, bool) for v in value):
        return None
    names = [str(v).strip() for v in value]
    return names if all(names) else None


_DOUBLE_CODED_EXAMPLE = "'double_coded: {A: all, B: [INF01, INF02]}'"


def _double_coded(value, line: int, err,
                  lines: dict) -> dict[str, str | tuple[str, ...]] | None:
    """``double_coded``: a mapping coder -> ``all`` or a list of document ids (the line of
    each coder and document goes into ``lines`` as ``double_coded:<coder>[:<doc>]``)."""
    if not isinstance(value, dict) or not value:
        err("'double_coded' must map each coder to 'all' or a list of document ids, e.g. "
            f"{_DOUBLE_CODED_EXAMPLE}, got {value!r}", line)
        return None
    out: dict[str, str | tuple[str, ...]] = {}
    ok = True
    for coder, docs in value.items():
        where = value.line_of(coder) if isinstance(value, LineDict) else line
        lines[f"double_coded:{coder}"] = where
        if isinstance(docs, LineList):
            for doc, dline in zip(docs, docs.item_lines, strict=True):
                lines[f"double_coded:{coder}:{doc}"] = dline
        if isinstance(coder, bool) or not isinstance(coder, str | int) or not str(coder).strip():
            err(f"'double_coded': {coder!r} is not a coder name", where)
            ok = False
            continue
        if isinstance(docs, str) and docs.strip() == "all":
            out[str(coder).strip()] = "all"
            continue
        names = _names(docs)
        if names is None or not names:
            err(f"'double_coded': coder {coder!r} must have 'all' or a list of document ids "
                f"(e.g. [INF01, INF02]), got {docs!r}", where)
            ok = False
        elif len(set(names)) < len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            err(f"'double_coded': coder {coder!r} lists {', '.join(dup)} more than once", where)
            ok = False
        else:
            out[str(coder).strip()] = tuple(names)
    return out if ok else None


def _study_path(rel, root: Path, key: str, line: int | None, err) -> Path | None:
    """``rel`` (a path study.yaml gives for ``key``) in the study folder ``root``, as written
    (not resolved); None after reporting a path outside the folder or a special file."""
    if not isinstance(rel, str) or not rel.strip():
        err(f"'{key}' must be a path relative to the study folder, got {rel!r}", line)
        return None
    rel = rel.strip()
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", rel) or ".." in pure.parts:
        err(f"'{key}': {rel} must be a path inside the study folder (relative, without '..'), "
            "so that the study is self-contained and its checksums cover it", line)
        return None
    given = root / pure
    try:  # a special file is named as study.yaml names it, not by where its links lead
        if key == "transcripts" and not given.suffix:  # a folder, by its name
            why = broken_link(given, "folder")
            if why is not None:
                raise InputError(why, path=shown_path(given))
        is_input_file(given, shown_path(given))
    except InputError as exc:
        where = f" ('{key}' on line {line} of {STUDY_FILE})" if line is not None else ""
        err(f"{exc.problems[0].message}{where}", None, exc.problems[0].path)
        return None
    return given


def _codings_files(data: LineDict, root: Path, err, named: dict[Path, str]) -> tuple[Path, ...]:
    """The codings files ``study.yaml`` names (its glob expanded), resolved; each one's path
    in the study, as named, goes into ``named``."""
    raw = data.get("codings", DEFAULT_PATHS["codings"])
    line = data.line_of("codings") if "codings" in data else None
    patterns = [raw] if isinstance(raw, str) else raw
    if not isinstance(patterns, list) or not patterns:
        err("'codings' must be a glob like data/raw/codings_*.csv or a list of files, got "
            f"{raw!r}", line)
        return ()
    lines = patterns.item_lines if isinstance(patterns, LineList) else [line] * len(patterns)
    files: list[Path] = []
    for pattern, pline in zip(patterns, lines, strict=True):
        pline = pline if line is not None else None
        given = _study_path(pattern, root, "codings", pline, err)
        if given is None:
            continue
        target = given.resolve()
        if _GLOB_CHARS.search(pattern):
            # the pattern as written, not resolved: a special file is named as the user sees it
            found = {Path(m).resolve(): Path(m) for m in glob.glob(os.fspath(given))
                     if is_input_file(m, shown_path(m)) and not _is_template(Path(m))}
            named.update((p, m.relative_to(root).as_posix()) for p, m in found.items())
            matched = sorted(found)
            if not matched and pline is not None:  # set in study.yaml: it must find a file
                err(f"'codings': {pattern} matches no file; fix the pattern, or remove the "
                    f"line to use the default ({DEFAULT_PATHS['codings']})", pline)
            files.extend(matched)
        elif is_input_file(target, shown_path(target)):
            named[target] = given.relative_to(root).as_posix()
            files.append(target)
        else:
            err(f"'codings': {pattern} does not exist; fix the path or remove it", pline)
    dup = sorted({f for f in files if files.count(f) > 1})
    for f in dup:
        err(f"'codings' names {f.name} more than once; list each coder's file once", line)
    return tuple(dict.fromkeys(files))


def _is_template(p: Path) -> bool:
    return ".template." in p.name


# --------------------------------------------------------------------------- inputs

def _load_corpus(settings: StudySettings, attempt, warn: _Warnings) -> Corpus | None:
    path = settings.transcripts
    shown = shown_path(path)
    if path.is_dir() and not transcript_files(path) and not unread_files(path):
        warn.add(shown, "no transcripts yet: the qualitative analyses (corpus, coding, "
                 "reliability, themes) are skipped")
        return None
    if not path.exists() and not path.is_symlink():  # a link leading nowhere: named below
        warn.add(shown, "no transcripts folder: the qualitative analyses (corpus, coding, "
                 "reliability, themes) are skipped")
        return None
    with caught_transcript_warnings() as notes:
        corpus = attempt(read_transcripts, shown)
    for note in notes:  # a .docx's tracked changes and comments, a Word lock file
        warn.add(note.path, note.message)
    if corpus is not None and len(corpus) and corpus.segments.empty:
        n = len(corpus)
        warn.add(shown, f"the transcripts hold no text ({n} document{'s' * (n != 1)}, "
                 "none with a turn or paragraph): the qualitative analyses (corpus, coding, "
                 "reliability, themes) are skipped")
    return corpus


def _warn_unrecorded(codings: pd.DataFrame, path: str, warn: _Warnings) -> None:
    """Warn about codings without a recorded ``text``: an edit of their transcript after
    coding cannot be detected, so their offsets would then slice other words silently.
    Recording it is right only while the transcripts are those they were coded on."""
    if codings.empty:
        return
    n = len(codings) if "text" not in codings.columns else int(codings["text"].isna().sum())
    if n:
        warn.add(path, advised(
            f"{n} of {len(codings)} coding(s) have no recorded text (the 'text' column), so an "
            "edit of their transcript after coding cannot be detected and their offsets would "
            "then mark other words without a warning; record it now, while the transcripts are "
            "the ones they were coded on: ", cli="citra-eval reanchor --record",
            python="ce.record_text(codings, corpus=corpus)"))


def _load_codings(settings: StudySettings, corpus: Corpus | None, codebook: Codebook | None,
                  attempt, problems: list[Problem], warn: _Warnings
                  ) -> tuple[pd.DataFrame, tuple[tuple[str, int, tuple[str, ...]], ...]]:
    tables, files = [], []
    for f in settings.codings:
        shown = shown_path(f)
        t = attempt(read_codings, shown, corpus=corpus, keep_lines=True)
        if t is None:
            continue
        if (problem := consensus_file_problem(t, shown)) is not None:
            problems.append(problem)
            continue
        if "score" in t.columns and t["score"].astype("string").fillna("").str.strip().ne(
                "").any():
            warn.add(shown, _machine_codings(", ".join(sorted(t["coder"].astype(str).unique()))))
        silent = declared_empty_coder(f, t, settings.double_coded)
        if t.empty and not silent:
            warn.add(shown, "the file holds no codings (yet): its coder is left out of "
                     "reliability and the themes until it does; if the coder read interviews "
                     "and found nothing to code in them, name the file codings_<coder>.csv "
                     "and declare those interviews in study.yaml's 'double_coded' "
                     "(<coder>: [<doc ids>] or all): they then count as rated, no code")
        t = t.assign(_file=settings.relative(f))
        if corpus is not None:
            _warn_unrecorded(t, shown, warn)
            warn.lines.extend(turn_role_warnings(t, corpus, path=shown))
        warn.lines.extend(same_code_warnings(t, path=shown))
        if corpus is not None:
            warn.lines.extend(cut_character_warnings(t, corpus, path=shown))
        if codebook is not None:
            t, lines = drop_unknown_codes(t, codebook, shown)
            warn.lines.extend(lines)
        tables.append(t)
        files.append((settings.relative(f), len(t),
                      tuple(sorted(t["coder"].astype(str).unique())) or silent))
    if not tables:
        if corpus is not None and not settings.codings:
            warn.add(shown_path(settings.path.parent / DEFAULT_PATHS["codings"]),
                     "no codings files yet: inter-coder reliability and the themes are "
                     "skipped; code the transcripts (one codings_<coder>.csv per coder)")
        return empty_codings(), ()
    codings = pd.concat(tables, ignore_index=True)
    _check_across_files(codings, settings, problems)
    _coder_name_warnings(files, settings, warn)
    coders = sorted(set(codings["coder"].astype(str)).union(*(c for _, _, c in files)))
    if corpus is None:
        warn.add(shown_path(settings.codings[0]), "codings but no transcripts: the codings cannot "
                 "be checked or analysed and are ignored")
    elif len(coders) == 1:
        warn.add(shown_path(settings.codings[0]), f"only one coder ({coders[0]}): inter-coder "
                 "reliability needs two or more coders and is skipped")
    return codings.drop(columns=["_file", "_line"]), tuple(files)


def _coder_name_warnings(files: list[tuple[str, int, tuple[str, ...]]],
                         settings: StudySettings, warn: _Warnings) -> None:
    """Warnings for coder names that pool people: a coder name in two codings files (e.g.
    the template's ``A`` kept by two coders: the study would count them as one coder,
    without reliability between them), naming both files; else a one-coder file whose
    name, ``codings_<coder>.csv``, names another coder than its ``coder`` column."""
    first: dict[str, str] = {}
    for rel, n, coders in files:
        shown = shown_path(settings.path.parent / rel)
        named = re.fullmatch(r"codings_(.+)\.csv", Path(rel).name, flags=re.IGNORECASE)
        shared = [c for c in coders if c in first and n]
        for c in shared:
            warn.add(shown, f"coder {c!r} is also the coder of {first[c]}: the two files are "
                     "pooled as one coder's codings (no reliability between them); if two "
                     "people coded them, rename the coder in one file (every "
                     f"{c!r} in its 'coder' column"
                     + (f", e.g. {named.group(1)!r} as its name says" if named else "")
                     + "), else give the codings once")
        if (not shared and n and named and len(coders) == 1
                and named.group(1).casefold() != coders[0].casefold()):
            warn.add(shown, f"the file is named for coder {named.group(1)!r} "
                     f"(codings_<coder>.csv) but its 'coder' column says {coders[0]!r}: "
                     "correct the coder column (or the file name) so that each coder's "
                     "codings carry their own name")
        for c in coders:
            first.setdefault(c, rel)


#: How to mend a coder ``double_coded`` names who has no codings (its message's end).
NO_CODINGS_FIX = ("; correct the name, or add their codings file codings_<coder>.csv (its "
                  "header only, if they found nothing to code)")


def declared_empty_coder(path: str | os.PathLike, codings: pd.DataFrame,
                         double_coded: Mapping | None) -> tuple[str, ...]:
    """``(coder,)`` when ``codings`` (read from ``path``) is empty, ``path`` is named
    ``codings_<coder>.csv`` and ``double_coded`` names that coder: a coder who read their
    interviews and found nothing to code (as ``sheet import`` writes an unmarked sheet), who
    rates those interviews with no code; else ``()``."""
    found = re.fullmatch(r"codings_(.+)\.csv", Path(path).name, flags=re.IGNORECASE)
    if not codings.empty or found is None or found.group(1) not in (double_coded or {}):
        return ()
    return (found.group(1),)


def _machine_codings(coders: str) -> Advice:
    """The warning for machine codings (an auto-coder's ``score`` column) of ``coders`` among
    the study's coders' files (the coding sheet named as its reader makes one)."""
    return advised(
        f"the codings of {coders} have a 'score' column, as the auto-coder writes: the study "
        "counts every codings file as a human coder's, so reliability, the themes and the "
        "comparisons with the auto-coder (notebooks 02 and 07) would treat the machine as a "
        "coder and measure it against itself; have a person review them (e.g. in a coding "
        "sheet: ", cli="'citra-eval sheet export'",
        python="ce.coding_sheet(corpus, codebook, coder=NAME)").around(
        after=") and save them without 'score', or keep machine codings outside the study's "
        "codings files")


def _check_across_files(codings: pd.DataFrame, settings: StudySettings,
                        problems: list[Problem]) -> None:
    """A coding (same span, code and coder) in two files is given twice: an error."""
    key = ["doc_id", "segment_id", "start", "end", "code", "coder"]
    again = codings.duplicated(key, keep="first")
    if not again.any():
        return
    first_seen = codings.drop_duplicates(key, keep="first").set_index(key)["_file"]
    for file, rows in codings[again].groupby("_file", sort=False):
        origin = first_seen.loc[tuple(rows[key].iloc[0])]
        if origin == file:
            continue  # a duplicate inside one file is that file's reader's business
        r = rows.iloc[0]
        same = f"{len(rows)} coding(s) also appear in {origin} (e.g. {r.doc_id} segment " \
               f"{r.segment_id}, code {r.code!r}, coder {r.coder!r})"
        main = {f: codings.loc[codings["_file"] == f, "coder"].astype(str).mode().iat[0]
                for f in (file, origin)}
        if main[file] == main[origin] == str(r.coder):  # e.g. a QDA program's default user
            how = (f"the two files use the same coder name {r.coder!r}: if they are two "
                   "coders' codings, rename the coder in one of them (every "
                   f"{r.coder!r} in its 'coder' column, and in the users.csv of its 'qdpx "
                   "import' if there is one), else give the file once")
        else:
            how = "give each coder's codings once"
        problems.append(Problem(shown_path(settings.path.parent / file), f"{same}; {how}",
                                int(r["_line"])))


def consensus_file_problem(t: pd.DataFrame, shown: str) -> Problem | None:
    """A consensus coding (as ``agree --consensus`` and :func:`~citra_eval.consensus` write
    it) among a study's coders' codings files, read with ``keep_lines=True`` from the file
    ``shown``: it would count as one more coder, agreeing with the coders it was made of.
    None for a coder's file. ``validate``, ``reproduce`` and ``agree`` on the study's codings
    refuse it.

    A consensus is recognised by its coder, :data:`~citra_eval.intercoder.CONSENSUS_CODER`,
    or, saved under another coder name (``final``, ``agreed``), by its notes: those of at
    least half of its codings, and no other note, are notes ``consensus`` writes
    (:data:`~citra_eval.intercoder.CONSENSUS_NOTE`: "agreed by A, B", "adjudicated by C (A
    applied it)", ...). Codings added by hand without a note do not hide it; a coder who
    wrote such a note on a few codings, or other notes beside them, is still a coder."""
    mine = t["coder"].astype(str) == CONSENSUS_CODER
    if mine.any():
        return Problem(shown, f"coder {CONSENSUS_CODER!r} is the coders' consensus (as 'agree "
                       f"--consensus' and ce.consensus write it), not a coder: {_AS_A_CODER}, "
                       "or, if a person coded it, give them another coder name than "
                       f"{CONSENSUS_CODER!r}", int(t.loc[mine, "_line"].iloc[0]))
    note = t["note"].astype("string")
    theirs = note.str.fullmatch(CONSENSUS_NOTE).fillna(False).astype(bool)
    n = int(theirs.sum())
    if not n or 2 * n < len(t) or note[~theirs].notna().any():
        return None
    first = t[theirs].iloc[0]
    names = ", ".join(map(repr, sorted(t["coder"].astype(str).unique())))
    return Problem(shown, f"the notes of its codings ({n} of {len(t)}, and no other note) are "
                   f"those 'agree --consensus' and ce.consensus write (e.g. {first['note']!r}):"
                   f" the file is the coders' consensus, saved under coder {names}, not a "
                   f"coder's codings: {_AS_A_CODER} (and name its coder {CONSENSUS_CODER!r}, "
                   "which says what it is wherever it goes), or, if a person coded it, remove "
                   "the notes that say others agreed on it", int(first["_line"]))


#: What a consensus among the coders' files does, and where to move it.
_AS_A_CODER = ("among the study's codings files it would count as one more coder and agree "
               "with the coders it was made of; move the file out of the study's codings files "
               f"({DEFAULT_PATHS['codings']} or study.yaml's 'codings')")


def drop_unknown_codes(t: pd.DataFrame, codebook: Codebook, shown: str
                       ) -> tuple[pd.DataFrame, list[str]]:
    """Leave out the codings (of the file ``shown``) whose code the codebook lacks or does
    not allow coding; returns the rest and one ``warning:`` line per such code, at its first
    coding (:func:`_coding_place`: its line when read with ``keep_lines=True``, else its row
    of the DataFrame). A study's readers (``validate``, ``reproduce``, ``agree`` with the
    study's codebook) all treat such codes this way."""
    warn = _Warnings()
    codable = set(codebook.codable_ids)
    bad = ~t["code"].isin(codable)
    for code, rows in t[bad].groupby("code", sort=True):
        first = _coding_place(t, int((bad & (t["code"] == code)).to_numpy().argmax()))
        if code in codebook:
            why = "is a category of the codebook (codable: false), not a codable code"
            fix = category_fix(codebook, code)
        else:
            hint = closest(str(code), codable)
            why = "is not in the codebook" + (f" (did you mean {hint!r}?)" if hint else "")
            fix = "fix the code or add it to the codebook"
        warn.add_at(shown, f"code {code!r} ({len(rows)} coding(s)) {why}; these codings are "
                    f"left out; {fix}", first)
    return t[~bad], warn.lines


def _load_survey(settings: StudySettings, attempt, problems: list[Problem],
                 warn: _Warnings) -> tuple[Instrument | None, pd.DataFrame | None]:
    inst_path, resp_path = settings.instrument, settings.responses
    has_inst = is_input_file(inst_path, shown_path(inst_path))
    instrument = attempt(Instrument.load, shown_path(inst_path)) if has_inst else None
    responses = None
    if is_input_file(resp_path, shown_path(resp_path)):
        if instrument is not None:
            responses = attempt(read_responses, shown_path(resp_path), instrument)
        elif not has_inst:
            problems.append(Problem(shown_path(resp_path), "responses need the survey instrument "
                                    f"({settings.relative(inst_path)}) that says which columns "
                                    "are items of which scale; add it"))
    elif instrument is not None:
        warn.add(shown_path(resp_path), "no survey responses: the survey analyses (psychometrics, "
                 "image model, the survey side of the joint display) are skipped")
    elif not has_inst:
        warn.add(shown_path(inst_path), "no survey instrument: the survey analyses (psychometrics, "
                 "image model, the survey side of the joint display) are skipped")
    return instrument, responses


def _check_settings_against_data(settings: StudySettings, corpus: Corpus | None,
                                 codebook: Codebook | None, codings: pd.DataFrame,
                                 instrument: Instrument | None,
                                 responses: pd.DataFrame | None, problems: list[Problem],
                                 warn: _Warnings, *, codings_read: bool = True,
                                 silent: set[str] | frozenset = frozenset()) -> None:
    spath = shown_path(settings.path)
    line = settings.lines.get
    survey_keys = [k for k in ("outcome", "controls", "compare_by") if k in settings.given]
    if instrument is None or responses is None:
        for key in survey_keys:
            warn.add(spath, f"'{key}' is set but the study has no survey; it is ignored",
                     line(key))
    else:
        before = len(problems)
        if settings.outcome is None:
            warn.add(spath, "no 'outcome': the image model and the effects in the joint display "
                     "are skipped; name the survey scale the image model explains (one of "
                     f"{', '.join(instrument.scales)})", None)
        elif settings.outcome not in instrument.scales:
            problems.append(Problem(spath, f"'outcome': {settings.outcome!r} is not a scale of "
                                    f"{shown_path(settings.instrument)}"
                                    + did_you_mean(settings.outcome, instrument.scales,
                                                   f"; use one of {', '.join(instrument.scales)}"),
                                    line("outcome")))
        elif not default_predictors(instrument, settings.outcome):
            problems.append(Problem(spath, _no_predictors(settings, instrument),
                                    line("outcome")))
        items = set(instrument.item_names)
        usable = [c for c in responses.columns if c not in items and c != instrument.id_column]
        for key in ("controls", "compare_by"):
            for name in getattr(settings, key):
                if name not in usable:
                    declare = (f"; to compare by it, add the column to the responses and "
                               f"declare it under 'demographics:' in "
                               f"{shown_path(settings.instrument)}"
                               if key == "compare_by" else "")
                    problems.append(Problem(
                        spath, f"'{key}': {name!r} is not a column of "
                        f"{shown_path(settings.responses)}"
                        + did_you_mean(name, usable, f" (its non-item columns: "
                                                     f"{', '.join(usable) or 'none'})")
                        + declare, line(key)))
                elif key == "controls" and (why := control_name_problem(name)):
                    problems.append(Problem(shown_path(settings.responses), why, 1))
                elif key == "compare_by":
                    _check_groups(name, instrument, responses, settings, problems, warn)
                else:
                    _check_control(name, responses, settings, problems)
        if len(problems) == before:  # the outcome and every control are usable
            _check_control_levels(instrument, responses, settings, problems)
        if "compare_by" not in settings.given:
            groups = [d for d in instrument.demographics
                      if _groups_column(d, instrument, responses)]
            if groups:
                advice = ("name the demographic columns to compare, e.g. 'compare_by: "
                          f"[{groups[0]}]'")
            elif instrument.demographics:
                advice = (f"none of the instrument's demographics "
                          f"({', '.join(instrument.demographics)}) divides the respondents "
                          "into two or more groups of two or more")
            else:
                advice = (f"{shown_path(settings.instrument)} declares no demographics; to "
                          "compare groups, declare their columns of the responses under "
                          "'demographics:' there and name them in 'compare_by'")
            warn.add(spath, f"no 'compare_by': the group comparisons are skipped; {advice}",
                     None)
    if settings.double_coded is not None:
        _check_double_coded(settings, corpus, codings, problems, codings_read=codings_read,
                            silent=silent)
    if codebook is not None and instrument is not None:
        _construct_warnings(codebook, instrument, settings, warn)
    _label_language_warnings(codebook, instrument, settings, warn)
    if corpus is not None:
        if "kwic" not in settings.given:
            warn.add(spath, "no 'kwic': no keyword-in-context tables are made; list terms"
                     + _kwic_example(corpus, codebook), None)
    elif "kwic" in settings.given:
        warn.add(spath, "'kwic' is set but the study has no transcripts; it is ignored",
                 line("kwic"))
    _check_group_by(settings, corpus, problems, warn)
    if codings_read:
        problem = saturation_base_problem(settings, corpus, codebook, codings)
        if problem is not None:  # the other analyses are not affected: reproduce refuses it
            warn.add(problem.path, f"{problem.message} (an error for 'citra-eval reproduce', "
                     "before any notebook runs)", problem.line)


@contextlib.contextmanager
def _roles_said():
    """Silence :func:`~citra_eval._validation.check_roles`'s warning that no turn has the
    informants' role: the study says it once, in its own warning lines (or its error), not
    again as a Python warning from each analysis it runs to check the settings."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="no turn has the role", category=UserWarning)
        yield


def _kwic_example(corpus: Corpus, codebook: Codebook | None) -> str:
    """The end of the 'no kwic' warning: an example from the study itself (the phrases of
    its codebook's patterns found most often in the informants' turns, where notebook 03
    looks), or, with nothing to take them from, what a term is."""
    phrases = list(dict.fromkeys(
        p.text for c in (codebook.codable_ids if codebook is not None else ())
        for p in codebook[c].patterns if p.kind == "phrase" and tokenize(p.text)))
    with _roles_said():
        found = kwic_counts(corpus, phrases, roles=["informant"], codebook=codebook) \
            if phrases else {}
    best = sorted((t for t, n in found.items() if n), key=lambda t: -found[t])[:2]
    if not best:
        return " (words or phrases whose uses in the informants' turns you want to read)"
    return (f", e.g. 'kwic: [{', '.join(best)}]' (phrases of the codebook's patterns found "
            "most often in the informants' turns)")


def _check_group_by(settings: StudySettings, corpus: Corpus | None, problems: list[Problem],
                    warn: _Warnings) -> None:
    """``group_by`` must name front-matter attributes of the transcripts; one that does not
    divide the interviews into groups is kept (the user chose it) with a warning."""
    if settings.group_by is None:
        return
    spath, line = shown_path(settings.path), settings.lines.get("group_by")
    if corpus is None or not len(corpus.segments):
        warn.add(spath, "'group_by' is set but the study has no transcripts; it is ignored",
                 line)
        return
    with _roles_said():
        why = ungrouped_attributes(corpus)
        known = [*grouping_attributes(corpus), *why]
    for name in settings.group_by:
        if name not in known:
            problems.append(Problem(spath, f"'group_by': {name!r} is not a front-matter "
                                    "attribute of the transcripts"
                                    + did_you_mean(name, known, " (their attributes: "
                                                   f"{', '.join(known) or 'none'})"), line))
        elif name in why:
            warn.add(spath, f"'group_by': {name!r} does not divide the interviews into "
                     f"groups: {why[name]}; its table has a column per value", line)


def saturation_base_problem(settings: StudySettings, corpus: Corpus | None,
                            codebook: Codebook | None,
                            codings: pd.DataFrame | None) -> Problem | None:
    """A ``saturation_base`` that leaves no run of interviews after it in those notebook 03's
    saturation counts (the coded interviews with an informant's turn), at its line of
    study.yaml; None when there is none, or no saturation (no transcripts, codebook or
    codings). Saturation refuses such a base (one rule:
    :func:`citra_eval.themes.saturation_base_size`), so notebook 03 would stop there, after
    the notebooks before it: ``load_study`` warns (a study whose interviews are still to
    come can be worked on), ``citra-eval reproduce`` refuses to run."""
    base = settings.saturation_base
    if base is None or corpus is None or codebook is None or codings is None \
            or not len(codings):
        return None
    coded = _coded_corpus(corpus, codings, _coverage(settings))
    n = len(documents_with_roles(coded, ("informant",)))
    try:
        saturation_base_size(base, n, SATURATION_RUN_LENGTH, name="'saturation_base'",
                             fix="remove it (saturation is then not judged, with a note)")
    except ValueError as exc:
        return Problem(shown_path(settings.path), f"{exc}; saturation (notebook 03) counts the "
                       "coded interviews with an informant's turn; lower it, or remove it for "
                       "the default (4, fewer in a small study)" if n > SATURATION_RUN_LENGTH
                       else str(exc), settings.lines.get("saturation_base"))
    return None


def _kwic_warnings(corpus: Corpus, codebook: Codebook | None, settings: StudySettings,
                   warn: _Warnings) -> None:
    """A ``kwic`` term that notebook 03 will not find in the informants' turns (where it
    looks): its table would be empty, most often for a misspelt term."""
    if not settings.kwic:
        return
    if not corpus.segments["role"].eq("informant").any():  # the roles are the cause
        warn.add(shown_path(settings.path), "'kwic': the transcripts have no informant turn, "
                 "where notebook 03 looks for the terms, so every keyword-in-context table is "
                 "empty; give the speakers their roles (see the warning on the transcripts' "
                 "roles)", settings.lines.get("kwic"))
        return
    found = kwic_counts(corpus, settings.kwic, roles=["informant"], codebook=codebook)
    for term, n in found.items():
        if not n:
            warn.add(shown_path(settings.path), f"'kwic': {quoted(term)} does not occur in "
                     f"the informants' turns of the {len(corpus.doc_ids)} transcript(s), so its "
                     "keyword-in-context table (notebook 03) is empty; check its spelling "
                     "against the transcripts, or remove it from 'kwic'",
                     settings.lines.get("kwic"))


def _label_language_warnings(codebook: Codebook | None, instrument: Instrument | None,
                             settings: StudySettings, warn: _Warnings) -> None:
    """Labels without one of the figures' languages: the outputs in that language (the
    joint display is drawn in both, ``06-joint-display-id`` and ``-en``) show another
    language's label in their place, mixing the two."""
    sources = []
    if codebook is not None:
        sources.append((settings.codebook, [(c.id, c.label, c.line) for c in codebook]))
    if instrument is not None:
        sources.append((settings.instrument,
                        [(name, sc.label, None) for name, sc in instrument.scales.items()]))
    for path, labels in sources:
        labelled = [(name, label, line) for name, label, line in labels if label]
        for lang in LANGS:
            lacking = [(name, line) for name, label, line in labelled if lang not in label]
            if not lacking:
                continue
            warn.add(shown_path(path), f"{len(lacking)} of {len(labelled)} labels have no "
                     f"{lang!r} text (first: {lacking[0][0]!r}): the outputs in {lang!r} "
                     f"(06-joint-display-{lang}, and a build with --lang {lang}) will "
                     "mix languages, showing another language's label in their place; give "
                     "each label in both: label: {id: ..., en: ...}", lacking[0][1])


def _construct_warnings(codebook: Codebook, instrument: Instrument, settings: StudySettings,
                        warn: _Warnings) -> None:
    """A code's ``construct`` that is not a scale of the instrument (a typo, most likely):
    the joint display would show that theme without survey evidence; or that is the
    study's ``outcome``: the theme gets the outcome's level but no effect."""
    scales = list(instrument.scales)
    for code in codebook.codes.values():
        if code.construct and code.construct == settings.outcome:
            warn.add(shown_path(settings.codebook), f"code {code.id!r}: 'construct: "
                     f"{code.construct}' is the study's outcome ('outcome' in "
                     f"{shown_path(settings.path)}), which the image model explains, so the "
                     "joint display shows no effect for this theme, only the outcome's level; "
                     "if a scale measures the strategy itself, link the theme to it instead",
                     code.line)
        elif code.construct and code.construct not in scales:
            hint = closest(code.construct, scales)
            fix = (f"did you mean {hint!r}?" if hint else
                   f"use one of its scales ({', '.join(scales) or 'none'})")
            warn.add(shown_path(settings.codebook), f"code {code.id!r}: 'construct: "
                     f"{code.construct}' is not a scale of {shown_path(settings.instrument)}, "
                     "so the joint display shows this theme without survey evidence; "
                     f"{fix} (or remove 'construct')", code.line)


def _groups_column(name: str, instrument: Instrument, responses: pd.DataFrame) -> bool:
    """True when ``compare_by`` accepts the demographic ``name``: not declared numeric, and
    dividing the respondents into two or more groups of two or more."""
    declared = instrument.demographic_types.get(name)
    if (declared is not None and declared.type == "numeric") or name not in responses:
        return False
    sizes = responses[name].dropna().astype(str).value_counts()
    return int((sizes >= 2).sum()) >= 2


def _check_groups(name: str, instrument: Instrument, responses: pd.DataFrame,
                  settings: StudySettings, problems: list[Problem], warn: _Warnings) -> None:
    """A ``compare_by`` column must divide the respondents into groups: not a numeric
    measurement, and at least two groups of two or more respondents. A group whose
    respondents all have the same score is a warning: the comparison leaves it out of
    Welch's ANOVA and Games-Howell (with a note) and keeps it in Kruskal-Wallis."""
    spath, line = shown_path(settings.path), settings.lines.get("compare_by")
    declared = instrument.demographic_types.get(name)
    if declared is not None and declared.type == "numeric":
        problems.append(Problem(spath, f"'compare_by': {name!r} is a numeric demographic (the "
                                "instrument says so), not groups; compare by a categorical or "
                                "ordinal column, or add a grouped copy of it (e.g. bands) to "
                                "the responses and the instrument", line))
        return
    if name not in instrument.demographics:
        problems.append(Problem(spath, f"'compare_by': {name!r} is a column of "
                                f"{shown_path(settings.responses)} but not one of the "
                                f"instrument's 'demographics'; add it there (in "
                                f"{shown_path(settings.instrument)}) to compare by it", line))
        return
    sizes = responses[name].dropna().astype(str).value_counts()
    if not _groups_column(name, instrument, responses):
        shown = ", ".join(f"{k!r}: {v}" for k, v in sizes.head(5).items()) or "no values"
        problems.append(Problem(spath, f"'compare_by': {name!r} does not divide the respondents "
                                "into two or more groups of two or more (its groups: "
                                f"{shown}); compare by another column", line))
        return
    small = {g: int(n) for g, n in sizes.items() if n < MIN_GROUP_SIZE}
    if small:
        shown = ", ".join(f"group {g!r} of {name!r} has {counted(n, 'respondent')}"
                          for g, n in list(small.items())[:5])
        if len(small) > 5:
            shown += f", and {len(small) - 5} more groups"
        warn.add(spath, f"'compare_by': {shown}, fewer than {MIN_GROUP_SIZE}: the group "
                 "comparisons' p values rest on large-sample approximations that so small a "
                 "group does not support (their 'note' says so); merge such a group into "
                 "another, or read its p values as exploratory", line)
    # Welch's ANOVA weighs each group by n / variance: a group of two or more whose answers
    # give one and the same score is left out of it (compare_groups notes it)
    scores = score_scales(responses, instrument, keep=[name], min_items=settings.min_items)
    alike: dict[str, list[str]] = {}
    for scale in instrument.scales:
        data = scores[[scale, name]].dropna()
        groups = data.groupby(data[name].astype(str), sort=True)[scale]
        if int((groups.size() >= 2).sum()) < 2:  # skip logic: asked of one group only
            warn.add(spath, f"'compare_by': scale {scale!r} has two or more respondents in "
                     f"{int((groups.size() >= 2).sum())} group(s) of {name!r} only (its "
                     f"groups: {groups.size().to_dict()}), so it is not compared by {name!r} "
                     "(the comparison's 'note' says so); a question asked of one group "
                     "only cannot differ between groups", line)
            continue
        for group, var in groups.var(ddof=1)[groups.size() >= 2].items():
            if not var > 0:
                alike.setdefault(group, []).append(scale)
    if alike:
        shown = "; ".join(f"{g!r} on {', '.join(s)}" for g, s in list(alike.items())[:5])
        if len(alike) > 5:
            shown += f"; and {len(alike) - 5} more groups"
        numeric = pd.to_numeric(responses[name].dropna().astype(str), errors="coerce")
        hint = (f"; {name!r} holds numbers: if it is a measurement, not groups, compare by a "
                "grouped copy of it (e.g. bands) instead"
                if len(sizes) > 5 and numeric.notna().all() else "")
        warn.add(spath, f"'compare_by': in {name!r}, every respondent of a group has the same "
                 f"score ({shown}), so Welch's ANOVA and Games-Howell, which weigh each group "
                 "by its variance, leave that group out (the comparison's 'note' says so; "
                 "Kruskal-Wallis keeps it); to compare it too, merge such a group into "
                 "another, or compare by another column" + hint, line)


def _check_control(name: str, responses: pd.DataFrame, settings: StudySettings,
                   problems: list[Problem]) -> None:
    """A text control the image model would refuse inside notebook 05 (more than
    :data:`~citra_eval.regression.MAX_CONTROL_LEVELS` levels), at its study.yaml line."""
    problem = control_levels_problem(responses[name], name)
    if problem is not None:
        problems.append(Problem(shown_path(settings.path), f"'controls': {problem}",
                                settings.lines.get("controls")))


def _check_control_levels(instrument: Instrument, responses: pd.DataFrame,
                          settings: StudySettings, problems: list[Problem]) -> None:
    """A level of a control with one respondent in the image model's analysis sample, which
    the image model would refuse inside notebook 05, at the 'controls' line."""
    outcome, controls = settings.outcome, list(settings.controls)
    if outcome is None or not controls:
        return
    predictors = default_predictors(instrument, outcome)
    data = analysis_sample(responses, instrument, outcome=outcome, predictors=predictors,
                           controls=controls, min_items=settings.min_items, with_id=True)
    problem = lone_level_problem(data, controls)
    if problem is None and len(data) > len(predictors) + len(controls) + 2:
        try:
            problem = leverage_one_problem(data, [*predictors, *controls],
                                           instrument.id_column)
        except InputError:  # no regressor varies: the model's own checks say so
            problem = None
    if problem is not None:
        problems.append(Problem(shown_path(settings.path), f"'controls': {problem}",
                                settings.lines.get("controls")))


def _no_predictors(settings: StudySettings, instrument: Instrument) -> str:
    """Why the image model of ``outcome`` has no predictor scale, and what to do."""
    outcome, inst = settings.outcome, shown_path(settings.instrument)
    others = [s for s in instrument.scales if s != outcome]
    strategies = instrument.scale_names("strategy")
    if strategies == [outcome]:
        return (f"'outcome': {outcome!r} is the only strategy scale ('role: strategy') of "
                f"{inst}, so the image model has no predictors left; name the scale the "
                f"strategies should explain (one of {', '.join(others) or 'none'}), or give "
                "the instrument another strategy scale")
    if strategies:
        return (f"'outcome': {no_predictors_reason(instrument, outcome)} (in {inst}), so the "
                "image model has no predictors left; name another scale as the outcome, or "
                f"give the instrument a strategy scale that is not part of {outcome!r}")
    return (f"'outcome': every other scale of {inst} shares items with {outcome!r} (or there "
            "is none), so the image model has no predictors; add the strategy scales to the "
            "instrument (with 'role: strategy')")


def declared_without_codings(settings: StudySettings, coders: Iterable[str], *,
                             silent: Iterable[str] = ()) -> list[Problem]:
    """A problem (at its line of study.yaml) for each coder ``double_coded`` declares who is
    not among ``coders`` (those with codings) nor among ``silent`` (a header-only
    ``codings_<coder>.csv``: read, nothing coded); ``validate`` and ``agree`` refuse them."""
    spath = shown_path(settings.path)
    line = settings.lines.get
    coders, silent = sorted(set(coders)), set(silent)
    return [Problem(spath, f"'double_coded': coder {coder!r} has no codings"
                    + (name_hint(coder, coders, what="coder names")
                       or f" (the codings have {', '.join(coders)})")
                    + NO_CODINGS_FIX, line(f"double_coded:{coder}", line("double_coded")))
            for coder in settings.double_coded or {} if coder not in coders
            and coder not in silent]


def _check_double_coded(settings: StudySettings, corpus: Corpus | None, codings: pd.DataFrame,
                        problems: list[Problem], *, codings_read: bool = True,
                        silent: set[str] | frozenset = frozenset()) -> None:
    """``double_coded`` against the codings (every coder declared, no unknown coder, no
    coding outside a coder's documents) and the transcripts (known document ids). When a
    codings file could not be read (``codings_read`` false; its own errors say why), a
    declared coder missing from the codings is not an error of its own; nor is a coder of
    ``silent`` (a header-only ``codings_<coder>.csv``: read, nothing coded)."""
    spath = shown_path(settings.path)
    declared = settings.double_coded or {}
    line = settings.lines.get
    coders = sorted(codings["coder"].astype(str).unique()) if len(codings) else []
    if coders and codings_read:
        problems.extend(declared_without_codings(settings, coders, silent=silent))
    missing = [c for c in coders if c not in declared]
    if missing:
        problems.append(Problem(
            spath, f"'double_coded' does not say which documents coder(s) "
            f"{', '.join(map(repr, missing))} rated; add "
            + ", ".join(f"'{c}: all' or '{c}: [<doc ids>]'" for c in missing),
            line("double_coded")))
    if corpus is None:
        return
    known = list(corpus.doc_ids)
    for coder, docs in declared.items():
        if docs == "all":
            continue
        for doc in docs:
            if doc not in known:
                listing = f" (its documents: {', '.join(known)})" if len(known) <= 12 else ""
                problems.append(Problem(
                    spath, f"'double_coded': coder {coder!r}: {doc!r} is not a document of "
                    f"{shown_path(settings.transcripts)}"
                    + (name_hint(doc, known, what="document ids") or listing),
                    line(f"double_coded:{coder}:{doc}",
                         line(f"double_coded:{coder}", line("double_coded")))))
        if coder in coders:
            mine = codings.loc[codings["coder"].astype(str) == coder, "doc_id"].astype(str)
            outside = sorted(set(mine) - set(docs))
            if outside:
                problems.append(Problem(
                    spath, f"'double_coded': coder {coder!r} has codings in "
                    f"{', '.join(outside)}, which their list leaves out; add "
                    f"{'them' if len(outside) > 1 else 'it'} to the list (or 'all')",
                    line(f"double_coded:{coder}", line("double_coded"))))


def _uncoded_document_warnings(corpus: Corpus, codings: pd.DataFrame, warn: _Warnings,
                               double_coded: dict | None, transcripts: str) -> None:
    """Documents without codings: one without an informant's turn (where others have them)
    has nothing to code and adds no unit to the agreement; with one coder there is no
    agreement to speak of; else what the agreement does with it (agreed 'no code' units,
    or left out). One line per kind: a document alone is named with its file, several
    (the first five, then how many more) with the transcripts folder (``transcripts``)."""
    coded = set(codings["doc_id"].astype(str))
    spoken = _informant_documents(corpus)
    one_coder = codings["coder"].nunique() == 1
    kinds: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for doc in corpus.doc_ids:
        if doc in coded:
            continue
        raters = tuple(c for c, docs in (double_coded or {}).items()
                       if docs == "all" or doc in docs)
        if spoken and doc not in spoken:  # none anywhere: roles undeclared (_role_warnings)
            kind = ("silent", ())
        elif one_coder:
            kind = ("declared", raters[:1]) if raters else ("one coder", ())
        elif len(raters) == 1:  # read by one coder, who found nothing: coded, no theme
            kind = ("declared alone", raters)
        else:
            kind = ("agreed", raters) if len(raters) >= 2 else ("left out", ())
        kinds.setdefault(kind, []).append(doc)
    paths = dict(zip(corpus.documents["doc_id"], corpus.documents["path"], strict=True))
    for (kind, raters), docs in kinds.items():
        one = len(docs) == 1
        shown = _first_five(docs)
        what = f"document {docs[0]!r}" if one else f"{len(docs)} documents ({shown})"
        has, it, its, is_ = ("has", "it", "its", "is") if one else ("have", "them", "their",
                                                                    "are")
        # an interview not coded yet is legitimate (the learned coder codes it): say what
        # the analyses do with it, and only ask to code it where it is declared coded
        later = (f"; code {it} when you can ('citra-eval code --learn-from' proposes codes "
                 "learned from the coded interviews)")
        message = {
            "silent": f"{what} {has} no informant turn, so there is nothing in {it} to code "
                      f"(reliability, the themes and saturation leave {it} out); if an "
                      f"informant speaks in {'it' if one else 'one'}, give that speaker the "
                      "role in the front matter ('speakers: {Name: informant, ...}'), else "
                      f"move {it} out of the transcripts folder",
            "declared": f"{what} {has} no codings, but 'double_coded' says {raters[0]} coded "
                        f"{it}, so the themes count {it} as "
                        f"{'an interview' if one else 'interviews'} without any theme; if "
                        f"{it} {is_} not coded yet, take {it} out of 'double_coded'"
                        if raters else "",
            "declared alone": f"{what} {has} no codings, but 'double_coded' says "
                              f"{raters[0]} alone coded {it}, so the themes count {it} as "
                              f"{'an interview' if one else 'interviews'} without any theme "
                              f"(and the learned coder learns from {its} turns as having "
                              f"none), while inter-coder agreement leaves {it} out (one "
                              f"coder); if {it} {is_} not coded yet, take {it} out of "
                              f"{raters[0]}'s 'double_coded'" if raters else "",
            "one coder": f"{what} {has} no codings, so the themes, saturation and the "
                         f"auto-coder's scores leave {it} out as not coded" + later,
            "agreed": f"no coder coded {what}: {its} turns count as agreed 'no code' units "
                      f"('double_coded' says {' and '.join(raters)} coded {it}) and raise "
                      f"the agreement; code {it}, or take {it} out of 'double_coded'",
            "left out": f"no coder coded {what}: inter-coder agreement and the themes leave "
                        f"{it} out as not coded (no two coders are known to have coded {it})"
                        + later,
        }[kind]
        warn.add(paths.get(docs[0]) if one else transcripts, message)


def _date_warnings(corpus: Corpus, settings: StudySettings, warn: _Warnings) -> None:
    """The notebooks order the interviews by the ``date`` of their front matter (saturation);
    without it for every transcript they fall back to the order of the transcripts. A
    transcript without an informant's turn is not an interview saturation counts: it needs
    no date."""
    docs = corpus.documents
    informed = _informant_documents(corpus)
    if informed:
        docs = docs[docs["doc_id"].astype(str).isin(informed)]
    if not len(docs):
        return
    dates = docs["date"] if "date" in docs.columns else pd.Series(None, index=docs.index)
    missing = docs.loc[dates.isna(), "doc_id"].astype(str).tolist()
    if not missing:
        return
    shown = _first_five(missing)
    warn.add(shown_path(settings.transcripts), f"no 'date' in the front matter of {shown}: "
             "the saturation analysis follows the order of the transcripts instead of the "
             "order the interviews were held; add 'date: YYYY-MM-DD' to each transcript's "
             "front matter")


def transcript_warnings(corpus: Corpus, codings: pd.DataFrame | None = None, *,
                        transcripts: str = "<transcripts>") -> list[str]:
    """The ``warning:`` lines :func:`load_study` gives about transcripts that need no
    ``study.yaml``, for ``validate`` with file arguments (as run after ``qdpx import``).

    Parameters
    ----------
    corpus : Corpus
        The transcripts.
    codings : DataFrame, optional
        Their codings (all files together); without them only the labels are checked.
    transcripts : str
        The transcripts' folder as messages show it.

    Returns
    -------
    list of str
        A line that looks like an undeclared speaker label (so it is read as part of the
        turn before it), and coded transcripts without an informant's turn.
    """
    warn = _Warnings()
    _speaker_label_warnings(corpus, warn)
    if codings is not None and len(codings):
        _role_warnings(corpus, codings, warn, transcripts)
    else:
        _no_role_warning(corpus, warn, transcripts)
    return warn.lines


#: How many codings on a turn that is not an informant's one file's warnings name.
_MAX_TURN_WARNINGS = 5


def turn_role_warnings(codings: pd.DataFrame, corpus: Corpus, *, path: str) -> list[str]:
    """``warning:`` lines for codings on a turn that is not an informant's (e.g. the
    interviewer's question), each with its line of the codings file.

    Parameters
    ----------
    codings : DataFrame
        One codings file, read with ``keep_lines=True`` (its ``_line`` column: each
        warning names its line); without it, each names its row (``row 1 (index 101)``).
    corpus : Corpus
        The transcripts the codings point into.
    path : str
        The codings file as messages show it.

    Returns
    -------
    list of str
        One line per such coding (at most five, then one saying how many more) in a
        document that has an informant's turn (one without any is
        :func:`transcript_warnings`' concern): reliability, the themes and the auto-coder
        count informants' turns only, so the coding is left out. The notes
        :func:`~citra_eval.validate_codings` gives as :class:`~citra_eval.CodingWarning`
        (:func:`~citra_eval.codings.turn_role_notes`).
    """
    return _capped_warnings(path, turn_role_notes(codings, corpus),
                            lambda note: (note[1], _coding_place(codings, note[0])),
                            "coding(s) on turns that are not an informant's")


def same_code_warnings(codings: pd.DataFrame, *, path: str) -> list[str]:
    """``warning:`` lines for a code given twice in one turn by one coder (spans that
    overlap but differ, e.g. a coding sheet's whole-turn mark and a quote of part of the
    turn with the same code), each at the later coding's line, naming the earlier one's.

    Parameters
    ----------
    codings : DataFrame
        One codings file, read with ``keep_lines=True`` (its ``_line`` column: each
        warning names its line); without it, each names its row (``row 1 (index 101)``).
    path : str
        The codings file as messages show it.

    Returns
    -------
    list of str
        One line per such pair (at most five, then one saying how many more): the turn
        then holds the code twice, and counts of codings (``n_codings``) count it twice.
    """
    def say(pair: tuple[int, int]) -> tuple[str, int | str]:
        i, j = pair
        r = codings.iloc[j]
        earlier = _coding_place(codings, i)
        earlier = earlier if isinstance(earlier, str) else f"line {earlier}"
        return (f"{r['doc_id']}, turn {int(r['segment_id'])}: code {r['code']!r} is given "
                f"twice by {r['coder']} (also on {earlier}, the spans overlapping): the turn "
                "holds the code twice and counts of codings count it twice; delete one of "
                "the two (a coding sheet's mark codes the whole turn, a quote its words), or "
                "merge them", _coding_place(codings, j))

    return _capped_warnings(path, same_code_overlaps(codings), say,
                            "code(s) given twice in one turn")


def cut_character_warnings(codings: pd.DataFrame, corpus: Corpus, *, path: str) -> list[str]:
    """``warning:`` lines for codings whose span starts or ends inside a user-perceived
    character (an emoji without its skin tone, part of a family emoji, a letter without
    its combining accent), each with its line of the codings file. A sheet quote is refused
    for that; a hand-written offset may be meant, so this only warns.

    Parameters
    ----------
    codings : DataFrame
        One codings file, read against ``corpus`` (valid offsets), with ``keep_lines=True``
        (its ``_line`` column: each warning names its line); without it, each names its
        row (``row 1 (index 101)``).
    corpus : Corpus
        The transcripts the codings point into.
    path : str
        The codings file as messages show it.

    Returns
    -------
    list of str
        One line per such coding (at most five, then one saying how many more), naming the
        character cut and the offset that would include it whole. The notes
        :func:`~citra_eval.validate_codings` gives as :class:`~citra_eval.CodingWarning`
        (:func:`~citra_eval.codings.cut_character_notes`).
    """
    return _capped_warnings(path, cut_character_notes(codings, corpus),
                            lambda note: (note[1], _coding_place(codings, note[0])),
                            "coding(s) starting or ending inside a character")


def _coding_place(codings: pd.DataFrame, at: int) -> int | str:
    """Where the coding at position ``at`` is: its line of its file (the ``_line`` column of
    ``keep_lines=True``), else, a DataFrame given in memory, its position and index label
    (``row 1 (index 101)``, :func:`~._validation.row_name`, as the package's checks name a
    row), never the line ``at + 2`` a CSV file would give it."""
    if "_line" in codings.columns:
        return int(codings["_line"].iat[at])
    return row_name(codings, at)


def _capped_warnings(path: str, hits: Sequence, say: Callable[[Any], tuple[str, int | str]],
                     more: str) -> list[str]:
    """``warning:`` lines of the file ``path``: one per hit, ``say(hit)`` giving its message
    and place (:func:`_coding_place`: ``path:line``, or ``path: row 1 (index 101)`` as
    :class:`~citra_eval.errors.Problem` shows a row), for the first
    :data:`_MAX_TURN_WARNINGS`; then one saying how many ``more``."""
    warn = _Warnings()
    for hit in hits[:_MAX_TURN_WARNINGS]:
        warn.add_at(path, *say(hit))
    if len(hits) > _MAX_TURN_WARNINGS:
        warn.add(path, f"and {len(hits) - _MAX_TURN_WARNINGS} more {more}")
    return warn.lines


#: Where roles other than informants' can be chosen (the end of the role warnings' fix).
_ROLES_OPTIONS = ("--roles ('citra-eval agree', 'citra-eval sheet export') or roles= (the "
                  "library's functions)")


def _role_warnings(corpus: Corpus, codings: pd.DataFrame, warn: _Warnings,
                   transcripts: str) -> None:
    """Coded documents without an informant's turn (speakers without a role, as a text
    imported from a QDA program has them): reliability, the themes and the auto-coder work
    on informants' turns, so their codings would be left out (or the notebooks stop)."""
    has_informant = _informant_documents(corpus)
    missing = [d for d in dict.fromkeys(codings["doc_id"].astype(str))
               if d not in has_informant]
    if not missing:
        return
    segs = corpus.segments
    segs = segs[segs["doc_id"].astype(str).isin(missing)]
    with_roles = {str(d): sorted({str(r) for r in g["role"] if isinstance(r, str) and r})
                  for d, g in segs.groupby("doc_id")}
    unroled = [d for d in missing if not with_roles.get(d)]
    roled = [d for d in missing if with_roles.get(d)]
    if roled:
        present = sorted({r for d in roled for r in with_roles[d]})
        warn.add(transcripts, f"coded transcript(s) {_first_five(roled)}: no turn has the role "
                 f"'informant' (roles here: {', '.join(present)}): only informants' turns are "
                 "coded by default (reliability, the themes and the auto-coder), so their "
                 f"codings are left out; {informants_fix(corpus.subset(roled))}; or pass the "
                 "roles to code with " + _ROLES_OPTIONS)
    if unroled:
        warn.add(transcripts, f"coded transcript(s) {_first_five(unroled)} have no "
                 "informant turn (their speakers have no role): reliability, the themes and "
                 "the auto-coder work on informants' turns, so their codings are left out; "
                 f"{roles_fix(corpus)}" + ("" if without_speakers(corpus) else
                                           " (or import the project again with 'citra-eval "
                                           "qdpx import ... --speakers LABEL=ROLE ...')"))


def _no_role_warning(corpus: Corpus, warn: _Warnings, transcripts: str) -> None:
    """Transcripts with speakers but no role at all, or roles but no informant's turn (no
    codings to name them by): coding, the coding sheets, reliability and the themes take
    informants' turns."""
    segs = corpus.segments
    named = segs["speaker"].map(lambda s: isinstance(s, str) and bool(s))
    roled = segs["role"].map(lambda r: isinstance(r, str) and bool(r))
    if named.any() and not roled.any():
        warn.add(transcripts, "no turn has a role, so nothing will be coded ('citra-eval "
                 "code' and 'sheet export', reliability and the themes take informants' "
                 f"turns); {roles_fix(corpus)}")
    elif roled.any() and not segs["role"].eq("informant").any():
        # roles in other words ('narasumber'): allowed, but the default selects no turn
        present = ", ".join(sorted(set(segs.loc[roled, "role"].astype(str))))
        warn.add(transcripts, f"no turn has the role 'informant' (roles here: {present}), "
                 "so nothing will be coded by default ('citra-eval code' and 'sheet export', "
                 f"reliability and the themes take informants' turns); {informants_fix(corpus)}; "
                 "or pass the roles to use with " + _ROLES_OPTIONS)


def _no_informant_problem(corpus: Corpus, transcripts: str) -> Problem | None:
    """The study's error for transcripts whose speakers have roles but none has the role
    ``informant`` (role words of another language, ``narasumber``, or a typo, ``informan``):
    every notebook analyses the informants' turns, so reliability would stop and the themes
    and the joint display would count zero informants. None when a turn is an informant's,
    or when no turn has a role (the role warnings say how to give them roles)."""
    segs = corpus.segments
    roled = segs["role"].map(lambda r: isinstance(r, str) and bool(r))
    if not roled.any() or segs["role"].eq("informant").any():
        return None
    present = sorted(set(segs.loc[roled, "role"].astype(str)))
    docs = list(dict.fromkeys(segs.loc[roled, "doc_id"].astype(str)))
    near = [r for r in present if r != "interviewer" and closest(r, ["informant"])]
    hint = "".join(f"; did you mean 'informant' for {r!r}?" for r in near[:1])
    return Problem(transcripts, advised(
        f"no speaker of the transcripts ({_first_five(docs)}) has the role 'informant' (roles "
        f"used: {', '.join(present)}{hint}): every notebook (reliability, the themes, the joint "
        f"display) analyses the informants' turns, so nothing would be analysed; "
        f"{informants_fix(corpus)}, then ", cli="run 'citra-eval validate' again",
        python="call ce.load_study() again"))


def _first_five(docs: list[str]) -> str:
    return ", ".join(docs[:5]) + (f" and {len(docs) - 5} more" if len(docs) > 5 else "")


def _informant_documents(corpus: Corpus) -> set[str]:
    """Doc ids with at least one informant's turn."""
    return informant_documents(corpus)


def _speaker_label_warnings(corpus: Corpus, warn: _Warnings) -> None:
    """A line opening with what reads like an undeclared speaker label (see
    :data:`_MULTIWORD_LABEL`): several capitalised words, or labels joined as a turn
    several speakers share (one of them declared). Either is read as part of the turn
    before it."""
    docs = corpus.documents.set_index("doc_id")
    segs = corpus.segments
    for doc in corpus.doc_ids:
        if docs.at[doc, "format"] not in ("txt", "md", "docx"):
            _nameless_cue_warning(corpus, doc, warn)  # subtitles carry the speaker in the cue
            continue
        front = front_matter_of(corpus, doc) or {}
        if not isinstance(front, dict) or front.get("turns") == "declared":
            continue  # only declared speakers start turns there, by the file's own choice
        speakers = front.get("speakers")
        roles = {unicodedata.normalize("NFC", str(s)): "" for s in (
            speakers if isinstance(speakers, dict | list) else [])}
        if isinstance(speakers, dict):
            roles.update({unicodedata.normalize("NFC", str(s)): str(r or "")
                          for s, r in speakers.items()})
        mine = segs[segs["doc_id"] == doc]
        for sp, role in zip(mine["speaker"], mine["role"], strict=True):
            if isinstance(sp, str) and sp:  # a .docx keeps no front matter to re-read
                roles.setdefault(unicodedata.normalize("NFC", sp), str(role or ""))
        if (len(mine) and not mine["speaker"].map(lambda s: isinstance(s, str) and bool(s)).any()
                and _no_declared_label_warning(corpus, doc, warn)):
            continue  # no turn at all: that is the warning, not each line
        text = corpus.text(doc)
        first = mine.head(1)
        offset = (int(first["line"].iloc[0]) - text.count("\n", 0, int(first["start"].iloc[0]))
                  if len(first) and pd.notna(first["line"].iloc[0]) else 1)
        for i, _, line_text in label_lines(text):  # lines, cut at page breaks too
            m = match_label(_MULTIWORD_LABEL, line_text)  # in whatever Unicode form
            if m is None or m[0] in roles:
                continue
            message = _undeclared_label_message(m[0], roles)
            if message:
                warn.add(docs.at[doc, "path"], message, offset + i)


def _nameless_cue_warning(corpus: Corpus, doc: str, warn: _Warnings) -> None:
    """Subtitle cues naming no speaker among cues that do: each run of them is a segment
    without speaker or role (it may be either speaker's, so it is not added to the turn
    before it)."""
    segs = corpus.segments_of(doc)
    named = segs["speaker"].map(lambda s: isinstance(s, str) and bool(s))
    if not named.any():
        speakers = declared_speakers(corpus, doc)
        if speakers and len(segs):
            warn.add(str(corpus.document(doc)["path"]), "no cue names a speaker the sidecar "
                     f"declares ({', '.join(speakers)}), so the file is read as text without "
                     "turns and none of it is coded as a speaker's; expected cues like "
                     f"'{speakers[0]}: ...' or '<v {speakers[0]}>...'")
        return
    if named.all():
        return
    nameless = segs.loc[~named, "line"]
    n = len(nameless)
    warn.add(str(corpus.document(doc)["path"]),
             f"{n} run(s) of cues name no speaker (the first on line {int(nameless.iloc[0])}): "
             "each is kept as a segment without a speaker or role, not added to the turn "
             "before it, so it is not coded as anyone's; write the speaker's name at the start "
             "of each such cue ('Name: ...' or '<v Name>...')")


def _no_declared_label_warning(corpus: Corpus, doc: str, warn: _Warnings) -> bool:
    """Warn about a transcript declaring speakers none of whose labels opens a line: read
    as one unlabelled segment (or paragraphs), so nothing in it is anyone's turn. Returns
    whether it warned."""
    speakers = declared_speakers(corpus, doc)
    if not speakers:
        return False
    path = str(corpus.document(doc)["path"])
    warn.add(path, f"no declared speaker label was found at the start of a line in "
             f"{Path(path).name}; expected lines like '{speakers[0]}: ...' (a declared label, a "
             "colon and the turn's words), so the transcript is read as text without turns "
             "and none of it is coded as a speaker's; write each turn that way")
    return True


def _undeclared_label_message(label: str, roles: dict[str, str]) -> str | None:
    """What a line opening with ``label:`` (not declared; ``roles``: the declared speakers'
    roles) is read as and how to fix it, or None when it reads as ordinary text."""
    def capitalised(part: str) -> bool:
        return all(w[0].isupper() for w in part.split())

    parts = [p for p in _JOINT_SEPARATOR.split(label) if p]
    if len(parts) > 1:
        known = [p for p in parts if p in roles]
        if (not known or len(parts) > 4 or not all(capitalised(p) or p in roles
                                                    for p in parts)):
            return None
        role = next(iter({roles[p] for p in known})) if len({roles[p] for p in known}) == 1 \
            else ""
        return (f"{label + ':'!r} looks like a turn several speakers share "
                f"({', '.join(parts)}), but {label!r} is not declared in 'speakers', so this "
                "line is read as part of the turn before it; declare the joint label (add "
                f"'\"{label}\": {role or '<role>'}' to 'speakers' in the front matter), or "
                "split the turn into one line per speaker")
    words = label.split()
    if len(words) > 4 or not capitalised(label):
        return None
    return (f"{label + ':'!r} looks like a speaker label, but {label!r} is not declared in "
            "'speakers', so this line is read as part of the turn before it; if it is a "
            f"speaker, add '\"{label}\": <role>' to 'speakers' in the front matter")



# --------------------------------------------------------------------------- new studies

def init_study(path: str | os.PathLike, *, example: bool = False, force: bool = False,
               title: str | None = None) -> Path:
    """Make a study folder: a new, empty one, or a copy of the example study.

    Parameters
    ----------
    path : str or path
        The folder to make (its parents are made too). It must be new or empty.
    example : bool
        Copy the bundled example study (``study.yaml``, transcripts, ``data/raw``, notebooks,
        reports; illustrative, not real findings) instead of making an empty study.
    force : bool
        Write into a non-empty folder, replacing files of the same name (other files stay).
        With ``example``, a folder holding a study is refused even so: the two would mix.
    title : str, optional
        The ``title`` written into a new study's ``study.yaml`` (default: the folder's name).

    Returns
    -------
    Path
        The study folder.

    Raises
    ------
    InputError
        ``path`` is a file (or a symbolic link, named pipe, ... to one), a non-empty folder
        without ``force``, with ``example`` a folder holding a study (a ``study.yaml``, or a
        data file in ``data/raw/`` or ``interview_transcripts/``) even with ``force``, a name
        longer than the file system allows, or where no folder can be made; nothing is
        written.

    Notes
    -----
    A new study holds ``study.yaml`` (every key, the optional ones commented out),
    ``README.md`` (the next steps, and how a reviewer checks the reports), ``.gitattributes``
    (git keeps line ends as committed, so the checksums hold in a clone),
    ``interview_transcripts/`` and ``data/raw/`` with commented
    templates named ``*.template.*`` (a transcript, codebook, codings, instrument and
    responses: never read as data, valid once copied to their names), and the notebooks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import citra_eval as ce
    >>> with tempfile.TemporaryDirectory() as d:
    ...     root = ce.init_study(pathlib.Path(d) / "mystudy")
    ...     study = ce.load_study(root)
    ...     names = sorted(p.name for p in root.iterdir())
    >>> names
    ['.gitattributes', 'README.md', 'data', 'interview_transcripts', 'notebooks', 'study.yaml']
    >>> study.settings.title
    'mystudy'
    """
    check_bool(example, "example")
    check_bool(force, "force")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise ValueError(f"title must be a non-empty str, got {title!r}")
    target = Path(path)
    spath = os.fspath(path)
    problem = output_path_problem(target, folder=True)
    if problem is not None:
        raise InputError(problem, path=spath)
    if target.exists() and not target.is_dir():
        raise InputError("this is a file; give a new folder for the study", path=spath)
    if example:
        _refuse_mixing(target, spath)
    if target.is_dir() and any(target.iterdir()) and not force:
        raise InputError("the folder is not empty; choose a new folder for the study, or pass "
                         "--force to write into it (files of the same name are replaced)",
                         path=spath)
    name = title.strip() if title else target.resolve().name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".init-", dir=target.parent))
    except OSError as exc:
        raise InputError(f"cannot make the study folder here: {exc.strerror}; choose a "
                         "folder you can write to (nothing was written)", path=spath) from None
    try:
        if example:
            _copy_example(staging)
        else:
            _copy_templates(staging, name)
        if not target.exists():  # all or nothing: one rename
            mask = os.umask(0)
            os.umask(mask)
            staging.chmod(0o777 & ~mask)  # a folder's usual mode, not mkdtemp's 0700
            os.replace(staging, target)
        elif not any(target.iterdir()):  # the user's folder, with its mode, group, ACL
            _move_into_empty(staging, target)
        else:  # --force: file by file, keeping what is not ours
            for f in sorted(p for p in staging.rglob("*") if p.is_file()):
                dest = target / f.relative_to(staging)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(f, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _refuse_mixing(target: Path, spath: str) -> None:
    """Refuse to copy the example study into a folder holding a study: ``force`` would
    replace its study.yaml, transcripts, codebook and codings with the example's and leave a
    mix of both. A study is a ``study.yaml`` or a data file (not a ``*.template.*``) in its
    raw-data folders."""
    if not target.is_dir():
        return
    found = [target / STUDY_FILE] if (target / STUDY_FILE).is_file() else []
    found += sorted(f for d in RAW_FOLDERS if (target / d).is_dir()
                    for f in (target / d).rglob("*")
                    if f.is_file() and ".template." not in f.name)
    if found:
        names = ", ".join(f.relative_to(target).as_posix() for f in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise InputError(f"the folder holds a study ({names}{more}): copying the example "
                         "into it would replace those files and mix the two studies, even "
                         "with --force; choose an empty folder for the example", path=spath)


def _move_into_empty(staging: Path, target: Path) -> None:
    """Move the entries of ``staging`` into the empty folder ``target``; a move that fails
    takes the moved ones out again, so that ``target`` is left empty."""
    moved = []
    try:
        for entry in sorted(staging.iterdir()):
            os.replace(entry, target / entry.name)
            moved.append(target / entry.name)
    except BaseException:
        for m in moved:
            if m.is_dir() and not m.is_symlink():
                shutil.rmtree(m, ignore_errors=True)
            else:
                m.unlink(missing_ok=True)
        raise


def _template_dir() -> Path:
    found = resources.files("citra_eval") / TEMPLATE_DIR
    if not isinstance(found, Path) or not found.is_dir():
        raise FileNotFoundError("the study templates are missing from this installation; "
                                "reinstall citra_eval")
    return found


def _wanted(rel: Path) -> bool:
    return not any(part.startswith(".") or part == "__pycache__" for part in rel.parts)


def _copy_tree(src: Path, dest: Path) -> None:
    files = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
    for f in files:
        rel = f.relative_to(src.parent if src.is_file() else src)
        if _wanted(rel):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest / rel)


#: ``.gitattributes`` of a new study: the checksums of the inputs and the manifest of the
#: reports are over exact bytes, so git must not convert line ends (``core.autocrlf``).
GITATTRIBUTES = """\
# citra_eval checks the inputs (data/raw/CHECKSUMS.sha256) and the reports
# (reports/MANIFEST.sha256) byte for byte: git must keep every file as committed,
# without converting line ends on checkout (core.autocrlf).
* -text
"""


def _copy_example(dest: Path) -> None:
    example = example_path()
    for name in EXAMPLE_CONTENT:
        src = example / name
        _copy_tree(src, dest / name if src.is_dir() else dest)
    shutil.copy2(_template_dir() / "README.example.md", dest / "README.md")
    (dest / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")


def _copy_templates(dest: Path, title: str) -> None:
    templates = _template_dir()
    for f in sorted(p for p in templates.rglob("*") if p.is_file()):
        rel = f.relative_to(templates)
        if not _wanted(rel) or rel.name == "README.example.md":
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        if rel.as_posix() == STUDY_FILE:
            text = f.read_text(encoding="utf-8").replace(
                "{title}", json.dumps(title, ensure_ascii=False))
            (dest / rel).write_text(text, encoding="utf-8")
        elif rel.as_posix() == "README.md":
            (dest / rel).write_text(f.read_text(encoding="utf-8").replace("{title}", title),
                                    encoding="utf-8")
        else:
            shutil.copy2(f, dest / rel)
    _copy_tree(example_path("notebooks"), dest / "notebooks")
    (dest / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
