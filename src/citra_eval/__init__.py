"""citra_eval: mixed-methods evaluation of public-relations image building.

Code Indonesian interview transcripts into strategy themes, measure how reliably they were
coded, pair the themes with survey statistics, and rebuild every figure and table with one
command.
"""

from __future__ import annotations

from .codebook import Code, Codebook, Pattern
from .codings import CODING_COLUMNS, read_codings, validate_codings, write_codings
from .corpus import Corpus, read_transcripts
from .errors import InputError
from .paths import example_path, project_root
from .pseudonymise import PseudonymResult, load_key, pseudonymise, reidentify
from .qdpx import (
    Project,
    codebook_from_qdc,
    codebook_from_qdpx,
    codebook_to_qdc,
    read_qdpx,
    write_qdpx,
)

__version__ = "0.1.0"

__all__ = [
    "CODING_COLUMNS",
    "Code",
    "Codebook",
    "Corpus",
    "InputError",
    "Pattern",
    "Project",
    "PseudonymResult",
    "__version__",
    "codebook_from_qdc",
    "codebook_from_qdpx",
    "codebook_to_qdc",
    "example_path",
    "load_key",
    "project_root",
    "pseudonymise",
    "read_codings",
    "read_qdpx",
    "read_transcripts",
    "reidentify",
    "validate_codings",
    "write_codings",
    "write_qdpx",
]
