"""citra_eval: mixed-methods evaluation of public-relations image building.

Code Indonesian interview transcripts into strategy themes, measure how reliably they were
coded, pair the themes with survey statistics, and rebuild every figure and table with one
command.
"""

from __future__ import annotations

from ._version import __version__
from .autocoding import (
    Matcher,
    autocode,
    autocode_report,
    evaluate_coder,
    explain,
    match_patterns,
)
from .codebook import Code, Codebook, Pattern
from .codings import CODING_COLUMNS, read_codings, validate_codings, write_codings
from .corpus import Corpus, read_transcripts
from .errors import InputError
from .intercoder import CoverageWarning, agreement, consensus, disagreements
from .mixed_methods import construct_evidence, joint_display, meta_inferences, theme_evidence
from .outputs import (
    check_manifest,
    note,
    save_figure,
    save_table,
    set_reproducible_style,
    write_manifest,
)
from .paths import example_path, project_root
from .pseudonymisation import PseudonymResult, load_key, pseudonymise, reidentify
from .psychometrics import item_statistics, omega_total, scale_reliability
from .qdpx import (
    Project,
    codebook_from_qdc,
    codebook_from_qdpx,
    codebook_to_qdc,
    read_qdpx,
    write_qdpx,
)
from .regression import (
    COEF_COLUMNS,
    compare_groups,
    correlation_matrix,
    describe_by,
    image_model,
    ordinal_model,
    ttest_groups,
)
from .reliability import (
    AlphaDetails,
    CategoryWarning,
    agreement_coefficients,
    agreement_weights,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    icc,
    kendall_w,
    krippendorff_alpha,
    krippendorff_alpha_details,
    krippendorff_alpha_sets,
    masi_distance,
    percent_agreement,
    presence_agreement,
    scott_pi,
)
from .simulate import SimulationSettings, simulate_survey, survey_truth
from .study import Study, StudySettings, example_study, find_study_root, load_study
from .survey import Instrument, Scale, likert_table, read_responses, score_scales
from .themes import (
    code_case_matrix,
    code_frequencies,
    cooccurrence,
    cooccurrence_matrix,
    exemplar_quotes,
    kwic,
    saturation,
    save_case_matrix,
)

__all__ = [
    "CODING_COLUMNS",
    "COEF_COLUMNS",
    "AlphaDetails",
    "CategoryWarning",
    "Code",
    "Codebook",
    "Corpus",
    "CoverageWarning",
    "InputError",
    "Instrument",
    "Matcher",
    "Pattern",
    "Project",
    "PseudonymResult",
    "Scale",
    "SimulationSettings",
    "Study",
    "StudySettings",
    "__version__",
    "agreement",
    "agreement_coefficients",
    "agreement_weights",
    "autocode",
    "autocode_report",
    "brennan_prediger",
    "check_manifest",
    "code_case_matrix",
    "code_frequencies",
    "codebook_from_qdc",
    "codebook_from_qdpx",
    "codebook_to_qdc",
    "cohen_kappa",
    "compare_groups",
    "conger_kappa",
    "consensus",
    "construct_evidence",
    "cooccurrence",
    "cooccurrence_matrix",
    "correlation_matrix",
    "describe_by",
    "disagreements",
    "evaluate_coder",
    "example_path",
    "example_study",
    "exemplar_quotes",
    "explain",
    "find_study_root",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "icc",
    "image_model",
    "item_statistics",
    "joint_display",
    "kendall_w",
    "krippendorff_alpha",
    "krippendorff_alpha_details",
    "krippendorff_alpha_sets",
    "kwic",
    "likert_table",
    "load_key",
    "load_study",
    "masi_distance",
    "match_patterns",
    "meta_inferences",
    "note",
    "omega_total",
    "ordinal_model",
    "percent_agreement",
    "presence_agreement",
    "project_root",
    "pseudonymise",
    "read_codings",
    "read_qdpx",
    "read_responses",
    "read_transcripts",
    "reidentify",
    "saturation",
    "save_case_matrix",
    "save_figure",
    "save_table",
    "scale_reliability",
    "score_scales",
    "scott_pi",
    "set_reproducible_style",
    "simulate_survey",
    "survey_truth",
    "theme_evidence",
    "ttest_groups",
    "validate_codings",
    "write_codings",
    "write_manifest",
    "write_qdpx",
]
