"""Where the bundled example study and the project folder are.

The example study is package data (``citra_eval/example_study/`` inside an installed wheel,
copied there from the repository root at build time); in a source checkout or an editable
install it is read from the checkout itself, which stays its one source of truth.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from ._validation import check_choice

__all__ = ["EXAMPLE_DIR", "EXAMPLE_FILES", "example_path", "project_root"]

#: Where a built wheel keeps the example study, inside the package.
EXAMPLE_DIR = "example_study"

EXAMPLE_FILES = {
    "study": "study.yaml",
    "transcripts": "interview_transcripts",
    "codebook": "data/raw/codebook.yaml",
    "codings_A": "data/raw/codings_A.csv",
    "codings_B": "data/raw/codings_B.csv",
    "instrument": "data/raw/instrument.yaml",
    "responses": "data/raw/survey_responses.csv",
    "raw": "data/raw",
    "notebooks": "notebooks",
    "reports": "reports",
}


def _is_root(p: Path) -> bool:
    return (p / "study.yaml").is_file() or (
        (p / "interview_transcripts").is_dir() and (p / "data" / "raw").is_dir())


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The project folder: ``start`` (or the current folder) or the nearest parent holding
    ``study.yaml`` (or, in the older layout, ``interview_transcripts/`` and ``data/raw/``).

    Parameters
    ----------
    start : str or path, optional
        Where to start looking (default: the current folder).

    Returns
    -------
    Path
        The project folder (``$CITRA_EVAL_ROOT`` when that is set).

    Raises
    ------
    FileNotFoundError
        No such folder was found; the message says what to do. (The package's own source
        checkout is never used as a fallback: commands outside a study must not touch it.)

    Examples
    --------
    >>> import citra_eval as ce
    >>> root = ce.project_root(ce.example_path("transcripts"))
    >>> (root / "study.yaml").is_file()
    True
    """
    env = os.environ.get("CITRA_EVAL_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if _is_root(p):
            return p
    raise FileNotFoundError(
        "cannot find the project folder (one with study.yaml); run from inside it, make one "
        "with 'citra-eval init DIR', or set CITRA_EVAL_ROOT")


def _example_root() -> Path:
    packaged = resources.files("citra_eval") / EXAMPLE_DIR
    if isinstance(packaged, Path) and (packaged / "study.yaml").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "study.yaml").is_file() and (checkout / "pyproject.toml").is_file():
        return checkout
    raise FileNotFoundError(
        "the example study is missing from this installation; reinstall citra_eval from a "
        "wheel built with 'make dist' or from a source checkout")


def example_path(name: str | None = None) -> Path:
    """Path of the bundled (illustrative) example study, or of one of its files.

    Parameters
    ----------
    name : str, optional
        One of ``study, transcripts, codebook, codings_A, codings_B, instrument, responses,
        raw, notebooks, reports``; None for the study folder itself.

    Returns
    -------
    Path
        The file or folder (absolute). Treat it as read-only: ``citra-eval init DIR
        --example`` makes a copy to work in.

    Raises
    ------
    ValueError
        ``name`` is not one of the above.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.example_path("codebook").name
    'codebook.yaml'
    >>> (ce.example_path() / "study.yaml").is_file()
    True
    """
    root = _example_root()
    if name is None:
        return root
    return root / EXAMPLE_FILES[check_choice(name, "name", EXAMPLE_FILES)]
