"""Nothing dropped in silence: a project with every kind of REFI-QDA element (issue 15)."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from conftest import refdata_path
from test_qdpx import _assert_valid, _qde, _schema, make_qdpx

import citra_eval as ce
from citra_eval.qdpx import qdpx_bytes


def G(n: int) -> str:  # a GUID
    return f"00000000-0000-4000-8000-{n:012d}"


TEXT = "PWW: Apa strategi humas?\nINF01: Kami bermitra dengan media lokal.\n"
S, E = TEXT.index("bermitra"), TEXT.index("bermitra") + 8
S2, E2 = TEXT.index("media lokal"), TEXT.index("media lokal") + 11

EVERYTHING = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="semua" origin="ATLAS.ti 23.2.3"
 creatingUserGUID="{G(1)}" creationDateTime="2024-05-01T08:00:00Z" modifyingUserGUID="{G(2)}"
 modifiedDateTime="2024-05-04T10:00:00Z">
 <Users><User guid="{G(1)}" name="Rina"/><User guid="{G(2)}" name="Budi"/>
  <User guid="{G(3)}" name="Tamu"/></Users>
 <CodeBook><Codes>
  <Code guid="{G(10)}" name="Kerja sama" isCodable="true" color="#FF0000">
   <Description>Bekerja dengan mitra.</Description><NoteRef targetGUID="{G(50)}"/></Code>
  <Code guid="{G(11)}" name="Media" isCodable="true"/>
 </Codes></CodeBook>
 <Variables><Variable guid="{G(20)}" name="umur" typeOfVariable="Integer">
  <Description>Umur informan</Description></Variable></Variables>
 <Cases><Case guid="{G(21)}" name="Informan 1"><Description>Kepala humas</Description>
  <CodeRef targetGUID="{G(10)}"/>
  <VariableValue><VariableRef targetGUID="{G(20)}"/><IntegerValue>45</IntegerValue></VariableValue>
  <SourceRef targetGUID="{G(30)}"/><SelectionRef targetGUID="{G(31)}"/></Case></Cases>
 <Sources>
  <TextSource guid="{G(30)}" name="wawancara 1" richTextPath="internal://{G(30)}.docx"
    plainTextPath="internal://{G(30)}.txt" creatingUser="{G(1)}">
   <Description>Wawancara pertama</Description>
   <PlainTextSelection guid="{G(31)}" name="bermitra" startPosition="{S}" endPosition="{E}"
     creatingUser="{G(1)}" creationDateTime="2024-05-02T10:00:00Z">
    <Description>komentar</Description>
    <Coding guid="{G(32)}" creatingUser="{G(1)}" creationDateTime="2024-05-02T10:00:00Z">
     <CodeRef targetGUID="{G(10)}"/><NoteRef targetGUID="{G(51)}"/></Coding>
    <NoteRef targetGUID="{G(52)}"/>
   </PlainTextSelection>
   <PlainTextSelection guid="{G(33)}" name="media lokal" startPosition="{S2}"
     endPosition="{E2}"><Description>belum dikode</Description></PlainTextSelection>
   <PlainTextSelection guid="{G(34)}" name="Apa" startPosition="5" endPosition="8"/>
   <NoteRef targetGUID="{G(53)}"/>
  </TextSource>
  <PDFSource guid="{G(40)}" name="laporan" path="internal://{G(40)}.pdf">
   <PDFSelection guid="{G(41)}" page="1" firstX="0" firstY="0" secondX="10" secondY="10">
    <Coding guid="{G(42)}" creatingUser="{G(2)}"><CodeRef targetGUID="{G(11)}"/></Coding>
   </PDFSelection></PDFSource>
  <AudioSource guid="{G(43)}" name="rekaman" path="internal://{G(43)}.mp3">
   <Transcript guid="{G(44)}" name="transkrip"><PlainTextContent>halo</PlainTextContent>
    <SyncPoint guid="{G(45)}" timeStamp="0" position="0"/>
    <SyncPoint guid="{G(46)}" timeStamp="900" position="4"/>
    <TranscriptSelection guid="{G(47)}" fromSyncPoint="{G(45)}" toSyncPoint="{G(46)}">
     <Coding guid="{G(48)}" creatingUser="{G(2)}"><CodeRef targetGUID="{G(11)}"/></Coding>
    </TranscriptSelection></Transcript></AudioSource>
 </Sources>
 <Notes>
  <Note guid="{G(50)}" name="memo kode">
   <PlainTextContent>Kode untuk kemitraan.</PlainTextContent></Note>
  <Note guid="{G(51)}" name="catatan"><PlainTextContent>catatan coding</PlainTextContent></Note>
  <Note guid="{G(52)}" name="catatan"><PlainTextContent>catatan seleksi</PlainTextContent></Note>
  <Note guid="{G(53)}" name="memo dokumen" creatingUser="{G(2)}"
    creationDateTime="2024-05-03T09:00:00Z"><PlainTextContent>memo dokumen</PlainTextContent></Note>
  <Note guid="{G(54)}" name="jurnal" plainTextPath="internal://{G(54)}.txt"/>
  <Note guid="{G(55)}" name="memo proyek"><PlainTextContent>memo proyek</PlainTextContent></Note>
  <Note guid="{G(56)}" name="tautan"><PlainTextContent>mengapa terkait</PlainTextContent></Note>
 </Notes>
 <Links><Link guid="{G(60)}" name="terkait" originGUID="{G(10)}" targetGUID="{G(11)}">
  <NoteRef targetGUID="{G(56)}"/></Link></Links>
 <Sets>
  <Set guid="{G(70)}" name="gender: female"><MemberSource targetGUID="{G(30)}"/></Set>
  <Set guid="{G(71)}" name="gelombang 1"><Description>gelombang pertama</Description>
   <MemberSource targetGUID="{G(30)}"/></Set>
  <Set guid="{G(72)}" name="kode inti"><MemberCode targetGUID="{G(10)}"/>
   <MemberNote targetGUID="{G(54)}"/></Set>
 </Sets>
 <Graphs><Graph guid="{G(80)}" name="peta"><Vertex guid="{G(81)}" representedGUID="{G(10)}"
  firstX="0" firstY="0" shape="Rectangle"/></Graph></Graphs>
 <Description>Proyek contoh</Description>
 <NoteRef targetGUID="{G(55)}"/>
</Project>
"""


@pytest.fixture
def everything(tmp_path):
    _assert_valid(_schema("Project.xsd"), EVERYTHING.encode("utf-8"))  # a possible real file
    return make_qdpx(tmp_path / "semua.qdpx", EVERYTHING, {
        f"sources/{G(30)}.txt": TEXT.encode("utf-8"), f"sources/{G(30)}.docx": b"PK",
        f"sources/{G(54)}.txt": b"isi jurnal"})


def test_everything_is_kept_or_listed(everything):
    project = ce.read_qdpx(everything)
    doc = project.corpus.documents.iloc[0]
    assert doc["doc_id"] == "wawancara_1"
    assert (doc["umur"], doc["case"], doc["gender"], doc["sets"]) == (
        45, "Informan 1", "female", "gelombang 1")
    row = project.codings.iloc[0]
    assert len(project.codings) == 1 and row["coder"] == "Rina"
    assert row["note"] == "komentar\ncatatan coding\ncatatan seleksi"
    assert set(project.users["name"]) == {"Rina", "Budi", "Tamu"}
    memos = project.memos.set_index("text")
    assert memos.loc["Proyek contoh", "about"] == "project"
    assert memos.loc["memo proyek", "about"] == "project"
    assert (memos.loc["Kode untuk kemitraan.", "about"],
            memos.loc["Kode untuk kemitraan.", "code"]) == ("code", "kerja_sama")
    assert memos.loc["memo dokumen", ["about", "doc_id", "author", "created"]].tolist() == [
        "document", "wawancara_1", "Budi", "2024-05-03T09:00:00Z"]
    assert memos.loc["Wawancara pertama", "about"] == "document"
    sel = memos.loc["belum dikode"]
    assert (sel["about"], TEXT[sel["start"]:sel["end"]]) == ("selection", "media lokal")
    assert memos.loc["Kepala humas", ["about", "target"]].tolist() == ["case", "Informan 1"]
    assert memos.loc["gelombang pertama", ["about", "target"]].tolist() == ["set", "gelombang 1"]
    assert memos.loc["Umur informan", ["about", "target"]].tolist() == ["variable", "umur"]
    assert memos.loc["mengapa terkait", ["about", "target"]].tolist() == ["link", "terkait"]
    assert memos.loc["isi jurnal", "about"] == "none"  # its text came from its file
    assert "catatan coding" not in memos.index  # a coding's note stays with the coding
    lost = dict(zip(project.discarded["what"], project.discarded["count"], strict=True))
    assert lost == {"PDF sources": 1, "audio sources": 1,
                    "rich-text originals (.docx) of text sources": 1,
                    "text selections without codes or comments": 1, "links between items": 1,
                    "graphs (network views)": 1,
                    "sets of codes (code groups): their memberships": 1,
                    "sets of notes: their memberships": 1,
                    "cases' references to codes or selections": 2,
                    "names of coded text selections (their text is kept)": 1}
    assert project.discarded.set_index("what").loc["PDF sources", "codings"] == 1


_PROJECT_RECORD = ("creatingUserGUID", "creationDateTime", "modifyingUserGUID",
                   "modifiedDateTime")


def _project_record(qdpx: bytes) -> dict[str, str | None]:
    root = ET.fromstring(_qde(qdpx))
    return {a: root.get(a) for a in _PROJECT_RECORD}


def test_the_projects_creator_and_dates_go_back_out(everything, tmp_path, cli):
    """The project's creator, modifier and dates are kept on the users who made and last
    changed it (``users.project``, users.csv) and written back, in Python and through the
    files ``qdpx import`` writes."""
    project = ce.read_qdpx(everything)
    want = {"creatingUserGUID": G(1), "creationDateTime": "2024-05-01T08:00:00Z",
            "modifyingUserGUID": G(2), "modifiedDateTime": "2024-05-04T10:00:00Z"}
    users = project.users.set_index("name")
    assert users.loc["Rina", "project"] == "created 2024-05-01T08:00:00Z"
    assert users.loc["Budi", "project"] == "modified 2024-05-04T10:00:00Z"
    assert pd.isna(users.loc["Tamu", "project"])
    assert not project.discarded["what"].str.contains("creator").any()
    project.write(tmp_path / "py.qdpx")
    assert _project_record((tmp_path / "py.qdpx").read_bytes()) == want
    _assert_valid(_schema("Project.xsd"), _qde((tmp_path / "py.qdpx").read_bytes()))
    out = tmp_path / "out"
    r = cli("qdpx", "import", str(everything), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "creator" not in next(ln for ln in r.stderr.splitlines()
                                 if ln.startswith("note: not kept: "))
    again = tmp_path / "again.qdpx"
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codebook",
            str(out / "codebook.yaml"), "--codings", str(out / "codings.csv"), "--users",
            str(out / "users.csv"), "--out", str(again))
    assert r.returncode == 0, r.stderr
    assert _project_record(again.read_bytes()) == want
    # one user who both made and last changed the project, and a creator the project does
    # not declare as a user
    xml = EVERYTHING.replace(f'modifyingUserGUID="{G(2)}"', f'modifyingUserGUID="{G(1)}"')
    one = ce.read_qdpx(make_qdpx(tmp_path / "one.qdpx", xml, {
        f"sources/{G(30)}.txt": TEXT.encode("utf-8")}))
    assert one.users.set_index("name").loc["Rina", "project"] == (
        "created 2024-05-01T08:00:00Z; modified 2024-05-04T10:00:00Z")
    one.write(tmp_path / "one_again.qdpx")
    assert _project_record((tmp_path / "one_again.qdpx").read_bytes()) == {
        **want, "modifyingUserGUID": G(1)}
    xml = EVERYTHING.replace(f'creatingUserGUID="{G(1)}"', f'creatingUserGUID="{G(9)}"')
    odd = ce.read_qdpx(make_qdpx(tmp_path / "odd.qdpx", xml, {
        f"sources/{G(30)}.txt": TEXT.encode("utf-8")}))
    odd.write(tmp_path / "odd_again.qdpx")
    assert _project_record((tmp_path / "odd_again.qdpx").read_bytes()) == {
        **want, "creatingUserGUID": G(9)}


def test_a_project_of_citra_evals_own_has_no_creator_record(tmp_path):
    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    data = qdpx_bytes(corpus, ce.Codebook.load(ce.example_path("codebook")))
    assert set(_project_record(data).values()) == {None}


def test_a_users_project_record_that_is_not_one_is_refused():
    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    users = pd.DataFrame({"guid": [G(1)], "name": ["Rina"], "user_id": [None],
                          "project": ["made 2024"]})
    with pytest.raises(ce.InputError, match=r"users row 1.*'created 2024-01-02T03:04:05Z'"):
        qdpx_bytes(corpus, ce.Codebook.load(ce.example_path("codebook")), users=users)


def test_cli_export_names_the_users_line_of_a_wrong_project_record(everything, tmp_path,
                                                                    cli):
    out = tmp_path / "out"
    assert cli("qdpx", "import", str(everything), "--out", str(out)).returncode == 0
    users = out / "users.csv"
    users.write_text(users.read_text(encoding="utf-8").replace("created 2024", "made 2024"),
                     encoding="utf-8")
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codebook",
            str(out / "codebook.yaml"), "--codings", str(out / "codings.csv"), "--users",
            str(users), "--out", str(tmp_path / "o.qdpx"))
    line = 1 + next(i for i, ln in enumerate(users.read_text().splitlines()) if "made" in ln)
    assert r.returncode == 2 and f"{users}:{line}:" in r.stderr, r.stderr
    assert "'created 2024-01-02T03:04:05Z'" in r.stderr and not (tmp_path / "o.qdpx").exists()


@pytest.mark.parametrize("name", ["nvivo-win-12.6-oltas.qdpx", "atlasti-target-project.qdpx",
                                  "nvivo-codebook-project.qdpx"])
def test_a_real_exports_creator_and_creation_date_survive_a_round_trip(name, tmp_path):
    path = refdata_path("refi-qda", name)
    with zipfile.ZipFile(path) as zf:
        qde = zf.read(next(n for n in zf.namelist() if n.endswith(".qde")))
    original = {a: ET.fromstring(qde).get(a) for a in _PROJECT_RECORD}
    assert original["creatingUserGUID"] and original["creationDateTime"]
    project = ce.read_qdpx(path)
    project.write(tmp_path / "again.qdpx")
    assert _project_record((tmp_path / "again.qdpx").read_bytes()) == original
    back = ce.read_qdpx(tmp_path / "again.qdpx")  # an export writes its users by name

    def by_name(users):
        return users.sort_values("name", ignore_index=True)

    pd.testing.assert_frame_equal(by_name(back.users), by_name(project.users))


def test_cli_lists_what_is_not_kept_and_memos_round_trip(everything, tmp_path, cli):
    out = tmp_path / "out"
    r = cli("qdpx", "import", str(everything), "--out", str(out))
    assert r.returncode == 0, r.stderr
    lost = next(ln for ln in r.stderr.splitlines() if ln.startswith("note: not kept: "))
    assert "1 PDF sources (with 1 codings); 1 audio sources (with 1 codings)" in lost
    assert "1 links between items" in lost and "1 graphs" in lost
    assert "11 memo(s) kept in memos.csv" in r.stderr
    memos = pd.read_csv(out / "memos.csv")
    assert len(memos) == 11
    again = tmp_path / "again.qdpx"
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codebook",
            str(out / "codebook.yaml"), "--codings", str(out / "codings.csv"), "--memos",
            str(out / "memos.csv"), "--users", str(out / "users.csv"), "--out", str(again))
    assert r.returncode == 0, r.stderr
    _assert_valid(_schema("Project.xsd"), _qde(again.read_bytes()))
    back = ce.read_qdpx(again)
    kept = {(m.about, m.text) for m in back.memos.itertuples()}
    # memos about the project, a code, the document and a selection keep their place; the
    # others (about a case, set, variable or link) come back as free notes
    assert {("project", "memo proyek"), ("project", "Proyek contoh"),
            ("code", "Kode untuk kemitraan."), ("document", "memo dokumen"),
            ("document", "Wawancara pertama"), ("selection", "belum dikode"),
            ("none", "Kepala humas"), ("none", "isi jurnal")} <= kept
    assert len(back.memos) == 11
    assert set(back.users["name"]) == {"Rina", "Budi", "Tamu"}  # Tamu coded nothing
    assert set(back.users["guid"]) == {G(1), G(2), G(3)}
    assert back.codings["note"].tolist() == ["komentar\ncatatan coding\ncatatan seleksi"]
    sel = back.memos.set_index("text").loc["belum dikode"]
    assert back.corpus.text(sel["doc_id"])[sel["start"]:sel["end"]] == "media lokal"


def test_project_write_carries_memos(everything, tmp_path):
    project = ce.read_qdpx(everything)
    project.write(tmp_path / "w.qdpx")
    back = ce.read_qdpx(tmp_path / "w.qdpx")
    assert sorted(back.memos["text"]) == sorted(project.memos["text"])
    # every user goes back out with its GUID, also one without codings ("Tamu")
    assert set(zip(back.users["name"], back.users["guid"], strict=True)) == set(
        zip(project.users["name"], project.users["guid"], strict=True))
    with pytest.raises(ce.InputError, match=r"needs the column\(s\) text"):
        (tmp_path / "bad.csv").write_text("about,name\nproject,x\n")
        from citra_eval.qdpx.memos import read_memos

        read_memos(tmp_path / "bad.csv")


def test_a_wrong_memo_in_a_dataframe_names_its_row(everything, tmp_path):
    """Sixteenth session: a memos DataFrame's row was '<input>:N' (N = position + 2)."""
    project = ce.read_qdpx(everything)
    memos = pd.DataFrame({"text": ["fine", "bad"], "memo_id": ["", "not-a-guid"]},
                         index=[7, 8])
    with pytest.raises(ce.InputError) as info:
        ce.write_qdpx(tmp_path / "w.qdpx", project.corpus, project.codebook, memos=memos)
    assert str(info.value).startswith("<input>: row 1 (index 8): column 'memo_id'")


def test_memos_csv_round_trips_any_text(everything, tmp_path):
    from citra_eval.qdpx.memos import MEMO_COLUMNS, read_memos

    project = ce.read_qdpx(everything)
    project.memos.loc[0, "text"] = "=HYPERLINK(\"x\")\nbaris dua, \"kutipan\""
    project.save(tmp_path / "s")
    back = read_memos(tmp_path / "s" / "memos.csv")
    assert list(back.columns) == MEMO_COLUMNS
    assert back["text"].tolist() == project.memos["text"].tolist()
    assert back["start"].tolist() == project.memos["start"].tolist()


MEMO_HEADER = "memo_id,name,text,author,created,about,doc_id,start,end,code,target\n"


def _imported(everything, tmp_path):
    out = tmp_path / "out"
    ce.read_qdpx(everything, spanning="split").save(out)
    return out


@pytest.fixture
def run(capsys):
    """``citra-eval ARGV`` in this process: (exit code, stderr)."""
    from citra_eval.cli import main

    def _run(*argv: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(argv))
        return code, capsys.readouterr().err

    return _run


def _export_with_memos(run, out, memos, target):
    return run("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codebook",
               str(out / "codebook.yaml"), "--codings", str(out / "codings.csv"), "--memos",
               str(memos), "--out", str(target))


def test_a_memo_without_a_name_stays_without_one(everything, tmp_path, run):
    """An empty name in memos.csv is not written as the name "nan" (nor replaced by
    another): the note has no name, and reads back with an empty one."""
    out = _imported(everything, tmp_path)
    memos = tmp_path / "memos.csv"
    memos.write_text(MEMO_HEADER + ",,a memo,,,project,,,,,\n", encoding="utf-8")
    code, err = _export_with_memos(run, out, memos, tmp_path / "o.qdpx")
    assert code == 0, err
    xml = _qde((tmp_path / "o.qdpx").read_bytes()).decode("utf-8")
    note = xml[xml.rindex("<Note ", 0, xml.index("a memo")):xml.index("a memo")]
    assert note.startswith("<Note guid=") and 'name="' not in note, note
    _assert_valid(_schema("Project.xsd"), xml.encode("utf-8"))
    back = ce.read_qdpx(tmp_path / "o.qdpx").memos.set_index("text")
    assert back.loc["a memo", "name"] == ""


@pytest.mark.parametrize("row,message", [
    ("not-a-guid,a,x,,,project,,,,,", "column 'memo_id': 'not-a-guid' is not a GUID"),
    (",a,x,,yesterday,project,,,,,", "column 'created': 'yesterday' is not a date and time"),
    (",a,x,,2024-13-45T10:00:00Z,project,,,,,", "is not a date and time"),
    (",a,x,,,bogus,,,,,", "column 'about': 'bogus' is not one of project, document"),
    (",a,x,,,selection,Ghost,1,2,,", "unknown doc_id 'Ghost'"),
    (",a,x,,,selection,wawancara_1,50,9999,,",
     "span 50:9999 lies outside the text of 'wawancara_1' (66 characters)"),
    (",a,x,,,selection,wawancara_1,9,5,,", "span 9:5 ends before it starts"),
    (",a,x,,,selection,wawancara_1,1.5,4,,", "column 'start': must be a whole number"),
    (",a,x,,,selection,wawancara_1,,4,,", "a memo about a span needs its start"),
    (",a,x,,,document,,,,,", "a memo about a document needs its doc_id"),
    (",a,x,,,document,Ghost,,,,", "unknown doc_id 'Ghost'"),
    (",a,x,,,code,,,,nocode,", "code 'nocode' is not in the codebook"),
    (",a,x,,,code,,,,,", "a memo about a code needs its code"),
])
def test_wrong_memos_are_error_lines_with_their_line(everything, tmp_path, run, row, message):
    """A memos.csv that would make an invalid project (a note GUID or date the schema
    refuses, a selection outside its text that the import refuses) or put a memo in the
    wrong place (an unknown document or code) is an error line naming the file and line,
    exit 2, nothing written."""
    out = _imported(everything, tmp_path)
    memos = tmp_path / "memos.csv"
    memos.write_text(MEMO_HEADER + ",ok,fine,,2024-05-03T09:00:00Z,project,,,,,\n\n" + row
                     + "\n", encoding="utf-8")
    target = tmp_path / "o.qdpx"
    code, err = _export_with_memos(run, out, memos, target)
    assert code == 2
    assert err.startswith(f"error: {memos}:4: ") and message in err, err
    assert len(err.splitlines()) == 1
    assert not target.exists()


def test_memos_checked_in_python_too(everything, tmp_path):
    """``write_qdpx(..., memos=)`` checks the same (rows numbered as in a file)."""
    project = ce.read_qdpx(everything)
    memos = project.memos.copy()
    memos.loc[1, "created"] = "kemarin"
    with pytest.raises(ce.InputError, match="is not a date and time") as err:
        ce.write_qdpx(tmp_path / "w.qdpx", project.corpus, project.codebook,
                      project.codings, memos=memos)
    assert err.value.line == 3
    memos = project.memos.copy()
    memos.loc[0, "memo_id"] = memos.loc[1, "memo_id"] = G(99)
    with pytest.raises(ce.InputError, match="is also the memo_id on line 2"):
        ce.write_qdpx(tmp_path / "w.qdpx", project.corpus, project.codebook,
                      project.codings, memos=memos)
    assert not (tmp_path / "w.qdpx").exists()


def test_a_selections_own_creator_and_user_ids_go_back_out(tmp_path, cli):
    """NVivo records who made a selection and when, besides who coded it, and each user's
    initials (``id``): both are kept (codings.csv ``selection_user_guid``,
    ``selection_created``; users.csv) and go back out."""
    text = "halo dunia"
    xml = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           f'name="p" origin="NVivo 14"><Users><User guid="{G(1)}" name="Rina Sari" '
           f'id="RS"/><User guid="{G(2)}" name="Budi" id="BD"/></Users><CodeBook><Codes>'
           f'<Code guid="{G(10)}" name="Salam" isCodable="true"/></Codes></CodeBook>'
           f'<Sources><TextSource guid="{G(30)}" name="t" plainTextPath="internal://t.txt">'
           f'<PlainTextSelection guid="{G(31)}" startPosition="0" endPosition="4" '
           f'creatingUser="{G(2)}" creationDateTime="2024-01-01T00:00:00Z">'
           f'<Coding guid="{G(32)}" creatingUser="{G(1)}" '
           f'creationDateTime="2024-02-01T00:00:00Z"><CodeRef targetGUID="{G(10)}"/>'
           '</Coding></PlainTextSelection></TextSource></Sources></Project>')
    path = make_qdpx(tmp_path / "p.qdpx", xml, {"sources/t.txt": text.encode()})
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "i"))
    assert r.returncode == 0, r.stderr
    assert "own creating user" not in r.stderr and "not kept" not in r.stderr, r.stderr
    out = tmp_path / "i"
    codings = pd.read_csv(out / "codings.csv", dtype=str)
    assert codings[["coder", "coder_guid", "created", "selection_user_guid",
                    "selection_created"]].values.tolist() == [
        ["Rina Sari", G(1), "2024-02-01T00:00:00Z", G(2), "2024-01-01T00:00:00Z"]]
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codebook",
            str(out / "codebook.yaml"), "--codings", str(out / "codings.csv"), "--users",
            str(out / "users.csv"), "--out", str(tmp_path / "o.qdpx"))
    assert r.returncode == 0, r.stderr
    again = _qde((tmp_path / "o.qdpx").read_bytes()).decode()
    assert f'<User guid="{G(1)}" name="Rina Sari" id="RS"' in again
    assert f'<User guid="{G(2)}" name="Budi" id="BD"' in again
    sel = re.search(r"<PlainTextSelection [^>]*>", again).group(0)
    assert f'guid="{G(31)}"' in sel and f'creatingUser="{G(2)}"' in sel, sel
    assert 'creationDateTime="2024-01-01T00:00:00Z"' in sel, sel
    coding = re.search(r"<Coding [^>]*>", again).group(0)
    assert f'creatingUser="{G(1)}"' in coding and "2024-02-01T00:00:00Z" in coding, coding
    _assert_valid(_schema("Project.xsd"), again.encode())
    # without users.csv the selection's creator (no coder) is no user of the project: the
    # selection names none rather than a user the project does not declare
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"), "--codebook",
            str(out / "codebook.yaml"), "--codings", str(out / "codings.csv"),
            "--out", str(tmp_path / "o2.qdpx"))
    assert r.returncode == 0, r.stderr
    again = _qde((tmp_path / "o2.qdpx").read_bytes()).decode()
    sel = re.search(r"<PlainTextSelection [^>]*>", again).group(0)
    assert "creatingUser" not in sel and 'creationDateTime="2024-01-01T00:00:00Z"' in sel


def test_real_nvivo_selections_keep_their_own_creator_through_a_round_trip():
    """The NVivo 12.6 export (shared/reference-data): its selections were made by another
    user, at other times, than their codings; import -> export gives both back."""
    path = refdata_path("refi-qda", "nvivo-win-12.6-oltas.qdpx")
    attrs = ("creatingUser", "creationDateTime")

    def selections(qde: str) -> dict[str, tuple]:
        root = ET.fromstring(qde)
        return {el.get("guid").lower(): tuple(el.get(a) for a in attrs)
                for el in root.iter() if el.tag.endswith("PlainTextSelection")}

    before = selections(_qde(path.read_bytes()).decode("utf-8"))
    project = ce.read_qdpx(path, spanning="keep")
    assert project.codings["selection_user_guid"].notna().any()
    assert project.discarded["what"].str.contains("own creating user").sum() == 0
    data = ce.qdpx.qdpx_bytes(project.corpus, project.codebook, project.codings,
                              users=project.users, positions="utf16")
    after = selections(_qde(data).decode("utf-8"))
    differing = {g for g, v in before.items() if v[0] is not None}
    assert differing and differing <= set(after)
    assert {g: after[g] for g in differing} == {g: before[g] for g in differing}
