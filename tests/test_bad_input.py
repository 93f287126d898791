"""One bad-input suite across every reader, through the command line.

Each case writes a small valid study (transcripts, codebook, codings, key), spoils one file,
runs a command that would write output, and checks the contract: exit code 2, every stderr
line is ``error: <the spoiled file>[:<line>]: ...``, no traceback, nothing written.

To add a reader (e.g. the survey instrument and responses): add its good file to ``GOOD``,
a command to ``COMMANDS`` if none of them reads it, and cases to ``CASES``.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TRANSCRIPT = ("---\nid: INF01\ngroup: pemerintah\nspeakers: {P: interviewer, I: informant}\n---\n"
              "P: Apa strategi humas?\nI: Kami bermitra dengan media.\n")
CODEBOOK = ("codebook: demo\nlanguage: id\ncodes:\n  - id: strategi\n    label: Strategi\n"
            "    codable: false\n    children:\n      - id: kerja_sama\n        label: Kerja sama\n"
            "        patterns: [bermitra]\n")
CODINGS = "doc_id,segment_id,start,end,code,coder\nINF01,2,31,39,kerja_sama,A\n"
CODINGS_B = CODINGS.replace(",A\n", ",B\n")
KEY = "name,pseudonym\nBudi,INF01\n"
INSTRUMENT = ("instrument: mini\nscale: {min: 1, max: 5}\nid_column: respondent_id\nscales:\n"
              "  KS:\n    label: {id: Kerja sama, en: Cooperation}\n    items: [KS1, KS2, KS3]\n"
              "    reverse: [KS3]\ndemographics: [district]\n")
RESPONSES = ("respondent_id,district,KS1,KS2,KS3\nR1,A,4,5,2\nR2,B,3,4,1\nR3,A,5,5,2\n"
             "R4,B,2,3,4\n")

GOOD: dict[str, str | bytes] = {
    "tr/a.txt": TRANSCRIPT,
    "codebook.yaml": CODEBOOK,
    "codings.csv": CODINGS,
    "codings_b.csv": CODINGS_B,
    "key.csv": KEY,
    "instrument.yaml": INSTRUMENT,
    "responses.csv": RESPONSES,
}

# Commands that read the inputs and would write OUTPUT; {x} is the tmp folder.
COMMANDS = {
    "export": ["qdpx", "export", "--transcripts", "{x}/tr", "--codebook", "{x}/codebook.yaml",
               "--codings", "{x}/codings.csv", "--out", "{x}/OUTPUT"],
    "import": ["qdpx", "import", "{x}/project.qdpx", "--out", "{x}/OUTPUT"],
    "survey": ["survey", "--instrument", "{x}/instrument.yaml", "--responses",
               "{x}/responses.csv", "--out", "{x}/OUTPUT"],
    "code": ["code", "--transcripts", "{x}/tr", "--codebook", "{x}/codebook.yaml",
             "--out", "{x}/OUTPUT.csv"],
    "agree": ["agree", "--transcripts", "{x}/tr", "--codings", "{x}/codings.csv",
              "{x}/codings_b.csv", "--n-boot", "40", "--out", "{x}/OUTPUT.csv",
              "--disagreements", "{x}/OUTPUT_disagreements.csv"],
    "pseudonymise": ["pseudonymise", "--transcripts", "{x}/tr", "--key", "{x}/key.csv",
                     "--codings", "{x}/codings.csv", "--out", "{x}/OUTPUT"],
}


def _zip(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


_QDE = (b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource '
        b'guid="dddddddd-0000-0000-0000-000000000001" name="x" plainTextPath="internal://x.txt"/>'
        b"</Sources></Project>")


DIRECTORY = object()  # Case.content: make a folder where the file should be


@dataclass
class Case:
    id: str
    command: str
    bad: str                     # the file (relative to tmp) the error must name
    content: str | bytes | object | None  # what it becomes (None: delete it)
    line: int | None = None      # the line the error must point at
    extra: dict = field(default_factory=dict)  # further files


CASES = [
    # transcripts
    Case("transcript-not-utf8", "export", "tr/a.txt",
         TRANSCRIPT.replace("Kami", "Kam\xe9").encode("latin-1"), 7),
    Case("transcript-no-front-matter", "export", "tr/a.txt", "P: Apa?\nI: Ya.\n", 1),
    Case("transcript-front-matter-not-closed", "export", "tr/a.txt", "---\nid: X\nP: Apa?\n", 1),
    Case("transcript-missing-id", "export", "tr/a.txt", TRANSCRIPT.replace("id: INF01\n", ""), 2),
    Case("transcript-duplicate-id", "export", "tr/b.txt", TRANSCRIPT, 2),
    Case("transcript-empty", "export", "tr/a.txt", ""),
    Case("transcript-binary", "export", "tr/a.txt", b"\x00\x01\x02PK garbage", 1),
    Case("transcript-undeclared-speaker", "export", "tr/a.txt",
         TRANSCRIPT + "X: siapa ini?\n", 8),
    Case("transcript-bad-yaml", "export", "tr/a.txt",
         TRANSCRIPT.replace("group: pemerintah", "group: [pemerintah"), 4),
    Case("transcript-impossible-date", "export", "tr/a.txt",
         TRANSCRIPT.replace("group: pemerintah", "date: 2021-13-45"), 3),
    # codebook
    Case("codebook-typo-key", "export", "codebook.yaml",
         CODEBOOK.replace("patterns:", "paterns:"), 10),
    Case("codebook-duplicate-id", "export", "codebook.yaml",
         CODEBOOK.replace("id: kerja_sama", "id: strategi"), 8),
    Case("codebook-bad-regex", "export", "codebook.yaml",
         CODEBOOK.replace("[bermitra]", "[{regex: 'mitra(']}"), 10),
    Case("codebook-bad-yaml", "export", "codebook.yaml", CODEBOOK.replace("codes:", "codes: ]"), 3),
    Case("codebook-missing", "export", "codebook.yaml", None),
    # codings
    Case("codings-bad-header", "export", "codings.csv", "doc,seg\nINF01,2\n", 1),
    Case("codings-not-a-number", "export", "codings.csv", CODINGS.replace(",31,", ",x31,"), 2),
    Case("codings-unknown-code", "export", "codings.csv",
         CODINGS.replace("kerja_sama", "kerja"), 2),
    Case("codings-category-code", "export", "codings.csv",
         CODINGS.replace("kerja_sama", "strategi"), 2),
    Case("codings-unknown-doc", "export", "codings.csv", CODINGS.replace("INF01", "INF09"), 2),
    # (qdpx export needs a span inside its text only: a REFI-QDA project has no segments)
    Case("codings-outside-segment", "agree", "codings_b.csv", CODINGS_B.replace(",31,", ",3,"),
         2),
    Case("codings-outside-text", "export", "codings.csv", CODINGS.replace(",39,", ",390,"),
         2),
    Case("codings-infinite-offset", "export", "codings.csv", CODINGS.replace(",31,", ",inf,"), 2),
    Case("codings-huge-offset", "export", "codings.csv",
         CODINGS.replace(",39,", ",99999999999999999999,"), 2),
    Case("codings-not-utf8", "export", "codings.csv", CODINGS.encode("utf-16"), 1),
    Case("codings-bom-crlf", "export", "codings.csv",
         b"\xef\xbb\xbf" + CODINGS.replace(",39,", ",390,").replace("\n", "\r\n").encode(), 2),
    Case("codings-directory", "export", "codings.csv", DIRECTORY),
    Case("codings-multiline-note", "export", "codings.csv",  # a quoted note spans 2 lines
         CODINGS.replace("coder\n", "coder,note\n").replace(",A\n", ',A,"two\nlines"\n')
         + "INF01,2,3,390,kerja_sama,A,\n", 4),
    Case("codings-unknown-doc-agree", "agree", "codings_b.csv",
         CODINGS_B.replace("INF01", "INF09"), 2),
    Case("codebook-directory", "code", "codebook.yaml", DIRECTORY),
    Case("transcripts-empty-folder", "code", "tr", DIRECTORY),
    # REFI-QDA projects
    Case("qdpx-garbage", "import", "project.qdpx", bytes(range(256)) * 4),
    Case("qdpx-truncated", "import", "project.qdpx",
         _zip({"project.qde": _QDE, "sources/x.txt": b"isi " * 4000})[:200]),
    Case("qdpx-traversal", "import", "project.qdpx",
         _zip({"project.qde": _QDE, "sources/x.txt": b"x", "../../evil.txt": b"x"})),
    Case("qdpx-zip-bomb", "import", "project.qdpx",
         _zip({"project.qde": _QDE, "sources/x.txt": b"\0" * (30 << 20)})),
    Case("qdpx-xxe", "import", "project.qdpx", _zip({"project.qde": (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Project name="&x;"/>')})),
    Case("qdpx-billion-laughs", "import", "project.qdpx", _zip({"project.qde": (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;">]><Project name="&c;"/>')})),
    Case("qdpx-no-project-xml", "import", "project.qdpx", _zip({"hello.txt": b"hi"})),
    Case("qdpx-missing", "import", "project.qdpx", None),
    # survey instrument and responses
    Case("instrument-typo-key", "survey", "instrument.yaml",
         INSTRUMENT.replace("items:", "itemz:"), 7),
    Case("instrument-bad-yaml", "survey", "instrument.yaml",
         INSTRUMENT.replace("scales:", "scales: ]"), 4),
    Case("responses-out-of-scale", "survey", "responses.csv",
         RESPONSES.replace("R2,B,3,4,1", "R2,B,3,9,1"), 3),
    Case("responses-missing-item", "survey", "responses.csv",
         "respondent_id,district,KS1,KS2\nR1,A,4,5\n", 1),
    Case("instrument-directory", "survey", "instrument.yaml", DIRECTORY),
    Case("responses-not-utf8", "survey", "responses.csv",
         RESPONSES.replace("R1,A", "R1,\xc4").encode("latin-1"), 2),
    # pseudonymisation key
    Case("key-duplicate-name", "pseudonymise", "key.csv", KEY + "budi,INF02\n", 3),
    Case("key-empty-pseudonym", "pseudonymise", "key.csv", KEY + "Siti,\n", 3),
    Case("key-unknown-format", "pseudonymise", "key.txt", "Budi=INF01",
         extra={"argv": ["--key", "{x}/key.txt"]}),
    Case("key-directory", "pseudonymise", "keys", DIRECTORY,
         extra={"argv": ["--key", "{x}/keys"]}),
    # output paths that cannot be written: refused before anything is read or written
    Case("out-inside-a-file", "code", "blocker", "x",
         extra={"argv": ["--out", "{x}/blocker/deeper/OUTPUT.csv"]}),
    Case("survey-out-inside-a-file", "survey", "blocker", "x",
         extra={"argv": ["--out", "{x}/blocker/OUTPUT"]}),
    Case("export-out-inside-a-file", "export", "blocker", "x",
         extra={"argv": ["--out", "{x}/blocker/OUTPUT.qdpx"]}),
    Case("disagreements-inside-a-file", "agree", "blocker", "x",
         extra={"argv": ["--disagreements", "{x}/blocker/d.csv"]}),
]


def _setup(tmp: Path, case: Case) -> list[str]:
    for name, data in GOOD.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    target = tmp / case.bad
    if case.content is None:
        target.unlink(missing_ok=True)
    elif case.content is DIRECTORY:
        shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
        target.mkdir(parents=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.content if isinstance(case.content, bytes)
                           else case.content.encode("utf-8"))
    argv = [a.replace("{x}", str(tmp)) for a in COMMANDS[case.command]]
    override = [a.replace("{x}", str(tmp)) for a in case.extra.get("argv", [])]
    for i in range(0, len(override), 2):
        argv[argv.index(override[i]) + 1] = override[i + 1]
    return argv


@dataclass
class _Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys):
    """``citra-eval ARGV`` in this process (fast); any exception but SystemExit escapes."""
    from citra_eval.cli import main

    def _run(*argv: str) -> _Result:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        out = capsys.readouterr()
        return _Result(code, out.out, out.err)

    return _run


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_exits_2_naming_the_file(case, tmp_path, run):
    argv = _setup(tmp_path, case)
    r = run(*argv)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines
    prefix = f"error: {tmp_path / case.bad}"
    for line in lines:
        assert line.startswith(prefix + ":"), line
    if case.line is not None:
        assert lines[0].startswith(f"{prefix}:{case.line}: "), lines[0]
    assert not list(tmp_path.glob("OUTPUT*"))
    assert r.stdout == ""


@pytest.mark.parametrize("command,kind", [("export", "dir"), ("import", "file"),
                                          ("pseudonymise", "file"), ("code", "dir"),
                                          ("agree", "dir"), ("survey", "file")])
def test_out_of_the_wrong_kind_exits_2(command, kind, tmp_path, run):
    argv = _setup(tmp_path, Case("good", command, "tr/a.txt", TRANSCRIPT))
    if command == "import":
        (tmp_path / "project.qdpx").write_bytes(_zip({"project.qde": _QDE,
                                                      "sources/x.txt": b"x"}))
    out = Path(argv[argv.index("--out") + 1])
    out.mkdir() if kind == "dir" else out.write_text("keep me")
    r = run(*argv)
    assert r.returncode == 2 and r.stderr.startswith(f"error: {out}: --out must be")
    assert out.is_dir() if kind == "dir" else out.read_text() == "keep me"


def test_one_case_in_a_real_process(tmp_path, cli):
    """The same contract from a separate ``python -m citra_eval`` process."""
    case = next(c for c in CASES if c.id == "qdpx-traversal")
    r = cli(*_setup(tmp_path, case))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"error: {tmp_path / case.bad}: entry '../../evil.txt'")
    assert not (tmp_path / "OUTPUT").exists()


def test_good_inputs_pass_every_command(tmp_path, run):
    """The baseline: without the spoiled file every command succeeds."""
    for command in COMMANDS:
        argv = _setup(tmp_path, Case("good", command, "tr/a.txt", TRANSCRIPT))
        if command == "import":
            export = [a.replace("{x}", str(tmp_path)) for a in COMMANDS["export"][:-1]]
            r = run(*export, str(tmp_path / "project.qdpx"))
            assert r.returncode == 0, r.stderr
            argv = [a.replace("{x}", str(tmp_path)) for a in COMMANDS["import"]]
        r = run(*argv)
        assert r.returncode == 0, (command, r.stderr)
        out = Path(argv[argv.index("--out") + 1])
        assert out.exists()
        if out.is_dir():
            shutil.rmtree(out)
        else:
            out.unlink()


def test_header_only_codings_cannot_be_compared(tmp_path, run):
    """A codings file with a header (BOM, CRLF) and no rows is valid but holds no coder."""
    argv = _setup(tmp_path, Case("header-only", "agree", "codings_b.csv",
                                 "\ufeffdoc_id,segment_id,start,end,code,coder\r\n"))
    r = run(*argv)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "needs at least 2 coders; the codings have 1 (A)" in r.stderr
    assert not list(tmp_path.glob("OUTPUT*"))


def test_out_in_a_read_only_folder_exits_2(tmp_path, run, monkeypatch):
    argv = _setup(tmp_path, Case("good", "code", "tr/a.txt", TRANSCRIPT))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    if os.geteuid() == 0:  # root may write anywhere: report what a normal user would get
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: (
            False if os.fspath(p) == str(locked) and mode & os.W_OK else real(p, mode, **kw)))
    argv[argv.index("--out") + 1] = str(locked / "new" / "OUTPUT.csv")
    r = run(*argv)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {locked}: no permission to write")
    assert not list(locked.iterdir())


def _with_out(argv: list[str], out: Path) -> list[str]:
    argv = list(argv)
    argv[argv.index("--out") + 1] = str(out)
    return argv


def _good_project(tmp_path: Path, run) -> None:
    export = [a.replace("{x}", str(tmp_path)) for a in COMMANDS["export"][:-1]]
    assert run(*export, str(tmp_path / "project.qdpx")).returncode == 0


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("where", ["name", "folder", "path"])
def test_out_name_or_path_too_long_exits_2(command, where, tmp_path, run):
    """A name longer than the file system allows (the last one or a folder on the way) or
    a path longer than it allows: an error line before anything is written, not OSError
    ENAMETOOLONG from deep inside a writer."""
    argv = _setup(tmp_path, Case("good", command, "tr/a.txt", TRANSCRIPT))
    if command == "import":
        _good_project(tmp_path, run)
    long = {"name": tmp_path / ("b" * 300), "folder": tmp_path / ("b" * 300) / "x.csv",
            "path": tmp_path.joinpath(*["abcdefghi"] * 500, "x.csv")}[where]
    before = sorted(p.name for p in tmp_path.iterdir())
    r = run(*_with_out(argv, long))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {long}: --out: the ") and "Traceback" not in r.stderr
    assert "more than this file system allows" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_out_name_just_within_the_limit_is_written(tmp_path, run):
    """The temporary file beside the output has a short name of its own, so a name of the
    full allowed length can be written."""
    argv = _setup(tmp_path, Case("good", "code", "tr/a.txt", TRANSCRIPT))
    out = tmp_path / ("c" * (os.pathconf(tmp_path, "PC_NAME_MAX") - 4) + ".csv")
    r = run(*_with_out(argv, out))
    assert r.returncode == 0, r.stderr
    assert out.is_file()


@pytest.mark.parametrize("command", ["export", "code", "agree"])
@pytest.mark.parametrize("special", ["fifo", "symlink", "dangling symlink"])
def test_out_that_is_not_a_regular_file_is_refused(command, special, tmp_path, run):
    """A named pipe or a symbolic link as --out: refused, left as it was (never replaced
    by a regular file; a link's target untouched)."""
    argv = _setup(tmp_path, Case("good", command, "tr/a.txt", TRANSCRIPT))
    out = tmp_path / "special.out"
    target = tmp_path / "target.out"
    if special == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes on this system")
        os.mkfifo(out)
    else:
        if special == "symlink":
            target.write_text("keep me")
        out.symlink_to(target.name)
    r = run(*_with_out(argv, out))
    assert r.returncode == 2, r.stderr
    kind = "a named pipe (FIFO)" if special == "fifo" else "a symbolic link (to target.out)"
    assert r.stderr.startswith(f"error: {out}: --out: this is {kind}, not a regular file")
    if special == "fifo":
        assert out.is_fifo()
    else:
        assert out.is_symlink() and os.readlink(out) == target.name
        assert (target.read_text() == "keep me") if special == "symlink" else not target.exists()


def test_import_out_that_is_a_named_pipe_is_refused(tmp_path, run):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    argv = _setup(tmp_path, Case("good", "import", "tr/a.txt", TRANSCRIPT))
    _good_project(tmp_path, run)
    out = tmp_path / "pipe"
    os.mkfifo(out)
    r = run(*_with_out(argv, out))
    assert r.returncode == 2 and r.stderr.startswith(
        f"error: {out}: --out: this is a named pipe (FIFO), not a folder")
    assert out.is_fifo()


def test_library_writers_refuse_special_files_and_unwritable_folders(tmp_path, monkeypatch):
    """The same protection below the command line: every writer goes through
    ``_files.atomic_write``/``atomic_dir``, which refuse a special file and turn a folder
    where no file can be created (as in ``/proc``) into an InputError."""
    import errno
    import tempfile

    import citra_eval as ce
    from citra_eval import _files

    link = tmp_path / "t.csv"
    link.symlink_to("elsewhere.csv")
    with pytest.raises(ce.InputError, match="symbolic link"):
        _files.write_text(link, "x")
    assert link.is_symlink() and not (tmp_path / "elsewhere.csv").exists()
    with pytest.raises(ce.InputError, match="more than this file system allows"):
        _files.write_text(tmp_path / ("d" * 300), "x")

    def no_file_here(*a, **k):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory")

    monkeypatch.setattr(tempfile, "mkstemp", no_file_here)
    monkeypatch.setattr(tempfile, "mkdtemp", no_file_here)
    with pytest.raises(ce.InputError, match="cannot write this file: No such file"):
        _files.write_text(tmp_path / "a.txt", "x")
    with pytest.raises(ce.InputError, match="cannot write this folder: No such file"):
        with _files.atomic_dir(tmp_path / "d"):
            pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]
