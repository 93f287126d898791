"""Fuzzing the readers of untrusted files: nothing but ``InputError`` may escape.

Random bytes and text, and mutations of valid transcripts, REFI-QDA archives and their XML.
"""

from __future__ import annotations

import io
import os
import zipfile

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citra_eval as ce
from citra_eval.corpus import parse_transcript
from citra_eval.qdpx import qdpx_bytes

# CITRA_FUZZ_EXAMPLES=5000 for a long run; the default keeps the suite fast.
N = int(os.environ.get("CITRA_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=N, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TRANSCRIPT = ("---\nid: INF01\ngroup: pemerintah\nspeakers: {P: interviewer, I: informant}\n---\n"
              "P: Apa strategi humas?\n[00:01:02] I: Kami bermitra dengan media.\n"
              "lanjutan baris\n")


def _only_input_errors(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ce.InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return None


# --------------------------------------------------------------------------- transcripts


@FUZZ
@given(st.binary(max_size=400))
def test_transcript_random_bytes(data):
    _only_input_errors(parse_transcript, data, path="x.txt")


@FUZZ
@given(st.text(max_size=300))
def test_transcript_random_text(text):
    _only_input_errors(parse_transcript, text, path="x.txt")


LINES = ["---", "...", "id: X", "id: [1, 2]", "id: 'a b'", "speakers: {P: interviewer}",
         "speakers: [P, I]", "speakers: {'': x}", "speakers: {'a:b': x}", "speakers: 3",
         "P: halo", "I: ya", "[00:01] P: ya", "[99:99:99] P:", "X: siapa", "key: [unclosed",
         "", "  ", "\t", "\ufeff---", "\r", "- item", "? complex", "&a anchor", "*a",
         "!!python/x y", "date: 2021-13-45", "n: !!int x", "f: !!float y", "WEBVTT",
         "00:00:01.000 --> 00:00:02.000", "<v P>halo", "1", "😀: emoji"]


@FUZZ
@given(st.lists(st.sampled_from(LINES), max_size=14), st.sampled_from(["txt", "vtt", "srt"]))
def test_transcript_structured_garbage(lines, fmt):
    _only_input_errors(parse_transcript, "\n".join(lines), path=f"x.{fmt}", fmt=fmt)


@FUZZ
@given(st.integers(0, len(TRANSCRIPT)), st.integers(0, 20), st.text(max_size=8))
def test_transcript_mutations(pos, cut, insert):
    mutated = TRANSCRIPT[:pos] + insert + TRANSCRIPT[pos + cut:]
    parsed = _only_input_errors(parse_transcript, mutated, path="x.txt")
    if parsed is not None:  # whatever was accepted keeps the offset contract
        for t in parsed.turns:
            assert 0 <= t["start"] < t["end"] <= len(parsed.body)


@settings(max_examples=max(N // 4, 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from([".txt", ".md", ".vtt", ".srt", ".docx"]))
def test_read_transcripts_any_file(tmp_path, data, suffix):
    f = tmp_path / f"t{suffix}"
    f.write_bytes(data)
    _only_input_errors(ce.read_transcripts, f)


@settings(max_examples=max(N // 2, 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["INF01", ",", "2", "31", "39", "inf", "1e400", "-", "nan",
                                  "99999999999999999999", '"', "\n", "\r", "kerja_sama", " ",
                                  "A", "\t", "x"]), max_size=60).map("".join))
def test_codings_reader_random_csv(tmp_path, text):
    f = tmp_path / "c.csv"
    f.write_text("doc_id,segment_id,start,end,code,coder\n" + text, encoding="utf-8")
    corpus = ce.Corpus.from_texts({"a.txt": TRANSCRIPT})
    _only_input_errors(ce.read_codings, f, corpus=corpus)


# --------------------------------------------------------------------------- qdpx


def _valid_qdpx() -> bytes:
    corpus = ce.Corpus.from_texts({"a.txt": TRANSCRIPT})
    cb = ce.Codebook.from_dict({"codebook": "demo", "codes": [
        {"id": "strategi", "label": "Strategi", "codable": False,
         "children": [{"id": "kerja_sama", "label": "Kerja sama", "definition": "mitra"}]}]})
    s = corpus.text("INF01").index("bermitra")
    codings = pd.DataFrame([{"doc_id": "INF01", "segment_id": 2, "start": s, "end": s + 8,
                             "code": "kerja_sama", "coder": "A", "note": "catatan"}])
    return qdpx_bytes(corpus, cb, codings)


VALID = _valid_qdpx()
VALID_XML = zipfile.ZipFile(io.BytesIO(VALID)).read("project.qde")
SOURCE_NAME = next(n for n in zipfile.ZipFile(io.BytesIO(VALID)).namelist() if n != "project.qde")


def _read(tmp_path, data: bytes):
    f = tmp_path / "p.qdpx"
    f.write_bytes(data)
    return _only_input_errors(ce.read_qdpx, f)


def test_valid_archive_reads():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        project = _read(Path(d), VALID)
    assert project is not None and len(project.codings) == 1


@FUZZ
@given(st.binary(max_size=600))
def test_qdpx_random_bytes(tmp_path, data):
    _read(tmp_path, data)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)),
                min_size=1, max_size=6))
def test_qdpx_mutated_archive(tmp_path, flips):
    data = bytearray(VALID)
    for pos, value in flips:
        data[pos] = value
    _read(tmp_path, bytes(data))


@FUZZ
@given(st.integers(0, len(VALID)))
def test_qdpx_truncated_archive(tmp_path, n):
    _read(tmp_path, VALID[:n])


def _repack(xml: bytes, source: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("project.qde", xml)
        zf.writestr(SOURCE_NAME, source if source is not None
                    else zipfile.ZipFile(io.BytesIO(VALID)).read(SOURCE_NAME))
    return buf.getvalue()


@FUZZ
@given(st.integers(0, len(VALID_XML)), st.integers(0, 40),
       st.sampled_from([b"", b"<", b">", b'"', b"&", b"&amp;", b"<Code/>", b"-1", b"99999",
                        b"{", b"}", b"\xff", b"\x00", b"<!DOCTYPE x>", b"</Sources>",
                        b'guid="x"', b"<PlainTextSelection/>", b"<Coding/>"]))
def test_qdpx_mutated_xml(tmp_path, pos, cut, insert):
    xml = VALID_XML[:pos] + insert + VALID_XML[pos + cut:]
    _read(tmp_path, _repack(xml))


ATTRS = st.dictionaries(
    st.sampled_from(["guid", "name", "startPosition", "endPosition", "isCodable",
                     "plainTextPath", "targetGUID", "creatingUser", "typeOfVariable"]),
    st.one_of(st.sampled_from(["0", "5", "-3", "1e3", "", "true", "x",
                               "aaaaaaaa-0000-0000-0000-000000000001",
                               "{AAAAAAAA-0000-0000-0000-000000000001}",
                               "internal://missing.txt", "../../etc/passwd",
                               "absolute:///etc/passwd", SOURCE_NAME.split("/")[1]]),
              st.text(max_size=5)),
    max_size=4)
TAGS = ["Project", "Users", "User", "CodeBook", "Codes", "Code", "Sources", "TextSource",
        "PlainTextSelection", "Coding", "CodeRef", "PlainTextContent", "Description", "Cases",
        "Case", "SourceRef", "VariableValue", "VariableRef", "TextValue", "IntegerValue",
        "Variables", "Variable", "Notes", "Note", "NoteRef", "Sets", "PDFSource"]


def _element(draw, depth: int) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = "".join(f' {k}="{v.replace("&", "&amp;").replace("<", "&lt;").replace(chr(34), "")}"'
                    for k, v in draw(ATTRS).items())
    kids = "" if depth > 3 else "".join(
        _element(draw, depth + 1) for _ in range(draw(st.integers(0, 3))))
    text = draw(st.sampled_from(["", "teks", "12"]))
    return f"<{tag}{attrs}>{text}{kids}</{tag}>"


@st.composite
def project_xml(draw):
    body = "".join(_element(draw, 1) for _ in range(draw(st.integers(0, 4))))
    name = draw(st.sampled_from(["", ' name="p"']))
    return f'<Project xmlns="urn:QDA-XML:project:1.0"{name}>{body}</Project>'.encode()


@pytest.mark.slow
@FUZZ
@given(project_xml())
def test_qdpx_random_project_xml(tmp_path, xml):
    _read(tmp_path, _repack(xml))


@FUZZ
@given(st.binary(max_size=200))
def test_qdpx_random_source_bytes(tmp_path, source):
    _read(tmp_path, _repack(VALID_XML, source))


@FUZZ
@given(st.binary(max_size=300))
def test_qdc_random_bytes(tmp_path, data):
    f = tmp_path / "c.qdc"
    f.write_bytes(data)
    _only_input_errors(ce.codebook_from_qdc, f)


@pytest.mark.parametrize("entry", ["../x", "/abs", "a/../../x", "C:/x", "a\\..\\x", "x\x00y"])
def test_qdpx_hostile_entry_names(tmp_path, entry):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("project.qde", VALID_XML)
        info = zipfile.ZipInfo("placeholder")
        info.filename = entry  # bypass zipfile's own clean-up of the name
        zf.writestr(info, b"x")
    with pytest.raises(ce.InputError):
        ce.read_qdpx(_write(tmp_path, buf.getvalue()))


def _write(tmp_path, data: bytes):
    f = tmp_path / "h.qdpx"
    f.write_bytes(data)
    return f
