"""The example study's numbers quoted in README.md and docs/*.md are the committed tables'.

``citra-eval reproduce`` rebuilds ``reports/tables/*.csv`` byte for byte; a number the docs
quote from them is checked here against the CSV, rounded as the docs round it, and the
meta-inference each construct is said to have is the joint display's.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import ROOT

TABLES = ROOT / "reports" / "tables"
#: ``0.25 [0.15, 0.34]``: an estimate and its 95% interval, two decimals (minus as − or -).
TRIPLE = re.compile(r"([−-]?\d\.\d\d) \[([−-]?\d\.\d\d), ([−-]?\d\.\d\d)\]")
#: The meta-inference a clause gives the constructs it names.
LABELS = {"converge": "converges", "diverge": "diverges", "expand": "expands"}


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(TABLES / name, keep_default_na=False)


def _num(text: str) -> float:
    return float(text.replace("−", "-"))


def _section(doc: str, start: str, end: str) -> str:
    text = (ROOT / doc).read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin:text.index(end, begin + len(start))]


def _rounded(row, cols, digits=2) -> tuple[float, ...]:
    return tuple(round(float(row[c]), digits) for c in cols)


JOINT = [("README.md", "**The joint display**", "\n\n"),
         ("docs/reproduce.md", "**the joint display.**", "\n- `")]


def test_section_finder_reads_the_paragraph():
    assert "*converge*" in _section(*JOINT[0])


@pytest.mark.parametrize(("doc", "start", "end"), JOINT)
def test_joint_display_text_follows_the_table(doc, start, end):
    """Docs finding (session 18): README.md and docs/reproduce.md said TK 0.24 [0.14, 0.35]
    and that Bamara (BM) and fast news (BC) diverge; the table has 0.248 [0.154, 0.342] and
    BM, BC converge (only IB diverges)."""
    table = _table("06-joint-display.csv")
    table = table[table.construct != ""].set_index("construct")
    text = " ".join(_section(doc, start, end).split())
    wrong = []
    for clause in re.split(r";|\. ", text):
        said = [v for k, v in LABELS.items() if k in clause]
        codes = [c for group in re.findall(r"\(([A-Z]{2}(?:, [A-Z]{2})*)[,)]", clause)
                 for c in group.split(", ") if c in table.index]
        if len(said) == 1:
            wrong += [f"{c}: said {said[0]}, table {table.at[c, 'meta_inference']}"
                      for c in codes if table.at[c, "meta_inference"] != said[0]]
        triples = [tuple(_num(x) for x in t) for t in TRIPLE.findall(clause)]
        if triples:
            assert len(triples) == len(codes), clause
        for code, triple in zip(codes, triples, strict=False):
            want = _rounded(table.loc[code], ["std_effect", "std_ci_low", "std_ci_high"])
            if triple != want:
                wrong.append(f"{code}: said {triple}, table {want}")
    assert not wrong, f"{doc}: " + "; ".join(wrong)
    diverging = set(table.index[table.meta_inference == "diverges"])
    assert diverging and all(f"({c})" in text for c in diverging), doc


def test_image_model_figures_follow_the_table():
    """docs/reproduce.md's key figure for notebook 05 (it said technology 0.24) and
    docs/survey.md's table of the fit are reports/tables/05-image-model.csv's."""
    model = _table("05-image-model.csv").set_index("term")
    cols = ["std_estimate", "std_ci_low", "std_ci_high"]
    text = " ".join(_section("docs/reproduce.md", "**what shapes the image.**", "## ").split())
    quoted = {tuple(_num(x) for x in t) for t in TRIPLE.findall(text)}
    assert quoted and quoted <= {_rounded(model.loc[t], cols) for t in model.index}, quoted
    survey = (ROOT / "docs" / "survey.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([A-Z]{2}) \| ([−-]?[\d.]+) \| ([−-]?[\d.]+) – ([−-]?[\d.]+) \|",
                      survey, re.M)
    assert len(rows) == 5
    for term, *values in rows:
        assert tuple(_num(v) for v in values) == _rounded(model.loc[term], cols, 3), term


def test_pooled_alpha_follows_the_table():
    pooled = _table("02-agreement.csv").set_index("code").loc["ALL"]
    want = "α = {:.3f} [{:.3f}, {:.3f}]".format(
        *_rounded(pooled, ["krippendorff_alpha", "alpha_ci_low", "alpha_ci_high"], 3))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(want) == 2, want


def test_a_suggested_notebook_number_is_free():
    """Docs finding (session 18): docs/reproduce.md said to add your own `07-...ipynb`, but
    07 is notebook 07-auto-coding, and two notebooks with one number stop `reproduce`."""
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    suggested = {n for doc in docs
                 for n in re.findall(r"`(\d\d)-\.\.\.ipynb`", doc.read_text(encoding="utf-8"))}
    assert suggested
    taken = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}
    assert not suggested & taken, suggested & taken


def _printed_tables(doc: str) -> list[tuple[str, str]]:
    """``(code, table)`` for each ```python block of ``doc`` that prints a Markdown table:
    the block and the first table after it."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    found = []
    for m in re.finditer(r"^```python\n(.*?)^```[ \t]*$", text, re.S | re.M):
        if "to_markdown" in m[1]:
            table = re.search(r"(?:^\|.*\n)+", text[m.end():], re.M)
            found.append((m[1], table[0]))
    return found


def test_agreement_tables_are_printed_by_their_code(tmp_path, monkeypatch, capsys):
    """Docs finding (session 18): docs/agreement.md's tables were printed from the CSV that
    `agree` writes with 4 decimals, rounded again to 3 (0.96347 -> 0.9635 -> 0.964); its
    own command did not print the table shown. The code shown prints the table shown."""
    import matplotlib.pyplot as plt

    import citra_eval as ce

    found = _printed_tables("docs/agreement.md")
    assert len(found) == 2
    monkeypatch.chdir(ce.init_study(tmp_path / "study", example=True))
    for code, table in found:
        capsys.readouterr()
        exec(compile(code, "docs/agreement.md", "exec"), {"__name__": "__docs__"})
        plt.close("all")
        assert capsys.readouterr().out == table


def _long_options(parser, name=""):
    """``(command, option)`` for every long option of ``parser`` and its subcommands."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in action.choices.items():
                yield from _long_options(subparser, f"{name} {sub}".strip())
        else:
            yield from ((name, o) for o in action.option_strings
                        if o.startswith("--") and o != "--help")


def test_every_command_line_option_is_documented():
    """Docs finding (session 18): qdpx import --language, qdpx export --name, init --title
    and reproduce --verbose were in --help only. Each long option is named in README.md or
    docs/*.md."""
    from citra_eval.cli import build_parser

    docs = "\n".join(p.read_text(encoding="utf-8") for p in
                     [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    missing = [f"citra-eval {cmd} {opt}" for cmd, opt in _long_options(build_parser())
               if not re.search(re.escape(opt) + r"(?![\w-])", docs)]
    assert not missing, missing


#: First parameters that are data: a table, or the corpus (README.md, "Every public function").
DATA_FIRST = {"codings", "ratings", "responses", "scores", "sheet", "table", "frame", "items",
              "present", "matrix", "corpus", "codebook", "fig", "study"}


def test_the_readme_rule_on_arguments_holds():
    """Docs finding (session 18): README.md said every public function takes a table first and
    keyword options after it; 29 do not. The rule it states now: the data first (a table, or
    the corpus), options keyword-only; every function outside the rule is named there."""
    import inspect

    import citra_eval as ce

    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                  inspect.Parameter.VAR_POSITIONAL)
    text = _section("README.md", "Every public function takes its data first", "Each returns")
    named = set(re.findall(r"`(\w+)\(?", text))
    unnamed = []
    for name in ce.__all__:
        func = getattr(ce, name)
        if not inspect.isfunction(func):
            continue
        params = [p for p in inspect.signature(func).parameters.values() if p.kind in positional]
        outside = (not params or params[0].name not in DATA_FIRST or len(params) > 2
                   or any(p.default is not inspect.Parameter.empty for p in params))
        if outside and name not in named:
            unnamed.append(f"{name}({', '.join(p.name for p in params)})")
        reads_text = bool(params) and params[0].name == "corpus"
        if reads_text and name not in named:
            unnamed.append(f"{name}: takes a corpus first")
    assert not unnamed, unnamed


def test_the_counts_of_reports_follow_the_folder():
    """README.md's counts of what `make reproduce` builds (it said "20 figures" for 10
    figures in two formats) are those of the committed reports/."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    files = [p for p in (ROOT / "reports" / "figures").iterdir() if p.is_file()]
    figures = {p.stem for p in files}
    tables = list(TABLES.glob("*.csv"))
    assert (f"({len(figures)} figures, each as PNG and SVG: {len(files)} files in "
            f"`reports/figures/`; {len(tables)} tables, CSV") in readme
