"""Write the evaluation notebooks (notebooks/NN-slug.ipynb) without outputs.

The notebooks are generated so that they stay short, uniform and free of outputs, execution
counts and random cell ids (a clean diff on every change). Edit the cells here, then run

    python scripts/make_notebooks.py

Each notebook has a ``parameters`` cell (papermill, ``citra-eval reproduce``), calls only the
public API of citra_eval, and writes its figures and tables only through
``citra_eval.ce.save_figure`` / ``save_table``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"

META = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}

ILLUSTRATIVE = (
    "> **The example study is illustrative.** Its transcripts, codings and survey were written "
    "and simulated for the citra_eval package to demonstrate the workflow; nothing here is a "
    "finding about the Banjarmasin City Government. *Studi contoh ini bersifat ilustratif dan "
    "bukan temuan penelitian nyata.*")

PARAM_LINES = {
    "root": 'root = ".."  # the project folder (this notebook lives in notebooks/)',
    "transcripts": 'transcripts = "interview_transcripts"',
    "codebook": 'codebook = "data/raw/codebook.yaml"',
    "codings": 'codings = ["data/raw/codings_A.csv", "data/raw/codings_B.csv"]',
    "instrument": 'instrument = "data/raw/instrument.yaml"',
    "responses": 'responses = "data/raw/survey_responses.csv"',
    "lang": 'lang = "id"  # "id" or "en": language of labels in figures and tables',
    "seed": "seed = 0  # every random step (bootstrap) uses it",
    "out_dir": 'out_dir = "reports"  # figures/ and tables/ go here (relative to root)',
}

SETUP = """\
from pathlib import Path

import pandas as pd

import citra_eval as ce
from citra_eval import plots

R = Path(root)
FIGURES = R / out_dir / "figures"
TABLES = R / out_dir / "tables"
ce.set_reproducible_style()
pd.set_option("display.max_colwidth", 80)"""


def params_cell(names: list[str]) -> nbformat.NotebookNode:
    src = ("# Parameters (papermill and `citra-eval reproduce` override them; paths are "
           "relative to root)\n" + "\n".join(PARAM_LINES[n] for n in ["root", *names, "out_dir"]))
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["tags"] = ["parameters"]
    return cell


def notebook(slug: str, cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(metadata=META)
    nb.cells = cells
    for i, c in enumerate(nb.cells):
        c["id"] = f"{slug}-{i:02d}"  # stable ids: no diff noise when regenerated
    return nb


def md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text)


def code(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(text)


# --------------------------------------------------------------------------- 01

NB01 = ("01-corpus-codebook", [
    md("# 01 · Corpus and codebook\n\n"
       "What the evaluation starts from: the interview transcripts (one document per "
       "informant, one segment per speaker turn), the codebook of strategy themes, and the "
       "two coders' manual codings.\n\n" + ILLUSTRATIVE),
    params_cell(["transcripts", "codebook", "codings", "lang"]),
    code(SETUP),
    md("## The transcripts\n\n`read_transcripts` validates every file (front matter, speaker "
       "labels) and splits each interview into speaker turns. Only informant turns are coded."),
    code("corpus = ce.read_transcripts(R / transcripts)\n"
         "documents = corpus.documents[[\"doc_id\", \"informant\", \"group\", \"n_segments\", "
         "\"n_words\"]]\n"
         "ce.save_table(documents, \"01-documents\", out_dir=TABLES)\n"
         "documents"),
    code("turns = (corpus.segments.groupby([\"doc_id\", \"role\"]).size()\n"
         "         .unstack(fill_value=0).reset_index())\n"
         "ce.save_table(turns, \"01-turns-by-role\", out_dir=TABLES)\n"
         "turns.describe().loc[[\"mean\", \"min\", \"max\"]]"),
    md("## The codebook\n\nEach codable theme has a definition, inclusion and exclusion rules, "
       "examples and auto-coding patterns; strategy themes name the survey construct that "
       "measures them (`construct`), which is how notebook 06 joins interviews and survey."),
    code("cb = ce.Codebook.load(R / codebook)\n"
         "book = cb.to_frame(lang)[[\"id\", \"parent\", f\"label_{lang}\", \"codable\", "
         "\"construct\", \"n_patterns\", \"n_examples\"]]\n"
         "ce.save_table(book, \"01-codebook\", out_dir=TABLES)\n"
         "print(f\"{cb.name} version {cb.version}: {len(cb.codable_ids)} codable themes\")\n"
         "book"),
    md("## The manual codings\n\nTwo coders coded every transcript independently. The table "
       "counts, per theme, how many segments each coder coded."),
    code("manual = pd.concat([ce.read_codings(R / f, corpus=corpus, codebook=cb) "
         "for f in codings],\n"
         "                   ignore_index=True)\n"
         "per_coder = (manual.groupby([\"code\", \"coder\"]).size().unstack(fill_value=0)\n"
         "             .reindex(cb.codable_ids, fill_value=0).rename_axis(index=\"code\", "
         "columns=None)\n"
         "             .reset_index())\n"
         "per_coder.insert(1, \"label\", [cb.label(c, lang) for c in per_coder[\"code\"]])\n"
         "ce.save_table(per_coder, \"01-codings-per-coder\", out_dir=TABLES)\n"
         "per_coder"),
])


# --------------------------------------------------------------------------- 02

NB02 = ("02-coding-reliability", [
    md("# 02 · Coding and inter-coder reliability\n\n"
       "Two coders coded every informant turn independently. This notebook measures how far "
       "they agree, per theme and overall, lists the turns where they differ (the agenda of "
       "the consensus meeting), merges their codings into a consensus coding, and checks the "
       "auto-coder against it.\n\n" + ILLUSTRATIVE),
    params_cell(["transcripts", "codebook", "codings", "lang", "seed"]),
    code(SETUP),
    code("corpus = ce.read_transcripts(R / transcripts)\n"
         "cb = ce.Codebook.load(R / codebook)\n"
         "manual = pd.concat([ce.read_codings(R / f, corpus=corpus, codebook=cb) "
         "for f in codings],\n"
         "                   ignore_index=True)"),
    md("## Agreement per theme\n\nUnits are informant turns; for each theme a coder either "
       "applied it to a turn or did not. Krippendorff's alpha is the headline coefficient "
       "(≥ .800 reliable, ≥ .667 tentative; Krippendorff 2004); its 95% interval comes from "
       "1,000 bootstrap resamples of turns (`seed`). Cohen's kappa, Fleiss' kappa, Gwet's AC1 "
       "and percent agreement are reported beside it."),
    code("agree = ce.agreement(manual, corpus=corpus, codes=cb, n_boot=1000, seed=seed)\n"
         "ce.save_table(agree, \"02-agreement\", out_dir=TABLES)\n"
         "agree[[\"code\", \"n_positive\", \"percent_agreement\", \"cohen_kappa\", "
         "\"krippendorff_alpha\",\n"
         "       \"alpha_ci_low\", \"alpha_ci_high\", \"gwet_ac1\"]].round(3)"),
    code("ax = plots.plot_agreement(agree, labels=cb.labels(lang), lang=lang)\n"
         "ce.save_figure(ax.figure, \"02-agreement\", out_dir=FIGURES)"),
    md("## Where the coders differ\n\nEvery disputed turn with its text and each coder's "
       "codes: the agenda for the consensus meeting."),
    code("disputed = ce.disagreements(manual, corpus=corpus)\n"
         "ce.save_table(disputed, \"02-disagreements\", out_dir=TABLES)\n"
         "print(f\"{len(disputed)} of {(corpus.segments.role == 'informant').sum()} informant "
         "turns disputed\")\n"
         "disputed.head()"),
    md("## Consensus coding\n\nA theme is kept in a turn when both coders applied it "
       "(`rule=\"agreed\"`); the later notebooks count themes on this coding."),
    code("agreed = ce.consensus(manual, rule=\"agreed\")\n"
         "ce.save_table(agreed, \"02-consensus-codings\", out_dir=TABLES)\n"
         "agreed.groupby(\"code\").size().rename(\"n_turns\").to_frame().T"),
    md("## The auto-coder against the consensus\n\n`autocode` applies the codebook's "
       "patterns (Indonesian normalisation and stemming, slang table). Precision and recall "
       "per theme show where patterns need work before auto-coding a new corpus."),
    code("auto = ce.autocode(corpus, cb)\n"
         "quality = ce.evaluate_coder(auto, reference=agreed, corpus=corpus)\n"
         "ce.save_table(quality, \"02-autocode-vs-consensus\", out_dir=TABLES)\n"
         "quality.round(3)"),
])

# --------------------------------------------------------------------------- 03

NB03 = ("03-themes", [
    md("# 03 · Themes: how often, with what, until when, in whose words\n\n"
       "Counts on the consensus coding (themes both coders applied): how many informants and "
       "turns carry each theme, overall and per informant group; which themes occur in the "
       "same turn; whether new interviews still brought new themes (saturation); and the "
       "quotes that best show each theme.\n\n" + ILLUSTRATIVE),
    params_cell(["transcripts", "codebook", "codings", "lang"]),
    code(SETUP),
    code("corpus = ce.read_transcripts(R / transcripts)\n"
         "cb = ce.Codebook.load(R / codebook)\n"
         "manual = pd.concat([ce.read_codings(R / f, corpus=corpus, codebook=cb) "
         "for f in codings],\n"
         "                   ignore_index=True)\n"
         "agreed = ce.consensus(manual, rule=\"agreed\")"),
    md("## Frequencies\n\nInterviews (one informant each) that raise each theme (bars), "
       "with turns and the share of informant turns in the table."),
    code("freq = ce.code_frequencies(agreed, corpus=corpus, codebook=cb)\n"
         "ce.save_table(freq, \"03-code-frequencies\", out_dir=TABLES)\n"
         "ax = plots.plot_code_frequencies(freq, value=\"n_documents\", codebook=cb, "
         "lang=lang)\n"
         "ce.save_figure(ax.figure, \"03-code-frequencies\", out_dir=FIGURES)"),
    code("by_group = ce.code_frequencies(agreed, corpus=corpus, codebook=cb, by=\"group\")\n"
         "ce.save_table(by_group, \"03-code-frequencies-by-group\", out_dir=TABLES)\n"
         "by_group.pivot(index=\"code\", columns=\"group\", values=\"n_informants\")"
         ".reindex(cb.codable_ids)"),
    md("## Themes that occur together\n\nPairs of themes coded in the same turn (count and "
       "Jaccard index), and which informant raised which theme."),
    code("co = ce.cooccurrence(agreed, corpus=corpus, codebook=cb, measure=\"jaccard\")\n"
         "ce.save_table(co, \"03-cooccurrence\", out_dir=TABLES)\n"
         "ax = plots.plot_cooccurrence(co, measure=\"jaccard\", codebook=cb, lang=lang)\n"
         "ce.save_figure(ax.figure, \"03-cooccurrence\", out_dir=FIGURES)"),
    code("cases = ce.code_case_matrix(agreed, corpus=corpus, codebook=cb)\n"
         "ce.save_table(cases, \"03-code-case-matrix\", out_dir=TABLES)\n"
         "cases"),
    md("## Saturation\n\nInterviews in the order they were held: new themes per interview and "
       "the cumulative count, with the stopping rule of Guest, Namey & Chen (2020): base of 4 "
       "interviews, runs of 2, at most 5% new information."),
    code("sat = ce.saturation(agreed, corpus=corpus)\n"
         "ce.save_table(sat, \"03-saturation\", out_dir=TABLES)\n"
         "ax = plots.plot_saturation(sat, lang=lang)\n"
         "ce.save_figure(ax.figure, \"03-saturation\", out_dir=FIGURES)\n"
         "sat.attrs[\"saturation\"]"),
    md("## Quotes\n\nThe two best quotes per theme: turns both coders coded first, then of a "
       "readable length."),
    code("quotes = ce.exemplar_quotes(agreed, corpus=corpus, k=2, codebook=cb, lang=lang)\n"
         "ce.save_table(quotes, \"03-quotes\", out_dir=TABLES)\n"
         "quotes[[\"label\", \"attribution\", \"quote\"]].head(6)"),
    md("## Keyword in context\n\nEvery mention of *Bamara*, in any spelling or inflection "
       "(Bamara, BAMARA, Badapatan ...), with its surroundings."),
    code("bamara = ce.kwic(corpus, \"bamara\", window=6, roles=[\"informant\"], codebook=cb)\n"
         "ce.save_table(bamara, \"03-kwic-bamara\", out_dir=TABLES)\n"
         "bamara.head(8)"),
])

# --------------------------------------------------------------------------- 04

NB04 = ("04-survey-psychometrics", [
    md("# 04 · Survey psychometrics\n\n"
       "The resident survey measures each strategy and the four elements of image (Harrison) "
       "with 5-point Likert items. Before any model: how people answered, and whether each "
       "scale is internally consistent.\n\n" + ILLUSTRATIVE),
    params_cell(["instrument", "responses", "lang"]),
    code(SETUP),
    code("inst = ce.Instrument.load(R / instrument)\n"
         "resp = ce.read_responses(R / responses, inst)\n"
         "print(f\"{len(resp)} respondents, {len(inst.item_names)} items, "
         "{len(inst.scales)} scales\")"),
    md("## Answers per item\n\nCounts and percentages of every option; the figure shows the "
       "strategy items as diverging bars (disagreement left, agreement right)."),
    code("likert = ce.likert_table(resp, inst, lang=lang)\n"
         "ce.save_table(likert, \"04-likert\", out_dir=TABLES)\n"
         "strategy_items = [i for s in inst.scale_names(\"strategy\") "
         "for i in inst.scales[s].items]\n"
         "ax = plots.plot_likert(resp, inst, items=strategy_items, lang=lang)\n"
         "ce.save_figure(ax.figure, \"04-likert-strategies\", out_dir=FIGURES)"),
    md("## Reliability of each scale\n\nCronbach's alpha with Feldt's 95% interval (pairwise "
       "deletion, as psych `alpha()`), and McDonald's omega total."),
    code("rel = ce.scale_reliability(resp, inst)\n"
         "ce.save_table(rel, \"04-scale-reliability\", out_dir=TABLES)\n"
         "rel.round(3)"),
    md("## Items\n\nCorrected item–total correlation (`r_drop`) and alpha if the item were "
       "dropped: items that weaken their scale stand out."),
    code("items = ce.item_statistics(resp, inst)\n"
         "ce.save_table(items, \"04-item-statistics\", out_dir=TABLES)\n"
         "items.sort_values(\"r_drop\").head().round(3)"),
])

# --------------------------------------------------------------------------- 05

NB05 = ("05-image-models", [
    md("# 05 · What shapes the image\n\n"
       "Scale scores, how they relate, and a regression of the overall image (`CITRA`) on the "
       "perceived strategies with district as a control (OLS, HC3 robust standard errors). "
       "Standardised coefficients make the strategies comparable; they are what notebook 06 "
       "sets beside the interview themes.\n\n" + ILLUSTRATIVE),
    params_cell(["instrument", "responses", "lang"]),
    code(SETUP),
    code("inst = ce.Instrument.load(R / instrument)\n"
         "resp = ce.read_responses(R / responses, inst)\n"
         "scores = ce.score_scales(resp, inst)\n"
         "scale_cols = list(inst.scales)\n"
         "desc = ce.describe_by(scores, dv=scale_cols)\n"
         "ce.save_table(desc, \"05-scale-descriptives\", out_dir=TABLES)\n"
         "desc.round(2)"),
    md("## Correlations between scales\n\nPearson correlations with Holm-adjusted p values."),
    code("corr = ce.correlation_matrix(scores, columns=scale_cols)\n"
         "ce.save_table(corr, \"05-correlations\", out_dir=TABLES)\n"
         "corr.head().round(3)"),
    md("## The image model"),
    code("model = ce.image_model(resp, inst, outcome=\"CITRA\", controls=[\"district\"])\n"
         "ce.save_table(model, \"05-image-model\", out_dir=TABLES)\n"
         "ax = plots.plot_coefficients(model, instrument=inst, outcome=\"CITRA\", "
         "responses=resp,\n"
         "                             lang=lang)\n"
         "ce.save_figure(ax.figure, \"05-image-model\", out_dir=FIGURES)"),
    code("model.round(3)"),
    md("## Groups\n\nDoes the image differ between districts (Welch ANOVA, Games–Howell pairs, "
       "Kruskal–Wallis), and do residents who used an online service rate the technology "
       "strategy higher (Welch t test)?"),
    code("districts = ce.compare_groups(scores, dv=\"CITRA\", between=\"district\")\n"
         "ce.save_table(districts, \"05-citra-by-district\", out_dir=TABLES)\n"
         "online = ce.ttest_groups(scores, dv=\"TK\", between=\"used_online_service\")\n"
         "ce.save_table(online, \"05-tk-by-online-service\", out_dir=TABLES)\n"
         "districts.round(3)"),
])

# --------------------------------------------------------------------------- 06

NB06 = ("06-joint-display", [
    md("# 06 · Joint display: interviews beside the survey\n\n"
       "Each strategy theme of the codebook names the survey scale that measures it. The joint "
       "display sets side by side what the interviews say (how many informants raise the "
       "theme, how reliably it was coded, a quote) and what the survey says (mean, scale "
       "reliability, standardised effect on image), and states per row whether the two "
       "strands **converge**, **diverge**, or one **expands** on the other. The rules are "
       "fixed in advance (`ce.meta_inferences`): a theme is salient when at least half of the "
       "informants raise it; a construct matters when the 95% CI of its standardised effect "
       "on image lies above zero (for an image element: when its mean lies above the scale "
       "midpoint).\n\n" + ILLUSTRATIVE),
    params_cell(["transcripts", "codebook", "codings", "instrument", "responses", "lang",
                 "seed"]),
    code(SETUP),
    code("corpus = ce.read_transcripts(R / transcripts)\n"
         "cb = ce.Codebook.load(R / codebook)\n"
         "manual = pd.concat([ce.read_codings(R / f, corpus=corpus, codebook=cb) "
         "for f in codings],\n"
         "                   ignore_index=True)\n"
         "inst = ce.Instrument.load(R / instrument)\n"
         "resp = ce.read_responses(R / responses, inst)"),
    md("The qualitative side counts the consensus coding (themes both coders applied); the "
       "reliability column is Krippendorff's alpha of the two coders (notebook 02); the "
       "quantitative side uses the image model of notebook 05."),
    code("agree = ce.agreement(manual, corpus=corpus, codes=cb, n_boot=1000, seed=seed)\n"
         "agreed = ce.consensus(manual, rule=\"agreed\")\n"
         "model = ce.image_model(resp, inst, outcome=\"CITRA\", controls=[\"district\"])\n"
         "joint = ce.joint_display(agreed, corpus=corpus, codebook=cb, responses=resp,\n"
         "                         instrument=inst, outcome=\"CITRA\", reliability=agree, "
         "model=model,\n"
         "                         lang=lang, seed=seed)\n"
         "ce.save_table(joint, \"06-joint-display\", out_dir=TABLES)\n"
         "ax = plots.plot_joint_display(joint, lang=lang,\n"
         "                              outcome_label=inst.scales[\"CITRA\"].text(lang))\n"
         "ce.save_figure(ax.figure, \"06-joint-display\", out_dir=FIGURES)"),
    md("The same display in the other language (a thesis in Indonesian, a paper in English):"),
    code("other = \"en\" if lang == \"id\" else \"id\"\n"
         "joint_other = ce.joint_display(agreed, corpus=corpus, codebook=cb, responses=resp,\n"
         "                               instrument=inst, outcome=\"CITRA\", "
         "reliability=agree,\n"
         "                               model=model, lang=other)\n"
         "ax = plots.plot_joint_display(joint_other, lang=other,\n"
         "                              outcome_label=inst.scales[\"CITRA\"].text(other))\n"
         "ce.save_figure(ax.figure, f\"06-joint-display-{other}\", out_dir=FIGURES)"),
    md("## The meta-inferences in words"),
    code("for row in joint.itertuples():\n"
         "    name = row.theme_label if isinstance(row.theme_label, str) else "
         "row.construct_label\n"
         "    print(f\"{name}: {row.meta_inference_label} — {row.rationale}\"\n"
         "          + (f\" [{row.caveat}]\" if row.caveat else \"\"))"),
    md("## Quotes beside the numbers"),
    code("joint.loc[joint.theme.notna(), [\"theme_label\", \"construct\", \"meta_inference\", "
         "\"quote_doc\", \"quote\"]]"),
])

NOTEBOOKS = [NB01, NB02, NB03, NB04, NB05, NB06]


def main(argv: list[str]) -> int:
    OUT.mkdir(exist_ok=True)
    wanted = set(argv)
    for slug, cells in NOTEBOOKS:
        if wanted and slug not in wanted:
            continue
        nb = notebook(slug, cells)
        nbformat.validate(nb)
        (OUT / f"{slug}.ipynb").write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"wrote notebooks/{slug}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
