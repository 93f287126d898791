"""Where the example study's raw inputs and the generated reports live.

The repository layout (see CONTRACT.md) is found from ``$CITRA_EVAL_ROOT``, else the current
folder or one of its parents, else the source checkout this package was installed from.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["EXAMPLE_FILES", "example_path", "project_root"]

EXAMPLE_FILES = {
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
    return (p / "interview_transcripts").is_dir() and (p / "data" / "raw").is_dir()


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The project folder holding ``interview_transcripts/`` and ``data/raw/``.

    Parameters
    ----------
    start : str or path, optional
        Where to start looking (default: the current folder); the folder itself and its
        parents are searched, then the checkout this package was installed from.

    Returns
    -------
    Path
        The project folder (``$CITRA_EVAL_ROOT`` when that is set).

    Raises
    ------
    FileNotFoundError
        No such folder was found; the message says what to do.

    Examples
    --------
    >>> import citra_eval as ce
    >>> root = ce.project_root()
    >>> (root / "interview_transcripts").is_dir() and (root / "data" / "raw").is_dir()
    True
    """
    env = os.environ.get("CITRA_EVAL_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if _is_root(p):
            return p
    src = Path(__file__).resolve().parents[2]
    if _is_root(src):
        return src
    raise FileNotFoundError(
        "cannot find the project folder (one with interview_transcripts/ and data/raw/); "
        "run from inside it or set CITRA_EVAL_ROOT")


def example_path(name: str) -> Path:
    """Path of a file of the bundled (illustrative) example study.

    Parameters
    ----------
    name : str
        One of ``transcripts, codebook, codings_A, codings_B, instrument, responses, raw,
        notebooks, reports``.

    Returns
    -------
    Path
        The file or folder inside :func:`project_root`.

    Raises
    ------
    ValueError
        ``name`` is not one of the above.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.example_path("codebook").name
    'codebook.yaml'
    """
    try:
        rel = EXAMPLE_FILES[name]
    except KeyError:
        raise ValueError(f"name must be one of {', '.join(EXAMPLE_FILES)}, got {name!r}") from None
    return project_root() / rel
