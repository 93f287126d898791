"""citra_eval: mixed-methods evaluation of public-relations image building.

Code Indonesian interview transcripts into strategy themes, measure how reliably they were
coded, pair the themes with survey statistics, and rebuild every figure and table with one
command.
"""

from __future__ import annotations

from .analysis import (
    code_case_matrix,
    code_frequencies,
    cooccurrence,
    cooccurrence_matrix,
    exemplar_quotes,
    kwic,
    saturation,
    save_case_matrix,
)
from .codebook import Code, Codebook, Pattern
from .coding import Matcher, autocode, autocode_report, evaluate_coder, match_patterns
from .codings import CODING_COLUMNS, read_codings, validate_codings, write_codings
from .corpus import Corpus, read_transcripts
from .errors import InputError
from .paths import example_path, project_root

__version__ = "0.1.0"

__all__ = [
    "CODING_COLUMNS",
    "Code",
    "Codebook",
    "Corpus",
    "InputError",
    "Matcher",
    "Pattern",
    "__version__",
    "autocode",
    "autocode_report",
    "code_case_matrix",
    "code_frequencies",
    "cooccurrence",
    "cooccurrence_matrix",
    "evaluate_coder",
    "example_path",
    "exemplar_quotes",
    "kwic",
    "match_patterns",
    "project_root",
    "read_codings",
    "read_transcripts",
    "saturation",
    "save_case_matrix",
    "validate_codings",
    "write_codings",
]
