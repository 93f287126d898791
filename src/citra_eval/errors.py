"""The one exception users see for bad input, and how it is formatted.

Every reader validates at the boundary and raises :class:`InputError`; the command line turns
it into ``error: <file>[:<line>]: <message>`` lines and exit code 2.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass


class Advice(str):
    """A message whose advice depends on who reads it: the string itself is what a Python
    user reads (advice naming the Python call), :attr:`cli` the same message as the command
    line prints it (advice naming the command). Made by :func:`advised`; read by
    :func:`for_cli`. Passed on unchanged (a :class:`Problem`'s message, a warning line), it
    keeps both; composed into another string, it is the Python form.
    """

    cli: str

    def __new__(cls, python: str, cli: str) -> Advice:
        self = super().__new__(cls, python)
        self.cli = cli
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # pickle and copy keep both forms
        return str(self), self.cli

    def around(self, before: str = "", after: str = "") -> Advice:
        """Both forms with ``before`` and ``after`` added (a ``warning: <file>:`` prefix)."""
        return Advice(before + self + after, before + self.cli + after)


def advised(body: str, *, cli: str, python: str) -> Advice:
    """``body`` followed by the advice its reader can follow: ``cli`` on the command line
    (``run 'citra-eval reanchor'``), ``python`` in Python (``ce.reanchor(codings, corpus)``).

    >>> msg = advised("drifted: ", cli="run 'citra-eval reanchor'", python="ce.reanchor(...)")
    >>> msg, for_cli(msg)
    ('drifted: ce.reanchor(...)', "drifted: run 'citra-eval reanchor'")
    """
    return Advice(body + python, body + cli)


def for_cli(message: str | Problem | InputError) -> str:
    """``message`` as the command line prints it: its :attr:`Advice.cli` form, if it has one;
    a :class:`Problem` or :class:`InputError` as its ``error: ...`` lines with that advice."""
    if isinstance(message, (Problem, InputError)):
        return message._render(cli=True)
    return message.cli if isinstance(message, Advice) else message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file.

    ``line`` is a 1-based line number in the file (of a table's row: its CSV line, header =
    line 1); ``column`` names a table column when that is clearer. ``cell`` locates a
    spreadsheet cell as ``<worksheet>!<cell>`` (``coding!F12``). ``row`` names the row of a
    DataFrame given in memory (no file), by position and index label (``row 0 (index
    100)``); it is shown instead of ``line``.
    """

    path: str | None
    message: str
    line: int | None = None
    column: str | None = None
    cell: str | None = None
    row: str | None = None

    def format(self) -> str:
        """Render as the contract's ``error: <file>[:<line>]: <message>`` line (``<file>:
        <worksheet>!<cell>`` for a spreadsheet cell); :func:`for_cli` renders it with the
        message's advice as the command line gives it."""
        return self._render(cli=False)

    def _render(self, *, cli: bool) -> str:
        where = str(self.path) if self.path is not None else "<input>"
        if self.row is not None:
            where += f": {self.row}"
        elif self.line is not None:
            where += f":{self.line}"
        if self.cell is not None:
            where += f":{self.cell}"
        msg = for_cli(self.message) if cli else str(self.message)
        if self.column is not None and f"'{self.column}'" not in msg:
            msg = f"column '{self.column}': {msg}"
        return f"error: {where}: {msg}"


class InputError(ValueError):
    """Wrong input: a file or argument the user must fix.

    Attributes
    ----------
    path : str or None
        The file that is wrong (None for an in-memory argument).
    line : int or None
        1-based line (or CSV row line) where the problem is, when there is one.
    column : str or None
        The table column concerned, when there is one.
    cell : str or None
        The spreadsheet cell, as ``<worksheet>!<cell>``, when there is one.
    problems : list of Problem
        Every problem found (at least one); ``path``/``line`` describe the first.

    Examples
    --------
    >>> import citra_eval as ce
    >>> try:
    ...     ce.read_codings("no/such/codings.csv")
    ... except ce.InputError as err:
    ...     print(err.format())
    error: no/such/codings.csv: file not found; check the path
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        path: str | os.PathLike | None = None,
        line: int | None = None,
        column: str | None = None,
        problems: Iterable[Problem] | None = None,
        cell: str | None = None,
    ) -> None:
        probs = list(problems or [])
        if message is not None:
            probs.insert(0, Problem(_p(path), message, line, column, cell))
        if not probs:
            raise TypeError("InputError needs a message or problems")
        self.problems: list[Problem] = probs
        first = probs[0]
        self.path = first.path
        self.line = first.line
        self.column = first.column
        self.cell = first.cell
        self.message = first.message
        super().__init__("\n".join(p.format().removeprefix("error: ") for p in probs))

    def format(self) -> str:
        """All problems, one ``error: ...`` line each (:func:`for_cli` renders them as the
        command line prints them)."""
        return self._render(cli=False)

    def _render(self, *, cli: bool) -> str:
        return "\n".join(p._render(cli=cli) for p in self.problems)


def _p(path: str | os.PathLike | None) -> str | None:
    return None if path is None else os.fspath(path)


MAX_REPORTED = 20


def collect(problems: list[Problem], *, path: str | None = None,
            limit: int | None = None) -> None:
    """Raise one :class:`InputError` holding ``problems`` if there are any.

    With ``limit``, only the first ``limit`` problems are kept and a last line says how many
    more there were (a file with 10,000 bad rows should not flood the terminal).
    """
    if not problems:
        return
    shown = list(problems)
    if limit is not None and len(shown) > limit:
        extra = len(shown) - limit
        shown = shown[:limit]
        if path is None:  # the file(s) of the problems left out
            paths = list(dict.fromkeys(p.path for p in problems[limit:] if p.path is not None))
            path = " ".join(paths) or None
        shown.append(Problem(path, f"... and {extra} more problem(s) like these"))
    raise InputError(problems=shown)


def quoted(value: object, width: int = 60) -> str:
    """A value a user gave, echoed in a message: a text quoted (``repr``), anything else
    as its ``repr``; its middle elided when longer than ``width`` characters (a 10,000
    character phrase must not fill the terminal).

    Examples
    --------
    >>> quoted("kerja sama"), quoted(5)
    ("'kerja sama'", '5')
    >>> quoted("a" * 100, width=9)
    "'aaaa…aaaa'"
    """
    return repr(elided(value, width)) if isinstance(value, str) else elided(repr(value), width)


def elided(text: str, width: int = 60) -> str:
    """``text`` with its middle replaced by an ellipsis when longer than ``width``.

    Examples
    --------
    >>> elided("a" * 100, width=9)
    'aaaa…aaaa'
    """
    half = (width - 1) // 2
    return text if len(text) <= width else text[:half] + "\u2026" + text[-half:]


def compared_windows(a: str, b: str, width: int = 60) -> tuple[str, str]:
    """Two texts as a message comparing them shows them: whole when short, else the same
    window around their first difference in both (so the difference is never elided)."""
    if len(a) <= width and len(b) <= width:
        return a, b
    k = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
             min(len(a), len(b)))
    lo = max(0, k - width // 3)

    def window(t: str) -> str:
        part = t[lo:lo + width]
        return ("\u2026" if lo else "") + part + ("\u2026" if lo + width < len(t) else "")

    return window(a), window(b)


def quoted_pair(a: str, b: str, width: int = 60) -> tuple[str, str]:
    """:func:`compared_windows` quoted (``repr``) for a message."""
    said, holds = compared_windows(a, b, width)
    return repr(said), repr(holds)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word`` (for "did you mean ...?" hints), or None: one that
    differs from it only in case first (``r01`` is ``R01``, not ``R04``).

    >>> closest("r01", ["R04", "R01"]), closest("kerjasama", ["kerja_sama", "media"])
    ('R01', 'kerja_sama')
    """
    import difflib

    choices = sorted(choices)
    folded = word.casefold()
    same = [c for c in choices if c.casefold() == folded]
    if same:
        return same[0]
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(word: str, choices: Iterable[str], otherwise: str = "") -> str:
    """``"; did you mean 'x'?"`` for the choice most like ``word``, else ``otherwise`` (the
    tail of a message saying ``word`` is not one of ``choices``)."""
    hint = closest(word, choices)
    return f"; did you mean {hint!r}?" if hint else otherwise


def likely_name(word: str, names: Iterable[str]) -> str | None:
    """The name ``word`` most likely stands for where a near miss names something else (a
    document id, a coder): one that differs from it only in letter case, else the only one a
    typo away (:func:`one_typo`; not a one-letter name for another); None when there is
    none, or several names a typo away (a guess between them would name another).

    >>> likely_name("inf03", ["INF03"]), likely_name("Rini", ["Rina"])
    ('INF03', 'Rina')
    >>> likely_name("INF05", ["INF03", "INF04"]), likely_name("INF0", ["INF01", "INF02"])
    (None, None)
    """
    names = sorted({str(n) for n in names})
    folded = word.casefold()
    same = [n for n in names if n.casefold() == folded and n != word]
    if same:
        return same[0]
    typos = [n for n in names if max(len(word), len(n)) > 1 and one_typo(word, n)]
    return typos[0] if len(typos) == 1 else None


def name_hint(word: str, names: Iterable[str], *, what: str, fix: str = "") -> str:
    """``" (did you mean 'x'?)"`` for the name :func:`likely_name` finds, saying that
    ``what`` (``"document ids"``) are case-sensitive when only the case differs (then
    ``fix``, if given, after a colon); ``""`` when there is none. For messages about an
    unknown document id or coder name, where a near miss names another one.

    >>> name_hint("rina", ["Rina"], what="coder names")
    " (did you mean 'Rina'? coder names are case-sensitive)"
    """
    hint = likely_name(word, names)
    if hint is None:
        return ""
    if hint.casefold() == word.casefold():
        return f" (did you mean {hint!r}? {what} are case-sensitive{': ' + fix if fix else ''})"
    return f" (did you mean {hint!r}?)"


def one_typo(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one typo: a character left out or added, two
    neighbours swapped, or one written for another; a digit for a digit is not a typo but
    another number ('INF04' is another interview than 'INF03').

    Stricter than :func:`closest`, which it does not replace: ``closest`` finds names a few
    characters apart (for hints about codes, keys and options), ``one_typo`` says whether a
    guess is safe where a near miss names something else (a document id).

    >>> one_typo("INF3", "INF03"), one_typo("IFN03", "INF03"), one_typo("INF04", "INF03")
    (True, True, False)
    """
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    head = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))
    if len(a) != len(b):
        short, long_ = sorted((a, b), key=len)
        return short[head:] == long_[head + 1:]
    if a[head + 1:] == b[head + 1:]:
        return not (a[head].isdigit() and b[head].isdigit())
    return a[head:head + 2] == b[head:head + 2][::-1] and a[head + 2:] == b[head + 2:]
