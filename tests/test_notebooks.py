"""The notebooks are the source: committed without outputs, parameterised by the study folder
only, and free of the example study's names (every choice comes from study.yaml)."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from _studies import notebook_text

import citra_eval as ce

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
#: The parameters `citra-eval reproduce` sets; lang and seed default to None (study.yaml's).
#: study_root None: the study holding the notebook (ce.notebook_study_root).
PARAMETERS = {"study_root": None, "out_dir": "reports", "lang": None, "seed": None}


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_six_notebooks_and_no_generator():
    """The .ipynb files are the one source: nothing rewrites them."""
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 6
    assert not (ROOT / "scripts" / "make_notebooks.py").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
        assert "execution" not in cell.metadata
    assert "papermill" not in nb.metadata and "widgets" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_with_exactly_the_study_parameters(path):
    nb = _read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    tree = ast.parse(tagged[0].source)
    values = {}
    for node in tree.body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.dump(node)
        values[node.targets[0].id] = ast.literal_eval(node.value)
    assert values == PARAMETERS
    # the parameters cell comes before any other code
    assert nb.cells.index(tagged[0]) == next(i for i, c in enumerate(nb.cells)
                                             if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_by_hand_the_notebook_finds_its_own_study(path, tmp_path, monkeypatch):
    """A study made inside another one (``citra-eval init mystudy`` in a clone): run from
    the study folder (papermill) or from its notebooks/ folder (JupyterLab), the parameters
    cell leads to that study, never to the one around it."""
    outer = ce.init_study(tmp_path / "clone")
    inner = ce.init_study(outer / "mystudy")
    cell = next(c for c in _read(path).cells if "parameters" in c.metadata.get("tags", []))
    for here in (inner, inner / "notebooks"):
        monkeypatch.chdir(here)
        ns: dict = {}
        exec(cell.source, ns)
        assert ce.find_study_root(ns["study_root"]) == inner.resolve(), here


@pytest.mark.slow
def test_papermill_from_the_folder_of_a_study_around_it_analyses_no_wrong_study(
        tmp_path, monkeypatch):
    """``cd outer && papermill inner/notebooks/01-....ipynb out.ipynb``: the kernel runs in
    the outer study and cannot see which notebook it runs, so the notebook stops and says how
    to give the study instead of analysing (and writing into) the outer one; when the front
    end names the notebook's file (JupyterLab's JPY_SESSION_NAME), the inner study is read."""
    from citra_eval.pipeline import NotebookError, run_notebook

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    outer = ce.init_study(tmp_path / "outer")
    inner = ce.init_study(outer / "inner")
    yaml = inner / "study.yaml"
    yaml.write_text(re.sub(r"(?m)^title: .*$", "title: The inner study",
                           yaml.read_text(encoding="utf-8")), encoding="utf-8")
    nb = inner / "notebooks" / NOTEBOOKS[0].name
    monkeypatch.chdir(outer)
    with pytest.raises(NotebookError, match="holds another study") as exc:
        run_notebook(nb, tmp_path / "out.ipynb", parameters={}, cwd=outer, workdir=tmp_path)
    assert "-p study_root" in str(exc.value)
    assert not [p for p in (outer / "reports").rglob("*") if p.is_file()]
    monkeypatch.setenv("JPY_SESSION_NAME", str(nb))
    run_notebook(nb, tmp_path / "out.ipynb", parameters={}, cwd=outer, workdir=tmp_path)
    assert not [p for p in (outer / "reports").rglob("*") if p.is_file()]
    assert "The inner study" in (tmp_path / "out.ipynb").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_everything_comes_from_load_study_and_goes_out_through_save(path):
    code = "\n".join(_code(_read(path)))
    assert "ce.load_study(study_root, lang=lang, seed=seed)" in code
    # the output folders hang off the study found, not off the parameter (None by default)
    assert "Path(study_root)" not in code and "study.root / out_dir" in code
    for reader in ("read_transcripts", "read_codings", "Codebook.load", "Instrument.load",
                   "read_responses", "read_csv", "open("):
        assert reader not in code, reader
    for writer in (".to_csv(", ".savefig(", ".to_excel(", "write_text(", ".write("):
        assert writer not in code, writer


def _example_names() -> dict[str, set[str]]:
    """Names of the example study that a notebook must not contain: its code ids, scale ids,
    demographic columns, front-matter keys beyond the contract's, kwic terms, place names."""
    study = ce.load_study(ce.example_path())
    inst, cb, corpus = study.instrument, study.codebook, study.corpus
    # columns every corpus has, and the contract's speaker roles (also informant/interviewer)
    contract = {"doc_id", "path", "format", "n_segments", "n_words", "date", "note",
                "informant", "interviewer"}
    ids = set(cb.ids) | set(inst.scales)
    return {
        "identifiers": (ids | set(inst.item_names) | set(inst.demographics)
                        | (set(corpus.documents.columns) - contract)),
        # as written (the package itself is called citra_eval, so CITRA only in capitals)
        "words": {*study.settings.compare_by, *study.settings.controls,
                  *(w for w in [study.settings.outcome] if w), *(i for i in ids if len(i) > 3)},
        "places": {"Banjarmasin", "Banjar", "Bamara", "Kalimantan", *study.settings.kwic},
    }


def _strings_and_names(source: str) -> set[str]:
    tree = ast.parse(source)
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.add(node.value)
        elif isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_name_of_the_example_study(path):
    names = _example_names()
    nb = _read(path)
    for source in _code(nb):
        used = _strings_and_names(source)
        assert not used & names["identifiers"], (used & names["identifiers"], source[:80])
    for cell in nb.cells:  # markdown included
        for word in names["words"]:
            # (the package's own name, citra-eval / citra_eval, is no study's word)
            assert not re.search(rf"\b{re.escape(word)}\b(?![-_]eval)", cell.source), (
                word, cell.source[:80])
        for word in names["places"]:
            assert not re.search(rf"\b{re.escape(word)}", cell.source, re.IGNORECASE), (
                word, cell.source[:80])


def test_the_guard_knows_the_example():
    """The check above is not vacuous: it knows the names the old notebooks used."""
    names = _example_names()
    assert {"CITRA", "district", "KS", "bamara", "kerja_sama", "group"} <= names["identifiers"]
    assert {"district", "CITRA", "kerja_sama"} <= names["words"]
    assert {"Banjarmasin", "bamara"} <= names["places"]
    assert _strings_and_names('ce.kwic(corpus, "bamara")') & {"bamara"}


# --------------------------------------------------------------------------- running them

FIXTURE = ROOT / "tests" / "data" / "studies" / "rsud"
#: Words of the example study that no report of another study may contain.
EXAMPLE_WORDS = re.compile(r"Banjarmasin|Bamara|\bCITRA\b|district|kerja_sama|"
                           r"used_online_service|Prokompim", re.IGNORECASE)


def _run_all(root: Path, workdir: Path) -> dict[str, list[str]]:
    """Run every notebook of the study at ``root`` as reproduce does; notes per notebook."""
    from citra_eval.pipeline import notebook_notes, run_notebook

    out = root / "reports"
    notes = {}
    for nb in NOTEBOOKS:
        executed = out / "notebooks" / nb.name
        run_notebook(nb, executed, cwd=root, workdir=workdir,
                     parameters={"study_root": str(root), "out_dir": str(out),
                                 "lang": None, "seed": None})
        notes[nb.name[:2]] = notebook_notes(executed)
    return notes


def _fixture_copy(tmp_path: Path, *drop: str) -> Path:
    import shutil

    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    for rel in drop:
        target = root / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return root


def _no_example_words(root: Path) -> None:
    for f in sorted((root / "reports").rglob("*")):
        if f.is_file() and f.suffix in (".csv", ".svg", ".ipynb"):
            text = f.read_text(encoding="utf-8").replace("citra_eval", "").replace(
                "citra-eval", "")
            assert not EXAMPLE_WORDS.search(text), (f.name, EXAMPLE_WORDS.search(text))


@pytest.mark.slow
def test_one_coder_and_no_survey_run_through_with_notes(tmp_path):
    """A master's thesis: one coder, interviews only. Nothing fails; what cannot apply says
    so in one line; the joint display has the interview rows."""
    root = _fixture_copy(tmp_path, "data/raw/codings_B.csv", "data/raw/instrument.yaml",
                         "data/raw/survey_responses.csv")
    notes = _run_all(root, tmp_path)
    assert any(n.startswith("one coder (A): inter-coder reliability") for n in notes["02"])
    # 4 interviews: a base of 2, smaller than the method's, said as a note reproduce repeats
    assert any(n.startswith("saturation: base_size=2 interview(s) of the 4 interviews")
               for n in notes["03"]), notes["03"]
    assert notes["04"] == ["no survey: the psychometrics are skipped"]
    assert any(n.startswith("no survey") for n in notes["05"])
    assert notes["06"] == ["no survey: the joint display has interview rows only"]
    tables = {p.stem for p in (root / "reports" / "tables").glob("*.csv")}
    assert {"01-documents", "03-code-frequencies", "03-kwic-humas", "03-kwic-viral",
            "06-joint-display"} <= tables
    assert not tables & {"02-agreement", "02-consensus-codings", "04-likert",
                         "05-image-model"}
    joint = pd.read_csv(root / "reports" / "tables" / "06-joint-display.csv")
    assert (joint["meta_inference"] == "expands").all() and joint["theme"].notna().all()
    assert joint["rationale"].str.startswith("studi ini tanpa survei").all()
    _no_example_words(root)


@pytest.mark.slow
def test_a_survey_without_interviews_runs_through(tmp_path):
    root = _fixture_copy(tmp_path, "interview_transcripts", "data/raw/codings_A.csv",
                         "data/raw/codings_B.csv")
    notes = _run_all(root, tmp_path)
    assert notes["01"][0].startswith("no transcripts")
    assert notes["03"] == ["no transcripts, codebook or codings: the theme analyses are "
                           "skipped"]
    tables = {p.stem for p in (root / "reports" / "tables").glob("*.csv")}
    assert {"04-likert", "05-image-model", "05-group-comparison-unit_layanan",
            "05-group-comparison-jenis_pasien", "06-joint-display"} <= tables
    joint = pd.read_csv(root / "reports" / "tables" / "06-joint-display.csv")
    assert joint["theme"].isna().all() and "PERSEPSI_RS" not in set(joint["construct"])
    _no_example_words(root)


@pytest.mark.slow
def test_06_on_an_empty_study_says_one_thing(tmp_path):
    """A study straight from ``init`` got three contradictory notes: survey rows only,
    interview rows only, and skipped."""
    from citra_eval.pipeline import notebook_notes, run_notebook

    root = ce.init_study(tmp_path / "empty")
    nb = ROOT / "notebooks" / "06-joint-display.ipynb"
    executed = root / "reports" / "notebooks" / nb.name
    run_notebook(nb, executed, cwd=root, workdir=tmp_path,
                 parameters={"study_root": str(root), "out_dir": str(root / "reports"),
                             "lang": None, "seed": None})
    assert notebook_notes(executed) == ["no coded interviews and no survey: the joint "
                                        "display is skipped"]
    assert not (root / "reports" / "tables").exists() or not any(
        (root / "reports" / "tables").iterdir())


@pytest.mark.slow
def test_04_draws_no_strategy_figure_without_strategies(tmp_path):
    """A survey of one scale, no 'role: strategy' and no outcome set apart: notebook 04 drew
    that scale's items as '04-likert-strategies'. Now a note says the figure is skipped."""
    from citra_eval.pipeline import notebook_notes, run_notebook

    root = ce.init_study(tmp_path / "one-scale")
    (root / "data/raw/instrument.yaml").write_text(
        "instrument: t\nscale: {min: 1, max: 5}\nid_column: rid\nscales:\n"
        "  Y: {label: {id: Y, en: Y}, items: [y1, y2, y3]}\n", encoding="utf-8")
    rows = [f"{i},{i % 5 + 1},{(i * 2) % 5 + 1},{(i * 3) % 5 + 1}" for i in range(1, 31)]
    (root / "data/raw/survey_responses.csv").write_text(
        "rid,y1,y2,y3\n" + "\n".join(rows) + "\n", encoding="utf-8")
    nb = ROOT / "notebooks" / "04-survey-psychometrics.ipynb"
    executed = root / "reports" / "notebooks" / nb.name
    run_notebook(nb, executed, cwd=root, workdir=tmp_path,
                 parameters={"study_root": str(root), "out_dir": str(root / "reports"),
                             "lang": None, "seed": None})
    assert notebook_notes(executed) == [
        "no scale has 'role: strategy' in the instrument, and study.yaml names no 'outcome' "
        "to set apart from the strategies: the figure of the strategy items "
        "(04-likert-strategies) is skipped; the table 04-likert has the answers to every item"]
    assert (root / "reports/tables/04-likert.csv").is_file()
    assert not list((root / "reports/figures").glob("04-likert*"))


@pytest.mark.slow
def test_02_coverage_note_code_set_agreement_and_consensus_text(tmp_path):
    """Issue 14 items 7 and 10, issue 12 in notebook 02 on the fixture study: without
    ``double_coded`` the inferred coverage is said as a note (B has no codings in one
    interview; when every coder coded every interview nothing is inferred, and nothing
    said), with it nothing is said; the agreement table carries code-set agreement; the
    consensus codings record their text."""
    from citra_eval.pipeline import notebook_notes, run_notebook

    root = _fixture_copy(tmp_path)
    study = ce.load_study(root)
    last = study.corpus.doc_ids[-1]
    b = study.codings[(study.codings.coder == "B") & (study.codings.doc_id != last)]
    ce.write_codings(b, root / "data" / "raw" / "codings_B.csv", corpus=study.corpus,
                     replace_raw=True)
    nb = ROOT / "notebooks" / "02-coding-reliability.ipynb"
    out = root / "reports"

    def run() -> list[str]:
        executed = out / "notebooks" / nb.name
        run_notebook(nb, executed, cwd=root, workdir=tmp_path,
                     parameters={"study_root": str(root), "out_dir": str(out),
                                 "lang": None, "seed": None})
        return notebook_notes(executed)

    notes = run()
    assert any(n.startswith("coverage='documents' infers which documents") for n in notes)
    agree = pd.read_csv(out / "tables" / "02-agreement.csv").set_index("code")
    assert {"coded_agreement", "alpha_masi_coded"} <= set(agree.columns)
    assert 0 <= agree.loc["ALL", "coded_agreement"] <= 1
    assert pd.notna(agree.loc["ALL", "alpha_masi_coded"])
    corpus = ce.read_transcripts(root / "interview_transcripts")
    consensus = pd.read_csv(out / "tables" / "02-consensus-codings.csv")
    assert len(consensus) and consensus["text"].notna().all()
    assert all(corpus.text(r.doc_id)[r.start:r.end] == r.text
               for r in consensus.itertuples())
    yaml = (root / "study.yaml").read_text(encoding="utf-8")
    (root / "study.yaml").write_text(yaml + "double_coded: {A: all, B: all}\n",
                                     encoding="utf-8")
    assert not [n for n in run() if "coverage" in n]


@pytest.mark.slow
def test_07_compares_the_human_coders_where_both_coded(tmp_path):
    """Review session 11: B coded one interview of four (``double_coded``); notebook 07 gave
    B's F1 against A and the human alpha over all four, contradicting notebook 02. Now both
    are those of the interview B coded: B against A is scored there only, and the alpha is
    agreement()'s with the study's coverage."""
    from citra_eval.pipeline import run_notebook

    root = _fixture_copy(tmp_path)
    study = ce.load_study(root)
    codings, corpus = study.codings, study.corpus
    first = corpus.doc_ids[0]
    a = codings[codings.coder == "A"]
    b = codings[(codings.coder == "B") & (codings.doc_id == first)]
    ce.write_codings(b, root / "data" / "raw" / "codings_B.csv", corpus=corpus, replace_raw=True)
    yaml = (root / "study.yaml").read_text(encoding="utf-8")
    (root / "study.yaml").write_text(yaml + f"double_coded: {{A: all, B: [{first}]}}\n",
                                     encoding="utf-8")
    study = ce.load_study(root)
    nb = ROOT / "notebooks" / "07-auto-coding.ipynb"
    out = root / "reports"
    run_notebook(nb, out / "notebooks" / nb.name, cwd=root, workdir=tmp_path,
                 parameters={"study_root": str(root), "out_dir": str(out), "lang": None,
                             "seed": None})
    quality = pd.read_csv(out / "tables" / "07-coder-quality-per-code.csv").set_index("code")
    there = ce.evaluate_coder(b, reference=a[a.doc_id == first], corpus=corpus.subset([first]),
                              codes=study.codebook.codable_ids).set_index("code")
    assert quality["B"].to_numpy() == pytest.approx(there["f1"].to_numpy(), nan_ok=True,
                                                    abs=1e-4)  # the table has 4 places
    alpha = ce.agreement(study.codings, corpus=corpus, codes=study.codebook, n_boot=0,
                         coverage=study.coverage).set_index("code")["krippendorff_alpha"]
    codes = quality.index.drop(["micro", "macro"])
    assert quality.loc[codes, "human_alpha"].to_numpy() == pytest.approx(
        alpha[codes].to_numpy(), nan_ok=True, abs=1e-4)


def _calls_without(path: Path, option: str, value: str | None = None) -> list[str]:
    """``ce.f(...)``/``plots.f(...)`` calls of a notebook whose function takes ``option``
    but that do not pass it (or, given ``value``, pass something else: its source text)."""
    from citra_eval import plots

    spaces = {"ce": ce, "plots": plots}
    missing = []
    for source in _code(_read(path)):
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in spaces):
                continue
            fn = getattr(spaces[node.func.value.id], node.func.attr, None)
            try:
                takes = option in inspect.signature(fn).parameters
            except (TypeError, ValueError):
                continue
            given = {k.arg: ast.unparse(k.value) for k in node.keywords}
            if takes and (option not in given
                          or (value is not None and given[option] != value)):
                missing.append(f"{node.func.value.id}.{node.func.attr}")
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_call_that_takes_coverage_gets_the_studys(path):
    """Review session 11: notebook 07 called agreement() and cross_validate_coder() without
    the study's coverage, so with a second coder who coded some interviews its human alpha
    and F1 contradicted notebook 02's."""
    assert _calls_without(path, "coverage", "study.coverage") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_call_that_takes_lang_gets_the_study_lang(path):
    """With lang: en, 03-code-frequencies and 07-autocode-counts kept the codebook's
    Indonesian labels while 01-codings-per-coder and 03-quotes were in English."""
    assert _calls_without(path, "lang") == []


@pytest.mark.slow
def test_03_says_why_a_table_is_empty(tmp_path):
    """Header-only tables without a word: a kwic term that never occurs, no collocation, no
    key word (blank keyness axes), and the per-group frequencies skipped without saying
    that 'unit' has too many values. One code: a one-cell co-occurrence heatmap. A
    transcript of the interviewer alone counted toward saturation silently, and (issue 9.3)
    as an interview whose attributes made 'unit' look ungrouped."""
    from citra_eval.pipeline import notebook_notes, run_notebook

    root = tmp_path / "kecil"
    (root / "interview_transcripts").mkdir(parents=True)
    (root / "data" / "raw").mkdir(parents=True)
    turns = {"K1": ("rektorat", "Kampus kami ramah sekali.", "Petugas menjawab cepat."),
             "K2": ("fakultas", "Dosen juga ramah.", "Layanan daring lumayan.")}
    for doc, (unit, *said) in turns.items():
        body = "\n".join(f"I: {t}" for t in said)
        (root / "interview_transcripts" / f"{doc}.txt").write_text(
            f"---\nid: {doc}\nunit: {unit}\ndate: 2024-01-0{doc[-1]}\n"
            f"speakers: {{P: interviewer, I: informant}}\n---\nP: Apa kabar?\n{body}\n",
            encoding="utf-8")
    (root / "interview_transcripts" / "K3.txt").write_text(  # nobody answered; no date
        "---\nid: K3\nunit: pusat\n"
        "speakers: {P: interviewer, I: informant}\n---\nP: Halo? Saya telepon lagi besok.\n",
        encoding="utf-8")
    (root / "data" / "raw" / "codebook.yaml").write_text(
        "codebook: kecil\nversion: 1\nlanguage: id\ncodes:\n  - id: keramahan\n"
        "    label: {id: Keramahan, en: Friendliness}\n    patterns: [ramah]\n",
        encoding="utf-8")
    (root / "study.yaml").write_text("title: Kecil\nkwic: [tidakada]\n", encoding="utf-8")
    corpus = ce.read_transcripts(root / "interview_transcripts")
    cb = ce.Codebook.load(root / "data" / "raw" / "codebook.yaml")
    auto = ce.autocode(corpus, cb, coder="A")[list(ce.CODING_COLUMNS)]
    ce.write_codings(auto, root / "data" / "raw" / "codings_A.csv", corpus=corpus, replace_raw=True)
    nb = ROOT / "notebooks" / "03-themes.ipynb"
    executed = root / "reports" / "notebooks" / nb.name
    run_notebook(nb, executed, cwd=root, workdir=tmp_path,
                 parameters={"study_root": str(root), "out_dir": str(root / "reports"),
                             "lang": None, "seed": None})
    notes = notebook_notes(executed)
    (groups,) = [n for n in notes if n.startswith("no front-matter attribute")]
    assert groups.startswith("no front-matter attribute divides the interviews into groups "
                             "('unit': 2 values for 2 interviews (a grouping has at most half "
                             "as many: 1); 'date': a date orders the interviews (saturation), "
                             "it does not group them")
    assert not [n for n in notes if "'date'" in n and n is not groups]  # K3 needs no date
    assert groups.endswith("): the frequencies per group are skipped; choose attributes "
                           "with 'group_by' in study.yaml")
    assert "kwic: 'tidakada' does not occur in the informants' turns: its table is empty" \
        in notes
    assert any(n.startswith("no pair of words recurs often enough") for n in notes)
    assert any(n.startswith("no word is key to any theme") for n in notes)
    assert "fewer than two themes occur in the coding: co-occurrence needs two, so its " \
        "table has no pair and its figure says so" in notes
    svg = (root / "reports" / "figures" / "03-cooccurrence.svg").read_text(encoding="utf-8")
    assert "ko-okurensi memerlukan dua kode atau lebih (yang muncul: 1)" in svg
    assert "K3: no informant turn (nothing to code): saturation leaves them out" in notes
    # session 12: only a Python warning inside the executed notebook, not a note reproduce
    # repeats (2 interviews: not even a base of one leaves a run of 2)
    assert any(n.startswith("saturation cannot be judged: not even a base of one interview")
               for n in notes), notes
    saturation = root / "reports" / "tables" / "03-saturation.csv"
    assert pd.read_csv(saturation)["doc_id"].tolist() == ["K1", "K2"]
    tables = root / "reports" / "tables"
    assert pd.read_csv(tables / "03-keyness.csv").empty
    svg = (root / "reports" / "figures" / "03-keyness.svg").read_text(encoding="utf-8")
    assert "tidak ada kata kunci" in svg
    assert not list(tables.glob("03-code-frequencies-by*"))
    # the user names the attribute: its table is made, a column per value
    (root / "study.yaml").write_text("title: Kecil\ngroup_by: [unit]\n", encoding="utf-8")
    run_notebook(nb, executed, cwd=root, workdir=tmp_path,
                 parameters={"study_root": str(root), "out_dir": str(root / "reports"),
                             "lang": None, "seed": None})
    by_unit = pd.read_csv(tables / "03-code-frequencies-by-unit.csv")
    assert sorted(by_unit["unit"].unique()) == ["fakultas", "rektorat"]
    # two more coded interviews, one without a date: 'unit' groups the four, and the
    # notebook says so; saturation keeps the transcripts' order and names the undated one
    for doc, unit, date in (("K4", "rektorat", "date: 2023-12-01\n"), ("K5", "fakultas", "")):
        (root / "interview_transcripts" / f"{doc}.txt").write_text(
            f"---\nid: {doc}\nunit: {unit}\n{date}speakers: {{P: interviewer, I: informant}}"
            "\n---\nP: Apa kabar?\nI: Baik, petugasnya ramah.\n", encoding="utf-8")
    corpus = ce.read_transcripts(root / "interview_transcripts")
    auto = ce.autocode(corpus, cb, coder="A")[list(ce.CODING_COLUMNS)]
    assert {"K4", "K5"} <= set(auto["doc_id"])
    ce.write_codings(auto, root / "data" / "raw" / "codings_A.csv", corpus=corpus, replace_raw=True)
    (root / "study.yaml").write_text("title: Kecil\n", encoding="utf-8")
    run_notebook(nb, executed, cwd=root, workdir=tmp_path,
                 parameters={"study_root": str(root), "out_dir": str(root / "reports"),
                             "lang": None, "seed": None})
    assert "no 'date' in the front matter of K5 (1 of 4 interviews): an interview without a " \
        "date has no place among dated ones, so saturation follows the order of the " \
        "transcripts; add 'date: YYYY-MM-DD' to order them as they were held" in \
        notebook_notes(executed)
    assert pd.read_csv(saturation)["doc_id"].tolist() == ["K1", "K2", "K4", "K5"]
    assert "grouped by 'unit': no 'group_by' in study.yaml, so every attribute that divides " \
        "the interviews into groups; not by 'date': a date orders the interviews " \
        "(saturation), it does not group them" in notebook_text(executed)


@pytest.mark.slow
def test_interviews_nobody_coded_are_left_out_of_the_themes(tmp_path):
    """Interviews nobody coded counted as "coded, no code" in notebooks 02, 03 and 06:
    saturation declared on them, theme shares lowered, the dictionary's precision
    deflated (repro uncoded_counted.sh)."""
    import re

    from citra_eval.pipeline import notebook_notes, run_notebook

    root = _fixture_copy(tmp_path, "data/raw/codings_B.csv")
    src = (root / "interview_transcripts" / "WWC-04.txt").read_text(encoding="utf-8")
    for doc, date in (("WWC-05", "2031-01-01"), ("WWC-06", "2031-02-01")):
        text = re.sub(r"(?m)^date: .*$", f"date: {date}", src.replace("id: WWC-04", f"id: {doc}"))
        (root / "interview_transcripts" / f"{doc}.txt").write_text(text, encoding="utf-8")
    out = root / "reports"
    notes = {}
    for nb in NOTEBOOKS:
        if nb.name[:2] in ("02", "03", "06"):
            executed = out / "notebooks" / nb.name
            run_notebook(nb, executed, cwd=root, workdir=tmp_path,
                         parameters={"study_root": str(root), "out_dir": str(out),
                                     "lang": None, "seed": None})
            notes[nb.name[:2]] = notebook_notes(executed)
    assert any(n.startswith("WWC-05, WWC-06: not coded") for n in notes["03"])
    tables = out / "tables"
    assert not {"WWC-05", "WWC-06"} & set(pd.read_csv(tables / "03-saturation.csv")["doc_id"])
    joint = pd.read_csv(tables / "06-joint-display.csv")
    assert (joint.loc[joint["theme"].notna(), "n_informants_total"] == 4).all()
    # the auto-coder is scored on the coded interviews only: the same as on a corpus of them
    study = ce.load_study(root)
    auto = ce.autocode(study.corpus, study.codebook)
    coded = study.corpus.subset(["WWC-01", "WWC-02", "WWC-03", "WWC-04"])
    expected = ce.evaluate_coder(auto, reference=ce.reference_codings(study.codings),
                                 corpus=coded)
    quality = pd.read_csv(tables / "02-autocode-vs-consensus.csv")
    assert quality["fp"].tolist() == expected["fp"].tolist()


@pytest.mark.slow
def test_the_survey_notebooks_score_with_the_studys_min_items(tmp_path):
    """study.yaml's ``min_items`` reaches notebooks 04 and 05: a respondent who answered one
    item of a three-item scale is not scored there, and the reliability table has no
    half-scale warning left (the advice named an argument no study could set)."""
    from citra_eval.pipeline import run_notebook

    root = _fixture_copy(tmp_path)
    responses = root / "data" / "raw" / "survey_responses.csv"
    table = pd.read_csv(responses, dtype=str, keep_default_na=False)
    scale, items = next((s, sc.items) for s, sc in ce.load_study(root).instrument.scales.items()
                        if len(sc.items) == 3)
    table.loc[0, list(items[1:])] = ""  # the first respondent answers one item of three
    table.to_csv(responses, index=False)
    out = root / "reports"
    scored = {}
    for setting in ("", "min_items: 2\n"):
        (root / "study.yaml").write_text((FIXTURE / "study.yaml").read_text(encoding="utf-8")
                                         + setting, encoding="utf-8")
        for nb in NOTEBOOKS:
            if nb.name[:2] in ("04", "05"):
                run_notebook(nb, out / "notebooks" / nb.name, cwd=root, workdir=tmp_path,
                             parameters={"study_root": str(root), "out_dir": str(out),
                                         "lang": None, "seed": None})
        rel = pd.read_csv(out / "tables" / "04-scale-reliability.csv",
                          keep_default_na=False).set_index("scale")
        desc = pd.read_csv(out / "tables" / "05-scale-descriptives.csv")
        scored[setting] = ("fewer than half" in rel.loc[scale, "warning"],
                           int(desc.loc[desc["variable"] == scale, "n"].iloc[0]))
    (warned, n_all), (warned_strict, n_strict) = scored.values()
    assert warned and not warned_strict and n_strict == n_all - 1


@pytest.mark.slow
def test_a_survey_of_one_scale_runs_through_with_a_note(tmp_path):
    """Notebook 05 failed with a traceback in correlation_matrix when the survey had one
    scale; the correlations are skipped with a note, the rest runs."""
    from _studies import one_scale_study

    root = one_scale_study(tmp_path / "s")
    notes = _run_all(root, tmp_path)
    assert any(n.startswith("one scale (S1): the correlations between scales are skipped")
               for n in notes["05"])
    # no outcome: the joint display's survey side holds means, and says why
    assert "no 'outcome' in study.yaml: the joint display has no effects on an outcome; its " \
           "survey side holds each scale's mean against the scale midpoint" in notes["06"]
    tables = {p.stem for p in (root / "reports" / "tables").glob("*.csv")}
    assert {"04-scale-reliability", "05-scale-descriptives", "05-group-comparison-g",
            "06-joint-display"} <= tables
    assert "05-correlations" not in tables


@pytest.mark.slow
def test_notebook_03_takes_the_saturation_base_from_the_study(tmp_path):
    """Session 12: notebook 03 ran saturation with the library's fixed base of 4, so on this
    study of 4 interviews every interview was the base and nothing was judged. The base is
    study.yaml's ``saturation_base``, else the library's default for the study's size."""
    from citra_eval.pipeline import run_notebook

    root = _fixture_copy(tmp_path)
    out = root / "reports"
    nb = next(n for n in NOTEBOOKS if n.name.startswith("03"))
    study_yaml = root / "study.yaml"
    text = study_yaml.read_text(encoding="utf-8")
    n = len(ce.load_study(root).coded_corpus)
    for extra, base in (("", n - 2), ("saturation_base: 1\n", 1)):
        study_yaml.write_text(text + extra, encoding="utf-8")
        run_notebook(nb, out / "notebooks" / nb.name, cwd=root, workdir=tmp_path,
                     parameters={"study_root": str(root), "out_dir": str(out), "lang": None,
                                 "seed": None})
        sat = pd.read_csv(out / "tables" / "03-saturation.csv")
        assert len(sat) == n and sat["in_base"].sum() == base, extra
        assert sat["run_ratio"].notna().any(), extra  # judged: a run follows the base


def test_notebook_03_text_states_no_saturation_number_the_code_chooses():
    """Session 19: notebook 03's markdown said "base of 4 interviews" above a table computed
    with study.yaml's saturation_base or, in a small study, a smaller base (and the library's
    run length and threshold). The text names where the numbers come from, not numbers."""
    nb = _read(next(n for n in NOTEBOOKS if n.name.startswith("03")))
    text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown"
                    and "Saturation" in c.source)
    assert "saturation_base" in text
    assert not re.search(r"base of \d|runs? of \d|\d+ ?%", text), text
