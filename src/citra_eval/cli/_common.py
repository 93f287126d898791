"""Helpers shared by the commands: collecting problems, checking output paths, progress."""


from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import (
    RAW_FOLDERS,
    existing_files,
    output_path_problem,
    read_csv_table,
    refuse_repeated_files,
)
from .._validation import check_seed, counted, listed  # noqa: F401 (commands import counted)
from ..errors import InputError, Problem
from ..pipeline import holding_study
from ..study import STUDY_FILE, StudySettings, find_study_root, shown_path

if TYPE_CHECKING:
    import pandas as pd


class Problems(list):
    """Problems collected across several readers, so one run reports all of them."""
    def attempt(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)``, or None after recording its :class:`InputError`."""
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            self.extend(exc.problems)
            return None

    def raise_any(self) -> None:
        if self:
            raise InputError(problems=list(self))


def coder_name(value: str) -> str:
    """The ``type=`` of a ``--coder`` option: a name with something in it, trimmed."""
    if not value.strip():
        raise argparse.ArgumentTypeError("the coder's name must not be blank (e.g. --coder A)")
    return value.strip()


def seed_value(value: str) -> int:
    """The ``type=`` of a ``--seed`` option: a seed every random step takes, refused before
    anything runs (scikit-learn's learned coder stops at 2**32 - 1)."""
    try:
        number: object = int(value)
    except ValueError:
        number = value  # refused below as not a whole number
    try:
        return check_seed(number, "the seed")
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def check_out(path: str, *, folder: bool, flag: str = "--out",
               example: str = "study.qdpx") -> None:
    """Refuse an --out that cannot be written before anything is read or written.

    Catches an output of the wrong kind (a file where a folder is wanted and the other way
    round; a symbolic link, named pipe, device or socket where a file is wanted), a name or
    path longer than the file system allows, a path running through an existing file, and a
    folder without write permission; an empty value (an unset shell variable), and a file
    name ending in a slash (``Path`` would drop it and write a file named like a folder).
    """
    if not os.fspath(path).strip():
        raise InputError(f"{flag} is empty (an unset shell variable?); give "
                         + ("a folder name" if folder else f"a file name like {example}"),
                         path="citra-eval")
    if not folder and os.fspath(path).endswith(("/", os.sep)):
        raise InputError(f"{flag} ends with '/', so it names a folder, but a file is written "
                         f"here; give a file name like {os.path.join(path, example)}",
                         path=path)
    problem = output_path_problem(path, folder=folder)
    if problem is not None:
        raise InputError(f"{flag}: {problem}", path=path)
    try:
        _check_out_kind(path, folder=folder, flag=flag, example=example)
    except OSError as exc:  # e.g. a folder on the way that may not be searched
        raise InputError(f"{flag} cannot be used: {exc.strerror}; choose another output "
                         "path", path=path) from None


def require_csv(files: Mapping[str, str | None]) -> None:
    """Refuse every ``{option: path}`` whose name does not end in ``.csv`` (any case), e.g.
    ``table.txt`` or ``.csv`` (a hidden file without a name), all reported together."""
    problems = Problems()
    for flag, value in files.items():
        if value is not None and Path(value).suffix.lower() != ".csv":
            problems.append(Problem(value, f"{flag} must name a .csv file (e.g. "
                                    f"{flag.lstrip('-')}.csv)"))
    problems.raise_any()


def _check_out_kind(path: str, *, folder: bool, flag: str, example: str) -> None:
    p = Path(path)
    if folder and p.exists() and not p.is_dir():
        raise InputError(f"{flag} must be a folder, but this is a file; choose another name",
                         path=path)
    if not folder and p.is_dir():  # e.g. results -> results/auto.csv
        inside = os.path.join(path.rstrip("/" + os.sep) or path, example)
        raise InputError(f"{flag} must be a file name, but this is a folder; add a file name "
                         f"like {inside}", path=path)
    parent = p.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"this is a file, so {path} cannot be created inside it; choose "
                         "another output path", path=str(parent) if p.is_absolute() else
                         os.path.relpath(parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"no permission to write {path} into this folder; choose another "
                         "output path", path=str(parent))




def add_force(parser: argparse.ArgumentParser) -> None:
    """The ``--force`` option of every command that writes files."""
    parser.add_argument("--force", action="store_true",
                        help="replace existing raw data of a study, or write into a folder "
                             "holding other files (the command's own outputs are replaced, "
                             "other files kept)")


def _real(path: str | os.PathLike) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _study_of(path: str | os.PathLike) -> Path | None:
    """The study folder (holding ``study.yaml``) ``path`` lies in, links resolved; None
    outside every study."""
    here = _real(path)
    return next((root for root in (here, *here.parents) if (root / STUDY_FILE).is_file()),
                None)


@contextlib.contextmanager
def study_locked(command: str, *outputs: str | os.PathLike | None) -> Iterator[None]:
    """Hold the lock of every study folder one of ``outputs`` lies in (the lock ``reproduce``
    holds, :func:`~citra_eval.pipeline.holding_study`) while the command reads and writes, so
    that a run never reads half-written inputs and two commands never update one file
    together; an :class:`InputError` naming the lock file and its holder when it is taken.
    ``command`` is what the lock file says holds it (e.g. ``"reanchor"``)."""
    roots = sorted({root for out in outputs if out is not None
                    if (root := _study_of(out)) is not None})
    with contextlib.ExitStack() as stack:
        for root in roots:
            stack.enter_context(holding_study(root, holder=f"citra-eval {command}"))
        yield


def study_raw_folders(path: str | os.PathLike) -> list[Path]:
    """The raw data of the study ``path`` lies in: ``data/raw``, the transcripts folder and
    every input ``study.yaml`` names (a folder holding ``study.yaml``, or both
    ``interview_transcripts/`` and ``data/raw/``); ``[]`` outside a study."""
    here = _real(path)
    for root in (here, *here.parents):
        if (root / STUDY_FILE).is_file():
            found = [root / d for d in RAW_FOLDERS]
            try:
                st = StudySettings.load(root / STUDY_FILE)
            except InputError:  # a broken study.yaml: protect the standard layout
                return found
            return [*found, *(_real(p) for p in (st.transcripts, st.codebook, st.instrument,
                                                 st.responses, *st.codings))]
        if all((root / d).is_dir() for d in RAW_FOLDERS):
            return [root / d for d in RAW_FOLDERS]
    return []


def check_outputs(*, inputs: Mapping[str, str | Iterable[str] | None],
                  files: Mapping[str, str | None] | None = None,
                  folders: Mapping[str, tuple[str | None, Iterable[str]]] | None = None,
                  force: bool = False, examples: Mapping[str, str] | None = None,
                  protected: Mapping[str, Iterable[str]] | None = None) -> None:
    """Refuse outputs that would destroy data, before anything is read or written.

    Parameters
    ----------
    inputs : mapping
        ``{option: path or paths}`` of everything the command reads (files or folders).
    files : mapping
        ``{option: path}`` of the files the command writes.
    folders : mapping
        ``{option: (path, managed names)}`` of the folders the command writes into; the
        managed names are the entries it writes there (replaced on every run).
    force : bool
        ``--force`` was given.
    examples : mapping, optional
        ``{option: file name}``: the command's usual name for each output file (e.g.
        ``auto.csv``), suggested inside the folder when an output file names a folder
        (default ``out.csv``).
    protected : mapping, optional
        ``{option: entries}`` of output folders whose own entries the command replaces only
        with ``--force`` when files are already there (an import: a folder may hold the
        user's own ``codebook.yaml`` or transcripts under the names it writes); without,
        they are replaced on every run.

    Raises
    ------
    InputError
        An output is one of the inputs, lies inside an input folder, or would hold an
        input; an output file would replace an existing file of a study's raw data (without
        ``--force``); an output folder holds files the command did not write, or files
        under its ``protected`` entries (without ``--force``). Every problem is reported.
    """
    ins: list[tuple[str, str, Path]] = []
    for flag, value in inputs.items():
        for v in [value] if isinstance(value, str | os.PathLike) else (value or []):
            ins.append((flag, os.fspath(v), _real(v)))
    problems: list[Problem] = []
    seen: dict[Path, str] = {}
    for flag, path in [*(files or {}).items(), *((f, p) for f, (p, _) in (folders or {}).items())]:
        if path is not None and seen.setdefault(_real(path), flag) != flag:
            problems.append(Problem(path, f"{flag} and {seen[_real(path)]} name the same "
                                    "path; give each output its own"))
    for flag, path in (files or {}).items():
        if path is None:
            continue
        check_out(path, folder=False, flag=flag, example=(examples or {}).get(flag, "out.csv"))
        clashes = _clashes(flag, path, ins)
        problems += clashes
        target = _real(path)
        if not clashes and target.exists() and not force and any(
                _inside(target, raw) for raw in study_raw_folders(target.parent)):
            problems.append(Problem(path, f"{flag} would replace this raw-data file of the "
                                    "study; choose another output, or give --force to "
                                    "replace it"))
    for flag, (path, managed) in (folders or {}).items():
        if path is None:
            continue
        check_out(path, folder=True, flag=flag)
        managed = set(managed)
        problems += _clashes(flag, path, ins, managed=managed)
        target = _real(path)
        # its own entries are replaced wholesale: a link there is refused, as for files
        problems += [Problem(os.path.join(path, m), f"this is a symbolic link in {flag}, "
                             "where the command writes its own entry, and writing would "
                             "replace it; remove the link or choose another folder")
                     for m in sorted(managed) if (target / m).is_symlink()]
        if target.is_dir() and not force:
            other = sorted(p.name for p in target.iterdir() if p.name not in managed)
            if other:
                shown = ", ".join(other[:5]) + (f" and {len(other) - 5} more"
                                                if len(other) > 5 else "")
                problems.append(Problem(path, f"{flag} is a folder holding files this command "
                                        f"does not write ({shown}); choose an empty or new "
                                        "folder, or give --force (the command's own files "
                                        "are then replaced and the others kept)"))
            found = existing_files(target, (protected or {}).get(flag, ()))
            if found:
                problems.append(Problem(path, f"{flag} already holds files this command "
                                        "would replace or delete "
                                        f"({listed(found, 5, quote=False)}); give --force to "
                                        "replace them, or choose an empty or new folder"))
            raw = [r for r in study_raw_folders(target) if _inside(target, r)]
            if raw and any((target / m).exists() for m in managed):
                problems.append(Problem(path, f"{flag} lies in the study's raw data and "
                                        "already holds this command's files; choose another "
                                        "folder, or give --force to replace them"))
    if problems:
        raise InputError(problems=problems)


def distinct_files(paths: Iterable[str], flag: str) -> None:
    """Refuse a file given twice to ``flag`` under any spelling (``a.csv`` and ``./a.csv``, a
    symbolic or hard link to it): see :func:`~citra_eval._files.refuse_repeated_files`."""
    refuse_repeated_files(paths, to=f" to {flag}")


def _clashes(flag: str, path: str, ins: list[tuple[str, str, Path]], *,
             managed: Iterable[str] | None = None) -> list[Problem]:
    target = _real(path)
    out = []
    for in_flag, in_path, real in ins:
        if target == real:
            out.append(Problem(path, f"{flag} is one of the command's inputs ({in_flag}); "
                               "writing it would destroy the input, choose another name"))
        elif real.is_dir() and _inside(target, real):
            out.append(Problem(path, f"{flag} lies inside the input folder {in_path} "
                               f"({in_flag}); write outside the inputs"))
        elif managed is not None and any(_inside(real, target / m) for m in managed):
            out.append(Problem(path, f"{flag} would replace the input {in_path} ({in_flag}); "
                               "choose another folder"))
    return out


def progress(verbose: bool):
    if not (verbose or sys.stderr.isatty()):
        return None

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    return say


def print_differences(diffs, what: str) -> int:
    if diffs:
        for d in diffs:
            print(f"{d}", file=sys.stderr)
        print(f"{len(diffs)} file(s) differ from {what}", file=sys.stderr)
        return 1
    return 0


def study_here() -> StudySettings | None:
    """``study.yaml`` of the study folder the current folder is in, or None outside one.

    Commands use it for defaults: inside a study they need no path arguments.
    """
    try:
        root = find_study_root()
    except InputError:
        return None
    return StudySettings.load(root / STUDY_FILE)


def from_study(value, settings: StudySettings | None, key: str, flag: str):
    """``value`` if given, else the study's ``key`` (a path, shown relative to the current
    folder; a list of paths for ``codings``); outside a study an error naming ``flag``."""
    if value:
        return value
    if settings is None:
        raise InputError(f"{flag} is needed outside a study folder (inside one, its "
                         f"study.yaml says where the {key} are); give {flag}, or run inside a "
                         "study made with 'citra-eval init DIR'", path="citra-eval")
    target = getattr(settings, key)
    if key == "codings":
        return [shown_path(p) for p in target]
    return shown_path(target)


def inside_study(settings: StudySettings | None, *paths) -> bool:
    """True when the current folder is in a study and every given path lies inside it (its
    own files: study.yaml's choices apply to them; files of another study keep theirs)."""
    if settings is None:
        return False
    root = settings.path.parent
    given = [q for p in paths for q in ([p] if isinstance(p, str | os.PathLike) else p or [])]
    return all(Path(q).resolve().is_relative_to(root) for q in given)


def study_codebook(settings: StudySettings | None, *paths) -> str | None:
    """The study's codebook (shown relative to the current folder) as the default
    ``--codebook``, when the given inputs are the study's own (:func:`inside_study`) and it
    has a codebook."""
    if not inside_study(settings, *paths) or not settings.codebook.is_file():
        return None
    return shown_path(settings.codebook)


def study_coverage(settings: StudySettings | None, *paths) -> str | dict:
    """The default coverage of a command comparing coders: study.yaml's ``double_coded``
    when the given inputs are the study's own (:func:`inside_study`; inferred,
    ``documents``, when it does not say); ``all`` for files outside a study."""
    if not inside_study(settings, *paths):
        return "all"
    return dict(settings.double_coded) if settings.double_coded is not None else "documents"


def coverage_problem(problem: Problem, settings: StudySettings | None) -> Problem | None:
    """A problem of the coverage that came from study.yaml (``settings``), located at its
    ``double_coded`` line and named so; None for any other problem (or no study)."""
    if settings is None or problem.path or "coverage" not in problem.message:
        return None
    return Problem(shown_path(settings.path),
                   problem.message.replace("coverage", "'double_coded'"),
                   settings.lines.get("double_coded"))


def add_coverage(parser: argparse.ArgumentParser, elsewhere: str) -> None:
    """The ``--coverage`` option of a command comparing coders (``elsewhere``: what it
    assumes outside a study when not given)."""
    parser.add_argument(
        "--coverage", metavar="all|documents|FILE.csv",
        help="which documents each coder rated: 'all'; FILE.csv with columns coder, doc_id "
             "(one row per document a coder double-coded; doc_id 'all' for every document); "
             "or 'documents' to infer it from where each coder applied a code (noted: biased "
             "upward). Default inside a study, for its own files: study.yaml's double_coded, "
             f"inferred when it is not set; elsewhere {elsewhere}")


def named_coverage_file(coverage: str | dict | None) -> str | None:
    """The file a ``--coverage`` value names (None for 'all', 'documents', a study's)."""
    return (coverage if isinstance(coverage, str) and coverage not in ("all", "documents")
            else None)


def read_coverage(path: str) -> tuple[dict, dict[str, int]]:
    """A coverage table (coder, doc_id) as ``{coder: "all" or [doc ids]}``, and the line of
    each coder's first row."""
    table = read_csv_table(path, columns=["coder", "doc_id"], required=["coder", "doc_id"],
                           what="a coverage table", keep_lines=True)
    empty = table["coder"].isna() | table["doc_id"].isna()
    if empty.any():
        raise InputError("every row needs a coder and a doc_id (or 'all')", path=path,
                         line=int(table.loc[empty, "_line"].iloc[0]))
    out: dict = {}
    for coder, docs in table.groupby("coder", sort=False)["doc_id"]:
        out[coder] = "all" if "all" in set(docs) else list(docs)
    lines = table.drop_duplicates("coder").set_index("coder")["_line"].astype(int).to_dict()
    return out, lines


def check_coverage_coders(lines: dict[str, int], codings: pd.DataFrame, path: str) -> None:
    """Refuse a coverage file naming a coder who has no codings (a typo would otherwise
    declare coverage for nobody), at the line of the coder's first row."""
    have = sorted(set(codings["coder"].astype(str)))
    problems = [Problem(path, f"coder {coder!r} has no codings (the codings have "
                        f"{', '.join(have) or 'no coders'}); correct the name or remove the "
                        "row", line)
                for coder, line in lines.items() if coder not in have]
    if problems:
        raise InputError(problems=problems)
