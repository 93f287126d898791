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
from .models import (
    COEF_COLUMNS,
    compare_groups,
    correlation_matrix,
    describe_by,
    image_model,
    ordinal_model,
    ttest_groups,
)
from .paths import example_path, project_root
from .pseudonymise import PseudonymResult, load_key, pseudonymise, reidentify
from .psychometrics import item_statistics, omega_total, scale_reliability
from .qdpx import (
    Project,
    codebook_from_qdc,
    codebook_from_qdpx,
    codebook_to_qdc,
    read_qdpx,
    write_qdpx,
)
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
from .simulate import simulate_survey, survey_truth
from .survey import Instrument, Scale, likert_table, read_responses, score_scales

__version__ = "0.1.0"

__all__ = [
    "CODING_COLUMNS",
    "COEF_COLUMNS",
    "AlphaDetails",
    "Code",
    "Codebook",
    "Corpus",
    "InputError",
    "Instrument",
    "Pattern",
    "Project",
    "PseudonymResult",
    "Scale",
    "__version__",
    "agreement",
    "brennan_prediger",
    "codebook_from_qdc",
    "codebook_from_qdpx",
    "codebook_to_qdc",
    "cohen_kappa",
    "compare_groups",
    "consensus",
    "correlation_matrix",
    "describe_by",
    "disagreements",
    "example_path",
    "fleiss_kappa",
    "gwet_ac1",
    "image_model",
    "item_statistics",
    "krippendorff_alpha",
    "krippendorff_alpha_details",
    "krippendorff_alpha_sets",
    "likert_table",
    "load_key",
    "masi_distance",
    "omega_total",
    "ordinal_model",
    "percent_agreement",
    "project_root",
    "pseudonymise",
    "read_codings",
    "read_qdpx",
    "read_responses",
    "read_transcripts",
    "reidentify",
    "scale_reliability",
    "score_scales",
    "simulate_survey",
    "survey_truth",
    "ttest_groups",
    "validate_codings",
    "write_codings",
    "write_qdpx",
]
