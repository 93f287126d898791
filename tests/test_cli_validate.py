"""Commands inside a study folder need no path arguments: ``validate`` checks the whole study
from study.yaml and prints warnings; ``agree`` and ``code`` take the study's files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

import citra_eval as ce

RSUD = ROOT / "tests" / "data" / "studies" / "rsud"


@pytest.fixture
def study(tmp_path) -> Path:
    root = tmp_path / "rsud"
    shutil.copytree(RSUD, root)
    return root


@pytest.mark.slow
def test_validate_checks_the_whole_study(cli, study):
    res = cli("validate", cwd=study)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [
        "ok: study.yaml: Komunikasi humas RSUD Galuh Lirang (fiktif, data uji)",
        "ok: transcripts: 4 documents, 130 segments",
        "ok: codebook: 7 codes (5 codable)",
        "ok: codings data/raw/codings_A.csv: 48 codings by A",
        "ok: codings data/raw/codings_B.csv: 48 codings by B",
        "ok: instrument: 5 scales",
        "ok: responses: 220 respondents"]
    assert res.stderr == ""
    # the same from a subfolder, and from outside with --root
    assert cli("validate", cwd=study / "data" / "raw").stdout == res.stdout
    assert cli("validate", "--root", str(study)).stdout == res.stdout


@pytest.mark.slow
def test_validate_prints_warnings_and_exits_0(cli, study):
    (study / "data" / "raw" / "codings_B.csv").unlink()
    t = study / "interview_transcripts" / "WWC-03.txt"
    text = t.read_text(encoding="utf-8").rstrip("\n")
    n = text.count("\n") + 1
    t.write_text(text + "\nPak S: Betul, Bu.\n", encoding="utf-8")
    res = cli("validate", cwd=study)
    assert res.returncode == 0, res.stderr
    err = res.stderr.splitlines()
    assert err[0].startswith("warning: data/raw/codings_A.csv: only one coder (A)")
    assert err[1].startswith(f"warning: interview_transcripts/WWC-03.txt:{n + 1}: 'Pak S:' "
                             "looks like a speaker label")
    assert err[-1] == "2 warning(s)"


@pytest.mark.slow
def test_validate_warns_about_an_item_against_its_scale(cli, study):
    """Issue 14.8: a forgotten reverse key (TRB4 answered reversed) is a warning line."""
    inst = study / "data" / "raw" / "instrument.yaml"
    text = inst.read_text(encoding="utf-8")
    assert "    reverse: [TRB4]\n" in text
    inst.write_text(text.replace("    reverse: [TRB4]\n", ""), encoding="utf-8")
    res = cli("validate", cwd=study)
    assert res.returncode == 0, res.stderr
    err = res.stderr.splitlines()
    assert err[0].startswith("warning: data/raw/survey_responses.csv: scale KETERBUKAAN, item "
                             "TRB4: correlates negatively with the rest of the scale (r_drop = -")
    assert err[0].endswith("is a reverse key missing?") and err[-1] == "1 warning(s)"


@pytest.mark.slow
def test_validate_reports_study_errors_with_lines(cli, study):
    text = (study / "study.yaml").read_text(encoding="utf-8")
    (study / "study.yaml").write_text(text.replace("outcome: PERSEPSI_RS", "outcome: PERSEPSI")
                                      .replace("seed: 0", "sed: 0"), encoding="utf-8")
    res = cli("validate", cwd=study)
    assert res.returncode == 2
    # study.yaml itself is wrong: only its problems (nothing else can be located reliably)
    assert res.stderr.splitlines() == [
        "error: study.yaml:9: unknown key 'sed' in study.yaml; did you mean 'seed'?"]
    (study / "study.yaml").write_text(text.replace("outcome: PERSEPSI_RS", "outcome: PERSEPSI"),
                                      encoding="utf-8")
    res = cli("validate", cwd=study)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.splitlines() == [
        "error: study.yaml:5: 'outcome': 'PERSEPSI' is not a scale of data/raw/instrument.yaml; "
        "did you mean 'PERSEPSI_RS'?"]


@pytest.mark.slow
def test_validate_given_files_inside_a_study_uses_its_codebook(cli, study):
    path = study / "data" / "raw" / "codings_A.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    code = lines[1].split(",")[4]
    lines[1] = lines[1].replace(f",{code},", ",bukan_kode,")
    path.write_text("\n".join(lines), encoding="utf-8")
    res = cli("validate", "--codings", "data/raw/codings_A.csv", cwd=study)
    assert res.returncode == 2
    assert res.stderr.startswith("error: data/raw/codings_A.csv:2: column 'code': code "
                                 "'bukan_kode' is not in the codebook")
    # the whole-study check warns instead and leaves the coding out
    res = cli("validate", cwd=study)
    assert res.returncode == 0
    assert "warning: data/raw/codings_A.csv:2: code 'bukan_kode' (1 coding(s)) is not in the " \
           "codebook" in res.stderr
    # so does agree with the study's own codebook; named explicitly, the codebook is a check
    res = cli("agree", "--out", "agreement.csv", "--n-boot", "0", cwd=study)
    assert res.returncode == 0, res.stderr
    assert "warning: data/raw/codings_A.csv:2: code 'bukan_kode' (1 coding(s)) is not in the " \
           "codebook" in res.stderr
    rows = (study / "agreement.csv").read_text(encoding="utf-8").splitlines()
    assert not any(r.startswith("bukan_kode,") for r in rows) and rows[-1].startswith("ALL,")
    res = cli("agree", "--out", "agreement2.csv", "--codebook", "data/raw/codebook.yaml",
              cwd=study)
    assert res.returncode == 2 and not (study / "agreement2.csv").exists()
    assert "code 'bukan_kode' is not in the codebook" in res.stderr


@pytest.mark.slow
def test_agree_and_code_take_the_study_files(cli, study):
    res = cli("agree", "--out", "agreement.csv", "--n-boot", "0", cwd=study)
    assert res.returncode == 0, res.stderr
    head = (study / "agreement.csv").read_text(encoding="utf-8").splitlines()
    codes = [ln.split(",")[0] for ln in head[1:]]
    assert codes == ["pengaduan", "edukasi_kesehatan", "media_sosial", "relasi_media",
                     "komunikasi_krisis", "ALL"]  # the study's codebook, in its order
    res = cli("code", "--out", "auto.csv", cwd=study)
    assert res.returncode == 0, res.stderr
    assert (study / "auto.csv").read_text(encoding="utf-8").startswith(
        "doc_id,segment_id,start,end,code,coder")


def test_outside_a_study_the_paths_are_needed(cli, tmp_path):
    res = cli("agree", "--out", "a.csv", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.startswith("error: citra-eval: --transcripts is needed outside a study "
                                 "folder")
    res = cli("code", "--out", "a.csv", cwd=tmp_path)
    assert res.returncode == 2 and "--transcripts is needed outside a study" in res.stderr


@pytest.mark.slow
def test_survey_takes_the_study_files_and_choices(cli, study):
    res = cli("survey", "--out", "survey", cwd=study)
    assert res.returncode == 0, res.stderr
    model = (study / "survey" / "image_model.csv").read_text(encoding="utf-8")
    assert "unit_layanan" in model and "jenis_pasien" in model  # study.yaml's controls
    lines = model.splitlines()
    assert len(lines) > 5
    # the study's own files named explicitly: the same choices
    res = cli("survey", "--instrument", "data/raw/instrument.yaml", "--responses",
              "data/raw/survey_responses.csv", "--out", "survey2", cwd=study)
    assert res.returncode == 0, res.stderr
    assert (study / "survey2" / "image_model.csv").read_text(encoding="utf-8") == model
    # another study's files keep their own choices (none given: no model, with a note)
    ex = ROOT / "data" / "raw"
    res = cli("survey", "--instrument", str(ex / "instrument.yaml"), "--responses",
              str(ex / "survey_responses.csv"), "--out", "survey3", cwd=study)
    assert res.returncode == 0, res.stderr
    assert "no --outcome given" in res.stderr
    assert not (study / "survey3" / "image_model.csv").exists()


def test_qdpx_export_takes_the_study(cli, study):
    res = cli("qdpx", "export", "--out", "study.qdpx", cwd=study)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("ok: wrote study.qdpx: 4 documents, 7 codes, 96 codings")


@pytest.mark.slow
def test_codings_given_inside_a_study_are_checked_against_its_transcripts(cli, study, tmp_path):
    """validate --codings FILE inside a study said 'ok' about drifted codings: the
    transcripts come from study.yaml; outside a study it says they were not checked."""
    codings = study / "data" / "raw" / "codings_A.csv"
    lines = codings.read_text(encoding="utf-8").splitlines(keepends=True)
    head, row = lines[0], lines[1].split(",")
    row[3] = str(int(row[3]) + 3)  # the span's end moved: its recorded text has drifted
    drifted = tmp_path / "drifted.csv"
    drifted.write_text(head + ",".join(row), encoding="utf-8")
    res = cli("validate", "--codings", str(drifted), cwd=study)
    assert res.returncode == 2 and f"error: {drifted}:2:" in res.stderr, res.stderr
    res = cli("validate", "--codings", str(codings), cwd=tmp_path)
    assert res.returncode == 0
    assert "warning: the codings were not checked against their transcripts" in res.stderr


def test_validate_given_files_warns_as_a_study_does(cli, tmp_path):
    """``validate --transcripts DIR --codings ...`` (the check docs/qdpx.md runs after an
    import) gives the transcript warnings a study gives: a line that looks like an
    undeclared speaker label (also when the body is written in NFD, as macOS tools write
    it), and coded transcripts without an informant's turn."""
    import unicodedata

    folder = tmp_path / "transcripts"
    folder.mkdir()
    front = '---\nid: A1\nspeakers: {PWW: interviewer, "Bu Réni": informant}\n---\n'
    body = ("PWW: Bagaimana kabar Ibu?\nBu Réni: Baik.\nPWW: Ada kendala?\n"
            "Pak Dédi: Sinyal lemah.\n")
    (folder / "A1.txt").write_text(front + unicodedata.normalize("NFD", body),
                                   encoding="utf-8")
    (folder / "B2.txt").write_text("---\nid: B2\nspeakers: [PWW, Budi]\n---\n"
                                   "PWW: Apa kabar?\nBudi: Baik sekali.\n", encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(
        "codebook: t\nversion: 1\nlanguage: id\ncodes:\n  - id: kabar\n    label: Kabar\n",
        encoding="utf-8")
    text = "Baik sekali."
    (tmp_path / "codings.csv").write_text(
        "doc_id,segment_id,start,end,code,coder,text\n"
        f"B2,2,22,{22 + len(text)},kabar,A,{text}\n", encoding="utf-8")
    res = cli("validate", "--transcripts", "transcripts", "--codebook", "codebook.yaml",
              "--codings", "codings.csv", "--no-lint", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "ok: transcripts: 2 documents, 5 segments" in res.stdout
    err = res.stderr.splitlines()
    assert err[0].startswith("warning: transcripts/A1.txt:8: 'Pak Dédi:' looks like a "
                             "speaker label"), err
    assert err[1].startswith("warning: transcripts: coded transcript(s) B2 have no informant "
                             "turn"), err
    assert err[2:] == ["2 warning(s)"]


def test_validate_warns_about_a_coding_on_an_interviewer_turn(tmp_path, cli):
    """Finding 7 (session 10): a coding put on the interviewer's question passed validate
    without a word; it names the codings file and line."""
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "R1.txt").write_text("---\nid: R1\nspeakers: {INT: interviewer, R1: informant}\n"
                                   "---\nINT: Apa kabar?\nR1: Baik sekali.\n", encoding="utf-8")
    corpus = ce.read_transcripts(folder)
    seg = corpus.segments.set_index("segment_id")
    rows = ["doc_id,segment_id,start,end,code,coder"]
    for s in (2, 1):
        rows.append(f"R1,{s},{seg.at[s, 'start']},{seg.at[s, 'end']},kabar,A")
    (tmp_path / "codings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = cli("validate", "--transcripts", "transcripts", "--codings", "codings.csv",
              "--no-lint", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    err = res.stderr.splitlines()
    # the first line says no codebook checked the codes (no --codebook given)
    assert err[0].startswith("warning: the codes were not checked against a codebook"), err
    assert err[1].startswith("warning: codings.csv:3: R1, turn 1 is the interviewer's (INT)"), err
    assert "left out" in err[1]
    assert err[2:] == ["1 warning(s)"]


def test_codings_kept_outside_the_study_are_checked_against_its_codebook(cli, study, tmp_path):
    """t1 finding 5: inside a study, 'validate --codings FILE' with FILE elsewhere (a coder's
    file in Downloads) was checked against the study's transcripts but not its codebook: an
    unknown code got 'ok', exit 0. What the codings are checked against comes from one
    place: the study's transcripts, then the study's codebook too."""
    own = study / "data" / "raw" / "codings_A.csv"
    lines = own.read_text(encoding="utf-8").splitlines(keepends=True)
    code = lines[1].split(",")[4]
    outside = tmp_path / "elsewhere" / "codings_new.csv"
    outside.parent.mkdir()
    outside.write_text(lines[0] + lines[1].replace(f",{code},", ",Bukan_Kode,"),
                       encoding="utf-8")
    res = cli("validate", "--codings", str(outside), "--no-lint", cwd=study)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert res.stderr.startswith(f"error: {outside}:2: column 'code': code 'Bukan_Kode' is "
                                 "not in the codebook"), res.stderr
    # the same with the study's transcripts named
    res = cli("validate", "--codings", str(outside), "--transcripts", "interview_transcripts",
              "--no-lint", cwd=study)
    assert res.returncode == 2 and "code 'Bukan_Kode' is not in the codebook" in res.stderr
    # outside a study, without --codebook, the codes are not checked: a warning says so
    res = cli("validate", "--codings", str(outside), "--transcripts",
              str(study / "interview_transcripts"), "--no-lint", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert ("warning: the codes were not checked against a codebook: give --codebook FILE"
            in res.stderr), res.stderr


def test_agree_and_qdpx_export_take_the_study_codebook_for_codings_elsewhere(cli, study,
                                                                            tmp_path):
    """As validate (t1 finding 5): codings kept outside the study but read against its
    transcripts are checked against its codebook. agree counted an unknown code as one
    more code without a word; qdpx export refused for want of --codebook."""
    own = study / "data" / "raw" / "codings_B.csv"
    lines = own.read_text(encoding="utf-8").splitlines(keepends=True)
    code = lines[1].split(",")[4]
    outside = tmp_path / "elsewhere" / "codings_B.csv"
    outside.parent.mkdir()
    outside.write_text(lines[0] + lines[1].replace(f",{code},", ",Bukan_Kode,")
                       + "".join(lines[2:]), encoding="utf-8")
    res = cli("agree", "--codings", "data/raw/codings_A.csv", str(outside), "--out",
              str(tmp_path / "a.csv"), "--n-boot", "0", cwd=study)
    assert res.returncode == 0, res.stderr
    assert f"warning: {outside}:2: code 'Bukan_Kode' (1 coding(s)) is not in the codebook" \
        in res.stderr, res.stderr
    assert "Bukan_Kode" not in (tmp_path / "a.csv").read_text(encoding="utf-8")
    res = cli("qdpx", "export", "--codings", str(own.rename(tmp_path / "codings_B.csv")),
              "--out", str(tmp_path / "x.qdpx"), cwd=study)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "x.qdpx").is_file()


def test_agree_with_one_coder_says_how_to_add_one_in_a_study(cli, study, tmp_path):
    """t1 finding 10: agree with one coder said "e.g. concatenate codings_A.csv and
    codings_B.csv" (the example study's files); inside a study, concatenating is wrong:
    each coder's codings are a file of their own in the study's codings folder."""
    (study / "data" / "raw" / "codings_B.csv").unlink()
    res = cli("agree", "--out", str(tmp_path / "a.csv"), "--n-boot", "0", cwd=study)
    assert res.returncode == 2 and not (tmp_path / "a.csv").exists()
    assert res.stderr.startswith(
        "error: data/raw/codings_A.csv: inter-coder agreement needs at least 2 coders; the "
        "codings have 1 (A): add each other coder's codings as a file of their own, "
        "data/raw/codings_<coder>.csv"), res.stderr
    assert "concatenate" not in res.stderr
    # outside a study: every coder's file to --codings
    res = cli("agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
              str(study / "data" / "raw" / "codings_A.csv"), "--out", "a.csv", "--n-boot", "0",
              cwd=tmp_path)
    assert res.returncode == 2
    assert "the codings have 1 (A): give every coder's codings file to --codings" in res.stderr
    assert "concatenate" not in res.stderr


RANGED_INSTRUMENT = """\
instrument: ranged
scales: {S: {items: [a, b]}}
scale: {min: 1, max: 5}
id_column: rid
demographics:
  - sector
  - age: {type: numeric, min: 17, max: 99, missing: [999]}
"""


@pytest.mark.parametrize("command", [["validate"], ["survey", "--out", "o"]])
def test_a_demographic_outside_its_declared_range_is_an_error_line(tmp_path, monkeypatch,
                                                                   capsys, command):
    """A user's request: an age typed as 150 or -3 passed into the analyses silently; with a
    declared range it is an error line naming the column, the value, the range and the fix."""
    from citra_eval.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "inst.yaml").write_text(RANGED_INSTRUMENT, encoding="utf-8")
    rows = ["rid,sector,age,a,b", "r1,public,34,1,2", "r2,private,999,2,3", "r3,public,150,3,4",
            "r4,private,-3,2,2", "r5,public,61,4,5"]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    argv = [*command, "--instrument", "inst.yaml", "--responses", "r.csv"]
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [
        f"error: r.csv:{line}: demographic 'age': value {v} is outside its declared range "
        "17..99; correct it, or leave the cell empty if unknown (if it is a missing-value "
        f"code, add {v} to the 'missing:' list of 'age' in the instrument: 'age: {{type: "
        f"numeric, min: 17, max: 99, missing: [999, {v}]}}')"
        for line, v in ((4, 150), (5, -3))]
    assert not (tmp_path / "o").exists()
    plain = RANGED_INSTRUMENT.replace(", min: 17, max: 99", "")  # no range: read as given
    (tmp_path / "inst.yaml").write_text(plain, encoding="utf-8")
    assert main(argv) == 0, capsys.readouterr().err


def test_validate_warns_about_a_joint_label_nobody_declared(cli, tmp_path):
    (tmp_path / "FGD09.txt").write_text(
        "---\nid: FGD09\nspeakers: {MOD: interviewer, P1: informant, P2: informant, "
        "'P2 & P3': informant}\n---\nMOD: Setuju semua?\nP1, P2: Setuju!\nP1/P2: Nggih.\n"
        "P2 & P3: Ya.\nMOD: Catatan, Lihat: ini bukan label\n", encoding="utf-8")
    res = cli("validate", "--transcripts", str(tmp_path))
    assert res.returncode == 0, res.stderr
    warnings = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    path = str(tmp_path / "FGD09.txt")
    assert [w.split(": ", 2)[1] for w in warnings] == [f"{path}:6", f"{path}:7"]
    assert "'P1, P2:' looks like a turn several speakers share (P1, P2)" in warnings[0]
    for w in warnings:  # both fixes, with the role the speakers share
        assert "read as part of the turn before it" in w and "informant" in w
        assert "split the turn into one line per speaker" in w
    assert "'\"P1/P2\": informant'" in warnings[1]
    corpus = ce.read_transcripts(tmp_path)  # the declared joint label is a turn of its own
    assert corpus.segments["speaker"].tolist() == ["MOD", "P2 & P3", "MOD"]


def _focus_group(folder, speakers="{MOD: moderator, P1: participant, P2: participant}"):
    folder.mkdir()
    (folder / "FGD01.txt").write_text(
        f"---\nid: FGD01\nspeakers: {speakers}\n---\nMOD: Bagaimana informasi layanan?\n"
        "P1: Informasi layanan jelas.\nP2: Keluhan belum dijawab.\n", encoding="utf-8")
    (folder.parent / "cb.yaml").write_text(
        "codebook: t\nversion: 1\nlanguage: id\ncodes:\n  - id: service_info\n"
        "    label: {id: Informasi, en: Information}\n", encoding="utf-8")
    (folder.parent / "codings_A.csv").write_text(
        "doc_id,segment_id,start,end,code,coder\nFGD01,2,38,62,service_info,A\n",
        encoding="utf-8")


def test_validate_says_which_roles_a_transcript_without_informants_has(cli, tmp_path):
    _focus_group(tmp_path / "t")
    res = cli("validate", "--transcripts", "t", "--codebook", "cb.yaml", "--codings",
              "codings_A.csv", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    (warning,) = [ln for ln in res.stderr.splitlines() if "FGD01" in ln]
    assert "have no role" not in warning
    assert "no turn has the role 'informant' (roles here: moderator, participant)" in warning
    assert "only informants' turns are coded by default" in warning
    assert "--roles" in warning and "roles=" in warning


def test_a_subtitle_transcript_without_roles_is_told_to_use_its_sidecar(cli, tmp_path):
    """A Zoom .vtt has no front matter: its speakers' roles go into a sidecar zoom.yaml."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "zoom.vtt").write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nCitra Dewi: Selamat siang, Pak.\n\n2\n"
        "00:00:04.500 --> 00:00:08.000\nBudi Santoso: Siang. Keluhan pasien kami jawab.\n",
        encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(
        "codebook: t\nversion: 1\nlanguage: id\ncodes:\n  - id: complaint_handling\n"
        "    label: {id: Keluhan, en: Complaints}\n    patterns: [keluhan]\n", encoding="utf-8")
    res = cli("validate", "--transcripts", "t", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    (warning,) = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert warning.startswith("warning: t: no turn has a role, so nothing will be coded")
    for res in (cli("validate", "--transcripts", "t", cwd=tmp_path),
                cli("code", "--transcripts", "t", "--codebook", "cb.yaml", "--out", "a.csv",
                    cwd=tmp_path),
                cli("sheet", "export", "--coder", "A", "--transcripts", "t", "--codebook",
                    "cb.yaml", "--out", "s.xlsx", cwd=tmp_path)):
        assert "zoom.yaml" in res.stderr and "sidecar" in res.stderr, res.stderr
        assert "front matter" not in res.stderr, res.stderr
        assert "'Citra Dewi': <role>" in res.stderr
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "s.xlsx").exists()


def test_validate_warns_when_transcripts_without_codings_have_roles_but_no_informant(cli,
                                                                                     tmp_path):
    """Role words of another language ('narasumber') load without a word, but no turn is an
    informant's, so nothing would be coded: validate said 'ok' without a warning."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "W1.txt").write_text(
        "---\nid: W1\nspeakers: {P: pewawancara, N: narasumber}\n---\nP: Promosinya gimana?\n"
        "N: Lewat instagram tiap hari.\n", encoding="utf-8")
    res = cli("validate", "--transcripts", "t", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    (warning,) = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert warning.startswith("warning: t: no turn has the role 'informant' (roles here: "
                              "narasumber, pewawancara)")
    assert "speakers: {" in warning and "roles=" in warning


def test_validate_refuses_transcript_ids_differing_only_in_case(cli, tmp_path):
    """Issue: ``INF03`` and ``inf03`` are two ids on Linux, one file name on Windows and
    macOS; validate says which two files and how to fix it, exit 2."""
    from _samples import BASIC

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "a.txt").write_text(BASIC, encoding="utf-8")
    (folder / "b.txt").write_text(BASIC.replace("id: INF03", "id: inf03"), encoding="utf-8")
    res = cli("validate", "--transcripts", str(folder), cwd=tmp_path)
    assert res.returncode == 2
    line = next(x for x in res.stderr.splitlines() if x.startswith("error: "))
    assert line.startswith("error: ") and "b.txt:2: id 'inf03' differs from 'INF03'" in line
    assert "a.txt" in line and "change the 'id' of one" in line


@pytest.mark.parametrize(("option", "name", "what"), [
    ("--codings", "codings_A.csv", "file"), ("--codebook", "codebook.yaml", "file"),
    ("--instrument", "instrument.yaml", "file"), ("--transcripts", "I01.txt", "file"),
    ("--transcripts", "transcripts", "folder")])
def test_validate_names_a_given_input_that_is_a_broken_link(tmp_path, monkeypatch, capsys,
                                                            option, name, what):
    """Not 'file not found; check the path': the link is there, what it leads to is not."""
    from citra_eval.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / name).symlink_to("/media/usb/gone")
    assert main(["validate", option, name]) == 2
    assert capsys.readouterr().err == (
        f"error: {name}: cannot be read: it is a link to /media/usb/gone, which does not exist "
        f"(moved or deleted, or on a drive that is not connected); put the {what} back there, "
        f"or replace the link with the {what}\n")


def test_validate_warns_about_a_code_given_twice_in_one_turn(tmp_path, monkeypatch, capsys):
    """Team report items 5 and 8: a whole-turn coding and a coding of part of the same turn
    with the same code (a sheet's mark and quote) passed validate silently; and the summary
    said '1 codings by B'."""
    from citra_eval.cli import main

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "R1.txt").write_text("---\nid: R1\nspeakers: {INT: interviewer, R1: informant}\n"
                                   "---\nINT: Apa kabar?\nR1: Baik sekali, terima kasih.\n"
                                   "INT: Lalu?\nR1: Kami rapat tiap pekan.\n", encoding="utf-8")
    seg = ce.read_transcripts(folder).segments.set_index("segment_id")
    s2, e2, s4, e4 = (int(seg.at[s, k]) for s in (2, 4) for k in ("start", "end"))
    rows = ["doc_id,segment_id,start,end,code,coder",
            f"R1,2,{s2},{e2},kabar,A", f"R1,4,{s4},{s4 + 4},rapat,A",
            f"R1,2,{s2},{s2 + 4},kabar,A",  # inside line 2's span: the code twice
            f"R1,4,{s4 + 10},{e4},rapat,A"]  # apart from line 3's: two passages, fine
    (tmp_path / "codings_A.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "codings_B.csv").write_text(
        f"doc_id,segment_id,start,end,code,coder\nR1,2,{s2},{e2},kabar,B\n", encoding="utf-8")
    assert main(["validate", "--transcripts", "transcripts", "--codings", "codings_A.csv",
                 "codings_B.csv", "--no-lint"]) == 0
    out, err = capsys.readouterr()
    assert "ok: codings codings_A.csv: 4 codings by A" in out
    assert "ok: codings codings_B.csv: 1 coding by B" in out
    twice = [line for line in err.splitlines() if "twice" in line]
    assert len(twice) == 1, err
    assert twice[0].startswith("warning: codings_A.csv:4: ") and "line 2" in twice[0]
    assert "'kabar'" in twice[0] and "R1, turn 2" in twice[0]


def test_validate_warns_about_a_coding_that_cuts_a_character(tmp_path, monkeypatch, capsys):
    """Session 15: a hand-written span that dropped an emoji's skin tone, cut a family emoji
    or a letter's combining accent passed validate silently (a sheet quote is refused for
    it); a warning now names the file, line and character (hand-made offsets may be meant)."""
    from citra_eval.cli import main

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "D.txt").write_text(
        "---\nid: D\nspeakers: {P: interviewer, S: informant}\n---\nP: Tanya?\n"
        "S: Instagram \U0001F44D\U0001F3FF bagus. Keluarga \U0001F468\u200d\U0001F469\u200d"
        "\U0001F467 senang. Di Cafe\u0301 rapat.\n", encoding="utf-8")
    text = ce.read_transcripts(folder).text("D")
    spans = [(text.index("Instagram"), text.index("Instagram") + len("Instagram \U0001F44D")),
             (text.index("Keluarga"), text.index("\u200d\U0001F467")),
             (text.index("Cafe"), text.index("Cafe") + 4),
             (text.index("\U0001F3FF"), text.index(" bagus")),  # starts on the skin tone
             (text.index("Di Cafe"), text.index(" rapat"))]      # whole characters: fine
    rows = ["doc_id,segment_id,start,end,code,coder"] + [f"D,2,{s},{e},x,A" for s, e in spans]
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["validate", "--transcripts", "transcripts", "--codings", "c.csv",
                 "--no-lint"]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "inside the character" in line]
    assert [line.split(": ")[1] for line in err] == ["c.csv:2", "c.csv:3", "c.csv:4", "c.csv:5"]
    assert err[0].startswith("warning: c.csv:2: D, turn 2: the coding ends inside the "
                             "character '\U0001F44D\U0001F3FF' (U+1F44D U+1F3FF)"), err[0]
    assert "(U+1F468 U+200D U+1F469 U+200D U+1F467)" in err[1]
    assert "'e\u0301' (U+0065 U+0301)" in err[2]
    assert "starts inside the character '\U0001F44D\U0001F3FF'" in err[3]


def test_a_word_transcripts_notes_are_warning_lines_of_every_command(cli, tmp_path):
    """What reading a .docx did (tracked changes read as accepted) is a ``warning:`` line
    of validate (counted with the others) and of any command that reads transcripts, not
    a Python warning naming a source line."""
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    folder = tmp_path / "transcripts"
    folder.mkdir()
    d = docx.Document()
    for line in ["---", "id: A1", "speakers: {PWW: interviewer, INF: informant}", "---",
                 "PWW: Apa tugas humas?"]:
        d.add_paragraph(line)
    d.element.body.insert(len(d.element.body) - 1, parse_xml(
        f'<w:p {nsdecls("w")}><w:ins w:id="1" w:author="E" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:t>INF: Informasi layanan.</w:t></w:r></w:ins></w:p>"))
    d.save(folder / "A1.docx")
    (tmp_path / "codebook.yaml").write_text(
        "codebook: t\nversion: 1\nlanguage: id\ncodes:\n  - id: layanan\n    label: Layanan\n"
        "    patterns: [layanan]\n", encoding="utf-8")
    res = cli("validate", "--transcripts", "transcripts", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "ok: transcripts: 1 document, 2 segments\n"
    line = ("warning: transcripts/A1.docx: holds tracked changes not yet accepted or rejected "
            "(1 insertion): read as if accepted")
    err = res.stderr.splitlines()
    assert err[0].startswith(line) and err[1:] == ["1 warning(s)"], err
    res = cli("code", "--transcripts", "transcripts", "--codebook", "codebook.yaml", "--out",
              "auto.csv", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stderr.startswith(line) and "TranscriptWarning" not in res.stderr
    assert ce.read_codings(tmp_path / "auto.csv")["code"].tolist() == ["layanan"]


@pytest.mark.parametrize(("rule", "adjudicator"), [("agreed", None), ("majority", None),
                                                  ("adjudicator", "B")])
def test_agree_writes_the_consensus_coding_the_library_makes(cli, study, rule, adjudicator):
    # session 14 sheets item 13: ce.consensus had no command-line route
    args = ["--consensus", "consensus.csv", "--rule", rule]
    if adjudicator:
        args += ["--adjudicator", adjudicator]
    res = cli("agree", "--out", "agreement.csv", "--n-boot", "0", *args, cwd=study)
    assert res.returncode == 0, res.stderr
    assert "wrote consensus.csv" in res.stdout
    s = ce.load_study(study)
    corpus = s.corpus
    expected = ce.consensus(s.codings, rule=rule, adjudicator=adjudicator, corpus=corpus,
                            coverage=s.coverage)
    got = ce.read_codings(study / "consensus.csv", corpus=corpus)
    key = ["doc_id", "segment_id", "start", "end", "code", "coder"]
    assert len(got) and got[key].values.tolist() == expected[key].values.tolist()


def test_agree_consensus_options_are_checked(cli, study):
    res = cli("agree", "--out", "a.csv", "--n-boot", "0", "--rule", "any", cwd=study)
    assert res.returncode == 2 and "error: --rule: needs --consensus" in res.stderr
    res = cli("agree", "--out", "a.csv", "--n-boot", "0", "--consensus", "c.csv", "--rule",
              "adjudicator", cwd=study)
    assert res.returncode == 2 and "--adjudicator" in res.stderr and "error: " in res.stderr
    assert not (study / "c.csv").exists() and not (study / "a.csv").exists()


def test_a_consensus_written_among_the_codings_files_is_refused(cli, study):
    """Fourteenth session, left open: a consensus written as data/raw/codings_*.csv counted
    as one more coder for agree and validate (only the help warned). Session 16 (tester,
    item 1): agree wrote it all the same, and only the next validate/agree refused the
    study; it is refused before anything is written."""
    res = cli("agree", "--out", "agreement.csv", "--n-boot", "0", "--consensus",
              "data/raw/codings_consensus.csv", cwd=study)
    assert res.returncode == 2, res.stdout
    assert res.stderr.startswith("error: data/raw/codings_consensus.csv: --consensus "), \
        res.stderr
    assert "counted as one more coder" in res.stderr and "consensus.csv" in res.stderr
    assert not (study / "data/raw/codings_consensus.csv").exists()
    assert not (study / "agreement.csv").exists()
    assert cli("validate", cwd=study).returncode == 0
    # the pattern study.yaml sets is the one that counts
    yaml = study / "study.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8")
                    + "codings: [data/raw/codings_A.csv, data/raw/codings_B.csv, coded/*.csv]\n",
                    encoding="utf-8")
    (study / "coded").mkdir()
    (study / "data/raw/codings_B.csv").rename(study / "coded/B.csv")
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("data/raw/codings_B.csv, ", ""),
                    encoding="utf-8")
    res = cli("agree", "--out", "agreement.csv", "--n-boot", "0", "--consensus",
              "coded/consensus.csv", cwd=study)
    assert res.returncode == 2 and "error: coded/consensus.csv: --consensus " in res.stderr, \
        res.stderr
    res = cli("agree", "--out", "agreement.csv", "--n-boot", "0", "--consensus",
              "data/raw/codings_consensus.csv", cwd=study)
    assert res.returncode == 0, res.stderr  # not among this study's codings files
    assert res.stdout.splitlines()[-1].startswith("wrote data/raw/codings_consensus.csv")


def test_a_consensus_renamed_among_the_codings_files_is_refused(cli, study):
    """Session 16: the consensus written by agree with its coder renamed ("final") counted
    silently as a third coder; its notes ("agreed by A, B") say what it is."""
    res = cli("agree", "--out", "agreement.csv", "--n-boot", "0", "--consensus",
              "consensus.csv", cwd=study)
    assert res.returncode == 0, res.stderr
    merged = ce.read_codings(study / "consensus.csv")
    ce.write_codings(merged.assign(coder="final"),
                     study / "data" / "raw" / "codings_final.csv", replace_raw=True)
    for command in (["agree", "--out", "again.csv", "--n-boot", "0"], ["validate"]):
        res = cli(*command, cwd=study)
        assert res.returncode == 2, res.stderr
        assert res.stderr.startswith("error: data/raw/codings_final.csv:2: the notes of its "
                                     "codings ("), res.stderr
        assert "saved under coder 'final'" in res.stderr
    assert not (study / "again.csv").exists()


def test_an_unknown_mplbackend_does_not_break_the_commands(study, monkeypatch):
    """Reviewer s15, finding 2: MPLBACKEND=agg2 (a typo, or a backend of another matplotlib)
    made 'validate' die with a traceback (exit 1) when pingouin imported matplotlib; the
    command line draws into files only and uses Agg whatever MPLBACKEND says."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "MPLBACKEND": "agg2",
           "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    res = subprocess.run([sys.executable, "-m", "citra_eval", "validate"], cwd=study,
                         capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr


def test_scale_warnings_name_the_responses_relative_to_the_study(cli, study):
    """Reviewer s15, finding 8: with --root, the 'ok:' and 'error:' lines named files
    relative to the study, but the survey scales' 'warning:' lines relative to the current
    folder ('raw/survey_responses.csv' from data/, 'tmp/.../data/raw/...' from /)."""
    path = study / "data" / "raw" / "survey_responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = "P-001,IGD,BPJS,40,3,,," + lines[1].split(",", 7)[7]  # ADU: 1 of 3 items
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for cwd in (study / "data", study.parent):
        res = cli("validate", "--root", str(study), cwd=cwd)
        assert res.returncode == 0, res.stderr
        warned = [ln for ln in res.stderr.splitlines() if "ADU" in ln]
        assert warned and all(ln.startswith("warning: data/raw/survey_responses.csv: ")
                              for ln in warned), warned


def test_agree_suggests_the_coder_an_unknown_adjudicator_stands_for(cli, study):
    """Coders s19, item 3: '--adjudicator b' (the coder is 'B') gave no 'did you mean'."""
    res = cli("agree", "--out", "a.csv", "--n-boot", "0", "--consensus", "c.csv", "--rule",
              "adjudicator", "--adjudicator", "b", cwd=study)
    assert res.returncode == 2 and "adjudicator 'b' has no codings" in res.stderr
    assert "did you mean 'B'? coder names are case-sensitive" in res.stderr, res.stderr
    assert not (study / "c.csv").exists() and not (study / "a.csv").exists()


def test_agree_messages_name_the_options_and_the_file(cli, study):
    """Session 19 (newcode repro_6): '--coders A b' said "coders= names coder(s) 'b'", the
    summary line of many problems said '<input>' for the file, and '--adjudicator' without
    '--rule' named the option twice."""
    res = cli("agree", "--out", "a.csv", "--n-boot", "0", "--coders", "A", "b", cwd=study)
    assert res.returncode == 2 and "--coders names coder(s) 'b'" in res.stderr, res.stderr
    assert "coders=" not in res.stderr
    res = cli("agree", "--out", "a.csv", "--n-boot", "0", "--consensus", "c.csv",
              "--adjudicator", "A", cwd=study)
    assert res.returncode == 2 and "error: --adjudicator: --adjudicator" not in res.stderr
    assert "error: --adjudicator: is used with --rule adjudicator only" in res.stderr, \
        res.stderr
    b = study / "data" / "raw" / "codings_B.csv"
    b.write_text(b.read_text(encoding="utf-8").replace(",B,", ",A,"), encoding="utf-8")
    res = cli("agree", "--out", "a.csv", "--n-boot", "0", cwd=study)
    last = res.stderr.splitlines()[-1]
    assert res.returncode == 2 and "more problem(s)" in last, res.stderr
    assert last.startswith("error: data/raw/codings_B.csv: ..."), last
    assert not (study / "a.csv").exists()


@pytest.mark.slow
def test_agree_inside_a_study_takes_its_seed(cli, study):
    """Session 19: ``agree`` inside a study bootstrapped with seed 0 whatever study.yaml's
    ``seed`` (notebook 02's table used the study's): the same study, other intervals. Inside
    a study the default is its seed; ``--seed`` overrides it."""
    yaml = study / "study.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("seed: 0", "seed: 11"),
                    encoding="utf-8")
    runs = {name: cli("agree", "--out", f"{name}.csv", "--n-boot", "50", *extra, cwd=study)
            for name, extra in (("default", ()), ("s11", ("--seed", "11")),
                                ("s0", ("--seed", "0")))}
    assert all(r.returncode == 0 for r in runs.values()), [r.stderr for r in runs.values()]
    text = {name: (study / f"{name}.csv").read_text(encoding="utf-8") for name in runs}
    assert text["default"] == text["s11"] != text["s0"]


@pytest.mark.slow
def test_other_role_words_are_one_error_without_python_warnings(cli, study):
    """Session 19: informants with the role 'narasumber': validate said ok (with raw Python
    UserWarnings, source file and line, repeating its warning lines, and a kwic term "does
    not occur ... check its spelling"), agree printed a raw UserWarning and an error telling
    to "give the speakers roles". Now validate and agree say it once, as an error naming the
    roles and the fix, with no Python warning."""
    import re

    for f in (study / "interview_transcripts").glob("*.txt"):
        text = f.read_text(encoding="utf-8")
        f.write_text(re.sub(r"(speakers: \{.*): informant\b", r"\1: narasumber", text),
                     encoding="utf-8")
    for res in (cli("validate", cwd=study), cli("agree", "--out", "a.csv", cwd=study)):
        assert res.returncode == 2, res.stderr
        assert "UserWarning" not in res.stderr and ".py:" not in res.stderr, res.stderr
        assert "check its spelling" not in res.stderr
        assert "narasumber" in res.stderr and "informant" in res.stderr
        assert "give the speakers roles" not in res.stderr, res.stderr
        assert len(re.findall("no (turn|speaker)[^:]* has the role", res.stderr)) == 1, \
            res.stderr
    assert not (study / "a.csv").exists()


def test_validate_warns_about_a_machines_codings_given_with_codings(tmp_path, monkeypatch,
                                                                    capsys):
    """Session 19: docs/autocode.md says validate warns about a codings file with the
    auto-coder's score column; given with --codings (not a study's own file) it said 'ok'
    only."""
    from citra_eval.cli import main

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "R1.txt").write_text("---\nid: R1\nspeakers: {INT: interviewer, R1: informant}\n"
                                   "---\nINT: Apa kabar?\nR1: Kami ikut koperasi sejak lama.\n",
                                   encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(
        "codebook: t\nversion: 1\nlanguage: id\ncodes:\n  - id: koperasi\n"
        "    label: Koperasi\n    patterns: [koperasi]\n", encoding="utf-8")
    assert main(["code", "--transcripts", "transcripts", "--codebook", "codebook.yaml",
                 "--out", "auto.csv"]) == 0
    capsys.readouterr()
    args = ["validate", "--transcripts", "transcripts", "--codebook", "codebook.yaml",
            "--no-lint", "--codings"]
    assert main([*args, "auto.csv"]) == 0
    err = capsys.readouterr().err
    machine = [line for line in err.splitlines() if "auto-coder" in line]
    assert len(machine) == 1 and machine[0].startswith("warning: auto.csv: "), err
    assert "'score'" in machine[0]
    # a person's codings: no such warning
    seg = ce.read_transcripts(folder).segments.set_index("segment_id")
    (tmp_path / "codings_A.csv").write_text(
        "doc_id,segment_id,start,end,code,coder\n"
        f"R1,2,{seg.at[2, 'start']},{seg.at[2, 'end']},koperasi,A\n", encoding="utf-8")
    assert main([*args, "codings_A.csv"]) == 0
    assert "auto-coder" not in capsys.readouterr().err
