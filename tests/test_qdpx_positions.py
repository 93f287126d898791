"""Position conventions of REFI-QDA files: code points vs UTF-16 units, CRLF as 2 vs 1.

Positions are written by an independent encoder (prefix lengths of ``str``/UTF-16 bytes of the
text as stored), read back through :class:`SourceText`, and the detector must find the
convention that wrote them.
"""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest
from conftest import refdata_path

import citra_eval as ce
from citra_eval.errors import InputError
from citra_eval.qdpx.positions import (
    CONVENTIONS,
    STANDARD,
    Convention,
    SourceText,
    choose_convention,
    producer_convention,
    score_conventions,
)

# Indonesian interview text with emoji (astral) and CJK (BMP) before and between the words
# coded, and CRLF line ends in the stored file.
TEXT = ("PWW: Selamat pagi 😀, Pak. Bisa diceritakan strategi humas?\n"
        "INF01: Pagi 🙏🏽. Jadi begini, kami bermitra dengan media lokal 📻 dan radio.\n"
        "Kami juga membuat MoU 𝒓𝒆𝒔𝒎𝒊 dengan kampus 大学.\n"
        "PWW: Terima kasih 👍.\n"
        "INF01: Sama-sama, kami senang 😊 bisa membantu.\n")
WORDS = ["strategi humas", "bermitra dengan media lokal", "radio", "membuat MoU",
         "kampus", "Terima kasih", "senang", "membantu"]


def encode(text: str, index: int, conv: Convention) -> int:
    """Position of ``text[index]`` (LF text) in a file storing CRLF, counted as ``conv``
    says; written independently of SourceText (prefix lengths)."""
    prefix = text[:index]
    if conv.crlf == 2:
        prefix = prefix.replace("\n", "\r\n")
    return len(prefix.encode("utf-16-le")) // 2 if conv.units == "utf16" else len(prefix)


def selections(text: str, words: list[str], conv: Convention, *, names: bool = False):
    out = []
    for w in words:
        i = text.index(w)
        sel = (encode(text, i, conv), encode(text, i + len(w), conv))
        out.append((*sel, w) if names else sel)
    return out


def stored(text: str = TEXT) -> SourceText:
    return SourceText("\ufeff" + text.replace("\n", "\r\n"))


# --------------------------------------------------------------------------- the maps


@pytest.mark.parametrize("conv", CONVENTIONS, ids=lambda c: c.label)
def test_every_index_round_trips_and_agrees_with_the_encoder(conv):
    src = stored()
    assert src.text == TEXT  # BOM dropped, CRLF -> LF
    for i in range(len(TEXT) + 1):
        pos = encode(TEXT, i, conv)
        assert src.from_text(i, conv) == pos
        assert src.to_text(pos, conv) == i
    assert src.length(conv) == encode(TEXT, len(TEXT), conv)
    assert src.to_text(src.length(conv) + 1, conv) is None
    assert src.to_text(-1, conv) is None


def test_positions_inside_a_surrogate_pair_or_a_crlf_are_flagged():
    src = stored()
    u16 = Convention("utf16", 2)
    i = TEXT.index("😀")
    assert src.to_text(encode(TEXT, i, u16) + 1, u16) is None  # between the two halves
    nl = TEXT.index("\n")
    mid = encode(TEXT, nl, u16) + 1  # after the CR, before the LF
    assert src.splits_crlf(mid, u16)
    assert not src.splits_crlf(mid - 1, u16) and not src.splits_crlf(mid + 1, u16)
    assert not src.splits_crlf(mid, Convention("utf16", 1))


def test_word_boundaries():
    src = SourceText("Kami bermitra, 😀 dengan media.")
    assert [i for i in range(len(src.text) + 1) if not src.boundary(i)] == [
        i for i in range(1, len(src.text)) if src.text[i - 1].isalnum() and src.text[i].isalnum()]
    assert SourceText("café").boundary(3) is False  # accented letters are letters
    assert SourceText("e\u0301x").boundary(1) is False  # a combining accent is inside the word


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("conv", CONVENTIONS, ids=lambda c: c.label)
@pytest.mark.parametrize("origin", [None, "MAXQDA 24.7"])
def test_each_convention_is_detected_from_the_selections_alone(conv, origin):
    src = stored()
    choice = choose_convention([(src, selections(TEXT, WORDS, conv))], origin=origin)
    assert choice.convention == conv
    assert choice.basis == "evidence"
    for start, end in selections(TEXT, WORDS, conv):
        s, e = src.to_text(start, conv), src.to_text(end, conv)
        assert src.text[s:e] in WORDS
    row = choice.scores.set_index("convention").loc[conv.label]
    assert row["n_boundary"] == row["n_selections"] == len(WORDS)


@pytest.mark.parametrize("conv", CONVENTIONS, ids=lambda c: c.label)
def test_each_convention_is_detected_against_a_misleading_producer(conv):
    """Enough selections overrule the producer's known convention (here NVivo's)."""
    choice = choose_convention([(stored(), selections(TEXT, WORDS, conv))],
                               origin="NVivo for Windows 12.6")
    assert choice.convention == conv


@pytest.mark.parametrize("conv", CONVENTIONS, ids=lambda c: c.label)
def test_names_quoting_the_text_decide_even_for_whole_lines(conv):
    """QualCoder and ATLAS.ti name a selection by its text; whole lines start and end on
    boundaries under every reading, the names do not."""
    lines = [ln for ln in TEXT.split("\n") if ln]
    sels = selections(TEXT, lines, conv, names=True)
    choice = choose_convention([(stored(), sels)])
    assert choice.convention == conv
    row = choice.scores.set_index("convention").loc[conv.label]
    assert row["n_name_match"] == row["n_named"] == len(lines)


def test_sources_are_pooled_and_spans_coded_twice_count_once():
    conv = Convention("utf16", 1)
    a, b = stored(), stored("Tanpa emoji di sini.\nTapi 🙂 di sini ada.\n")
    sels_b = selections(b.text, ["ada"], conv)
    sels_a = selections(TEXT, WORDS[:2], conv) * 3
    scores = score_conventions([(a, sels_a), (b, sels_b)])
    assert set(scores["n_selections"]) == {3}
    assert choose_convention([(a, sels_a), (b, sels_b)]).convention == conv


def test_all_readings_alike_is_not_a_decision():
    plain = "Tidak ada emoji.\nHanya teks biasa.\n"
    src = SourceText(plain)  # LF text, no astral characters: every reading is the same
    choice = choose_convention([(src, selections(plain, ["emoji", "teks"], STANDARD))],
                               origin="NVivo for Windows 12.6")
    assert choice.basis == "agreement"
    assert choice.convention == Convention("utf16", 2)  # the producer's, though it changes nothing
    assert "every reading gives the same text" in choice.summary()
    assert choose_convention([(src, [])]).convention == STANDARD


def test_the_summary_names_no_crlf_count_for_texts_without_a_cr():
    """Session 15: citra_eval's own export (LF texts) was read with the note "positions read
    as code points, CRLF counted as 2", and its alternatives listed each unit twice."""
    text = TEXT  # LF only: the two line-end readings are one
    lf = Convention("codepoint", 1)  # positions of the LF text as stored
    choice = choose_convention([(SourceText(text), selections(text, WORDS, lf))],
                               origin="citra_eval 0.1.0")
    summary = choice.summary()
    assert summary.startswith("positions read as code points (citra_eval's convention)" if
                              choice.basis == "producer" else "positions read as code points:")
    assert "CRLF" not in summary and summary.count("as UTF-16 code units") == 1, summary
    crlf = choose_convention([(stored(), selections(TEXT, WORDS, STANDARD))])
    assert crlf.summary().startswith("positions read as code points, CRLF counted as 2")


def _tie() -> tuple[SourceText, list[tuple[int, int]]]:
    """One selection after an emoji that lies on word boundaries under both unit readings:
    "a b" counted in UTF-16 units reads as " b " in code points."""
    text = "😀 a b c d\n"
    u16 = Convention("utf16", 2)
    sel = [(encode(text, 2, u16), encode(text, 5, u16))]
    src = SourceText(text)
    assert src.text[src.to_text(sel[0][0], u16):src.to_text(sel[0][1], u16)] == "a b"
    assert src.text[src.to_text(sel[0][0], STANDARD):src.to_text(sel[0][1], STANDARD)] == " b "
    return src, sel


def test_the_producer_decides_when_the_selections_cannot():
    src, sel = _tie()
    choice = choose_convention([(src, sel)], origin="NVivo for Mac 12.7", crlf=2)
    assert choice.convention == Convention("utf16", 2)
    assert choice.basis == "producer"
    assert "NVivo's convention" in choice.summary()
    plain = choose_convention([(src, sel)], origin="QualCoder 3.6", crlf=2)
    assert plain.convention == STANDARD and plain.basis == "producer"


def test_a_tie_without_a_known_producer_is_refused():
    src, sel = _tie()
    with pytest.raises(InputError, match="leads"):
        choose_convention([(src, sel)], crlf=2)
    assert choose_convention([(src, sel)], crlf=2, units="utf16").basis == "override"


def test_unconvincing_evidence_is_refused_with_the_scores():
    text = "😀 abcdef ghijkl\n" * 3
    src = SourceText(text)
    sels = [(4, 12), (21, 28), (38, 45)]  # mid-word under every reading
    for conv in CONVENTIONS:
        assert not any(src.boundary(src.to_text(p, conv)) for sel in sels for p in sel)
    with pytest.raises(InputError) as err:
        choose_convention([(src, sels)], path="x.qdpx")
    msg = str(err.value)
    assert err.value.path == "x.qdpx"
    assert "Scores:" in msg and "--positions" in msg and "--crlf" in msg
    for conv in CONVENTIONS:
        assert conv.label in msg


def test_overrides_fix_one_or_both_axes():
    conv = Convention("utf16", 1)
    sels = selections(TEXT, WORDS, conv)
    scores = score_conventions([(stored(), sels)], units="codepoint")
    assert list(scores["convention"]) == ["codepoint/crlf2", "codepoint/crlf1"]
    forced = choose_convention([(stored(), sels)], units="codepoint", crlf=2)
    assert forced.convention == STANDARD and forced.basis == "override"
    half = choose_convention([(stored(), sels)], crlf=1)
    assert half.convention == conv
    with pytest.raises(ValueError, match="units"):
        score_conventions([(stored(), sels)], units="bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="crlf"):
        choose_convention([(stored(), sels)], crlf=3)  # type: ignore[arg-type]


def test_producers_named_in_origin():
    assert producer_convention("NVivo for Mac 12.7")[1:] == ("utf16", 2)
    assert producer_convention("QualCoder 3.6")[1:] == ("codepoint", None)
    assert producer_convention("citra_eval 0.1.0 (codebook x, version 1, language id, "
                               "positions utf16)")[1:] == ("utf16", 2)
    assert producer_convention("ATLAS.ti Windows 8.4.24")[1:] == (None, 1)
    assert producer_convention("qc 1.3.2")[0] == "qc"
    assert producer_convention("qcamp 2")[0] is None
    assert producer_convention(None) == (None, None, None)


def test_convention_labels():
    for conv in CONVENTIONS:
        assert Convention.parse(conv.label) == conv
    with pytest.raises(ValueError, match="codepoint/crlf2"):
        Convention.parse("utf8")
    with pytest.raises(ValueError):
        Convention("bytes", 2)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- a real NVivo file


def test_real_nvivo_file_counts_utf16_units():
    """NVivo for Windows 12.6 (shared/reference-data/refi-qda, see its PROVENANCE.md): 97
    codings on 20 spans of one CRLF text with 894 emoji; only the UTF-16 reading puts every
    span on word boundaries."""
    path = refdata_path("refi-qda", "nvivo-win-12.6-oltas.qdpx")
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde").decode("utf-8")
        name = re.search(r'plainTextPath="internal://([^"]+)"', qde).group(1)
        src = SourceText(zf.read(f"Sources/{name}").decode("utf-8-sig"))
    sels = [(int(a), int(b)) for a, b in
            re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', qde)]
    assert len(sels) == 97
    for origin in ("NVivo for Windows 12.6", None):
        choice = choose_convention([(src, sels)], origin=origin)
        assert choice.convention == Convention("utf16", 2)
        assert choice.basis == "evidence"
    scores = choice.scores.set_index("convention")["n_boundary"].to_dict()
    assert scores == {"codepoint/crlf2": 12, "codepoint/crlf1": 3, "utf16/crlf2": 20,
                      "utf16/crlf1": 1}
    wrong = sum(src.to_text(a, STANDARD) != src.to_text(a, choice.convention)
                or src.to_text(b, STANDARD) != src.to_text(b, choice.convention)
                for a, b in sels)
    assert wrong == 61  # codings the standard's reading would put on other text


# --------------------------------------------------------------------------- through read_qdpx


def _project(tmp_path, conv: Convention, *, origin: str = "MAXQDA 24.7", names: bool = False,
             words: list[str] = WORDS, text: str = TEXT):
    """A .qdpx whose text file stores ``text`` with a BOM and CRLF line ends and whose
    selections of ``words`` count positions as ``conv`` says."""
    from xml.sax.saxutils import quoteattr

    from test_qdpx import make_qdpx

    sels = []
    for k, (start, end, *name) in enumerate(selections(text, words, conv, names=True)):
        label = f" name={quoteattr(name[0])}" if names else ""
        sels.append(f'<PlainTextSelection guid="bbbbbbbb-0000-0000-0000-{k:012d}"{label} '
                    f'startPosition="{start}" endPosition="{end}"><Coding '
                    f'guid="cccccccc-0000-0000-0000-{k:012d}"><CodeRef '
                    'targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>'
                    "</PlainTextSelection>")
    xml = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           f'name="p" origin={quoteattr(origin)}><CodeBook><Codes><Code '
           'guid="aaaaaaaa-0000-0000-0000-000000000001" name="Kerja sama" isCodable="true"/>'
           '</Codes></CodeBook><Sources><TextSource guid="dddddddd-0000-0000-0000-000000000001" '
           'name="wawancara" plainTextPath="internal://w.txt">' + "".join(sels)
           + "</TextSource></Sources></Project>")
    data = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    return make_qdpx(tmp_path / f"{conv.units}-{conv.crlf}.qdpx", xml, {"sources/w.txt": data})


def _texts(project) -> list[str]:
    return [project.corpus.text(r.doc_id)[r.start:r.end] for r in project.codings.itertuples()]


@pytest.mark.parametrize("conv", CONVENTIONS, ids=lambda c: c.label)
@pytest.mark.parametrize("origin", ["MAXQDA 24.7", "NVivo for Windows 12.6", "QualCoder 3.6"])
def test_read_qdpx_reads_every_convention(tmp_path, conv, origin):
    project = ce.read_qdpx(_project(tmp_path, conv, origin=origin))
    assert _texts(project) == WORDS
    assert project.positions.convention == conv
    assert project.positions.scores.set_index("convention").loc[conv.label, "n_boundary"] == 8


@pytest.mark.parametrize("conv", CONVENTIONS, ids=lambda c: c.label)
def test_qualcoder_style_names_decide_whole_line_selections(tmp_path, conv):
    """QualCoder names each selection by its text; its "line endings for MAXQDA" export is
    CRLF text with positions counting a line end once (codepoint/crlf1)."""
    lines = [ln for ln in TEXT.split("\n") if ln]
    path = _project(tmp_path, conv, origin="QualCoder 3.6", names=True, words=lines)
    project = ce.read_qdpx(path, spanning="keep")  # each line whole, its label too
    assert _texts(project) == lines
    assert project.positions.convention == conv


def test_read_qdpx_overrides_and_refusal(tmp_path):
    text = "😀 abcdef ghijkl\n" * 3
    path = _project(tmp_path, STANDARD, words=["a"], text=text)
    # replace the selection by positions mid-word under every reading
    import io

    from test_qdpx import make_qdpx

    zf = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    xml = zf.read("project.qde").decode("utf-8")
    xml = re.sub(r'startPosition="\d+" endPosition="\d+"', 'startPosition="4" endPosition="12"',
                 xml)
    bad = make_qdpx(tmp_path / "bad.qdpx", xml, {"sources/w.txt": zf.read("sources/w.txt")})
    with pytest.raises(InputError, match="cannot tell how this file counts"):
        ce.read_qdpx(bad)
    forced = ce.read_qdpx(bad, positions="utf16", crlf=2)
    assert forced.positions.basis == "override"
    assert forced.positions.convention == Convention("utf16", 2)
    with pytest.raises(ValueError, match="positions"):
        ce.read_qdpx(bad, positions="bytes")
    with pytest.raises(ValueError, match="crlf"):
        ce.read_qdpx(bad, crlf=0)


@pytest.mark.slow
def test_cli_import_says_how_positions_were_read_and_takes_overrides(tmp_path, cli):
    conv = Convention("utf16", 2)
    path = _project(tmp_path, conv)
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "auto"))
    assert r.returncode == 0, r.stderr
    assert "note: positions read as UTF-16 code units, CRLF counted as 2: 8/8" in r.stderr
    codings = pd.read_csv(tmp_path / "auto" / "codings.csv")
    corpus = ce.read_transcripts(tmp_path / "auto" / "transcripts")
    assert [corpus.text(d)[s:e] for d, s, e in
            zip(codings["doc_id"], codings["start"], codings["end"], strict=True)] == WORDS
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "forced"),
            "--positions", "utf16", "--crlf", "2")
    assert r.returncode == 0, r.stderr
    assert "(as asked)" in r.stderr
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "wrong"),
            "--positions", "codepoint", "--crlf", "2")  # the last selection ends past the text
    assert r.returncode == 2 and "lie outside its text" in r.stderr
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "half"), "--crlf", "1")
    assert r.returncode == 2 and not (tmp_path / "half").exists()
    assert r.stderr.startswith("error: ") and "Scores:" in r.stderr


def test_export_for_nvivo_counts_utf16_units_and_reads_back(tmp_path):
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: INF01\n---\n" + TEXT.replace(
        "PWW:", "Pewawancara -").replace("INF01:", "Informan -")})
    cb = ce.Codebook.from_dict({"codebook": "demo", "codes": [{"id": "k", "label": "K"}]})
    text = corpus.text("INF01")
    rows = [{"doc_id": "INF01", "segment_id": corpus.segment_at("INF01", s, s + len(w)),
             "start": s, "end": s + len(w), "code": "k", "coder": "A"}
            for w in WORDS if (s := text.index(w)) >= 0]
    codings = pd.DataFrame(rows)
    for units in ("codepoint", "utf16"):
        out = tmp_path / f"{units}.qdpx"
        ce.write_qdpx(out, corpus, cb, codings, positions=units)
        with zipfile.ZipFile(out) as zf:
            xml = zf.read("project.qde").decode("utf-8")
        starts = [int(x) for x in re.findall(r'startPosition="(\d+)"', xml)]
        lf = Convention(units, 1)  # the exported text has LF line ends: no CR to count
        assert starts == [encode(text, s, lf) for s in codings["start"]]
        back = ce.read_qdpx(out)
        assert back.positions.convention.units == units
        assert _texts(back) == WORDS
    with pytest.raises(ValueError, match="positions"):
        ce.write_qdpx(tmp_path / "x.qdpx", corpus, cb, codings, positions="utf8")


def test_real_nvivo_file_every_coding_holds_the_coders_selection():
    """Each imported coding's text equals the UTF-16 slice of the stored text (decoded
    independently, with Python's UTF-16 codec) and starts and ends on word boundaries."""
    path = refdata_path("refi-qda", "nvivo-win-12.6-oltas.qdpx")
    project = ce.read_qdpx(path)
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde").decode("utf-8")
        name = re.search(r'plainTextPath="internal://([^"]+)"', qde).group(1)
        utf16 = zf.read(f"Sources/{name}").decode("utf-8-sig").encode("utf-16-le")
    expected = []
    for sel in re.finditer(r'startPosition="(\d+)" endPosition="(\d+)"[^>]*>(.*?)'
                           r"</PlainTextSelection>", qde, re.S):
        a, b = int(sel.group(1)), int(sel.group(2))
        quote = utf16[2 * a:2 * b].decode("utf-16-le").replace("\r\n", "\n")
        expected += [quote] * sel.group(3).count("<Coding ")
    assert len(expected) == len(project.codings) == 97
    assert _texts(project) == expected
    text = project.corpus.text(project.codings["doc_id"].iloc[0])
    src = SourceText(text)
    assert all(src.boundary(s) and src.boundary(e)
               for s, e in zip(project.codings["start"], project.codings["end"], strict=True))
    assert expected[0].startswith("Na mi van? Nem mertétek") and expected[0].endswith("covidban.")
    assert project.positions.convention == Convention("utf16", 2)


def _emoji_study(tmp_path):
    """A folder of one transcript with emoji before its codings, codebook and codings."""
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: INF01\n---\n" + TEXT.replace(
        "PWW:", "Pewawancara -").replace("INF01:", "Informan -")})
    from citra_eval.corpus import write_transcripts

    write_transcripts(corpus, tmp_path / "tr")
    cb = ce.Codebook.from_dict({"codebook": "demo", "codes": [{"id": "k", "label": "K"}]})
    cb.save(tmp_path / "codebook.yaml")
    text = corpus.text("INF01")
    ce.write_codings(pd.DataFrame([
        {"doc_id": "INF01", "segment_id": corpus.segment_at("INF01", s, s + len(w)),
         "start": s, "end": s + len(w), "code": "k", "coder": "A"}
        for w in WORDS if (s := text.index(w)) >= 0]), tmp_path / "codings.csv",
        corpus=corpus)
    return ["qdpx", "export", "--transcripts", str(tmp_path / "tr"), "--codebook",
            str(tmp_path / "codebook.yaml"), "--codings", str(tmp_path / "codings.csv")]


def test_cli_export_in_code_points_of_texts_with_emoji_names_positions_utf16(tmp_path, cli):
    """NVivo counts UTF-16 units: a code-point export of texts holding characters beyond
    U+FFFF says how many codings NVivo would place on other text, and the option to use."""
    argv = _emoji_study(tmp_path)
    r = cli(*argv, "--out", str(tmp_path / "cp.qdpx"))
    assert r.returncode == 0, r.stderr
    assert "--positions utf16" in r.stderr and "NVivo" in r.stderr, r.stderr
    assert "8 of 8 codings" in r.stderr, r.stderr
    assert r.stderr.count("would hold other text") == 1, r.stderr  # said once
    r = cli(*argv, "--out", str(tmp_path / "u16.qdpx"), "--positions", "utf16")
    assert r.returncode == 0 and "--positions" not in r.stderr, r.stderr


def test_write_qdpx_in_code_points_of_texts_with_emoji_warns_for_nvivo(tmp_path):
    """Student, s18 repro 5: ce.write_qdpx said nothing where the command notes that NVivo
    would put codings on other text; the library warns now (the command prints it)."""
    import warnings

    from citra_eval.qdpx.positions import PositionsWarning

    _emoji_study(tmp_path)
    corpus = ce.read_transcripts(tmp_path / "tr")
    cb = ce.Codebook.load(tmp_path / "codebook.yaml")
    codings = ce.read_codings(tmp_path / "codings.csv", corpus=corpus)
    with pytest.warns(PositionsWarning, match=r"8 of 8 codings would hold other text.*"
                                              r"positions='utf16'"):
        ce.write_qdpx(tmp_path / "cp.qdpx", corpus, cb, codings)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PositionsWarning)
        ce.write_qdpx(tmp_path / "u16.qdpx", corpus, cb, codings, positions="utf16")
        ce.write_qdpx(tmp_path / "none.qdpx", corpus, cb)


def test_a_project_read_in_utf16_units_is_written_back_in_them(tmp_path, cli):
    """An NVivo project (UTF-16 units, emoji in its text) goes back as NVivo counts, from
    Python; the command line import says to export it with --positions utf16."""
    path = refdata_path("refi-qda", "nvivo-win-12.6-oltas.qdpx")
    project = ce.read_qdpx(path)
    assert project.positions.convention.units == "utf16"
    project.write(tmp_path / "back.qdpx")
    assert ce.read_qdpx(tmp_path / "back.qdpx").positions.convention.units == "utf16"
    project.write(tmp_path / "std.qdpx", positions="codepoint")
    assert ce.read_qdpx(tmp_path / "std.qdpx").positions.convention.units == "codepoint"
    r = cli("qdpx", "import", str(path), "--out", str(tmp_path / "imp"))
    assert r.returncode == 0, r.stderr
    assert "--positions utf16" in r.stderr, r.stderr
