"""Every fixed text that citra_eval puts into a figure or a table, in Indonesian and English.

One table, :data:`LABELS`, maps a dotted key to its text in each language of
:data:`citra_eval._validation.LANGS`; :func:`label` looks one up (and fills its ``{fields}``).
Study-specific words (code, scale and column labels) are never here: they come from the
study's codebook and instrument.

To add a language, add it to ``LANGS`` and give every entry a text in it (a test checks that
every entry has every language and the same ``{fields}`` in each).
"""

from __future__ import annotations

import string

from ._validation import LANGS, check_lang

__all__ = ["LABELS", "label", "label_fields"]

#: key -> {lang: text}. Texts may hold ``str.format`` fields, filled by :func:`label`.
LABELS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------ notebooks
    "banner.illustrative": {"id": "**Studi ilustratif.** Datanya ditulis atau disimulasikan untuk "
                                  "memperagakan metode; tidak ada isi laporan ini yang "
                                  "merupakan temuan penelitian.",
                            "en": "**Illustrative study.** Its data were written or simulated "
                                  "to demonstrate the methods; nothing in these reports is a "
                                  "research finding."},
    # ------------------------------------------------------------ qualitative figures
    "qual.segments": {"id": "Jumlah segmen", "en": "Segments"},
    "qual.documents": {"id": "Jumlah dokumen", "en": "Documents"},
    "qual.informants": {"id": "Jumlah informan", "en": "Informants"},
    "qual.codings": {"id": "Jumlah koding", "en": "Codings"},
    "qual.share": {"id": "Proporsi segmen informan", "en": "Share of informant segments"},
    "qual.code": {"id": "Kode", "en": "Code"},
    "qual.interview": {"id": "Wawancara ke-", "en": "Interview"},
    "qual.cumulative": {"id": "Kode kumulatif", "en": "Cumulative codes"},
    "qual.new": {"id": "Kode baru", "en": "New codes"},
    "qual.count": {"id": "Segmen bersama", "en": "Shared segments"},
    "qual.jaccard": {"id": "Indeks Jaccard", "en": "Jaccard index"},
    "qual.saturation": {"id": "Titik jenuh (n = {n})", "en": "Saturation point (n = {n})"},
    "qual.no_pairs": {"id": "ko-okurensi memerlukan dua kode atau lebih (yang muncul: {n})",
                      "en": "co-occurrence needs two or more codes (codes that occur: {n})"},
    "qual.no_shared": {"id": "tidak ada dua kode pada segmen yang sama\n({n} kode muncul, "
                                 "masing-masing sendiri)",
                       "en": "no two codes share a segment\n({n} codes occur, each on its "
                             "own)"},
    # ------------------------------------------------------------ reliability figure
    "coef.krippendorff_alpha": {"id": "Alpha Krippendorff", "en": "Krippendorff's alpha"},
    "coef.cohen_kappa": {"id": "Kappa Cohen", "en": "Cohen's kappa"},
    "coef.fleiss_kappa": {"id": "Kappa Fleiss", "en": "Fleiss' kappa"},
    "coef.gwet_ac1": {"id": "AC1 Gwet", "en": "Gwet's AC1"},
    "coef.brennan_prediger": {"id": "Brennan-Prediger", "en": "Brennan-Prediger"},
    "coef.percent_agreement": {"id": "Persentase kesepakatan", "en": "Percent agreement"},
    "coef.alpha_masi": {"id": "Alpha Krippendorff (MASI)", "en": "Krippendorff's alpha (MASI)"},
    "coef.coded_agreement": {"id": "Kesepakatan pada segmen berkode",
                             "en": "Agreement on coded segments"},
    "coef.alpha_masi_coded": {"id": "Alpha Krippendorff (MASI), segmen berkode",
                              "en": "Krippendorff's alpha (MASI), coded segments"},
    "agreement.coded": {"id": "kesepakatan pada segmen berkode",
                        "en": "agreement on coded segments"},
    "agreement.masi_coded": {"id": "alpha MASI himpunan kode, segmen berkode",
                             "en": "MASI alpha of code sets, coded segments"},
    "agreement.threshold_tentative": {"id": "alpha = {x:.3f} (tentatif)",
                                      "en": "alpha = {x:.3f} (tentative)"},
    "agreement.threshold_reliable": {"id": "alpha = {x:.3f} (reliabel)",
                                     "en": "alpha = {x:.3f} (reliable)"},
    "agreement.interval": {"id": "interval bootstrap {p}%", "en": "{p}% bootstrap interval"},
    "agreement.pooled": {"id": "semua kode (gabungan)", "en": "all codes (pooled)"},
    "agreement.all_row": {"id": "SEMUA", "en": "ALL"},
    "agreement.undefined": {"id": "tak terdefinisi", "en": "n/a"},
    # ------------------------------------------------------------ model figure
    "model.std_axis": {"id": "Koefisien terstandar (IK {p}%)",
                       "en": "Standardised coefficient ({p}% CI)"},
    "model.raw_axis": {"id": "Koefisien (IK {p}%)", "en": "Coefficient ({p}% CI)"},
    "model.intercept": {"id": "Konstanta", "en": "Intercept"},
    "model.level": {"id": "{variable}: {level} (rujukan: {reference})",
                    "en": "{variable}: {level} (ref: {reference})"},
    "model.outcome": {"id": "Variabel terikat: {outcome}", "en": "Outcome: {outcome}"},
    "model.outcome_n": {"id": "Variabel terikat: {outcome} (n = {n})",
                        "en": "Outcome: {outcome} (n = {n})"},
    "model.n": {"id": "n = {n}", "en": "n = {n}"},
    "outcome.generic": {"id": "variabel terikat", "en": "the outcome"},
    # ------------------------------------------------------------ joint display
    "meta.converges": {"id": "konvergen", "en": "converges"},
    "meta.diverges": {"id": "divergen", "en": "diverges"},
    "meta.expands": {"id": "ekspansi", "en": "expands"},
    "joint.qual_title": {"id": "Wawancara: porsi informan yang menyebut tema",
                         "en": "Interviews: share of informants raising the theme"},
    "joint.quant_title": {"id": "Survei: pengaruh terstandar terhadap {outcome}\n(β, IK 95%)",
                          "en": "Survey: standardised effect on {outcome}\n(β, 95% CI)"},
    "joint.level_title": {"id": "Survei: rerata skala vs titik tengah skala\n(IK 95%)",
                          "en": "Survey: scale mean vs the scale midpoint\n(95% CI)"},
    "joint.survey_title": {"id": "Survei", "en": "Survey"},
    "joint.level": {"id": "rerata {m:.2f} [{lo:.2f}; {hi:.2f}] vs titik tengah {mid:g}",
                    "en": "mean {m:.2f} [{lo:.2f}, {hi:.2f}] vs midpoint {mid:g}"},
    "joint.level_outcome": {"id": "variabel terikat: rerata {m:.2f} [{lo:.2f}; {hi:.2f}] vs "
                                  "titik tengah {mid:g}",
                            "en": "outcome: mean {m:.2f} [{lo:.2f}, {hi:.2f}] vs midpoint "
                                  "{mid:g}"},
    "joint.salience": {"id": "ambang menonjol ({s:.0%})", "en": "salience threshold ({s:.0%})"},
    "joint.theme_only": {"id": "hanya wawancara yang membahas tema ini (tanpa konstruk survei)",
                         "en": "only the interviews address this theme (no survey construct)"},
    "joint.construct_only": {"id": "hanya survei yang mengukur konstruk ini (tanpa tema "
                                   "wawancara)",
                             "en": "only the survey measures this construct (no interview "
                                   "theme)"},
    "joint.no_survey": {"id": "studi ini tanpa survei: hanya wawancara yang membahas tema ini",
                        "en": "the study has no survey: only the interviews address this "
                              "theme"},
    "joint.panel.no_survey": {"id": "tanpa survei", "en": "no survey"},
    "joint.panel.no_interviews": {"id": "tanpa wawancara berkode", "en": "no coded interviews"},
    "joint.not_measured": {"id": "tema terkait konstruk {c}, yang tidak diukur dalam survei",
                           "en": "theme linked to construct {c}, which the survey does not "
                                 "measure"},
    "joint.is_outcome": {"id": "konstruk {c} adalah variabel terikat itu sendiri (pengaruh "
                               "terhadap dirinya sendiri tidak terdefinisi)",
                         "en": "construct {c} is the outcome itself (an effect on itself is "
                               "undefined)"},
    "joint.qual.salient": {"id": "disebut oleh {n} dari {t} informan ({s:.0%}, menonjol)",
                           "en": "raised by {n} of {t} informants ({s:.0%}, salient)"},
    "joint.qual.minor": {"id": "disebut oleh {n} dari {t} informan ({s:.0%}, di bawah {m:.0%})",
                         "en": "raised by {n} of {t} informants ({s:.0%}, below {m:.0%})"},
    "joint.no_qual_data": {"id": "tidak ada data kualitatif (tidak ada giliran informan: "
                                 "periksa peran penutur transkrip)",
                           "en": "no qualitative data (no informant turn: check the "
                                 "transcripts' speaker roles)"},
    "joint.qual.absent": {"id": "tidak disebut oleh informan mana pun",
                          "en": "raised by no informant"},
    "joint.effect.positive": {"id": "pengaruh terstandar positif terhadap {outcome} "
                                    "(β = {b:.2f}, IK 95% {lo:.2f} s.d. {hi:.2f})",
                              "en": "positive standardised effect on {outcome} "
                                    "(β = {b:.2f}, 95% CI {lo:.2f} to {hi:.2f})"},
    "joint.effect.negative": {"id": "pengaruh terstandar negatif terhadap {outcome} "
                                    "(β = {b:.2f}, IK 95% {lo:.2f} s.d. {hi:.2f})",
                              "en": "negative standardised effect on {outcome} "
                                    "(β = {b:.2f}, 95% CI {lo:.2f} to {hi:.2f})"},
    "joint.effect.null": {"id": "pengaruh terhadap {outcome} tidak jelas "
                                "(β = {b:.2f}, IK 95% {lo:.2f} s.d. {hi:.2f} memuat 0)",
                          "en": "no clear effect on {outcome} "
                                "(β = {b:.2f}, 95% CI {lo:.2f} to {hi:.2f} includes 0)"},
    "joint.level.positive": {"id": "dinilai di atas titik tengah skala "
                                   "(rerata {b:.2f}, IK 95% {lo:.2f} s.d. {hi:.2f})",
                             "en": "rated above the scale midpoint "
                                   "(mean {b:.2f}, 95% CI {lo:.2f} to {hi:.2f})"},
    "joint.level.negative": {"id": "dinilai di bawah titik tengah skala "
                                   "(rerata {b:.2f}, IK 95% {lo:.2f} s.d. {hi:.2f})",
                             "en": "rated below the scale midpoint "
                                   "(mean {b:.2f}, 95% CI {lo:.2f} to {hi:.2f})"},
    "joint.level.null": {"id": "dinilai di sekitar titik tengah skala "
                               "(rerata {b:.2f}, IK 95% {lo:.2f} s.d. {hi:.2f})",
                         "en": "rated at the scale midpoint "
                               "(mean {b:.2f}, 95% CI {lo:.2f} to {hi:.2f})"},
    "joint.low_code_alpha": {"id": "reliabilitas kode alpha = {a:.2f} < {m:.3f}",
                             "en": "code reliability alpha = {a:.2f} < {m:.3f}"},
    "joint.low_scale_alpha": {"id": "alpha skala = {a:.2f} < {m:.2f}",
                              "en": "scale alpha = {a:.2f} < {m:.2f}"},
    "joint.flat_items": {"id": "tanpa variasi (semua responden sama): {items}; alpha skala "
                               "ikut menghitungnya",
                         "en": "no variance (every respondent the same): {items}; the scale "
                               "alpha counts it"},
    "joint.no_scale_alpha": {"id": "reliabilitas skala tidak diketahui (alpha tidak "
                                   "terdefinisi, mis. satu butir, atau tidak dihitung)",
                             "en": "scale reliability unknown (alpha undefined, e.g. a single "
                                   "item, or not computed)"},
    "joint.no_code_alpha": {"id": "reliabilitas kode tidak diketahui (alpha tidak terdefinisi "
                                  "atau tidak dihitung)",
                            "en": "code reliability unknown (alpha undefined or not computed)"},
    "joint.negative_effect": {"id": "pengaruh negatif terhadap {outcome}: survei mengaitkan "
                                    "strategi ini dengan skor yang lebih rendah, yang tidak "
                                    "dilaporkan dalam wawancara",
                              "en": "negative effect on {outcome}: the survey links this "
                                    "strategy to lower scores, which the interviews do not "
                                    "report"},
    # ------------------------------------------------------------ vocabulary figure
    "vocab.ll": {"id": "Log-likelihood (G²)", "en": "Log-likelihood (G²)"},
    "vocab.word": {"id": "Kata", "en": "Word"},
    "vocab.title": {"id": "Kata kunci: {target}", "en": "Key words: {target}"},
    "vocab.no_key_words": {"id": "tidak ada kata kunci (tidak ada kata yang cukup sering)",
                           "en": "no key words (no word occurs often enough)"},
    "vocab.none_significant": {
        "id": "tidak ada kata kunci pada p < {alpha}\n(terkuat: {word}, G² = {ll}, p = {p})",
        "en": "no key words at p < {alpha}\n(strongest: {word}, G² = {ll}, p = {p})"},
    # ------------------------------------------------------------ auto-coder quality figure
    "coders.f1": {"id": "F1 terhadap pengode {reference} (validasi silang per dokumen)",
                  "en": "F1 against coder {reference} (leave-one-document-out)"},
    "coders.both": {"id": "pengode terlatih + kamus", "en": "learned + dictionary"},
    "coders.learned": {"id": "pengode terlatih saja", "en": "learned only"},
    "coders.dictionary": {"id": "kamus saja", "en": "dictionary only"},
    "coders.human": {"id": "pengode manusia {coder}", "en": "human coder {coder}"},
    "coders.micro": {"id": "rata-rata mikro", "en": "micro average"},
    "coders.macro": {"id": "rata-rata makro", "en": "macro average"},
}


def label(key: str, lang: str, **fields: object) -> str:
    """The text of ``key`` in ``lang``, with its ``{fields}`` filled.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS` (e.g. ``"qual.segments"``).
    lang : {"id", "en"}
        The language.
    **fields
        Values of the text's ``str.format`` fields.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        ``lang`` is not a supported language.
    KeyError
        ``key`` is not in :data:`LABELS` (a bug in citra_eval, not a user error).

    Examples
    --------
    >>> label("qual.segments", "id")
    'Jumlah segmen'
    >>> label("model.level", "en", variable="unit", level="IGD", reference="Rawat inap")
    'unit: IGD (ref: Rawat inap)'
    """
    check_lang(lang)
    try:
        text = LABELS[key][lang]
    except KeyError:
        raise KeyError(f"no label {key!r} in citra_eval._labels.LABELS") from None
    return text.format(**fields) if fields else text


def label_fields(key: str) -> dict[str, set[str]]:
    """The ``{fields}`` of ``key``'s text in each language (for tests and translators)."""
    return {lang: {f for _, f, _, _ in string.Formatter().parse(LABELS[key][lang]) if f}
            for lang in LANGS}
