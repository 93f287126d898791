"""Speaker turns of imported texts: only in texts that look like transcripts (issue 15)."""

from __future__ import annotations

import zipfile

import pytest
from conftest import refdata_path
from test_qdpx import _project_xml, _selection, make_qdpx

import citra_eval as ce
from citra_eval.qdpx.turns import label_counts, looks_like_transcript, segment_source

PAPER = ("Judul: Citra humas rumah sakit\n\nAbstract: Kami meneliti bagaimana humas membangun "
         "citra.\n\nRQ1: Bagaimana strategi humas?\nRQ2: Apa peran media?\n\nMetode: "
         "wawancara.\n\nHasil: humas bermitra dengan media lokal.\n")
DIALOGUE = ("Pewawancara: Apa strategi humas?\nInforman: Kami bermitra dengan media.\n"
            "Pewawancara: Dengan siapa?\nInforman: Radio dan koran lokal.\n")


def _source_text(name: str) -> str:
    with zipfile.ZipFile(refdata_path("refi-qda", name)) as zf:
        member = next(n for n in zf.namelist() if n.lower().endswith(".txt")
                      and "/" in n and zf.getinfo(n).file_size > 1000)
        return zf.read(member).decode("utf-8-sig").replace("\r\n", "\n")


def test_label_counts_and_transcript_shape():
    assert label_counts(DIALOGUE) == {"Pewawancara": 2, "Informan": 2}
    assert looks_like_transcript(DIALOGUE)
    assert not looks_like_transcript(PAPER)  # headings never repeat
    assert not looks_like_transcript("Catatan: satu\nCatatan: dua\n")  # one label is no dialogue
    wrapped = "\n".join(f"{who}: " + "kata " * 5 + "\n" + "lanjut\n" * 15
                        for who in ["A", "B"] * 3)  # 16-line turns, no blank lines
    assert looks_like_transcript(wrapped)


def test_real_texts_transcript_or_not():
    """qc's demo interviews are transcripts; NVivo's dump of YouTube comments, whose video
    titles ("Koronavírus: ...") repeat once per comment, is not."""
    assert looks_like_transcript(_source_text("qc-demo.qdpx"))
    assert not looks_like_transcript(_source_text("nvivo-win-12.6-oltas.qdpx"))


@pytest.mark.parametrize("mode", ["auto", "none", "strict"])
def test_paper_headings_never_become_speakers(mode):
    parsed = segment_source("P", PAPER, path="p", roles=None, turns=mode)
    assert {t["speaker"] for t in parsed.turns} == {""}
    assert parsed.attrs == {"turns": "declared"}
    assert [PAPER[t["start"]:t["end"]][:6] for t in parsed.turns] == [
        "Judul:", "Abstra", "RQ1: B", "Metode", "Hasil:"]


def test_modes_on_a_dialogue():
    auto = segment_source("D", DIALOGUE, path="d", roles=None, turns="auto")
    assert [t["speaker"] for t in auto.turns] == ["Pewawancara", "Informan"] * 2
    assert "turns" not in auto.attrs
    none = segment_source("D", DIALOGUE, path="d", roles=None, turns="none")
    assert [t["speaker"] for t in none.turns] == [""]  # one paragraph
    strict = segment_source("D", DIALOGUE, path="d", roles={"Informan": "informant"},
                            turns="strict")
    assert [(t["speaker"], t["role"]) for t in strict.turns] == [
        ("", ""), ("Informan", "informant"), ("Informan", "informant")]
    with pytest.raises(ValueError, match="turns"):
        segment_source("D", DIALOGUE, path="d", roles=None, turns="some")


def _paper_project(tmp_path):
    start = PAPER.index("bermitra")
    xml = _project_xml('<TextSource guid="dddddddd-0000-0000-0000-0000000000c1" name="makalah" '
                       f'plainTextPath="internal://m.txt">{_selection(start, start + 8)}'
                       f"{_selection(PAPER.index('Abstract'), PAPER.index('Metode'))}"
                       "</TextSource>")
    return make_qdpx(tmp_path / "makalah.qdpx", xml, {"sources/m.txt": PAPER.encode("utf-8")})


@pytest.mark.slow
def test_read_qdpx_keeps_headings_as_text_and_round_trips(tmp_path, cli):
    path = _paper_project(tmp_path)
    project = ce.read_qdpx(path, spanning="split")
    assert set(project.corpus.segments["speaker"]) == {""}
    assert len(project.codings) == 3  # the long selection is cut at 2 paragraph breaks only
    with pytest.raises(ValueError, match="turns"):
        ce.read_qdpx(path, turns="labels")
    out = tmp_path / "imported"
    r = cli("qdpx", "import", str(path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "turns: declared" in (out / "transcripts" / "makalah.txt").read_text("utf-8")
    corpus = ce.read_transcripts(out / "transcripts")
    assert corpus.segments[["start", "end"]].equals(project.corpus.segments[["start", "end"]])
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    for target, source in ((first, out), (second, tmp_path / "again")):
        r = cli("qdpx", "export", "--transcripts", str(source / "transcripts"), "--codebook",
                str(source / "codebook.yaml"), "--codings", str(source / "codings.csv"),
                "--out", str(target))
        assert r.returncode == 0, r.stderr
        if target == first:
            xml = zipfile.ZipFile(first).read("project.qde").decode("utf-8")
            assert "citra_eval turns: declared" in xml and 'name="turns"' not in xml
            r = cli("qdpx", "import", str(first), "--out", str(tmp_path / "again"))
            assert r.returncode == 0, r.stderr
    assert first.read_bytes() == second.read_bytes()


def test_real_nvivo_dump_is_paragraphs_and_no_coding_is_cut(cli, tmp_path):
    path = refdata_path("refi-qda", "nvivo-win-12.6-oltas.qdpx")
    project = ce.read_qdpx(path, spanning="split")
    assert set(project.corpus.segments["speaker"]) == {""}
    assert len(project.corpus.segments) == 11  # its paragraphs (docs/qdpx.md)
    assert len(project.codings) == 97  # no false turn cuts a selection
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "o"), "--turns", "none")
    assert r.returncode == 0 and "97 codings" in r.stdout


def test_qc_demo_is_still_split_into_turns():
    project = ce.read_qdpx(refdata_path("refi-qda", "qc-demo.qdpx"), spanning="split")
    speakers = set(project.corpus.segments["speaker"])
    assert {"Max Bigman", "Moderator"} <= speakers
    none = ce.read_qdpx(refdata_path("refi-qda", "qc-demo.qdpx"), turns="none")
    assert set(none.corpus.segments["speaker"]) == {""}
    strict = ce.read_qdpx(refdata_path("refi-qda", "qc-demo.qdpx"), turns="strict",
                          speakers={"Max Bigman": "interviewer"})
    assert set(strict.corpus.segments["speaker"]) == {"", "Max Bigman"}
