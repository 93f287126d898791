"""citra_eval: mixed-methods evaluation of public-relations image building.

Code Indonesian interview transcripts into strategy themes, measure how reliably they were
coded, pair the themes with survey statistics, and rebuild every figure and table with one
command.
"""

from __future__ import annotations

from .agreement import agreement, consensus, disagreements
from .codebook import Code, Codebook, Pattern
from .codings import CODING_COLUMNS, read_codings, validate_codings, write_codings
from .corpus import Corpus, read_transcripts
from .errors import InputError
from .paths import example_path, project_root
from .reliability import (
    AlphaDetails,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_alpha_details,
    krippendorff_alpha_sets,
    masi_distance,
    percent_agreement,
)

__version__ = "0.1.0"

__all__ = [
    "CODING_COLUMNS",
    "AlphaDetails",
    "Code",
    "Codebook",
    "Corpus",
    "InputError",
    "Pattern",
    "__version__",
    "agreement",
    "brennan_prediger",
    "cohen_kappa",
    "consensus",
    "disagreements",
    "example_path",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "krippendorff_alpha_details",
    "krippendorff_alpha_sets",
    "masi_distance",
    "percent_agreement",
    "project_root",
    "read_codings",
    "read_transcripts",
    "validate_codings",
    "write_codings",
]
