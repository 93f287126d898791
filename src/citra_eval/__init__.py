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
from .integrate import construct_evidence, joint_display, meta_inferences, theme_evidence
from .paths import example_path, project_root

__version__ = "0.1.0"

__all__ = [
    "CODING_COLUMNS",
    "Code",
    "Codebook",
    "Corpus",
    "InputError",
    "Pattern",
    "__version__",
    "construct_evidence",
    "example_path",
    "joint_display",
    "meta_inferences",
    "project_root",
    "read_codings",
    "read_transcripts",
    "theme_evidence",
    "validate_codings",
    "write_codings",
]
