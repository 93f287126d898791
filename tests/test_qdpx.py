"""REFI-QDA exchange: real NVivo / ATLAS.ti / qc exports, schema validity, round trips, quirks
and hostile archives."""

from __future__ import annotations

import io
import itertools
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, refdata_path

import citra_eval as ce
from citra_eval._safezip import Limits
from citra_eval.qdpx import qdc_bytes, qdpx_bytes, stable_guid

NS = "{urn:QDA-XML:project:1.0}"
REAL = ["qc-demo.qdpx", "nvivo-codebook-project.qdpx", "atlasti-target-project.qdpx"]


def _schema(name: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(refdata_path("refi-qda", name))))


def _assert_valid(schema, xml: bytes) -> None:
    from lxml import etree

    doc = etree.fromstring(xml)
    assert schema.validate(doc), str(schema.error_log)


def _qde(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("project.qde")


def make_qdpx(path: Path, xml: str | bytes, files: dict[str, bytes] | None = None,
              qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, xml if isinstance(xml, bytes) else xml.encode("utf-8"))
        for name, data in (files or {}).items():
            zf.writestr(name, data)
    return path


# --------------------------------------------------------------------------- small fixtures

TRANSCRIPTS = {
    "a.txt": ("\ufeff---\r\nid: INF01\r\ninformant: Kepala Humas\r\ngroup: pemerintah\r\n"
              "date: 2021-03-02\r\nage: 45\r\nofficial: true\r\n"
              "speakers: {PWW: interviewer, INF01: informant}\r\n---\r\n"
              "PWW: Selamat pagi, Pak. Bisa diceritakan?\r\n"
              "[00:04:12] INF01: Pagi. Jadi begini, kami bermitra\r\n"
              "dengan media lokal 😀 & <radio>.\r\n\r\nPWW: Terima kasih.\r\n"),
    "b.txt": ("---\nid: INF02\ngroup: swasta\nspeakers: {P: interviewer, I: informant}\n---\n"
              "P: Apa?\nI: Kami membuat MoU \"resmi\".\n"),
}


@pytest.fixture
def corpus():
    return ce.Corpus.from_texts(TRANSCRIPTS)


@pytest.fixture
def codebook():
    return ce.Codebook.from_dict({"codebook": "demo", "version": 2, "language": "id", "codes": [
        {"id": "strategi", "label": {"id": "Strategi", "en": "Strategies"}, "codable": False,
         "children": [
             {"id": "kerja_sama", "label": {"id": "Kerja sama", "en": "Cooperation"},
              "definition": {"id": "Bekerja dengan mitra.\nBaris kedua.",
                             "en": "Working with partners."},
              "include": "mitra disebut", "exclude": "bukan mitra", "examples": ["kami bermitra"],
              "patterns": ["kerja sama", {"regex": "\\bmou\\b"}], "construct": "KS",
              "color": "#ff0000", "note": "catatan"},
             {"id": "mou", "label": {"id": "Nota kesepahaman", "en": "MoU"}}]}]})


def _span(corpus, doc, word):
    s = corpus.text(doc).index(word)
    return s, s + len(word)


@pytest.fixture
def codings(corpus):
    rows = []
    for doc, word, code, coder, note in [("INF01", "bermitra", "kerja_sama", "A", "jelas"),
                                         ("INF01", "bermitra", "kerja_sama", "B", None),
                                         ("INF02", "MoU", "mou", "A", None),
                                         ("INF01", "Pagi", "mou", "B", None)]:
        s, e = _span(corpus, doc, word)
        rows.append({"doc_id": doc, "segment_id": corpus.segment_at(doc, s, e), "start": s,
                     "end": e, "code": code, "coder": coder, "evidence": None, "note": note})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- real files


def _xml_counts(path: Path) -> tuple[int, int, ET.Element]:
    root = ET.fromstring(zipfile.ZipFile(path).read("project.qde"))
    return len(list(root.iter(NS + "Code"))), len(list(root.iter(NS + "Coding"))), root


@pytest.mark.parametrize("name", REAL)
def test_real_exports_counts(name):
    path = refdata_path("refi-qda", name)
    n_codes, n_codings, root = _xml_counts(path)
    project = ce.read_qdpx(path)
    assert len(project.codebook) == n_codes
    assert len(project.codings) == n_codings
    assert len(project.corpus) == len(list(root.iter(NS + "TextSource")))
    assert len(set(project.codebook.ids)) == n_codes
    assert all(c in project.codebook for c in project.codings["code"])


def test_qc_every_selection_is_the_slice_of_its_source():
    path = refdata_path("refi-qda", "qc-demo.qdpx")
    zf = zipfile.ZipFile(path)
    root = ET.fromstring(zf.read("project.qde"))
    project = ce.read_qdpx(path, spanning="keep")  # each selection whole
    expected = []
    for src in root.iter(NS + "TextSource"):
        raw = zf.read("sources/" + src.get("plainTextPath")).decode("utf-8")
        doc = Path(src.get("plainTextPath")).stem
        for sel in src.iter(NS + "PlainTextSelection"):
            s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            expected += [(doc, s, e, raw[s:e])] * len(sel.findall(NS + "Coding"))
    got = [(r.doc_id, r.start, r.end, project.corpus.text(r.doc_id)[r.start:r.end])
           for r in project.codings.itertuples()]
    assert sorted(got) == sorted(expected)
    assert len(expected) == 205
    assert set(project.codings["coder"]) == {"cp"}  # the User's name, not its GUID


def test_qc_transcripts_split_into_speaker_turns():
    project = ce.read_qdpx(refdata_path("refi-qda", "qc-demo.qdpx"))
    segs = project.corpus.segments
    admin = segs[segs["doc_id"] == "admin-1"]
    assert {"Max Bigman", "admin-1", "Automation"} <= set(admin["speaker"])
    first = admin.iloc[0]
    assert first["speaker"] == "Automation"
    assert first["text"] == "This call is now being recorded."
    for row in segs.itertuples():
        assert project.corpus.text(row.doc_id)[row.start:row.end] == row.text
    # every coding belongs to the segment where it starts (or the first one it overlaps)
    for r in project.codings.itertuples():
        seg = segs[(segs["doc_id"] == r.doc_id) & (segs["segment_id"] == r.segment_id)].iloc[0]
        assert seg["start"] < r.end and r.start < seg["end"]


def test_qc_split_spanning_puts_every_coding_inside_its_segment(tmp_path):
    project = ce.read_qdpx(refdata_path("refi-qda", "qc-demo.qdpx"), spanning="split")
    ce.validate_codings(project.codings, corpus=project.corpus, codebook=project.codebook)
    assert "11 selection(s) covering a speaker label were cut to the turn's text" \
        in project.notes
    files = project.save(tmp_path / "study")
    assert [str(f) for f in files] == ["codebook.yaml", "codings.csv",
                                       "transcripts/admin-1.txt", "transcripts/board_2017.txt"]
    corpus = ce.read_transcripts(tmp_path / "study" / "transcripts")
    codings = ce.read_codings(tmp_path / "study" / "codings.csv", corpus=corpus,
                              codebook=ce.Codebook.load(tmp_path / "study" / "codebook.yaml"))
    for row in codings.itertuples():
        assert (corpus.text(row.doc_id)[row.start:row.end]
                == project.corpus.text(row.doc_id)[row.start:row.end] == row.text)


def test_nvivo_codebook_tree_and_users():
    project = ce.read_qdpx(refdata_path("refi-qda", "nvivo-codebook-project.qdpx"))
    cb = project.codebook
    assert cb.roots[0] == "rq1_definition"
    assert cb["competencies"].parent == "rq1_definition"
    assert cb["programming"].parent == "competencies"
    # the same name in another branch gets a unique id
    assert cb["programming_2"].parent == "cs_as_programming"
    assert set(project.users["name"]) == {"chrisp", "cp"}
    assert project.corpus.texts == {d: "\n" for d in project.corpus.doc_ids}  # empty sources


def test_atlasti_upper_case_guids_and_codebook_only():
    path = refdata_path("refi-qda", "atlasti-target-project.qdpx")
    cb = ce.codebook_from_qdpx(path)
    assert cb.ids == ["commits", "c_2022_05_10t02_05_59z_19e4dce", "c_2022_02_11t10_39_25z_cdbfd92"]
    assert cb["c_2022_05_10t02_05_59z_19e4dce"].parent == "commits"
    assert cb.label("commits") == "Commits"
    assert ce.Codebook.from_qdc(path).ids == cb.ids  # a .qdpx given to from_qdc works too


def test_real_codebook_reexports_valid_qdc(tmp_path):
    schema = _schema("Codebook.xsd")
    for name in REAL:
        cb = ce.read_qdpx(refdata_path("refi-qda", name)).codebook
        _assert_valid(schema, qdc_bytes(cb))
        cb.to_qdc(tmp_path / "x.qdc")
        back = ce.Codebook.from_qdc(tmp_path / "x.qdc")
        assert back.ids == cb.ids
        assert [back[c].parent for c in back.ids] == [cb[c].parent for c in cb.ids]


def test_qc_project_reexport_is_valid_and_round_trips(tmp_path):
    project = ce.read_qdpx(refdata_path("refi-qda", "qc-demo.qdpx"))
    out = tmp_path / "qc.qdpx"
    project.write(out)
    _assert_valid(_schema("Project.xsd"), _qde(out.read_bytes()))
    again = ce.read_qdpx(out)
    cols = ["doc_id", "segment_id", "start", "end", "code", "coder"]
    assert again.codings[cols].sort_values(cols).reset_index(drop=True).equals(
        project.codings[cols].sort_values(cols).reset_index(drop=True))
    assert again.corpus.texts == project.corpus.texts
    pd.testing.assert_frame_equal(again.corpus.segments.drop(columns="line"),
                                  project.corpus.segments.drop(columns="line"))
    out2 = tmp_path / "qc2.qdpx"
    again.write(out2)
    assert out2.read_bytes() == out.read_bytes()


# --------------------------------------------------------------------------- codebook .qdc


def test_qdc_valid_stable_and_round_trips(tmp_path, codebook):
    schema = _schema("Codebook.xsd")
    data = qdc_bytes(codebook)
    _assert_valid(schema, data)
    codebook.to_qdc(tmp_path / "a.qdc")
    codebook.to_qdc(tmp_path / "b.qdc")
    assert (tmp_path / "a.qdc").read_bytes() == (tmp_path / "b.qdc").read_bytes() == data
    back = ce.Codebook.from_qdc(tmp_path / "a.qdc")
    assert back.to_dict() == codebook.to_dict()
    assert qdc_bytes(back) == data
    root = ET.fromstring(data)
    guids = [c.get("guid") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert guids == [stable_guid("code", c) for c in codebook.ids]
    assert root.find(".//{urn:QDA-XML:codebook:1.0}Code").get("isCodable") == "false"


def test_qdc_foreign_description_becomes_definition(tmp_path):
    (tmp_path / "x.qdc").write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="{0A0B0C0D-0000-0000-0000-000000000001}" name="Kerja Sama" isCodable="true">'
        "<Description>Use when partners are named.</Description>"
        '<Code guid="0a0b0c0d-0000-0000-0000-000000000002" name="Kerja sama" isCodable="1"/>'
        "</Code></Codes><Sets/></CodeBook>", encoding="utf-8")
    cb = ce.codebook_from_qdc(tmp_path / "x.qdc", language="en")
    assert cb.ids == ["kerja_sama", "kerja_sama_2"]
    assert cb["kerja_sama"].definition == {"en": "Use when partners are named."}
    # one name in another case: labelled apart (a coding sheet reads names ignoring case)
    assert cb.label("kerja_sama_2", "en") == "Kerja sama (2)"


def test_example_codebook_qdc_round_trip(tmp_path):
    path = ROOT / "data" / "raw" / "codebook.yaml"
    if not path.exists():
        pytest.skip("example study not on this branch")
    cb = ce.Codebook.load(path)
    cb.to_qdc(tmp_path / "c.qdc")
    _assert_valid(_schema("Codebook.xsd"), (tmp_path / "c.qdc").read_bytes())
    back = ce.Codebook.from_qdc(tmp_path / "c.qdc")
    assert back.ids == cb.ids
    assert qdc_bytes(back) == (tmp_path / "c.qdc").read_bytes()


# --------------------------------------------------------------------------- project export


def test_export_valid_stable_and_round_trips(tmp_path, corpus, codebook, codings):
    data = qdpx_bytes(corpus, codebook, codings)
    _assert_valid(_schema("Project.xsd"), _qde(data))
    assert qdpx_bytes(corpus, codebook, codings) == data
    ce.write_qdpx(tmp_path / "p.qdpx", corpus, codebook, codings)
    assert (tmp_path / "p.qdpx").read_bytes() == data
    project = ce.read_qdpx(tmp_path / "p.qdpx")
    # texts, segments, attributes and codings come back
    assert project.corpus.texts == corpus.texts
    keep = ["doc_id", "segment_id", "speaker", "role", "start", "end", "text", "timestamp"]
    pd.testing.assert_frame_equal(project.corpus.segments[keep], corpus.segments[keep])
    docs = project.corpus.documents.set_index("doc_id")
    assert docs.loc["INF01", "informant"] == "Kepala Humas"
    assert docs.loc["INF01", "date"] == "2021-03-02"
    assert docs.loc["INF01", "age"] == 45
    assert bool(docs.loc["INF01", "official"]) is True
    assert pd.isna(docs.loc["INF02", "age"])
    cols = ["doc_id", "segment_id", "start", "end", "code", "coder"]
    order = codings.sort_values(["doc_id", "start"])[cols].reset_index(drop=True)
    got = project.codings.sort_values(["doc_id", "start"])[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.sort_values(cols).reset_index(drop=True),
                                  order.sort_values(cols).reset_index(drop=True))
    assert project.codings["note"].dropna().tolist() == ["jelas"]
    assert project.codebook.to_dict() == codebook.to_dict()
    # export -> import -> export is byte-identical
    assert qdpx_bytes(project.corpus, project.codebook, project.codings,
                      name=project.name) == data


def test_export_zip_layout(corpus, codebook, codings):
    zf = zipfile.ZipFile(io.BytesIO(qdpx_bytes(corpus, codebook, codings)))
    names = zf.namelist()
    assert names[0] == "project.qde"
    assert sorted(names[1:]) == sorted(f"sources/{stable_guid('source', d)}.txt"
                                       for d in corpus.doc_ids)
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
    text = zf.read(f"sources/{stable_guid('source', 'INF01')}.txt").decode("utf-8")
    assert text == corpus.text("INF01") and "\r" not in text


def test_export_rejects_codings_that_do_not_fit(corpus, codebook, codings):
    bad = codings.copy()
    bad.loc[0, "code"] = "nope"
    bad.loc[1, "end"] = 10_000
    with pytest.raises(ce.InputError) as err:
        qdpx_bytes(corpus, codebook, bad)
    assert "'nope' is not in the codebook" in str(err.value)
    assert "not inside the text" in str(err.value)


def test_example_study_round_trips(tmp_path):
    if not (ROOT / "interview_transcripts").is_dir():
        pytest.skip("example study not on this branch")
    corpus = ce.read_transcripts(ROOT / "interview_transcripts")
    cb = ce.Codebook.load(ROOT / "data" / "raw" / "codebook.yaml")
    codings = pd.concat([ce.read_codings(p, corpus=corpus, codebook=cb)
                         for p in sorted((ROOT / "data" / "raw").glob("codings_*.csv"))],
                        ignore_index=True)
    data = qdpx_bytes(corpus, cb, codings)
    _assert_valid(_schema("Project.xsd"), _qde(data))
    (tmp_path / "s.qdpx").write_bytes(data)
    project = ce.read_qdpx(tmp_path / "s.qdpx")
    assert len(project.codings) == len(codings.drop_duplicates(ce.CODING_COLUMNS))
    ce.validate_codings(project.codings, corpus=project.corpus, codebook=project.codebook)
    assert qdpx_bytes(project.corpus, project.codebook, project.codings,
                      name=project.name) == data


def test_the_codebook_version_survives_export_and_import(tmp_path, corpus, codings):
    """t1 finding 12: a codebook's 'version: 1' came back from a qdpx round trip (export,
    import, the project saved) as 'version: '1'' (a string)."""
    cb = ce.Codebook.from_dict({"codebook": "demo", "version": 1, "language": "id", "codes": [
        {"id": c, "label": c} for c in sorted(set(codings["code"]))]})
    ce.write_qdpx(tmp_path / "s.qdpx", corpus, cb, codings)
    ce.read_qdpx(tmp_path / "s.qdpx").save(tmp_path / "imported")
    text = (tmp_path / "imported" / "codebook.yaml").read_text(encoding="utf-8")
    assert "version: 1" in text.splitlines(), text


# --------------------------------------------------------------------------- quirks

CODEBOOK_XML = ('<CodeBook><Codes><Code guid="{AAAAAAAA-0000-0000-0000-000000000001}" '
                'name="Trust" isCodable="true"/></Codes></CodeBook>')


def _project_xml(sources: str, *, users: str = "", extra: str = "") -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
            f'name="quirks" origin="QualCoder 3.5">{users}{CODEBOOK_XML}{extra}'
            f"<Sources>{sources}</Sources><Sets/></Project>")


_SELECTIONS = itertools.count(1)  # every selection and coding has a GUID of its own


def _selection(start: int, end: int, user: str = "") -> str:
    who = f' creatingUser="{user}"' if user else ""
    n = next(_SELECTIONS) % 10_000
    return (f'<PlainTextSelection guid="bbbbbbbb-0000-0000-{n:04d}-{start:012d}" '
            f'startPosition="{start}" endPosition="{end}"><Coding '
            f'guid="cccccccc-0000-0000-{n:04d}-{start:012d}"{who}>'
            '<CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>'
            "</PlainTextSelection>")


def test_bom_crlf_source_offsets_count_stored_code_points(tmp_path):
    raw = "\ufeffAna:  Kami percaya.\r\nBudi:  Saya juga percaya 😀 sekali.\r\n"
    body = raw[1:]  # offsets count the text as stored, CRs included, without the BOM
    spans = [(body.index("percaya"), body.index("percaya") + 7),
             (body.index("juga"), body.index("sekali") + 6),
             (body.index("Kami"), body.index("juga"))]  # crosses the CRLF and a turn
    sels = "".join(_selection(s, e) for s, e in spans)
    xml = _project_xml(f'<TextSource guid="DDDDDDDD-0000-0000-0000-000000000001" name="wawancara" '
                       f'plainTextPath="sources/w.txt">{sels}</TextSource>')
    path = make_qdpx(tmp_path / "p.qdpx", xml, {"sources/w.txt": raw.encode("utf-8")},
                     qde_name="wawancara-project.qde")
    project = ce.read_qdpx(path, spanning="keep")  # the crossing one whole
    text = project.corpus.text("wawancara")
    assert "\r" not in text and not text.startswith("\ufeff")
    got = [text[r.start:r.end] for r in project.codings.itertuples()]
    assert got == [body[s:e].replace("\r\n", "\n") for s, e in spans]
    assert list(project.corpus.segments["speaker"]) == ["Ana", "Budi"]
    assert project.codings["coder"].tolist() == ["unknown"] * 3


def test_braced_upper_guids_plain_text_content_and_users(tmp_path):
    users = '<Users><User guid="{EEEEEEEE-0000-0000-0000-00000000000A}" name="Rina"/></Users>'
    content = "Paragraf satu tentang kepercayaan.\n\nParagraf dua."
    sel = _selection(content.index("kepercayaan"), content.index("kepercayaan") + 11,
                     user="eeeeeeee-0000-0000-0000-00000000000a")
    xml = _project_xml(f'<TextSource guid="{{DDDDDDDD-0000-0000-0000-000000000002}}" '
                       f'name="catatan lapangan"><PlainTextContent>{content}</PlainTextContent>'
                       f"{sel}</TextSource>", users=users)
    project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", xml))
    assert project.corpus.doc_ids == ["catatan_lapangan"]
    row = project.codings.iloc[0]
    assert project.corpus.text(row.doc_id)[row.start:row.end] == "kepercayaan"
    assert row.coder == "Rina" and row.code == "trust"
    assert project.corpus.segments["text"].tolist() == ["Paragraf satu tentang kepercayaan.",
                                                       "Paragraf dua."]
    assert row.segment_id == 1


@pytest.mark.parametrize(("names", "ids"), [
    (["Interview", "interview", "INTERVIEW"], ["Interview", "interview_2", "INTERVIEW_3"]),
    (["a", "A_2", "A"], ["a", "A_2", "A_3"]),  # a suffixed id is taken too, in any case
    (["CON", "nul", "Com1", "lpt9.draft", "CONSOLE", "con.", "Aux "],
     ["CON_1", "nul_1", "Com1_1", "lpt9_1.draft", "CONSOLE", "con_1_2", "Aux_1"]),
])
def test_document_ids_make_file_names_every_system_can_hold(tmp_path, names, ids):
    # ids become transcripts/<id>.txt: unique ignoring case (macOS, Windows) and no Windows
    # device name (CON, NUL, COM1, ... with any extension) or trailing dot or space
    sources = "".join(
        f'<TextSource guid="dddddddd-0000-0000-0000-{n:012d}" name="{name}" '
        f'plainTextPath="internal://s{n}.txt"/>' for n, name in enumerate(names))
    files = {f"sources/s{n}.txt": f"Isi {n}.".encode() for n in range(len(names))}
    project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", _project_xml(sources), files))
    assert project.corpus.doc_ids == ids
    assert [project.corpus.text(d) for d in ids] == [f"Isi {n}." for n in range(len(names))]
    project.save(tmp_path / "out")
    written = sorted(p.name.lower() for p in (tmp_path / "out" / "transcripts").iterdir())
    assert written == sorted(f"{d.lower()}.txt" for d in ids)


def test_codings_without_a_declared_user_are_noted_and_named_readably(tmp_path):
    users = '<Users><User guid="eeeeeeee-0000-0000-0000-00000000000a" name="Rina"/></Users>'
    text = "Kami percaya media. Kami juga percaya warga."
    at = [text.index(w) for w in ("percaya media", "juga", "warga")]
    sels = (_selection(at[0], at[0] + 7, user="eeeeeeee-0000-0000-0000-00000000000a")
            + _selection(at[1], at[1] + 4, user="{ABCDEF12-0000-0000-0000-000000000099}")
            + _selection(at[2], at[2] + 5))
    xml = _project_xml(f'<TextSource guid="dddddddd-0000-0000-0000-000000000001" name="w">'
                       f"<PlainTextContent>{text}</PlainTextContent>{sels}</TextSource>",
                       users=users)
    project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", xml))
    coders = project.codings.sort_values("start")["coder"].tolist()
    assert coders == ["Rina", "user abcdef12", "unknown"]
    # the export gives the undeclared user's GUID back
    assert project.codings["coder_guid"].dropna().str.lower().str.contains("abcdef12").any()
    notes = " | ".join(project.notes)
    assert "1 coding(s) name a user the project does not declare" in notes
    assert "'user abcdef12'" in notes and "abcdef12-0000-0000-0000-000000000099" in notes
    assert "1 coding(s) name no user" in notes and "'unknown'" in notes


def test_windows_backslash_entry_names_are_read(tmp_path):
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-000000000007" name="w" '
                       'plainTextPath="internal://w.txt"/>')
    project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", xml, {"sources\\w.txt": b"Isi."}))
    assert project.corpus.text("w") == "Isi."


def test_internal_path_without_prefix_and_cases_become_attributes(tmp_path):
    extra = (
        '<Variables><Variable guid="11111111-0000-0000-0000-000000000001" name="umur" '
        'typeOfVariable="Integer"/><Variable guid="11111111-0000-0000-0000-000000000002" '
        'name="kelompok" typeOfVariable="Text"/><Variable '
        'guid="11111111-0000-0000-0000-000000000003" name="id" typeOfVariable="Text"/>'
        "</Variables>"
        '<Cases><Case guid="22222222-0000-0000-0000-000000000001" name="Informan A">'
        '<VariableValue><VariableRef targetGUID="11111111-0000-0000-0000-000000000001"/>'
        "<IntegerValue>52</IntegerValue></VariableValue>"
        '<VariableValue><VariableRef targetGUID="11111111-0000-0000-0000-000000000002"/>'
        "<TextValue>pemerintah</TextValue></VariableValue>"
        '<VariableValue><VariableRef targetGUID="11111111-0000-0000-0000-000000000003"/>'
        "<TextValue>A-07</TextValue></VariableValue>"
        '<SourceRef targetGUID="DDDDDDDD-0000-0000-0000-000000000003"/></Case></Cases>')
    sources = ('<TextSource guid="dddddddd-0000-0000-0000-000000000003" name="A1" '
               'plainTextPath="a1.txt"/>'
               '<TextSource guid="dddddddd-0000-0000-0000-000000000004" name="A2" '
               'plainTextPath="internal://a2.txt"/>')
    path = make_qdpx(tmp_path / "p.qdpx", _project_xml(sources, extra=extra),
                     {"sources/a1.txt": b"Satu.", "sources/a2.txt": b"Dua."})
    project = ce.read_qdpx(path)
    docs = project.corpus.documents.set_index("doc_id")
    assert docs.loc["A1", "umur"] == 52
    assert docs.loc["A1", "kelompok"] == "pemerintah"
    assert docs.loc["A1", "case"] == "Informan A"
    assert pd.isna(docs.loc["A2", "umur"])
    assert project.cases[["case", "doc_id", "umur"]].values.tolist() == [["Informan A", "A1", 52]]
    assert docs.loc["A1", "id_variable"] == "A-07"  # 'id' means the document id in a transcript
    from citra_eval.qdpx import write_transcripts

    write_transcripts(project.corpus, tmp_path / "t")
    again = ce.read_transcripts(tmp_path / "t")
    assert again.doc_ids == ["A1", "A2"]
    assert again.documents.set_index("doc_id").loc["A1", "id_variable"] == "A-07"


# --------------------------------------------------------------------------- hostile input


def _valid_xml() -> str:
    return _project_xml('<TextSource guid="dddddddd-0000-0000-0000-000000000005" name="x" '
                        'plainTextPath="internal://x.txt"/>')


def _hostile(kind: str, tmp_path: Path) -> tuple[Path, dict]:
    p = tmp_path / f"{kind}.qdpx"
    kw: dict = {}
    if kind == "traversal":
        make_qdpx(p, _valid_xml(), {"sources/x.txt": b"x", "../../etc/evil.txt": b"boo"})
    elif kind == "absolute":
        make_qdpx(p, _valid_xml(), {"sources/x.txt": b"x", "/tmp/evil.txt": b"boo"})
    elif kind == "ratio_bomb":
        make_qdpx(p, _valid_xml(), {"sources/x.txt": b"\0" * (20 << 20)})
    elif kind == "size_cap":
        make_qdpx(p, _valid_xml(), {"sources/x.txt": b"abc " * 100_000})
        kw = {"limits": Limits(max_file=100_000)}
    elif kind == "total_cap":  # the entries read (both texts) count, not the others
        two = _valid_xml().replace("</Sources>", '<TextSource guid="dddddddd-0000-0000-0000-'
                                   '000000000006" name="y" plainTextPath="internal://y.txt"/>'
                                   "</Sources>")
        make_qdpx(p, two, {"sources/x.txt": b"abc " * 20_000, "sources/y.txt": b"def " * 20_000})
        kw = {"limits": Limits(max_total=100_000)}
    elif kind == "xxe":
        make_qdpx(p, '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                     '<Project name="&x;"/>')
    elif kind == "billion_laughs":
        ents = '<!ENTITY a "lol">' + "".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        make_qdpx(p, f'<?xml version="1.0"?><!DOCTYPE p [{ents}]><Project name="&i;"/>')
    elif kind == "garbage":
        p.write_bytes(bytes(range(256)) * 10)
    elif kind == "truncated":
        make_qdpx(p, _valid_xml(), {"sources/x.txt": b"isi " * 5000})
        p.write_bytes(p.read_bytes()[:300])
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "no_qde":
        with zipfile.ZipFile(p, "w") as zf:
            zf.writestr("readme.txt", "hello")
    elif kind == "not_xml":
        make_qdpx(p, b"\x89PNG not xml at all <<<")
    elif kind == "wrong_root":
        make_qdpx(p, "<html><body/></html>")
    elif kind == "missing_source":  # skipped with a note by default (issue 15)
        make_qdpx(p, _valid_xml())
        kw = {"strict": True}
    elif kind == "selection_outside":
        make_qdpx(p, _project_xml('<TextSource guid="dddddddd-0000-0000-0000-000000000005" '
                                  f'name="x" plainTextPath="x.txt">{_selection(2, 99)}'
                                  "</TextSource>"), {"sources/x.txt": b"short"})
    elif kind == "unknown_code":
        sel = _selection(0, 3).replace("aaaaaaaa-0000", "ffffffff-0000")
        make_qdpx(p, _project_xml('<TextSource guid="dddddddd-0000-0000-0000-000000000005" '
                                  f'name="x" plainTextPath="x.txt">{sel}</TextSource>'),
                  {"sources/x.txt": b"short"})
    elif kind == "binary_source":
        make_qdpx(p, _valid_xml(), {"sources/x.txt": b"halo\nx\x00y"})
    elif kind == "not_utf8":
        make_qdpx(p, _valid_xml(), {"sources/x.txt": "café".encode("latin-1")})
    elif kind == "bad_position":
        sel = _selection(0, 3).replace('endPosition="3"', 'endPosition="three"')
        make_qdpx(p, _project_xml('<TextSource guid="dddddddd-0000-0000-0000-000000000005" '
                                  f'name="x" plainTextPath="x.txt">{sel}</TextSource>'),
                  {"sources/x.txt": b"short"})
    elif kind == "deep_codes":
        codes = "".join(f'<Code guid="aaaaaaaa-0000-0000-0000-{i:012d}" name="c" isCodable="1">'
                        for i in range(400))
        make_qdpx(p, '<Project name="d"><CodeBook><Codes>' + codes + "</Code>" * 400 +
                  "</Codes></CodeBook></Project>")
    return p, kw


HOSTILE = {
    "traversal": "'..'", "absolute": "absolute path", "ratio_bomb": "zip bomb",
    "size_cap": "limit of 100000", "total_cap": "in total", "xxe": "unsafe XML",
    "billion_laughs": "unsafe XML", "garbage": "not a readable", "truncated": "",
    "empty": "empty", "no_qde": "no single project XML", "not_xml": "not well-formed XML",
    "wrong_root": "<html>", "missing_source": "was not found in the archive",
    "selection_outside": "outside its text", "unknown_code": "unknown code",
    "not_utf8": "not valid UTF-8",
    "binary_source": "sources/x.txt line 2: this is a binary",
    "bad_position": "whole number", "deep_codes": "nested",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_archives_raise_input_error_naming_the_file(kind, tmp_path):
    path, kw = _hostile(kind, tmp_path)
    with pytest.raises(ce.InputError) as err:
        ce.read_qdpx(path, **kw)
    assert str(path) in err.value.format()
    assert HOSTILE[kind] in str(err.value)
    assert not (tmp_path / "etc").exists() and not Path("/tmp/evil.txt").exists()


def test_ratio_bomb_is_refused_before_decompressing_everything(tmp_path):
    # declared sizes are checked first; the streamed count is a second line of defence
    path, _ = _hostile("ratio_bomb", tmp_path)
    info = zipfile.ZipFile(path).getinfo("sources/x.txt")
    assert info.file_size / info.compress_size > 200
    with pytest.raises(ce.InputError, match="expands"):
        ce.read_qdpx(path)


def test_entries_the_project_never_names_are_not_inflated(tmp_path, monkeypatch):
    """A 1 MB .qdpx holding 40 entries of 1 MiB zeros that the project never references
    (each within the 200-fold ratio rule, which starts above 1 MiB): only the project XML
    and the text it names are decompressed, and only they count against the limits - a
    4 MiB total is enough. (Before, every entry was inflated and kept: 1,000 such entries
    cost 1.1 GB.) A full read (``read_zip`` without ``lazy``, as .docx and .xlsx checks
    use) still counts them all."""
    from citra_eval import _safezip

    path = tmp_path / "padded.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", _valid_xml())
        zf.writestr("sources/x.txt", "Satu dua tiga.")
        for i in range(40):
            zf.writestr(f"padding/{i}.bin", bytes(1 << 20))
    assert path.stat().st_size < (1 << 20)
    read: list[str] = []
    real = _safezip._read_entry
    monkeypatch.setattr(_safezip, "_read_entry", lambda zf, info, *a: (
        read.append(info.filename), real(zf, info, *a))[1])
    limits = _safezip.Limits(max_total=4 << 20)
    project = ce.read_qdpx(path, limits=limits)
    assert project.corpus.text("x") == "Satu dua tiga."
    assert sorted(read) == ["project.qde", "sources/x.txt"]
    read.clear()
    assert ce.codebook_from_qdpx(path, limits=limits).codes
    assert read == ["project.qde"]
    with pytest.raises(ce.InputError, match="in total"):
        _safezip.read_zip(path, limits=limits)


def test_codebook_from_qdc_refuses_entities(tmp_path):
    f = tmp_path / "evil.qdc"
    f.write_text('<!DOCTYPE c [<!ENTITY e "x">]><CodeBook><Codes/></CodeBook>')
    with pytest.raises(ce.InputError, match="unsafe XML"):
        ce.Codebook.from_qdc(f)



@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE p [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    "<!DOCTYPE p>",
])
def test_parse_xml_refuses_a_dtd_through_refuse_dtd(dtd, encoding):
    """One DTD check: parse_xml (a .qdpx, a .qdc) refuses a DTD as refuse_dtd does for
    the parts of a .docx and a .xlsx, in the same words (they said 'DTDForbidden' and
    'a DTD')."""
    from citra_eval._safezip import parse_xml, refuse_dtd

    data = (f'<?xml version="1.0" encoding="{encoding.upper()}"?>{dtd}<Project name="x"/>'
            ).encode(encoding)
    with pytest.raises(ce.InputError) as parsed:
        parse_xml(data, path="p.qdpx", member="project.qde")
    with pytest.raises(ce.InputError) as refused:
        refuse_dtd(data, path="p.qdpx", member="project.qde")
    assert str(parsed.value) == str(refused.value)
    assert "project.qde: unsafe XML refused" in str(parsed.value)

# --------------------------------------------------------------------------- CLI


@pytest.fixture
def cli(capsys):
    """``citra-eval ARGV`` in this process (the subprocess route is tested in
    test_bad_input.py); returns an object with returncode, stdout, stderr."""
    from types import SimpleNamespace

    from citra_eval.cli import main

    def _run(*argv: str):
        capsys.readouterr()
        code = main(list(argv))
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

    return _run


@pytest.mark.slow
def test_cli_export_import_export_through_files_is_byte_identical(tmp_path, cli):
    if not (ROOT / "interview_transcripts").is_dir():
        pytest.skip("example study not on this branch")
    raw = ROOT / "data" / "raw"
    first, again, folder = tmp_path / "a.qdpx", tmp_path / "b.qdpx", tmp_path / "imported"
    r = cli("qdpx", "export", "--transcripts", str(ROOT / "interview_transcripts"),
            "--codebook", str(raw / "codebook.yaml"), "--codings", str(raw / "codings_A.csv"),
            str(raw / "codings_B.csv"), "--out", str(first))
    assert r.returncode == 0, r.stderr
    r = cli("qdpx", "import", str(first), "--out", str(folder))
    assert r.returncode == 0, r.stderr
    # the imported files are a valid study again, with the same texts
    r = cli("validate", "--transcripts", str(folder / "transcripts"), "--codebook",
            str(folder / "codebook.yaml"), "--codings", str(folder / "codings.csv"))
    assert r.returncode == 0, r.stderr
    corpus = ce.read_transcripts(ROOT / "interview_transcripts")
    assert ce.read_transcripts(folder / "transcripts").texts == corpus.texts
    # issue 12: the imported codings record the coded characters (a file without the column
    # reads as text missing throughout)
    imported = ce.read_codings(folder / "codings.csv")
    assert len(imported) and imported["text"].notna().all()
    assert all(corpus.text(r.doc_id)[r.start:r.end] == r.text for r in imported.itertuples())
    r = cli("qdpx", "export", "--transcripts", str(folder / "transcripts"), "--codebook",
            str(folder / "codebook.yaml"), "--codings", str(folder / "codings.csv"),
            "--out", str(again))
    assert r.returncode == 0, r.stderr
    assert again.read_bytes() == first.read_bytes()


def test_cli_import_of_a_real_project_validates(tmp_path, cli):
    path = refdata_path("refi-qda", "qc-demo.qdpx")
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "qc"))
    assert r.returncode == 0, r.stderr
    assert "205 codings" in r.stdout and "note: 11 selection(s) covering a speaker label" \
        in r.stderr and "note: 12 selection(s) starting or ending in white space" in r.stderr
    r = cli("validate", "--transcripts", str(tmp_path / "qc" / "transcripts"), "--codebook",
            str(tmp_path / "qc" / "codebook.yaml"), "--codings",
            str(tmp_path / "qc" / "codings.csv"))
    assert r.returncode == 0, r.stderr


def test_coded_category_becomes_codable_and_empty_project_is_valid(tmp_path):
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-000000000009" name="x" '
                       f'plainTextPath="x.txt">{_selection(0, 4)}</TextSource>').replace(
        'isCodable="true"', 'isCodable="false"')
    project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", xml, {"sources/x.txt": b"halo"}))
    assert project.codebook["trust"].codable
    assert any("not codable" in n for n in project.notes)
    ce.validate_codings(project.codings, corpus=project.corpus, codebook=project.codebook)
    empty = ce.Corpus.from_texts({})
    _assert_valid(_schema("Project.xsd"), _qde(qdpx_bytes(empty, project.codebook)))


# --------------------------------------------------------------------------- missing sources


def _two_sources(ref_b: str) -> str:
    a = ('<TextSource guid="dddddddd-0000-0000-0000-0000000000a1" name="ada" '
         f'plainTextPath="internal://a.txt">{_selection(0, 4)}</TextSource>')
    b = ('<TextSource guid="dddddddd-0000-0000-0000-0000000000b1" name="jauh" '
         f'plainTextPath="{ref_b}">{_selection(5, 10)}{_selection(0, 4)}</TextSource>')
    return _project_xml(a + b)


@pytest.mark.parametrize("ref", ["internal://b.txt", "relative://teks/b.txt",
                                 "absolute://C:/Users/rina/teks/b.txt"])
def test_missing_source_is_skipped_named_and_found_with_sources(tmp_path, cli, ref):
    path = make_qdpx(tmp_path / "p.qdpx", _two_sources(ref), {"sources/a.txt": b"halo dunia"})
    project = ce.read_qdpx(path)
    assert project.corpus.doc_ids == ["ada"] and len(project.codings) == 1
    note = next(n for n in project.notes if "jauh" in n)
    assert ref in note and "skipped with its 2 coding(s)" in note and "--sources" in note
    with pytest.raises(ce.InputError, match="jauh"):
        ce.read_qdpx(path, strict=True)
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "strict"), "--strict")
    assert r.returncode == 2 and "jauh" in r.stderr and not (tmp_path / "strict").exists()
    found = tmp_path / "found" / "teks"
    found.mkdir(parents=True)
    (found / "b.txt").write_text("kami bermitra", encoding="utf-8")
    # a relative path is looked up as such, then by name; the others by name only
    for folder in (found.parent, found) if ref.startswith("relative") else (found,):
        back = ce.read_qdpx(path, sources=folder)
        assert back.corpus.doc_ids == ["ada", "jauh"]
        assert [back.corpus.text(r.doc_id)[r.start:r.end] for r in back.codings.itertuples()] \
            == ["halo", "bermi", "kami"]
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "out"), "--sources", str(found))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "transcripts").iterdir()) == [
        "ada.txt", "jauh.txt"]


def test_relative_source_beside_the_archive_and_no_escape(tmp_path):
    (tmp_path / "teks").mkdir()
    (tmp_path / "teks" / "b.txt").write_text("kami bermitra", encoding="utf-8")
    path = make_qdpx(tmp_path / "p.qdpx", _two_sources("relative://teks/b.txt"),
                     {"sources/a.txt": b"halo dunia"})
    assert ce.read_qdpx(path).corpus.doc_ids == ["ada", "jauh"]
    secret = tmp_path / "secret.txt"
    secret.write_text("rahasia sekali", encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    escape = make_qdpx(inner / "p.qdpx", _two_sources("relative://../secret.txt"),
                       {"sources/a.txt": b"halo dunia"})
    project = ce.read_qdpx(escape, sources=inner)  # ../secret.txt lies outside both folders
    assert project.corpus.doc_ids == ["ada"]
    with pytest.raises(ce.InputError, match="not a folder"):
        ce.read_qdpx(path, sources=tmp_path / "nope")


def test_empty_projects_import_and_export_cleanly(tmp_path, cli):
    empty = make_qdpx(tmp_path / "kosong.qdpx", '<Project xmlns="urn:QDA-XML:project:1.0" '
                      'name="kosong" origin="MAXQDA 2022"/>')
    codes_only = refdata_path("refi-qda", "atlasti-target-project.qdpx")
    for src, has_codes in ((empty, False), (codes_only, True)):
        out = tmp_path / src.stem
        r = cli("qdpx", "import", str(src), "--out", str(out))
        assert r.returncode == 0, r.stderr
        assert (out / "transcripts").is_dir() and (out / "codings.csv").is_file()
        assert (out / "codebook.yaml").is_file() == has_codes
        assert ("no codebook.yaml" in r.stderr) != has_codes
        # the advice is about this folder's export, not about exporting again from the tool
        assert ("'citra-eval qdpx export', leave out --codebook" in r.stderr) != has_codes
        again = tmp_path / f"{src.stem}-again.qdpx"
        args = ["--codebook", str(out / "codebook.yaml")] if has_codes else []
        r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), *args,
                "--codings", str(out / "codings.csv"), "--out", str(again))
        assert r.returncode == 0, r.stderr
        assert "0 documents" in r.stdout
        _assert_valid(_schema("Project.xsd"), _qde(again.read_bytes()))
        back = ce.read_qdpx(again)
        assert len(back.corpus) == 0 and len(back.codebook) == (3 if has_codes else 0)


# --------------------------------------------------------------------------- identity kept


def _identity(path: Path) -> dict:
    root = ET.fromstring(zipfile.ZipFile(path).read("project.qde"))
    low = str.lower

    def attrs(tag, *names):
        return {tuple(low(el.get(n) or "") if "guid" in n.lower() or n == "creatingUser"
                      else el.get(n) for n in names) for el in root.iter(NS + tag)}

    return {"codes": attrs("Code", "guid", "name", "color"),
            "descriptions": {(low(c.get("guid")), (c.findtext(NS + "Description") or "").strip())
                             for c in root.iter(NS + "Code")},
            "sources": attrs("TextSource", "guid", "name"),
            "selections": {low(s.get("guid")) for s in root.iter(NS + "PlainTextSelection")},
            "codings": attrs("Coding", "guid", "creatingUser", "creationDateTime"),
            "users": attrs("User", "guid", "name")}


def test_nvivo_project_goes_back_out_with_its_identity(tmp_path, cli):
    """Import the real NVivo file, save it as a study, export the study: every code keeps its
    GUID, name and description, the source its GUID and name, every selection and coding its
    GUID, user and date (issue 15: 0/307 code GUIDs were kept)."""
    path = refdata_path("refi-qda", "nvivo-win-12.6-oltas.qdpx")
    out = tmp_path / "study"
    r = cli("qdpx", "import", str(path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    again = tmp_path / "again.qdpx"
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codebook",
            str(out / "codebook.yaml"), "--codings", str(out / "codings.csv"), "--out",
            str(again), "--positions", "utf16")
    assert r.returncode == 0, r.stderr
    _assert_valid(_schema("Project.xsd"), _qde(again.read_bytes()))
    before, after = _identity(path), _identity(again)
    assert len(before["codes"]) == 60
    for key in ("codes", "descriptions", "sources", "selections", "codings"):
        assert after[key] == before[key], key
    used = {u for _, u, _ in before["codings"]}
    assert {u for u in before["users"] if u[0] in used} <= after["users"]
    # the positions, written for NVivo (UTF-16 units of the LF text), select the same text
    first, back = ce.read_qdpx(path), ce.read_qdpx(again)
    assert back.positions.convention.units == "utf16"
    texts = [[p.corpus.text(r.doc_id)[r.start:r.end] for r in p.codings.itertuples()]
             for p in (first, back)]
    assert texts[0] == texts[1] and len(texts[0]) == 97


# --------------------------------------------------------------------------- spanning selections

LABELLED = ("Interviewer: apa kabar hari ini?\nBudi: baik sekali terima kasih.\n"
            "Interviewer: oke.\nBudi: ya.\n")


def _labelled_project(tmp_path: Path) -> Path:
    sels = "".join(_selection(s, e) for s, e in [(13, 22), (34, 38), (28, 40)])
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000f1" name="d" '
                       f'plainTextPath="internal://d.txt">{sels}</TextSource>')
    return make_qdpx(tmp_path / "label.qdpx", xml, {"sources/d.txt": LABELLED.encode()})


def test_spanning_keep_output_exports_again(tmp_path, cli):
    """What ``qdpx import --spanning keep`` writes is exported again, unchanged: a
    selection inside a speaker label ("udi:") belongs to the turn that label opens, and a
    selection crossing turns is accepted by the export (a REFI-QDA project has no
    segments), though ``validate`` still asks for codings inside their segments."""
    out, again = tmp_path / "keep", tmp_path / "again"
    r = cli("qdpx", "import", str(_labelled_project(tmp_path)), "--out", str(out),
            "--spanning", "keep")
    assert r.returncode == 0, r.stderr
    kept = ce.read_codings(out / "codings.csv")
    text = ce.read_transcripts(out / "transcripts").text("d")
    assert [(text[a:b], s) for a, b, s in zip(kept.start, kept.end, kept.segment_id,
                                              strict=True)] == [
        ("apa kabar", 1), ("udi:", 2), ("ini?\nBudi: b", 1)]
    files = ["--transcripts", str(out / "transcripts"), "--codebook", str(out / "codebook.yaml"),
             "--codings", str(out / "codings.csv")]
    r = cli("qdpx", "export", *files, "--out", str(tmp_path / "k.qdpx"))
    assert r.returncode == 0, r.stderr
    r = cli("qdpx", "import", str(tmp_path / "k.qdpx"), "--out", str(again), "--spanning",
            "keep")
    assert r.returncode == 0, r.stderr
    cols = ["segment_id", "start", "end", "code"]
    assert ce.read_codings(again / "codings.csv")[cols].sort_values(cols).values.tolist() == (
        kept[cols].sort_values(cols).values.tolist())
    r = cli("validate", *files)
    assert r.returncode == 2 and "is not inside segment 1" in r.stderr
    with pytest.raises(ValueError, match="within"):
        ce.read_codings(out / "codings.csv", within="turn")


def _scan_pieces(segs: pd.DataFrame, doc: str, start: int, end: int) -> list[tuple]:
    """The straightforward computation: every segment of the document, one by one."""
    return [(int(r.segment_id), max(start, int(r.start)), min(end, int(r.end)))
            for r in segs[segs["doc_id"] == doc].itertuples()
            if r.start < end and r.end > start]


def _scan_segment(segs: pd.DataFrame, doc: str, start: int, end: int) -> int:
    rows = list(segs[segs["doc_id"] == doc].itertuples())
    for test in (lambda r: r.start <= start < r.end, lambda r: r.start < end and r.end > start,
                 lambda r: r.start >= start):
        found = [r for r in rows if test(r)]
        if found:
            return int(found[0].segment_id)
    return int(rows[-1].segment_id) if rows else 0


def test_segment_search_equals_the_straightforward_scan(tmp_path):
    """Cutting selections to turns (``spanning="split"``) and finding the turn of a kept
    selection use binary search over each document's turns (linear in the codings, not
    codings x turns); on a constructed project of 400 turns and 600 selections of every
    kind (inside a turn, across many, on labels, in the gaps, whole texts) the codings are
    exactly what scanning every turn gives."""
    import random

    from citra_eval.qdpx.read import _DocSegments

    rng = random.Random(7)
    words = ["kerja", "sama", "media", "humas", "warga", "layanan"]
    texts = {name: "".join(f"{'Ana' if i % 2 else 'Budi'}: "
                           + " ".join(rng.choice(words) for _ in range(rng.randint(1, 9)))
                           + ("\n\n" if i % 7 == 0 else "\n") for i in range(200))
             for name in ("a", "b")}
    sels = {}
    for name, t in texts.items():
        starts = [rng.randrange(len(t)) for _ in range(300)]
        sels[name] = sorted({(a, min(len(t), a + rng.choice([1, 3, 8, 30, 120, 400])))
                             for a in starts})
    xml = _project_xml("".join(
        f'<TextSource guid="dddddddd-0000-0000-0000-0000000001{k}0" name="{name}" '
        f'plainTextPath="internal://{name}.txt">'
        + "".join(_selection(s, e) for s, e in sels[name])
        + f'<Coding guid="cccccccc-0000-0000-0000-0000000001{k}0"><CodeRef '
          'targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding></TextSource>'
        for k, name in enumerate(texts)))
    path = make_qdpx(tmp_path / "p.qdpx", xml,
                     {f"sources/{n}.txt": t.encode() for n, t in texts.items()})
    keep = ce.read_qdpx(path, spanning="keep", positions="codepoint", crlf=2)
    split = ce.read_qdpx(path, spanning="split", positions="codepoint", crlf=2)
    segs = keep.corpus.segments
    assert len(segs) == 400 and len(keep.codings) == sum(map(len, sels.values())) + 2
    assert keep.codings["segment_id"].tolist() == [
        _scan_segment(segs, r.doc_id, r.start, r.end) for r in keep.codings.itertuples()]
    expected = list(dict.fromkeys(  # split pieces of two selections may coincide: once
        (r.doc_id, *piece) for r in keep.codings.itertuples()
        for piece in _scan_pieces(segs, r.doc_id, r.start, r.end)))
    assert list(split.codings[["doc_id", "segment_id", "start", "end"]].itertuples(
        index=False, name=None)) == expected
    assert len(expected) > len(keep.codings)  # selections were cut
    # segments out of order (not what a reader makes) are scanned whole: the same answers
    shuffled = segs.sample(frac=1, random_state=1).reset_index(drop=True)
    fake = type("C", (), {"segments": shuffled})()
    found = _DocSegments(fake)
    assert not any(ordered for *_, ordered in found.docs.values())
    for r in keep.codings.head(200).itertuples():
        assert found.pieces(r.doc_id, r.start, r.end) == _scan_pieces(shuffled, r.doc_id,
                                                                       r.start, r.end)
        assert found.segment_for(r.doc_id, r.start, r.end) == _scan_segment(
            shuffled, r.doc_id, r.start, r.end)


def case_variable_project(path: Path, variables: list[tuple[str, str, str]]) -> Path:
    """A project of two sources ``a`` and ``b`` whose one case, on source ``a`` only, holds
    ``variables`` ``(name, REFI-QDA type, value)``."""
    var = "11111111-0000-0000-0000-0000000000a"
    declared = "".join(f'<Variable guid="{var}{i}" name="{name}" typeOfVariable="{kind}"/>'
                       for i, (name, kind, _) in enumerate(variables, 1))
    values = "".join(f'<VariableValue><VariableRef targetGUID="{var}{i}"/><{kind}Value>{value}'
                     f'</{kind}Value></VariableValue>'
                     for i, (_, kind, value) in enumerate(variables, 1))
    extra = (f'<Variables>{declared}</Variables><Cases><Case '
             f'guid="22222222-0000-0000-0000-0000000000a1" name="k1">{values}<SourceRef '
             'targetGUID="dddddddd-0000-0000-0000-000000000001"/></Case></Cases>')
    sources = "".join(f'<TextSource guid="dddddddd-0000-0000-0000-00000000000{i}" name="{n}" '
                      f'plainTextPath="internal://{n}.txt"/>' for i, n in ((1, "a"), (2, "b")))
    return make_qdpx(path, _project_xml(sources, extra=extra),
                     {"sources/a.txt": b"Satu.", "sources/b.txt": b"Dua."})


def test_integer_variable_on_some_sources_stays_a_whole_number(tmp_path):
    """An Integer case variable set on one source of two (or ``age: 42`` in one front
    matter of two) is read as a nullable integer, written back as ``age: 42`` (not 42.0),
    and exported again as an IntegerValue; a Float variable stays a float."""
    path = case_variable_project(tmp_path / "p.qdpx", [("age", "Integer", "42"),
                                                       ("score", "Float", "3.5")])
    project = ce.read_qdpx(path)
    docs = project.corpus.documents.set_index("doc_id")
    assert str(docs["age"].dtype) == "Int64" and docs.loc["a", "age"] == 42
    assert pd.isna(docs.loc["b", "age"]) and docs["score"].dtype == "float64"
    project.save(tmp_path / "out")
    front = (tmp_path / "out" / "transcripts" / "a.txt").read_text("utf-8")
    assert "\nage: 42\n" in front and "\nscore: 3.5\n" in front
    again = ce.read_transcripts(tmp_path / "out" / "transcripts").documents.set_index("doc_id")
    assert str(again["age"].dtype) == "Int64" and again.loc["a", "age"] == 42
    xml = _qde(qdpx_bytes(project.corpus, project.codebook, project.codings)).decode()
    assert "<IntegerValue>42</IntegerValue>" in xml and "<FloatValue>3.5</FloatValue>" in xml
    assert 'name="age" typeOfVariable="Integer"' in xml


@pytest.mark.parametrize(("value", "key", "kept"), [
    ("Spring 2021", "date_variable", "Spring 2021"),   # free text: a transcript's date is a date
    ("9 Maret 2021", "date", "2021-03-09"),            # a date: the transcript's date
])
def test_a_date_variable_becomes_the_date_only_when_it_is_one(tmp_path, value, key, kept):
    path = case_variable_project(tmp_path / "p.qdpx", [("date", "Text", value)])
    project = ce.read_qdpx(path)
    project.save(tmp_path / "out")
    # what the import writes, the readers (and so validate) read again
    again = ce.read_transcripts(tmp_path / "out" / "transcripts").documents.set_index("doc_id")
    assert again.loc["a", key] == kept
    assert ("date_variable" in again.columns) == (key == "date_variable")
    if key == "date_variable":
        assert any("'date'" in n and "date_variable" in n for n in project.notes)


# --------------------------------------------------------------------------- clear messages


def _encoded_project(tmp_path: Path, data: bytes, text: str) -> Path:
    start = text.index("meet journalists")
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000f3" name="INT01" '
                       f'plainTextPath="internal://f3.txt">{_selection(start, start + 16)}'
                       "</TextSource>")
    return make_qdpx(tmp_path / "p.qdpx", xml, {"sources/f3.txt": data})


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_text_without_a_byte_order_mark_is_read_and_named(tmp_path, cli, encoding):
    """Not taken for a binary file with speakers that disagree (which --turns none cannot
    help): a text with a NUL in every other byte is UTF-16 without its mark."""
    text = "Interviewer: How does PR work?\nInformant: We meet journalists every week.\n"
    project = ce.read_qdpx(_encoded_project(tmp_path, text.encode(encoding), text))
    assert project.corpus.text("INT01") == text
    row = project.codings.iloc[0]
    assert text[row.start:row.end] == "meet journalists"
    assert any("UTF-16" in n and "without a byte-order mark" in n for n in project.notes)


def test_a_binary_source_names_the_encoding_not_the_speakers(tmp_path):
    text = "Interviewer: How?\nInformant: We meet journalists.\n"
    data = b"\x00\x00\x00" + text.encode("utf-32-le")
    with pytest.raises(ce.InputError) as err:
        ce.read_qdpx(_encoded_project(tmp_path, data, text))
    message = str(err.value)
    assert "NUL" in message and "UTF-8" in message and "--turns none" not in message


@pytest.mark.parametrize("mark", [b"", b"\xef\xbb\xbf"])
def test_a_windows_1252_text_is_named_and_the_fix_said(tmp_path, mark):
    """Session 17: behind a UTF-8 byte-order mark the byte named was the mark's last
    (0xbf), at an offset counted without the mark; now the first byte that is no UTF-8."""
    text = "Interviewer: Caf\u00e9?\nInformant: Tr\u00e8s bien. We meet journalists.\n"
    with pytest.raises(ce.InputError) as err:
        ce.read_qdpx(_encoded_project(tmp_path, mark + text.encode("cp1252"), text))
    message = str(err.value)
    at = len(mark) + text.index("\u00e9")
    assert f"not valid UTF-8 (byte 0xe9 at offset {at}); it is probably Windows-1252 " \
           "(Latin-1) text, where 0xe9 is '\u00e9'" in message, message
    assert "save it as UTF-8" in message and "export the project again" in message



def test_a_selection_splitting_an_emoji_is_named_as_such(tmp_path):
    """Read as UTF-16 units, a selection starting between the two halves of an emoji is
    refused saying so (not "outside its text", which it is not)."""
    text = "Hallo 😀 dunia kita\nBaris dua 😀😀 tiga\n"
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000e1" name="d" '
                       f'plainTextPath="internal://d.txt">{_selection(9, 14)}'
                       f"{_selection(7, 14)}</TextSource>")
    path = make_qdpx(tmp_path / "s.qdpx", xml, {"sources/d.txt": text.encode()})
    with pytest.raises(ce.InputError) as err:
        ce.read_qdpx(path, positions="utf16")
    message = str(err.value)
    assert "positions 7-14: start 7 falls between the two UTF-16 code units of one " \
           "character" in message and "--positions codepoint" in message
    assert "outside" not in message


@pytest.mark.parametrize("ref,says", [
    ("internal://b.txt", "its text file 'internal://b.txt' was not found in the archive; "
                         "give the folder that holds it with --sources DIR"),
    ("relative://teks/b.txt", "its text file 'relative://teks/b.txt' (a file outside the "
                              "archive) was not found beside p.qdpx; give the folder"),
])
def test_missing_source_note_reads_plainly(tmp_path, ref, says):
    path = make_qdpx(tmp_path / "p.qdpx", _two_sources(ref), {"sources/a.txt": b"halo dunia"})
    note = next(n for n in ce.read_qdpx(path).notes if "jauh" in n)
    assert says in note, note
    (tmp_path / "elsewhere").mkdir()
    note = next(n for n in ce.read_qdpx(path, sources=tmp_path / "elsewhere").notes
                if "jauh" in n)
    assert f"in {tmp_path / 'elsewhere'}" in note and "--sources" not in note


def test_export_of_codings_without_a_codebook_says_so_once(tmp_path, cli):
    out = tmp_path / "imported"
    ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", _two_sources("internal://b.txt"), {
        "sources/a.txt": b"halo dunia", "sources/b.txt": b"halo dunia lagi"})).save(out)
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codings",
            str(out / "codings.csv"), "--out", str(tmp_path / "o.qdpx"))
    assert r.returncode == 2
    assert r.stderr == (f"error: {out / 'codings.csv'}: these codings use 1 code(s) (trust) "
                        "but no codebook was given; give it with --codebook FILE\n")


def test_docs_state_the_archive_limits_of_the_code():
    """docs/qdpx.md says what the code does: the limits of ``_safezip.Limits`` and that a
    missing text is skipped unless --strict."""
    from citra_eval._safezip import DEFAULT_LIMITS as limits

    text = " ".join((ROOT / "docs" / "qdpx.md").read_text("utf-8").split())
    assert (f"an entry unpacks to more than {limits.max_file >> 20} MiB, the entries read to "
            f"more than {limits.max_total >> 30} GiB in all, there are more than "
            f"{limits.max_entries:,} entries, or an entry above {limits.ratio_floor >> 20} MiB "
            f"expands more than {limits.max_ratio:.0f}-fold") in text
    assert "A text missing from the archive is not a reason to refuse" in text


def test_users_keep_their_guid_as_written(tmp_path, cli):
    """ATLAS.ti writes upper-case GUIDs: a user (also one who coded nothing) goes back out
    with the GUID spelled as it was, not lower-cased."""
    users = ('<Users><User guid="EEEEEEEE-0000-0000-0000-00000000000A" name="Rina"/>'
             '<User guid="EEEEEEEE-0000-0000-0000-00000000000B" name="Tamu"/></Users>')
    sel = _selection(0, 4, user="EEEEEEEE-0000-0000-0000-00000000000A")
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000c9" name="x" '
                       f'plainTextPath="internal://x.txt">{sel}</TextSource>', users=users)
    project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", xml, {"sources/x.txt": b"halo"}))
    assert set(project.users["guid"]) == {"EEEEEEEE-0000-0000-0000-00000000000A",
                                          "EEEEEEEE-0000-0000-0000-00000000000B"}
    out = tmp_path / "out"
    project.save(out)
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codebook",
            str(out / "codebook.yaml"), "--codings", str(out / "codings.csv"), "--users",
            str(out / "users.csv"), "--out", str(tmp_path / "o.qdpx"))
    assert r.returncode == 0, r.stderr
    xml = _qde((tmp_path / "o.qdpx").read_bytes()).decode()
    assert '<User guid="EEEEEEEE-0000-0000-0000-00000000000A" name="Rina"' in xml
    assert '<User guid="EEEEEEEE-0000-0000-0000-00000000000B" name="Tamu"' in xml


def test_codes_of_the_same_name_go_back_out_without_added_descriptions(tmp_path):
    """Two codes named alike (ids ``trust``, ``trust_2``) and no descriptions, as in
    QualCoder's demo: the export adds no ``Id:`` description to them (the reader derives
    the same ids again from the names in file order), and a re-import gives the same ids
    and codings."""
    codes = ('<CodeBook><Codes>'
             '<Code guid="aaaaaaaa-0000-0000-0000-0000000000b1" name="Media" isCodable="false">'
             '<Code guid="aaaaaaaa-0000-0000-0000-0000000000b2" name="Trust" isCodable="true"/>'
             '</Code>'
             '<Code guid="aaaaaaaa-0000-0000-0000-0000000000b3" name="Staff" isCodable="false">'
             '<Code guid="aaaaaaaa-0000-0000-0000-0000000000b4" name="Trust" isCodable="true"/>'
             '<Code guid="aaaaaaaa-0000-0000-0000-0000000000b5" name="trust 2" '
             'isCodable="true"><Description>kept as it was</Description></Code>'
             '</Code></Codes></CodeBook>')
    sel = ('<PlainTextSelection guid="bbbbbbbb-0000-0000-0000-0000000000b1" startPosition="0" '
           'endPosition="4"><Coding guid="cccccccc-0000-0000-0000-0000000000b1"><CodeRef '
           'targetGUID="aaaaaaaa-0000-0000-0000-0000000000b4"/></Coding></PlainTextSelection>')
    xml = _project_xml(f'<TextSource guid="dddddddd-0000-0000-0000-0000000000b1" name="x" '
                       f'plainTextPath="internal://x.txt">{sel}</TextSource>').replace(
        CODEBOOK_XML, codes)
    project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", xml, {"sources/x.txt": b"halo"}))
    assert project.codebook.ids == ["media", "trust", "staff", "trust_2", "trust_2_2"]
    # the second "Trust" is labelled apart, so no coding sheet naming "Trust" is ambiguous
    assert [project.codebook.label(c) for c in project.codebook.ids] == [
        "Media", "Trust", "Staff", "Trust (2)", "trust 2"]
    assert project.codings["code"].tolist() == ["trust_2"]
    data = qdpx_bytes(project.corpus, project.codebook, project.codings)
    out = _qde(data).decode()
    out = out[:out.index("</CodeBook>")]
    assert out.count("<Description>") == 1 and "<Description>kept as it was</Description>" \
        in out and "Id:" not in out
    (tmp_path / "again.qdpx").write_bytes(data)
    again = ce.read_qdpx(tmp_path / "again.qdpx")
    assert again.codebook.ids == project.codebook.ids
    assert again.codings["code"].tolist() == ["trust_2"]
    assert qdpx_bytes(again.corpus, again.codebook, again.codings) == data


def test_qc_demo_codes_without_descriptions_stay_without(tmp_path):
    path = refdata_path("refi-qda", "qc-demo.qdpx")
    project = ce.read_qdpx(path)
    with zipfile.ZipFile(path) as zf:
        before = ET.fromstring(zf.read(next(n for n in zf.namelist() if n.endswith(".qde"))))
    after = ET.fromstring(_qde(qdpx_bytes(project.corpus, project.codebook, project.codings)))
    described = [sum(el.find(f"{NS}Description") is not None for el in root.iter(f"{NS}Code"))
                 for root in (before, after)]
    assert described[0] == described[1]


def test_cli_import_gives_the_speakers_roles(tmp_path, cli):
    """Texts of a QDA program have speakers without roles; --speakers gives them, so the
    turns are informants' (what reliability and the themes use)."""
    text = "Interviewer: Apa kabar?\nPak Budi: Baik.\nInterviewer: Lalu?\nPak Budi: Percaya.\n"
    source = ('<TextSource guid="dddddddd-0000-0000-0000-000000000001" name="d" '
              'plainTextPath="internal://d.txt"/>')
    path = make_qdpx(tmp_path / "p.qdpx", _project_xml(source), {"sources/d.txt":
                                                                  text.encode()})
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "o"), "--speakers",
            "Interviewer=interviewer", "Pak Budi=informant")
    assert r.returncode == 0, r.stderr
    corpus = ce.read_transcripts(tmp_path / "o" / "transcripts")
    assert corpus.segments["role"].tolist() == ["interviewer", "informant"] * 2
    with pytest.raises(SystemExit) as info:  # argparse's usage error
        cli("qdpx", "import", str(path), "--out", str(tmp_path / "x"), "--speakers", "Budi")
    assert info.value.code == 2


def test_cli_import_speakers_typos_are_told(tmp_path, cli, capsys):
    """A --speakers label found in no text is warned about (its speaker would keep no role,
    silently); a role citra_eval does not know is refused before anything is read, by the
    check read_qdpx(speakers=) makes (``_validation.check_speakers``: one message)."""
    text = "Interviewer: Apa kabar?\nBu Rina: Baik.\nInterviewer: Lalu?\nBu Rina: Percaya.\n"
    source = ('<TextSource guid="dddddddd-0000-0000-0000-000000000001" name="d" '
              'plainTextPath="internal://d.txt"/>')
    path = make_qdpx(tmp_path / "p.qdpx", _project_xml(source), {"sources/d.txt":
                                                                  text.encode()})
    with pytest.raises(SystemExit) as info:
        cli("qdpx", "import", str(path), "--out", str(tmp_path / "x"), "--speakers",
            "Bu Rina=informant", "Pak X=boss")
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --speakers: the role of 'Pak X' in 'Pak X=boss' must be one of " \
           "'informant', 'interviewer', got 'boss' (the analyses use informants' turns; give " \
           "other speakers 'interviewer', or leave them out)" in err
    assert not (tmp_path / "x").exists()
    with pytest.raises(SystemExit):
        cli("qdpx", "import", str(path), "--out", str(tmp_path / "x"), "--speakers",
            "Bu Rina=informan")
    assert "the role of 'Bu Rina' in 'Bu Rina=informan' must be one of 'informant', " \
           "'interviewer', got 'informan'; did you mean 'informant'?" in capsys.readouterr().err
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "o"), "--speakers",
            "Interviewer=interviewer", "Bu Rian=informant")
    assert r.returncode == 0, r.stderr
    assert "warning: --speakers: 'Bu Rian' is not a speaker label of any text, so it gives " \
           "no turn a role (the texts' labels: 'Interviewer', 'Bu Rina'); check its " \
           "spelling" in r.stderr
    assert "did you mean 'Bu Rina'" in r.stderr
    assert "'Interviewer' is not" not in r.stderr


def test_two_users_of_one_name_stay_two_coders(tmp_path):
    """Two REFI users with their own GUIDs but one name are two people: two coders (the
    second 'ana (2)', said in a note), and an export gives each its GUID back."""
    g1, g2 = "74564802-82EB-4A17-B130-821110DE9BA4", "ee6e042e-b3e4-44d3-aeea-b35a11713e37"
    users = (f'<Users><User guid="{g1}" name="ana"/><User guid="{g2}" name="ana"/>'
             '<User guid="ffffffff-0000-0000-0000-000000000003" name="budi"/></Users>')
    text = "Kami percaya pada media. Saya juga percaya.\n"
    sels = _selection(5, 12, g1) + _selection(35, 42, g2)
    xml = _project_xml(f'<TextSource guid="dddddddd-0000-0000-0000-000000000001" name="w" '
                       f'plainTextPath="internal://w.txt">{sels}</TextSource>', users=users)
    path = make_qdpx(tmp_path / "p.qdpx", xml, {"sources/w.txt": text.encode()})
    project = ce.read_qdpx(path)
    assert project.codings["coder"].tolist() == ["ana", "ana (2)"]
    assert sorted(project.users["name"]) == ["ana", "ana (2)", "budi"]
    assert any("2 users are named 'ana'" in n and "'ana', 'ana (2)'" in n
               for n in project.notes), project.notes
    root = ET.fromstring(_qde(qdpx_bytes(project.corpus, project.codebook, project.codings,
                                         users=project.users)))
    ns = "{urn:QDA-XML:project:1.0}"
    written = {u.get("guid").lower(): u.get("name") for u in root.iter(f"{ns}User")}
    assert written[g1.lower()] == "ana" and written[g2.lower()] == "ana (2)"
    creators = [c.get("creatingUser").lower() for c in root.iter(f"{ns}Coding")]
    assert sorted(creators) == sorted([g1.lower(), g2.lower()])


def test_split_notes_say_what_was_cut(tmp_path):
    """spanning='split' says what it cut: selections across turns, over a speaker label, or
    only the white space at a line end that a turn (paragraph) leaves out."""
    text = "Ana: Kami percaya.\nBudi: Saya juga.\nAna: Baik.\nBudi: Ya.\n"
    spans = [(text.index("percaya"), text.index("juga")),        # crosses two turns
             (text.index("Budi: Saya"), text.index("juga") + 4),  # covers a label
             (text.index("Baik"), text.index("Baik.") + 6),       # ends in the line end
             (text.index("Ya"), text.index("Ya.") + 3)]          # fits its turn
    sels = "".join(_selection(s, e) for s, e in spans)
    xml = _project_xml(f'<TextSource guid="dddddddd-0000-0000-0000-000000000001" name="w" '
                       f'plainTextPath="internal://w.txt">{sels}</TextSource>')
    path = make_qdpx(tmp_path / "p.qdpx", xml, {"sources/w.txt": text.encode()})
    notes = ce.read_qdpx(path, spanning="split").notes
    assert "1 selection(s) crossing speaker turns (or paragraphs) were cut into one coding " \
           "per turn they overlap" in notes
    assert "1 selection(s) covering a speaker label were cut to the turn's text" in notes
    assert "1 selection(s) starting or ending in white space outside their turn or " \
           "paragraph (a line end) were trimmed to its text" in notes
    # paragraphs only: the line end is all that is trimmed, and nothing is said of labels
    notes = ce.read_qdpx(path, spanning="split", turns="none").notes
    assert not any("label" in n or "crossing" in n for n in notes), notes


def _export_inputs(tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the example study's transcripts, codebook and codings A, and the export's
    arguments for them (without --out)."""
    import shutil

    shutil.copytree(ce.example_path("transcripts"), tmp_path / "tr")
    for name in ("codebook", "codings_A"):
        src = Path(ce.example_path(name))
        shutil.copy(src, tmp_path / src.name)
    return tmp_path, ["qdpx", "export", "--transcripts", str(tmp_path / "tr"), "--codebook",
                      str(tmp_path / "codebook.yaml"), "--codings",
                      str(tmp_path / "codings_A.csv")]


@pytest.mark.parametrize(("out", "flag"), [("codebook.yaml", "--codebook"),
                                          ("codings_A.csv", "--codings")])
def test_cli_export_never_overwrites_an_input(tmp_path, cli, out, flag):
    base, argv = _export_inputs(tmp_path)
    before = {p: p.read_bytes() for p in base.rglob("*") if p.is_file()}
    r = cli(*argv, "--out", str(base / out), "--force")
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {base / out}: --out is one of the command's inputs "
                               f"({flag})"), r.stderr
    assert {p: p.read_bytes() for p in base.rglob("*") if p.is_file()} == before


def test_cli_export_writes_a_whole_archive_or_leaves_the_previous_one(tmp_path, cli,
                                                                      monkeypatch):
    """A refused input, or a write failing at the last step (the disk full when the archive
    replaces the previous one), leaves the previous project as it was and no partial or
    temporary file beside it."""
    import errno
    import os

    base, argv = _export_inputs(tmp_path)
    out = tmp_path / "out" / "p.qdpx"
    assert cli(*argv, "--out", str(out)).returncode == 0
    previous = out.read_bytes()
    codings = base / "codings_A.csv"
    codings.write_text(codings.read_text(encoding="utf-8").replace(",kerja_sama,", ",nope,", 1),
                       encoding="utf-8")
    r = cli(*argv, "--out", str(out))
    assert r.returncode == 2 and r.stderr.startswith(f"error: {codings}:"), r.stderr
    assert out.read_bytes() == previous and os.listdir(out.parent) == ["p.qdpx"]

    corpus = ce.read_transcripts(base / "tr")
    codebook = ce.Codebook.load(base / "codebook.yaml")
    real_replace = os.replace

    def full(src, dst):
        if Path(dst) == out:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(ce.InputError, match="space") as info:
        ce.write_qdpx(out, corpus, codebook)
    assert info.value.path == str(out)
    assert out.read_bytes() == previous and os.listdir(out.parent) == ["p.qdpx"]


# --------------------------------------------------------------------------- session 12 (refi2)

NFD_TRANSCRIPT = ("---\nid: B2\nspeakers: {Interviewer: interviewer, Re\u0301ni: informant}\n"
                  "---\nInterviewer: Apa kabar?\nRe\u0301ni: Baik sekali.\n")


def test_a_decomposed_speaker_label_is_declared_once_and_round_trips(tmp_path):
    """A label written 'e' + U+0301 (macOS) is one speaker: the export declares it once (the
    corpus compares labels in NFC), and the import reads the export back."""
    import json
    import unicodedata

    from citra_eval.corpus import write_transcripts

    corpus = ce.Corpus.from_texts({"B2.txt": NFD_TRANSCRIPT})
    cb = ce.Codebook.from_dict({"codebook": "x", "codes": [{"id": "a", "label": "A"}]})
    start = corpus.text("B2").index("Baik")
    codings = pd.DataFrame([{"doc_id": "B2", "segment_id": 2, "start": start,
                             "end": start + 4, "code": "a", "coder": "A"}])
    path = tmp_path / "p.qdpx"
    ce.write_qdpx(path, corpus, cb, codings)
    desc = ET.fromstring(_qde(path.read_bytes())).find(f".//{NS}Description").text
    roles = json.loads(desc.splitlines()[0].split(": ", 1)[1])
    nfc = [unicodedata.normalize("NFC", k) for k in roles]
    assert len(nfc) == len(set(nfc)) == 2, roles
    assert roles["Re\u0301ni"] == "informant"
    back = ce.read_qdpx(path)
    assert back.corpus.texts == corpus.texts
    assert list(back.corpus.segments["role"]) == ["interviewer", "informant"]
    assert back.codings.iloc[0][["start", "end", "segment_id"]].tolist() == [start, start + 4, 2]
    # the same for a transcript file written from the corpus
    out = tmp_path / "t"
    write_transcripts(corpus, out)
    assert ce.read_transcripts(out).texts == corpus.texts


def test_an_older_export_declaring_a_label_twice_still_imports(tmp_path):
    """Exports before the fix declared the label in both forms; the second (no role) is the
    same speaker and adds nothing."""
    corpus = ce.Corpus.from_texts({"B2.txt": NFD_TRANSCRIPT})
    cb = ce.Codebook.from_dict({"codebook": "x", "codes": [{"id": "a", "label": "A"}]})
    data = qdpx_bytes(corpus, cb)
    xml = _qde(data).decode()
    at = xml.index("citra_eval speakers: ")
    old = (xml[:at] + 'citra_eval speakers: {"Interviewer": "interviewer", "Re\u0301ni": '
           '"informant", "R\u00e9ni": ""}' + xml[xml.index("</Description>"):])
    path = tmp_path / "old.qdpx"
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(path, "w") as o:
        for n in z.namelist():
            o.writestr(n, old.encode() if n == "project.qde" else z.read(n))
    back = ce.read_qdpx(path)
    assert list(back.corpus.segments["role"]) == ["interviewer", "informant"]


def test_an_entry_of_the_archive_that_cannot_be_read_is_called_inconsistent(tmp_path,
                                                                             monkeypatch):
    """The user cannot edit a text inside the archive: the message says the project is
    inconsistent and gives the route that reads it (turns none), not the transcript
    reader's advice to edit the file."""
    import citra_eval.qdpx.read as qread

    corpus = ce.Corpus.from_texts({"B2.txt": NFD_TRANSCRIPT})
    cb = ce.Codebook.from_dict({"codebook": "x", "codes": [{"id": "a", "label": "A"}]})
    path = tmp_path / "p.qdpx"
    ce.write_qdpx(path, corpus, cb)
    real = qread.segment_source

    def refuse(doc_id, text, *, path, roles, turns="auto"):
        if turns != "none":
            raise ce.InputError("'speakers' declares 'X' twice; keep one", path=path, line=3)
        return real(doc_id, text, path=path, roles=roles, turns=turns)

    monkeypatch.setattr(qread, "segment_source", refuse)
    with pytest.raises(ce.InputError) as info:
        ce.read_qdpx(path)
    message = str(info.value)
    assert "declares 'X' twice" in message and "line 3" in message
    assert "inconsistent" in message and "--turns none" in message
    assert "keep one" not in message
    assert len(ce.read_qdpx(path, turns="none").corpus) == 1


def _with_qde(data: bytes, path: Path, edit) -> Path:
    """A copy of the archive ``data`` with its project XML changed by ``edit``."""
    xml = _qde(data).decode()
    new = edit(xml)
    assert new != xml
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(path, "w") as o:
        for n in z.namelist():
            o.writestr(n, new.encode() if n == "project.qde" else z.read(n))
    return path


def _two_documents():
    corpus = ce.Corpus.from_texts({"D1.txt": "---\nid: D1\n---\nsatu dua tiga empat\n",
                                   "D2.txt": "---\nid: D2\n---\nlima enam tujuh delapan\n"})
    cb = ce.Codebook.from_dict({"codebook": "x", "codes": [{"id": "a", "label": "A"}]})
    codings = pd.DataFrame([("D1", 1, 0, 4, "a", "A"), ("D1", 1, 5, 8, "a", "A"),
                            ("D2", 1, 0, 4, "a", "B")], columns=ce.CODING_COLUMNS)
    return corpus, cb, codings


@pytest.mark.parametrize("tag, kind", [("TextSource", "sources"),
                                       ("PlainTextSelection", "selections"),
                                       ("User", "users"), ("Coding", "codings")])
def test_two_items_sharing_a_guid_are_refused_like_codes(tmp_path, cli, tag, kind):
    """REFI-QDA identifies every item by its GUID: two sources, selections, users or codings
    sharing one make a corrupt project, refused (as two codes are) rather than read into
    data whose export is corrupt in turn."""
    import re

    corpus, cb, codings = _two_documents()
    data = qdpx_bytes(corpus, cb, codings)
    guids = re.findall(f'<{tag} guid="([^"]+)"', _qde(data).decode())
    path = _with_qde(data, tmp_path / "dup.qdpx", lambda x: x.replace(
        f'<{tag} guid="{guids[1]}"', f'<{tag} guid="{guids[0]}"'))
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "i"))
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {path}: two {kind} share the GUID"), r.stderr
    assert guids[0] in r.stderr and "corrupt" in r.stderr
    assert not (tmp_path / "i").exists()


def test_the_writer_never_writes_a_guid_or_an_entry_twice(tmp_path):
    """GUIDs given back from another program can collide with the ones citra_eval derives
    (or with each other, after hand edits): the export then derives a fresh one, and two
    documents claiming one source GUID are refused, never written as one zip entry twice."""
    import re
    import warnings

    from citra_eval._refi import stable_guid as sg

    corpus, cb, codings = _two_documents()
    # the second selection carries the GUID derived for the first one
    given = codings.assign(selection_guid=[None, sg("selection", "D1", 0, 4), None])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = qdpx_bytes(corpus, cb, given)
    guids = re.findall(r' guid="([^"]+)"', _qde(data).decode())
    assert len(guids) == len(set(guids))
    # two coders claiming one user GUID
    twice = codings.assign(coder_guid=[sg("user", "A")] * 3)
    guids = re.findall(r'<User guid="([^"]+)"', _qde(qdpx_bytes(corpus, cb, twice)).decode())
    assert len(guids) == len(set(guids)) == 2
    # two documents claiming one source GUID
    same = ce.Corpus.from_texts({"D1.txt": "---\nid: D1\nsource_guid: "
                                 f"{sg('source', 'D1')}\n---\nsatu dua tiga empat\n",
                                 "D2.txt": "---\nid: D2\nsource_guid: "
                                 f"{sg('source', 'D1')}\n---\nlima enam tujuh delapan\n"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ce.InputError, match="'D1' and 'D2' have the same source_guid"):
            qdpx_bytes(same, cb, codings)


@pytest.mark.parametrize("where", ["source name", "code name", "description", "value",
                                   "qdc code name"])
def test_absurdly_long_names_and_texts_are_refused_quickly(tmp_path, cli, where):
    """A name or description far beyond any real one (within the archive limits) would cost
    minutes and gigabytes in the YAML writer: it is refused, naming the item and the limit."""
    import time

    from citra_eval._refi import MAX_NAME_CHARS, MAX_TEXT_CHARS

    corpus = ce.Corpus.from_texts({"D1.txt": "---\nid: D1\numur: 30\n---\nsatu dua tiga\n"})
    cb = ce.Codebook.from_dict({"codebook": "x", "codes": [{"id": "a", "label": "A"}]})
    codings = pd.DataFrame([("D1", 1, 0, 4, "a", "A")], columns=ce.CODING_COLUMNS)
    data = qdpx_bytes(corpus, cb, codings)
    name, text = "n" * (MAX_NAME_CHARS + 1), "t" * (MAX_TEXT_CHARS + 1)
    edit = {"source name": lambda x: x.replace('name="D1"', f'name="{name}"', 1),
            "code name": lambda x: x.replace('name="A"', f'name="{name}"', 1),
            "description": lambda x: x.replace(
                'isCodable="true" />',
                f'isCodable="true"><Description>{text}</Description></Code>', 1),
            "value": lambda x: x.replace("<IntegerValue>30<", f"<TextValue>{text}<", 1)
            .replace("</IntegerValue>", "</TextValue>", 1)
            .replace('typeOfVariable="Integer"', 'typeOfVariable="Text"'),
            "qdc code name": None}[where]
    if edit is None:
        path = tmp_path / "cb.qdc"
        path.write_bytes(qdc_bytes(cb).replace(b'name="A"', f'name="{name}"'.encode()))
        started = time.perf_counter()
        with pytest.raises(ce.InputError) as info:
            ce.Codebook.from_qdc(path)
    else:
        path = _with_qde(data, tmp_path / "big.qdpx", edit)
        started = time.perf_counter()
        r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "i"))
        assert r.returncode == 2 and r.stderr.startswith(f"error: {path}: "), r.stderr
        assert not (tmp_path / "i").exists()
        info = None
    message = str(info.value) if info else r.stderr
    limit = MAX_NAME_CHARS if "name" in where else MAX_TEXT_CHARS
    assert f"{limit + 1:,} characters" in message and f"at most {limit:,}" in message, message
    assert len(message) < 600  # the value itself is not echoed
    assert time.perf_counter() - started < 5


def test_docs_state_the_name_and_text_limits():
    from citra_eval._refi import MAX_NAME_CHARS, MAX_TEXT_CHARS

    text = " ".join((ROOT / "docs" / "security.md").read_text("utf-8").split())
    assert (f"{MAX_NAME_CHARS:,} characters per name or other attribute "
            "(`_refi.MAX_NAME_CHARS`") in text
    assert (f"{MAX_TEXT_CHARS:,} characters per description, variable value or other text "
            "(`_refi.MAX_TEXT_CHARS`)") in text


@pytest.mark.parametrize("name", ["cb.qdc", "codebook.xml"])
def test_cli_import_of_a_qdc_codebook_writes_codebook_yaml(tmp_path, cli, name):
    """A codebook exchanged on its own (.qdc, NVivo/ATLAS.ti "export codebook") is
    recognised by its extension or its <CodeBook> root and written as codebook.yaml, rather
    than refused as a broken project."""
    cb = ce.Codebook.from_dict({"codebook": "x", "codes": [
        {"id": "kerja_sama", "label": "Kerja sama"}, {"id": "humas", "label": "Humas"}]})
    path = tmp_path / name
    path.write_bytes(qdc_bytes(cb))
    out = tmp_path / "imp"
    (out / "transcripts").mkdir(parents=True)  # an earlier project import's texts are kept
    r = cli("qdpx", "import", str(path), "--out", str(out), "--force")
    assert r.returncode == 0, r.stderr
    assert "2 codes" in r.stdout and "codebook.yaml" in r.stdout
    back = ce.Codebook.load(out / "codebook.yaml")
    assert back.ids == cb.ids and (out / "transcripts").is_dir()
    assert not (out / "codings.csv").exists()


def test_cli_import_of_a_broken_qdc_says_it_is_a_codebook(tmp_path, cli):
    path = tmp_path / "cb.qdc"
    path.write_bytes(b"<CodeBook><Codes>")
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "imp"))
    assert r.returncode == 2 and r.stderr.startswith(f"error: {path}"), r.stderr
    assert "export it again" not in r.stderr or "codebook" in r.stderr
    assert "not a readable REFI-QDA project" not in r.stderr


def test_a_source_of_two_cases_keeps_the_values_of_both(tmp_path):
    """A focus group linked to two cases (two participants): each variable keeps both
    values, joined as sets are ('P; L'), not only the first case's; a case value that
    differs from the source's own variable of that name is named in a note."""
    g = "{:08d}-0000-4000-8000-000000000000".format
    body = "Moderator: Apa pendapat anda?\nAni: Bagus sekali.\nBudi: Kurang cepat.\n"

    def case(n, name, umur, gender):
        return (f'<Case guid="{g(n)}" name="{name}"><VariableValue><VariableRef '
                f'targetGUID="{g(20)}"/><IntegerValue>{umur}</IntegerValue></VariableValue>'
                f'<VariableValue><VariableRef targetGUID="{g(21)}"/><TextValue>{gender}'
                f'</TextValue></VariableValue><SourceRef targetGUID="{g(40)}"/></Case>')

    extra = (f'<Variables><Variable guid="{g(20)}" name="Umur" typeOfVariable="Integer"/>'
             f'<Variable guid="{g(21)}" name="Gender" typeOfVariable="Text"/>'
             f'<Variable guid="{g(22)}" name="Kota" typeOfVariable="Text"/></Variables>'
             f'<Cases>{case(30, "Ani", 25, "P")}{case(31, "Budi", 61, "L")}'
             f'{case(32, "Cici", 25, "P")}</Cases>')
    source = (f'<TextSource guid="{g(40)}" name="FGD 1" plainTextPath="internal://f.txt">'
              f'<VariableValue><VariableRef targetGUID="{g(21)}"/><TextValue>campuran'
              '</TextValue></VariableValue></TextSource>')
    path = make_qdpx(tmp_path / "fg.qdpx", _project_xml(source, extra=extra),
                     {"sources/f.txt": body.encode()})
    project = ce.read_qdpx(path)
    doc = project.corpus.document("FGD_1")
    assert doc["case"] == "Ani; Budi; Cici"
    assert doc["Umur"] == "25; 61"
    assert doc["Gender"] == "campuran"  # the source's own value
    assert any("Gender" in n and "'P; L'" in n for n in project.notes), project.notes


# --------------------------------------------------------------------------- changed sources

_CODED = ("Interviewer: How does the office work with the press?\n"
          "Informant: We meet journalists every week and we post on Instagram daily.\n")
_EDITED = _CODED.replace("How does", "So, how does")  # four characters more before every coding
_CODED_WORDS = ["meet journalists every week", "post on Instagram", "daily"]


def _coded_source(ref: str) -> str:
    sels = "".join(_selection(_CODED.index(w), _CODED.index(w) + len(w)) for w in _CODED_WORDS)
    return _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000c1" name="INT01" '
                        f'plainTextPath="{ref}">{sels}</TextSource>')


def _read_changed(tmp_path: Path, xml: str, doc: str, text: str):
    """Read a project whose source ``doc`` is the outside file ``ext/<doc>.txt`` holding
    ``text``, changed since coding: the source is left out, its codings too.
    Returns the project's path, the folder, the project read and its note on ``doc``."""
    path = make_qdpx(tmp_path / "p.qdpx", xml)
    folder = tmp_path / "ext"
    folder.mkdir()
    (folder / f"{doc}.txt").write_text(text, encoding="utf-8")
    project = ce.read_qdpx(path, sources=folder)
    # its codings would cut the wrong words: the source is left out with a note saying why
    assert project.corpus.doc_ids == [] and project.codings.empty
    return path, folder, project, next(n for n in project.notes if doc in n)


def test_an_outside_source_changed_since_coding_is_not_read_silently(tmp_path, cli):
    path, folder, project, note = _read_changed(
        tmp_path, _coded_source("relative://INT01.txt"), "INT01", _EDITED)
    assert "changed since it was coded" in note and "1 of its 3 selection(s)" in note
    assert "skipped with its 3 coding(s)" in note
    lost = project.discarded.set_index("what").loc["text sources whose text changed since coding"]
    assert (lost["count"], lost["codings"]) == (1, 3)
    with pytest.raises(ce.InputError, match="changed since it was coded"):
        ce.read_qdpx(path, sources=folder, strict=True)
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "s"), "--sources", str(folder),
            "--strict")
    assert r.returncode == 2 and "changed since it was coded" in r.stderr
    assert not (tmp_path / "s").exists()
    # the file as it was when coded reads, every coding on its words, without that note
    (folder / "INT01.txt").write_text(_CODED, encoding="utf-8")
    project = ce.read_qdpx(path, sources=folder)
    text = project.corpus.text("INT01")
    assert [text[r.start:r.end] for r in project.codings.itertuples()] == _CODED_WORDS
    assert not any("changed" in n for n in project.notes)


def _far_edited_source() -> tuple[str, str, list[str], str]:
    """A long outside text coded twelve times near its start and once far in, and the same
    text with four characters added far beyond the first twelve codings (before the last)."""
    early = " ".join(f"Informant: We meet journalists in week {n} and talk about the "
                     f"budget {n}." for n in range(12)) + "\n"
    middle = "Interviewer: Thank you. " * 200 + "\n"
    late = "Informant: Finally the governor approved the plan.\n"
    coded = early + middle + late
    edit = len(early) + len(middle) // 2
    edited = coded[:edit] + "So, " + coded[edit:]
    spans = [(m.start(), m.end()) for m in re.finditer(r"journalists in week \d+", early)]
    spans.append((coded.index("approved"), coded.index("approved") + 8))  # then "nor appr"
    sels = "".join(_selection(a, b) for a, b in spans)
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000c3" name="INT02" '
                       f'plainTextPath="relative://INT02.txt">{sels}</TextSource>')
    return coded, edited, [coded[a:b] for a, b in spans], xml


def test_an_outside_source_edited_far_into_its_text_is_not_read_silently(tmp_path):
    """An edit far beyond the first codings moves only the codings after it: the source is
    still taken for a changed one, as for an edit before every coding."""
    coded, edited, words, xml = _far_edited_source()
    path, folder, _, note = _read_changed(tmp_path, xml, "INT02", edited)
    assert "changed since it was coded" in note and "skipped with its 13 coding(s)" in note
    assert "0 of its 1 selection(s) from position" in note, note
    with pytest.raises(ce.InputError, match="changed since it was coded"):
        ce.read_qdpx(path, sources=folder, strict=True)
    # the file as coded reads without that note, every coding on its words
    (folder / "INT02.txt").write_text(coded, encoding="utf-8")
    project = ce.read_qdpx(path, sources=folder)
    text = project.corpus.text("INT02")
    assert [text[r.start:r.end] for r in project.codings.itertuples()] == words
    assert not any("changed" in n for n in project.notes)


def test_an_outside_source_cut_short_is_taken_for_a_changed_one(tmp_path):
    """A coding beyond the end of an outside text (the file was shortened since coding)."""
    coded, _, _, xml = _far_edited_source()
    path = make_qdpx(tmp_path / "p.qdpx", xml)
    (tmp_path / "INT02.txt").write_text(coded[:len(coded) // 2], encoding="utf-8")
    project = ce.read_qdpx(path)
    note = next(n for n in project.notes if "INT02" in n)
    assert "changed since it was coded" in note and "outside" in note, note
    assert project.corpus.doc_ids == []


def test_a_text_in_the_archive_that_does_not_fit_its_selections_is_noted(tmp_path):
    path = make_qdpx(tmp_path / "p.qdpx", _coded_source("internal://INT01.txt"),
                     {"sources/INT01.txt": _EDITED.encode("utf-8")})
    project = ce.read_qdpx(path)
    # kept (the archive's own text cannot have changed since its export), but said
    assert len(project.codings) == 3
    note = next(n for n in project.notes if "INT01" in n)
    assert "1 of its 3 selection(s)" in note and "check" in note


def test_a_text_written_without_spaces_is_not_taken_for_a_changed_one(tmp_path):
    text = "访谈者：你们怎么和媒体合作？受访者：我们每周和记者见面，每天在社交媒体上发帖。\n"
    words = ["每周和记者", "每天在社交", "媒体上"]
    sels = "".join(_selection(text.index(w) + 1, text.index(w) + len(w)) for w in words)
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000c2" name="zh" '
                       f'plainTextPath="relative://zh.txt">{sels}</TextSource>')
    (tmp_path / "zh.txt").write_text(text, encoding="utf-8")
    project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", xml))
    assert len(project.codings) == 3 and not any("changed" in n for n in project.notes)


def _inline_source(content: str, words: list[str], origin: str = "MAXQDA 2022") -> str:
    sels = "".join(_selection(content.index(w), content.index(w) + len(w)) for w in words)
    return _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000e1" name="INT01">'
                        f"<PlainTextContent>{content}</PlainTextContent>{sels}</TextSource>"
                        ).replace('origin="QualCoder 3.5"', f'origin="{origin}"')


def test_plain_text_content_keeps_its_crlf_line_ends_for_the_positions(tmp_path):
    """An XML parser turns a CRLF in element text into LF; the positions count the text as
    the program stored it, CRs included, so every selection after a line end would move."""
    content = ("Interviewer: How?\r\nInformant: We meet journalists.\r\nInterviewer: And?\r\n"
               "Informant: Instagram daily.\r\n")
    for words in (["Instagram"], ["meet journalists", "Instagram daily"]):
        project = ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", _inline_source(content, words)))
        text = project.corpus.text("INT01")
        assert "\r" not in text and text == content.replace("\r\n", "\n")
        assert [text[r.start:r.end] for r in project.codings.itertuples()] == words
        assert project.positions.convention.crlf == 2
    # a text whose CRs the file writes as references reads the same
    start = content.index("Instagram")
    escaped = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000e1" name="INT01">'
                           f'<PlainTextContent>{content.replace(chr(13), "&#13;")}'
                           f"</PlainTextContent>{_selection(start, start + 9)}</TextSource>")
    project = ce.read_qdpx(make_qdpx(tmp_path / "e.qdpx", escaped))
    row = project.codings.iloc[0]
    assert project.corpus.text("INT01")[row.start:row.end] == "Instagram"


def test_a_selection_outside_a_text_without_crlf_does_not_speak_of_crlf(tmp_path):
    content = "Interviewer: How?\nInformant: We meet journalists.\n"
    xml = _inline_source(content, ["journalists"]).replace(
        f'endPosition="{content.index("journalists") + 11}"', 'endPosition="400"')
    with pytest.raises(ce.InputError, match="outside its text") as err:
        ce.read_qdpx(make_qdpx(tmp_path / "p.qdpx", xml))
    assert "CRLF" not in str(err.value) and f"({len(content)} code points)" in str(err.value)


def test_an_archive_zipped_with_its_folder_finds_the_texts_beside_its_project(tmp_path):
    """macOS "Compress" of an unpacked export puts everything in one folder."""
    words = ["meet journalists", "Instagram"]
    text = "Interviewer: How?\nInformant: We meet journalists and use Instagram.\n"
    sels = "".join(_selection(text.index(w), text.index(w) + len(w)) for w in words)
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000f1" name="INT01" '
                       f'plainTextPath="internal://f1.txt">{sels}</TextSource>')
    path = make_qdpx(tmp_path / "p.qdpx", xml, {"myproj/sources/f1.txt": text.encode()},
                     qde_name="myproj/project.qde")
    project = ce.read_qdpx(path)
    got = project.corpus.text("INT01")
    assert [got[r.start:r.end] for r in project.codings.itertuples()] == words
    assert not any("not found" in n for n in project.notes)


def test_the_library_cuts_selections_crossing_turns_as_the_command_does(tmp_path, cli):
    """read_qdpx's default is the CLI's: a selection running into the next speaker's turn is
    cut to each turn (never the interviewer's words quoted as the informant's), and what
    project.save writes validate accepts, the same files as qdpx import."""
    text = ("Interviewer: How?\nInformant: We use Instagram daily.\nInterviewer: Why?\n"
            "Informant: It is fast.\n")
    crossing = "Instagram daily.\nInterviewer: Why"
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000f2" name="INT01" '
                       f'plainTextPath="internal://f2.txt">'
                       f"{_selection(text.index(crossing), text.index(crossing) + len(crossing))}"
                       "</TextSource>")
    path = make_qdpx(tmp_path / "p.qdpx", xml, {"sources/f2.txt": text.encode()})
    project = ce.read_qdpx(path)
    got = project.corpus.text("INT01")
    segs = project.corpus.segments.set_index("segment_id")
    assert [(segs.loc[r.segment_id, "speaker"], got[r.start:r.end])
            for r in project.codings.itertuples()] == [("Informant", "Instagram daily."),
                                                      ("Interviewer", "Why")]
    assert any("crossing speaker turns" in n for n in project.notes)
    project.save(tmp_path / "lib")
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "cli"))
    assert r.returncode == 0, r.stderr
    for out in ("lib", "cli"):
        r = cli("validate", "--transcripts", str(tmp_path / out / "transcripts"), "--codebook",
                str(tmp_path / out / "codebook.yaml"), "--codings",
                str(tmp_path / out / "codings.csv"))
        assert r.returncode == 0, (out, r.stderr)
    assert (tmp_path / "lib" / "codings.csv").read_bytes() == (
        tmp_path / "cli" / "codings.csv").read_bytes()


def test_code_colours_go_out_as_refi_qda_colours_or_are_said_to_be_left_out(tmp_path, cli):
    from citra_eval._refi import refi_color

    assert [refi_color(c) for c in ["red", "#FF000080", "#abc", "#f008", "merah", None]] == [
        "#FF0000", "#FF0000", "#abc", "#f00", None, None]
    cb = ce.Codebook.from_dict({"codebook": "w", "language": "id", "codes": [
        {"id": f"c{k}", "label": f"K{k}", "color": c}
        for k, c in enumerate(["red", "#FF000080", "merah"])]})
    xml = _qde(qdpx_bytes(ce.Corpus.from_texts({}), cb))
    _assert_valid(_schema("Project.xsd"), xml)
    root = ET.fromstring(xml)
    assert [c.get("color") for c in root.iter(NS + "Code")] == ["#FF0000", "#FF0000", None]
    (tmp_path / "tr").mkdir()
    cb.save(tmp_path / "codebook.yaml")
    r = cli("qdpx", "export", "--transcripts", str(tmp_path / "tr"), "--codebook",
            str(tmp_path / "codebook.yaml"), "--out", str(tmp_path / "x.qdpx"))
    assert r.returncode == 0, r.stderr
    assert "'merah'" in r.stderr and "c2" in r.stderr and "leaves it out" in r.stderr


def test_qc_demo_codes_of_one_name_get_labels_of_their_own():
    from citra_eval.lint import lint_codebook

    project = ce.read_qdpx(refdata_path("refi-qda", "qc-demo.qdpx"))
    labels = [project.codebook.label(c).casefold() for c in project.codebook.ids]
    assert len(set(labels)) == len(labels)
    found = lint_codebook(project.codebook)
    assert not (found["check"] == "label_is_id").any()


def test_a_regex_left_out_of_a_code_description_is_noted(tmp_path):
    # docs/qdpx.md: nothing dropped in silence; an invalid regex is left out with a note
    cb = ce.Codebook.from_dict({"codebook": "c", "language": "id", "codes": [
        {"id": "speed", "label": "Speed", "patterns": [{"regex": "press releases?"}]}]})
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: A\n---\nhalo\n"})
    good = tmp_path / "good.qdpx"
    ce.write_qdpx(good, corpus, cb, ce.read_codings(_empty_codings(tmp_path)))
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for n in src.namelist():
            data = src.read(n)
            if n == "project.qde":
                data = data.replace(b"Regex: press releases?", b"Regex: (unclosed")
            dst.writestr(n, data)
    project = ce.read_qdpx(bad)
    assert project.codebook["speed"].patterns == []
    assert any(n.startswith("code 'Speed': the regex '(unclosed' of its description was left "
                            "out: not a valid regular expression") for n in project.notes), \
        project.notes


def _empty_codings(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("doc_id,segment_id,start,end,code,coder\n")
    return path


@pytest.mark.parametrize("entry", ["codings.csv", "transcripts"])
def test_import_refuses_a_symbolic_link_among_its_entries(tmp_path, cli, entry):
    # every run replaces its own entries of --out: a link there would be replaced silently
    # (or, followed, write elsewhere); refused like other symlinked outputs
    cb = ce.Codebook.from_dict({"codebook": "c", "language": "id",
                                "codes": [{"id": "a", "label": "A"}]})
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: A\n---\nhalo\n"})
    project = tmp_path / "p.qdpx"
    ce.write_qdpx(project, corpus, cb, ce.read_codings(_empty_codings(tmp_path)))
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    if entry == "transcripts":
        elsewhere.mkdir()
    else:
        elsewhere.write_text("keep me")
    (out / entry).symlink_to(elsewhere)
    r = cli("qdpx", "import", str(project), "--out", str(out), "--force")
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {out / entry}: "), r.stderr
    assert "symbolic link" in r.stderr
    assert (out / entry).is_symlink()
    assert sorted(p.name for p in out.iterdir()) == [entry]


def test_selections_of_many_codings_keep_the_bytes_of_the_former_writer(corpus, codebook):
    """The export groups the codings once (it grouped them per selection, ~5 ms a coding):
    the ``project.qde`` of a span coded by three coders in two codes under three selections
    (two GUIDs given back, interleaved, and none), GUIDs given twice, creators, dates, notes,
    an emoji and duplicates is byte for byte the one the former writer gave."""
    import hashlib

    def guid(k: int) -> str:
        return f"{{{k:08X}-0000-4000-8000-{k:012d}}}"

    rows = []
    for doc, word, code, coder, sel, cguid, created, note, suser, screated in [
            ("INF01", "bermitra", "kerja_sama", "A", guid(1), guid(11), "2024-01-02T03:04:05Z",
             "jelas", guid(21), "2024-02-02T00:00:00Z"),
            ("INF01", "bermitra", "mou", "A", guid(2), guid(12), None, None, None, "bad date"),
            ("INF01", "bermitra", "kerja_sama", "B", guid(1), guid(11), None, "  ", guid(99),
             None),
            ("INF01", "bermitra", "mou", "B", None, None, "2024-01-03T00:00:00Z", None, None,
             None),
            ("INF01", "bermitra", "mou", "C", guid(1), None, None, "c", None,
             "2024-05-05T00:00:00Z"),
            ("INF01", "Pagi", "mou", "B", None, None, None, None, None, None),
            ("INF01", "media lokal 😀 &", "kerja_sama", "A", guid(3), "not a guid", None,
             "emoji", None, None),
            ("INF01", "media lokal 😀 &", "kerja_sama", "B", guid(3), None, None, None, None,
             None),
            ("INF02", "MoU", "mou", "A", guid(1), None, None, None, None, None),
            ("INF02", "MoU", "mou", "A", guid(1), None, None, None, None, None),
            ("INF02", "Kami", "kerja_sama", "C", None, None, None, "n", None, None)]:
        s, e = _span(corpus, doc, word)
        rows.append({"doc_id": doc, "segment_id": corpus.segment_at(doc, s, e), "start": s,
                     "end": e, "code": code, "coder": coder, "evidence": None, "note": note,
                     "selection_guid": sel, "coding_guid": cguid, "created": created,
                     "selection_user_guid": suser, "selection_created": screated})
    codings = pd.DataFrame(rows).sample(frac=1, random_state=3)
    users = pd.DataFrame({"guid": [guid(21)], "name": ["Z"]})
    recorded = {  # sha256 and size of project.qde from the former writer
        "codepoint": ("aa96d740cca7f7da730f842310942b01d013bf94bb3eb078e3f44fab53f92b7b", 7622),
        "utf16": ("f6538865e7183c88c8d961a41be6d9628c3d37219a08fcc354a3d09fdee7e10b", 7639)}
    for positions, (digest, size) in recorded.items():
        qde = _qde(qdpx_bytes(corpus, codebook, codings, positions=positions, users=users))
        assert (hashlib.sha256(qde).hexdigest(), len(qde)) == (digest, size), positions


# ------------------------------------------------------------- an import never destroys files

def _hand_made_study(folder: Path) -> dict[Path, bytes]:
    """A folder of a researcher's own transcript, codebook and codings (no study.yaml): the
    names an import writes, but not files it wrote."""
    import shutil

    (folder / "transcripts").mkdir(parents=True)
    shutil.copy(Path(ce.example_path("transcripts")) / "INF01.txt", folder / "transcripts")
    shutil.copy(ce.example_path("codebook"), folder / "codebook.yaml")
    shutil.copy(ce.example_path("codings_A"), folder / "codings.csv")
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_cli_import_refuses_to_replace_files_of_the_folder_without_force(tmp_path, cli):
    """Files under the names the import writes (transcripts/INF01.txt, codings.csv,
    codebook.yaml) may be the user's own: replaced or deleted only with --force, which then
    says what it replaced."""
    out = tmp_path / "mystudy"
    before = _hand_made_study(out)
    project = refdata_path("refi-qda", "atlasti-target-project.qdpx")
    r = cli("qdpx", "import", str(project), "--out", str(out))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {out}: "), r.stderr
    assert "transcripts/INF01.txt" in r.stderr and "codings.csv" in r.stderr
    assert "--force" in r.stderr and "empty" in r.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    r = cli("qdpx", "import", str(project), "--out", str(out), "--force")
    assert r.returncode == 0, r.stderr
    assert "replaced" in r.stderr and "transcripts/INF01.txt" in r.stderr, r.stderr


def test_cli_import_of_a_qdc_refuses_to_replace_a_codebook_without_force(tmp_path, cli):
    out = tmp_path / "study"
    out.mkdir()
    richer = Path(ce.example_path("codebook")).read_bytes()
    (out / "codebook.yaml").write_bytes(richer)
    cb = ce.Codebook.from_dict({"codebook": "x", "codes": [{"id": "a", "label": "A"}]})
    qdc = tmp_path / "other.qdc"
    qdc.write_bytes(qdc_bytes(cb))
    r = cli("qdpx", "import", str(qdc), "--out", str(out))
    assert r.returncode == 2 and r.stderr.startswith(f"error: {out}: "), r.stderr
    assert "codebook.yaml" in r.stderr and "--force" in r.stderr
    assert (out / "codebook.yaml").read_bytes() == richer
    r = cli("qdpx", "import", str(qdc), "--out", str(out), "--force")
    assert r.returncode == 0 and "replaced" in r.stderr, r.stderr
    assert ce.Codebook.load(out / "codebook.yaml").ids == ["a"]


def test_project_save_refuses_to_replace_files_unless_told(tmp_path):
    out = tmp_path / "mystudy"
    before = _hand_made_study(out)
    project = ce.read_qdpx(refdata_path("refi-qda", "atlasti-target-project.qdpx"))
    with pytest.raises(ce.InputError, match=r"transcripts/INF01\.txt.*replace=True"):
        project.save(out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    project.save(out, replace=True)
    assert not (out / "transcripts" / "INF01.txt").exists()
    project.save(tmp_path / "empty")  # a new folder, or one of other files only, is fine


@pytest.mark.parametrize("ns", ["urn:QDA-XML:project:2.0", "urn:QDA-XML:codebook:1.0",
                                "http://example.com/not-refi"])
def test_a_project_in_another_namespace_is_refused(tmp_path, ns):
    """Only the REFI-QDA 1.0 project namespace is published (Project.xsd); a <Project> of
    another namespace is not read as if it were one. Without a namespace it is read."""
    body = ('<Project {}name="t"><CodeBook><Codes><Code guid="{}" name="A" '
            'isCodable="true"/></Codes></CodeBook></Project>')
    guid = "00000000-0000-4000-8000-000000000001"
    path = make_qdpx(tmp_path / "w.qdpx", body.format(f'xmlns="{ns}" ', guid))
    with pytest.raises(ce.InputError, match=re.escape(
            f"expected namespace urn:QDA-XML:project:1.0, got {ns}")):
        ce.read_qdpx(path)
    bare = make_qdpx(tmp_path / "bare.qdpx", body.format("", guid))
    assert ce.read_qdpx(bare).codebook.ids == ["a"]


def _users_project(tmp_path: Path, names: list[str], *, idle: str = "") -> Path:
    """A project whose users ``names`` each code one selection (and a user ``idle``
    without codings, when given)."""
    guids = [f"eeeeeeee-0000-0000-0000-{k:012d}" for k in range(1, len(names) + 1)]
    users = "".join(f'<User guid="{g}" name="{n}"/>' for g, n in zip(guids, names, strict=True))
    if idle:
        users += f'<User guid="ffffffff-0000-0000-0000-000000000009" name="{idle}"/>'
    sels = "".join(_selection(5, 12, g) for g in guids)
    xml = _project_xml(f'<TextSource guid="dddddddd-0000-0000-0000-000000000001" name="w" '
                       f'plainTextPath="internal://w.txt">{sels}</TextSource>',
                       users=f"<Users>{users}</Users>")
    return make_qdpx(tmp_path / "p.qdpx", xml, {"sources/w.txt": b"Kami percaya pada media.\n"})


def test_users_whose_names_differ_only_in_unicode_form_or_case_are_told_apart(tmp_path):
    """'José' written precomposed and decomposed prints identically: the second becomes
    'José (2)' with a note, as a second 'José' would."""
    project = ce.read_qdpx(_users_project(tmp_path, ["José", "Jose\u0301", "ANI", "ani"]))
    assert project.codings["coder"].tolist() == ["José", "Jose\u0301 (2)", "ANI", "ani (2)"]
    assert any("2 users are named 'José'" in n for n in project.notes), project.notes


def test_code_labels_equal_after_unicode_normalisation_are_made_unique(tmp_path):
    g = "{:08d}-0000-4000-8000-000000000000".format
    path = tmp_path / "c.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="X"><Codes>'
                    f'<Code guid="{g(1)}" name="Café" isCodable="true"/>'
                    f'<Code guid="{g(2)}" name="Cafe\u0301" isCodable="true"/>'
                    f'<Code guid="{g(3)}" name="CAFÉ" isCodable="true"/></Codes></CodeBook>',
                    encoding="utf-8")
    labels = [c.label["id"] for c in ce.Codebook.from_qdc(path)]
    assert labels == ["Café", "Cafe\u0301 (2)", "CAFÉ (3)"]


@pytest.mark.parametrize(("idle", "files"), [("", "in codings.csv if"),
                                             ("budi", "in codings.csv and users.csv if")])
def test_the_note_on_users_of_one_name_names_only_files_written(tmp_path, idle, files):
    project = ce.read_qdpx(_users_project(tmp_path, ["ana", "ana"], idle=idle))
    (note,) = [n for n in project.notes if "users are named" in n]
    assert files in note, note
    saved = project.save(tmp_path / "s")
    assert (Path("users.csv") in saved) == bool(idle)


def test_agree_and_validate_on_paragraph_texts_name_roles_all(tmp_path, cli):
    """Texts of paragraphs (field notes, comments) have no speakers to give roles: agree
    and validate name --roles all, not --speakers or the front matter's speakers."""
    r = cli("qdpx", "import", str(_users_project(tmp_path, ["Ani", "Budi"])), "--out",
            str(tmp_path / "imp"))
    assert r.returncode == 0, r.stderr
    files = ["--transcripts", str(tmp_path / "imp" / "transcripts"), "--codings",
             str(tmp_path / "imp" / "codings.csv"), "--codebook",
             str(tmp_path / "imp" / "codebook.yaml")]
    r = cli("agree", *files, "--out", str(tmp_path / "a.csv"), "--n-boot", "0")
    assert r.returncode == 2 and "--roles all" in r.stderr, r.stderr
    assert "--speakers" not in r.stderr and "front matter" not in r.stderr, r.stderr
    assert cli("agree", *files, "--out", str(tmp_path / "a.csv"), "--n-boot", "0",
               "--roles", "all").returncode == 0
    r = cli("validate", *files)
    assert "--roles all" in r.stderr and "--speakers" not in r.stderr, r.stderr


def test_read_qdpx_checks_the_speakers_it_is_given():
    """speakers= is checked as --speakers is: a mapping of labels to the roles the analyses
    know ('informan' would leave the informant without turns)."""
    path = refdata_path("refi-qda", "qc-demo.qdpx")
    with pytest.raises(ValueError, match=r"'admin-1'.* one of 'informant', 'interviewer', "
                                         r"got 'informan'; did you mean 'informant'"):
        ce.read_qdpx(path, speakers={"Max Bigman": "interviewer", "admin-1": "informan"})
    with pytest.raises(TypeError, match=r"speakers must be a mapping.*got list"):
        ce.read_qdpx(path, speakers=["Max Bigman"])
    with pytest.raises(TypeError, match=r"speakers.*label.*got int"):
        ce.read_qdpx(path, speakers={1: "informant"})


def test_export_warns_of_characters_xml_cannot_hold(tmp_path, cli):
    """A control character in a coding's note or a code's label cannot go into XML 1.0: it
    is written as U+FFFD, and the export says where (not silently)."""
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: INF01\n---\nhalo dunia ini\n"})
    cb = ce.Codebook.from_dict({"codebook": "x", "codes": [
        {"id": "a", "label": "A\x01b"}, {"id": "b", "label": "B"}]})
    codings = pd.DataFrame([
        {"doc_id": "INF01", "segment_id": 0, "start": 0, "end": 4, "code": "a", "coder": "A",
         "note": "baris\x0bdua"},
        {"doc_id": "INF01", "segment_id": 0, "start": 5, "end": 10, "code": "b", "coder": "A",
         "note": "fine"}])
    with pytest.warns(UserWarning, match=r"U\+000B.*U\+FFFD") as caught:
        ce.write_qdpx(tmp_path / "x.qdpx", corpus, cb, codings)
    (message,) = [str(w.message) for w in caught if "U+FFFD" in str(w.message)]
    assert "the note of the coding INF01 0:4" in message and "code 'a'" in message, message
    assert "INF01 5:10" not in message and "code 'b'" not in message
    project = ce.read_qdpx(tmp_path / "x.qdpx")
    project.save(tmp_path / "s")
    s = tmp_path / "s"
    table = s / "codings.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("\ufffd", "\x0b"),
                     encoding="utf-8")
    r = cli("qdpx", "export", "--transcripts", str(s / "transcripts"), "--codebook",
            str(s / "codebook.yaml"), "--codings", str(s / "codings.csv"), "--out",
            str(tmp_path / "y.qdpx"))
    assert r.returncode == 0, r.stderr
    assert "warning: " in r.stderr and "the note of the coding INF01 0:4" in r.stderr, r.stderr
