"""The :class:`Project`: a REFI-QDA project read into citra_eval's tables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._files import atomic_dir, existing_files, write_csv
from .._validation import check_bool, listed
from ..codebook import Codebook
from ..codings import write_codings
from ..corpus import (
    Corpus,
    write_transcripts,
)
from ..errors import InputError
from .inventory import DISCARDED_COLUMNS
from .memos import MEMO_COLUMNS, empty_memos
from .positions import ConventionChoice
from .write import write_qdpx

#: What :meth:`Project.save` writes into its folder (replaced wholesale on every save).
SAVED_ENTRIES = ("transcripts", "codebook.yaml", "codings.csv", "memos.csv", "users.csv")
#: Columns of :attr:`Project.users`: ``project`` says who made and last changed the project,
#: and when (``created 2024-05-01T08:00:00Z``, ``modified ...``, or both joined by ``; ``).
USER_COLUMNS = ["guid", "name", "user_id", "project"]


@dataclass
class Project:
    """A REFI-QDA project read into citra_eval's tables.
    Attributes
    ----------
    name : str
        The project's name.
    corpus : Corpus
        One document per text source; segments are speaker turns (or paragraphs).
    codebook : Codebook
        The project's code tree.
    codings : DataFrame
        ``doc_id, segment_id, start, end, code, coder, evidence, note``: one row per coding of
        a text selection, offsets into the corpus texts; ``coder`` is the name of the user who
        made the coding. For a project from another program also ``selection_guid,
        coding_guid, coder_guid, created`` (where they differ from what citra_eval derives)
        and ``selection_user_guid, selection_created`` (the selection's own creating user
        and date, where they differ from its coding's), so that an export gives them back.
    users : DataFrame
        ``guid, name, user_id, project`` of the project's users (also those without codings;
        saved as ``users.csv`` and exported again with ``--users``). ``project`` is the
        project's own record (``creatingUserGUID``, ``creationDateTime``,
        ``modifyingUserGUID``, ``modifiedDateTime`` of ``<Project>``) on the users it names:
        ``created 2024-05-01T08:00:00Z`` on its creator, ``modified <date>`` on its last
        modifier (``created ...; modified ...`` when one user did both); an export writes it
        back. A creator or modifier the project does not list as a user is added, named as
        an undeclared coder is (``user abcdef12``).
    cases : DataFrame
        ``case_guid, case, doc_id`` (one row per case and source it refers to, ``doc_id``
        missing for a case without sources), then one column per variable.
    origin : str or None
        The program that wrote the file.
    notes : list of str
        What was read differently from the file or left out (non-text sources, empty or
        duplicate selections), for the user to check.
    memos : DataFrame
        The project's memos (:data:`~citra_eval.qdpx.memos.MEMO_COLUMNS`): its notes and
        the descriptions of the project, sources, cases, sets and variables, and comments on
        uncoded selections, each with what it is ``about``. (Notes on codings are the
        codings' ``note``.)
    discarded : DataFrame
        What the file holds that is not kept (``what, count, codings``): PDF, picture,
        audio and video sources, links, graphs, code sets, ... (see
        :func:`citra_eval.qdpx.inventory.discarded`).
    positions : ConventionChoice or None
        How the file's positions were counted (``.convention``: code points or UTF-16 units,
        CRLF as 2 or 1), what decided it (``.basis``), the ``.scores`` of every reading and
        a one-line ``.summary()``.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "study.qdpx"
    >>> ce.write_qdpx(out, corpus, cb, a)
    >>> project = ce.read_qdpx(out)
    >>> len(project.corpus), len(project.codings) == len(a), project.codebook.ids == cb.ids
    (11, True, True)
    """
    name: str
    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    users: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=USER_COLUMNS))
    cases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["case_guid",
                                                                              "case", "doc_id"]))
    origin: str | None = None
    path: str | None = None
    notes: list[str] = field(default_factory=list)
    positions: ConventionChoice | None = None
    memos: pd.DataFrame = field(default_factory=empty_memos)
    discarded: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=DISCARDED_COLUMNS))

    def write(self, path: str | os.PathLike, *, positions: str | None = None) -> None:
        """Export this project again as a ``.qdpx`` (see :func:`write_qdpx`).

        Parameters
        ----------
        path : str or path-like
            The ``.qdpx`` to write.
        positions : {"codepoint", "utf16"}, optional
            How positions count (:func:`write_qdpx`). Default: as the file read counted
            them (:attr:`positions`), so that a project from NVivo, which counts UTF-16
            units, goes back as NVivo reads it; code points for a project not read from a
            file.
        """
        if positions is None:
            positions = (self.positions.convention.units if self.positions is not None
                         else "codepoint")
        write_qdpx(path, self.corpus, self.codebook, self.codings, name=self.name,
                   positions=positions, memos=self.memos, users=self.users)

    def save(self, folder: str | os.PathLike, *, replace: bool = False) -> list[Path]:
        """Write the project as a citra_eval study into ``folder`` (atomically).

        ``transcripts/<doc_id>.txt`` (front matter + text, so the codings' offsets slice
        them; the folder is made even when the project has no texts), ``codebook.yaml``
        (when the project has codes: a codebook needs at least one), ``codings.csv``,
        ``memos.csv`` (when there are memos) and ``users.csv`` (when some users made no
        coding, users have an ``id``, or the project records its creator or modifier: the
        others' GUIDs are in ``codings.csv``); returns
        the files written (relative to ``folder``). Other files in ``folder`` are kept.
        ``citra-eval qdpx export`` exports the folder again, without ``--codebook`` when
        there is none.

        Parameters
        ----------
        folder : str or path-like
            The folder to write into (made when missing).
        replace : bool, default False
            Whether files already under those names (:data:`SAVED_ENTRIES`, e.g. the user's
            own ``codebook.yaml`` or a ``transcripts/INF01.txt``) may be replaced or deleted:
            the entries are replaced wholesale, so that transcripts of an earlier save do not
            linger. By default such files are refused, as ``qdpx import`` refuses them
            without ``--force``.

        Returns
        -------
        list of Path
            The files written, relative to ``folder``, sorted.

        Raises
        ------
        InputError
            ``folder`` holds files under the saved names and ``replace`` is False; nothing
            is written.
        """
        if not check_bool(replace, "replace"):
            refuse_replacing(folder, SAVED_ENTRIES, how="give replace=True to replace them")

        with atomic_dir(folder, managed=SAVED_ENTRIES) as tmp:
            write_transcripts(self.corpus, tmp / "transcripts")
            (tmp / "transcripts").mkdir(exist_ok=True)  # also for a project without texts
            if self.codebook.codes:
                self.codebook.save(tmp / "codebook.yaml")
            write_codings(self.codings, tmp / "codings.csv", corpus=self.corpus, within="text")
            if not self.memos.empty:
                write_csv(self.memos[MEMO_COLUMNS], tmp / "memos.csv")
            if users_table_needed(self.users, self.codings):
                write_csv(self.users.reindex(columns=USER_COLUMNS), tmp / "users.csv")
            return sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())



def refuse_replacing(folder: str | os.PathLike, entries, *, how: str) -> None:
    """An :class:`InputError` naming the files already under ``entries`` of ``folder``
    (which writing those entries would replace or delete), with ``how`` to allow it."""
    found = existing_files(folder, entries)
    if found:
        raise InputError(f"this folder already holds files the import would replace or "
                         f"delete ({listed(found, 5, quote=False)}); choose an empty or new "
                         f"folder, or {how}", path=os.fspath(folder))


def users_table_needed(users: pd.DataFrame, codings: pd.DataFrame) -> bool:
    """Whether :meth:`Project.save` writes ``users.csv``: for users without codings, users'
    ids (initials) or the project's record, which ``codings.csv`` lacks."""
    users = users.reindex(columns=USER_COLUMNS)
    given = users[["user_id", "project"]].map(lambda v: isinstance(v, str) and bool(v.strip()))
    coders = set(codings["coder"].astype(str))
    return not set(users["name"].astype(str)) <= coders or bool(given.any(axis=None))
