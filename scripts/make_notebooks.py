"""Write the evaluation notebooks (notebooks/NN-slug.ipynb) without outputs.

The notebooks are generated so that they stay short, uniform and free of outputs, execution
counts and random cell ids (a clean diff on every change). Edit the cells here, then run

    python scripts/make_notebooks.py

Each notebook has a ``parameters`` cell (papermill, ``citra-eval reproduce``), calls only the
public API of citra_eval, and writes its figures and tables only through
``citra_eval.report.save_figure`` / ``save_table``.
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
from citra_eval import plots, report

R = Path(root)
FIGURES = R / out_dir / "figures"
TABLES = R / out_dir / "tables"
report.set_reproducible_style()
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
         "report.save_table(documents, \"01-documents\", out_dir=TABLES)\n"
         "documents"),
    code("turns = (corpus.segments.groupby([\"doc_id\", \"role\"]).size()\n"
         "         .unstack(fill_value=0).reset_index())\n"
         "report.save_table(turns, \"01-turns-by-role\", out_dir=TABLES)\n"
         "turns.describe().loc[[\"mean\", \"min\", \"max\"]]"),
    md("## The codebook\n\nEach codable theme has a definition, inclusion and exclusion rules, "
       "examples and auto-coding patterns; strategy themes name the survey construct that "
       "measures them (`construct`), which is how notebook 06 joins interviews and survey."),
    code("cb = ce.Codebook.load(R / codebook)\n"
         "book = cb.to_frame(lang)[[\"id\", \"parent\", f\"label_{lang}\", \"codable\", "
         "\"construct\", \"n_patterns\", \"n_examples\"]]\n"
         "report.save_table(book, \"01-codebook\", out_dir=TABLES)\n"
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
         "report.save_table(per_coder, \"01-codings-per-coder\", out_dir=TABLES)\n"
         "per_coder"),
])

NOTEBOOKS = [NB01]


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
