"""Every command of the walk-through in README.md and docs/reproduce.md works as shown, and
every Python snippet of README.md and docs/*.md runs as written.

Blocks marked ``<!-- runnable -->`` run in order in one temporary folder, each continuing in
the folder where the previous one ended (a ``cd`` carries over); before a block marked
``<!-- runnable: after the data are in -->`` the fictional test study's files
(tests/data/studies/rsud) are copied into the study folder, as the reader is told to do.
README.md's blocks are a subset of the guide's, so running the guide runs them too.

Each ```` ```python ```` block of each document runs on its own, in a namespace of its own and a
fresh copy of the bundled example study (``ce.init_study(DIR, example=True)``, what
``citra-eval init DIR --example`` makes), as a reader who copies just that block would run it
there: a block imports and reads what it uses. A block that cannot run (it needs the
reader's own files) says why in a ``<!-- not-run: reason -->`` line just before it; only those
are skipped.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from _studies import (
    AFTER_DATA,
    FROM_A_WHEEL,
    blocks,
    commands,
    no_word_of_the_example,
    run_guide,
)
from conftest import ROOT

import citra_eval as ce

#: A ```python block, and the not-run mark (with its reason) just before it, if any.
PYTHON = re.compile(r"(?:<!-- not-run:\s*(?P<why>[^>]*?)\s*-->\s*\n)?```python\n(?P<body>.*?)"
                    r"^```[ \t]*$", re.S | re.M)
#: Documents whose snippets train and cross-validate the learned coder (a minute or more).
SLOW_DOCS = ("README.md", "docs/autocode.md")
#: README.md and docs/*.md that hold Python snippets.
DOCS = sorted(d for d in ["README.md", *(str(p.relative_to(ROOT))
                                        for p in (ROOT / "docs").glob("*.md"))]
              if "```python" in (ROOT / d).read_text(encoding="utf-8"))


def python_blocks(doc: str) -> list[tuple[str | None, str]]:
    """``(why not run or None, code)`` of every ```python block of ``doc``, in order."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    found = [(m["why"], m["body"]) for m in PYTHON.finditer(text)]
    assert len(found) == text.count("```python"), f"{doc}: a not-run mark is malformed"
    return found


def test_both_documents_walk_from_init_to_reports():
    for doc in ("README.md", "docs/reproduce.md"):
        found = blocks(doc)
        assert [w for w, _ in found] == ["", AFTER_DATA], doc
        assert commands(found[0][1])[0] == "citra-eval init mystudy"
        assert "citra-eval reproduce --check" in commands(found[1][1])


def test_every_runnable_block_is_run_by_a_test():
    """The walk (run here) and the wheel route (run by tests/test_packaging.py); no block
    marked runnable is left to no test."""
    assert [w for w, _ in blocks("README.md", walk=False)] == ["", AFTER_DATA]
    assert [w for w, _ in blocks("docs/reproduce.md", walk=False)] == [
        "", AFTER_DATA, FROM_A_WHEEL]


def test_readme_runs_only_what_the_guide_runs():
    """README.md's blocks are the guide's commands (run below), so running the guide runs
    them too."""
    guide = blocks("docs/reproduce.md")
    for (when, script), (gwhen, gscript) in zip(blocks("README.md"), guide, strict=True):
        assert when == gwhen
        assert set(commands(script)) <= set(commands(gscript))


@pytest.mark.slow
def test_the_first_steps_run_as_written(tmp_path):
    (out,) = run_guide("docs/reproduce.md", tmp_path, upto=1)
    assert "made a new study in mystudy" in out
    assert "warning: interview_transcripts: no transcripts yet" in out
    assert (tmp_path / "mystudy" / "study.yaml").is_file()


@pytest.mark.slow
def test_the_guide_runs_as_written(guide_study):
    out, study = guide_study["outputs"], guide_study["root"]
    assert (study / "reports" / "MANIFEST.sha256").is_file()
    assert "files rebuilt identical to reports/MANIFEST.sha256" in out[1]
    assert "figures and tables and provenance.json match reports/MANIFEST" in out[1]
    # a different study (the fictional hospital), with no notebook edited, and its reports
    # hold no word of the example study
    assert not [ln for ln in out[1].splitlines() if ln.startswith("warning: ")]
    no_word_of_the_example(study)


def test_no_documented_command_writes_into_reports():
    """t1 finding 9: docs/survey.md's example wrote '--out reports/tables/survey'; in a study
    'verify' (and 'reproduce --check') then list those files as not in the manifest and
    exit 1. reports/ is reproduce's alone: no documented command writes there."""
    into = re.compile(r"--(?:out|disagreements)[ =]+\S*\breports/")
    found = [f"{doc}:{n}: {line.strip()}"
             for doc in ["README.md", *(str(p.relative_to(ROOT))
                                        for p in sorted((ROOT / "docs").glob("*.md")))]
             for n, line in enumerate((ROOT / doc).read_text(encoding="utf-8").splitlines(), 1)
             if into.search(line)]
    assert not found, found


def test_no_snippet_saves_into_reports():
    """Session 18 docs finding: docs/reproduce.md's joint-display snippet saved with
    out_dir="reports/figures" and "reports/tables": run in a study, 'verify' then found three
    files differing from the manifest. Snippets save into a scratch folder."""
    into = re.compile(r"""out_dir\s*=\s*[^,)]*["']reports\b""")
    found = [f"{doc}: {line.strip()}" for doc in DOCS for _, code in python_blocks(doc)
             for line in code.splitlines() if into.search(line)]
    assert not found, found


def test_not_run_marks_give_a_reason():
    for doc in DOCS:
        for why, _ in python_blocks(doc):
            assert why is None or len(why.split()) >= 3, f"{doc}: say why a block is not run"


@pytest.mark.parametrize("doc", [pytest.param(d, marks=pytest.mark.slow) if d in SLOW_DOCS
                                 else d for d in DOCS])
def test_python_snippets_run_on_the_example_study(doc, tmp_path, monkeypatch):
    """Each of a document's snippets on its own (t1 finding 11: docs/qdpx.md's pseudonymise
    block failed with NameError: ce when copied alone, as it leant on an earlier block), in
    a fresh copy of the example study: no undefined name, no file that is not there, no
    call that fails on the example."""
    runnable = [code for why, code in python_blocks(doc) if why is None]
    for i, code in enumerate(runnable, 1):
        monkeypatch.chdir(ce.init_study(tmp_path / f"study{i}", example=True))
        try:
            exec(compile(code, f"{doc} (python block {i})", "exec"), {"__name__": "__docs__"})
        finally:
            plt.close("all")
        assert Path(os.getcwd()).is_dir()


#: A line that opens or closes a fenced code block (CommonMark: up to three spaces, then three
#: or more backticks or tildes); a closing fence has nothing after it but spaces.
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
#: Every Markdown document of the repository.
MARKDOWN = sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*.md")
                  if not {".venv", ".git", "build", "node_modules"} & set(p.parts)
                  and not any(part.startswith(".") for part in p.relative_to(ROOT).parts))


def unbalanced_fences(text: str) -> list[str]:
    """What is wrong with ``text``'s code fences: a line inside a block that starts like its
    closing fence but has text after it (no closing fence, so the block runs on into the
    prose), or a block still open at the end."""
    problems, opened = [], None
    for n, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if not m:
            continue
        fence, info = m["fence"], m["info"]
        if opened is None:
            opened = (n, fence)
        elif fence[0] == opened[1][0] and len(fence) >= len(opened[1]):
            if info.strip():
                problems.append(f"line {n}: text after a closing fence: {line.strip()!r}")
            else:
                opened = None
    if opened is not None:
        problems.append(f"line {opened[0]}: code block never closed")
    return problems


def test_fence_check_finds_a_closing_fence_with_text_after_it():
    assert unbalanced_fences("```python\nx = 1\n```\n\ntext\n") == []
    assert unbalanced_fences("````markdown\n```python\nx\n```\n````\n") == []
    assert unbalanced_fences("```python\nx = 1\n``` prose\n") == [
        "line 3: text after a closing fence: '``` prose'", "line 1: code block never closed"]
    assert unbalanced_fences("```\nx\n") == ["line 1: code block never closed"]


@pytest.mark.parametrize("doc", MARKDOWN)
def test_code_fences_are_balanced(doc):
    """Session 12 docs finding 2: docs/survey.md closed a block with '``` A text control ...',
    which Markdown reads as no fence at all: the python block ran on over the prose and the
    next heading (the target of a README link)."""
    assert unbalanced_fences((ROOT / doc).read_text(encoding="utf-8")) == [], doc


def headings_outside_code(text: str) -> set[str]:
    """GitHub's anchors of the headings of ``text`` that are not inside a code block."""
    anchors, fence = set(), None
    for line in text.splitlines():
        m = FENCE.match(line)
        if m:
            if fence is None:
                fence = m["fence"]
            elif m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) \
                    and not m["info"].strip():
                fence = None
            continue
        if fence is None and (h := re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)):
            anchors.add(re.sub(r"[^\w\- ]", "", h[1].lower()).replace(" ", "-"))
    return anchors


def test_links_to_document_sections_have_a_target():
    """A link ``docs/x.md#section`` (or ``x.md#section`` within docs/) points at a heading
    of that document that is rendered as a heading, not swallowed by a code block."""
    missing = []
    docs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))
    for doc in ["README.md", *docs]:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([\w./-]*\.md)?#([\w-]+)\)", text):
            path = (ROOT / doc).parent / target if target else ROOT / doc
            if path.is_file() and anchor not in headings_outside_code(
                    path.read_text(encoding="utf-8")):
                missing.append(f"{doc}: {target}#{anchor}")
    assert not missing, missing


#: A row of an API table: its first cell's call, ``name(parameters)``.
API_ROW = re.compile(r"^\| `(?P<name>[\w.]+)\((?P<params>[^`]*)\)` \|", re.M)


def _split_top(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and quotes."""
    parts, depth, quote, cur = [], 0, "", ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
            continue
        cur += ch
    return [p for p in [*parts, cur.strip()] if p]


def test_the_api_table_of_autocode_md_follows_the_signatures():
    """Student: docs/autocode.md's API table left out parameters (question_hits' negation
    and hits, explain's roles, suggest_turns' seed). Every row names every parameter of the
    function, with its default."""
    import ast
    import inspect

    text = (ROOT / "docs" / "autocode.md").read_text(encoding="utf-8")
    rows = list(API_ROW.finditer(text))
    assert len(rows) >= 12
    wrong = []
    for row in rows:
        obj = ce
        for part in row["name"].split("."):
            obj = getattr(obj, part)
        params = [p for p in inspect.signature(obj).parameters.values() if p.name != "self"]
        written = {}
        for item in _split_top(row["params"]):
            if item != "*":
                name, _, default = item.partition("=")
                written[name] = default
        if list(written) != [p.name for p in params]:
            wrong.append(f"{row['name']}: {list(written)} != {[p.name for p in params]}")
            continue
        for p in params:
            if p.default is not inspect.Parameter.empty and (
                    not written[p.name] or ast.literal_eval(written[p.name]) != p.default):
                wrong.append(f"{row['name']}({p.name}={written[p.name]}): default "
                             f"{p.default!r}")
    assert not wrong, "\n".join(wrong)
