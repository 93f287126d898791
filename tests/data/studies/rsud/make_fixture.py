# ruff: noqa: E501  (the coding table quotes whole sentences; keep one row per coding)
"""Write the codings and the simulated survey of the fictional "rsud" test study.

FICTIONAL: the hospital, the regency, the people, the codings and the survey answers are
invented as software test data for citra_eval; nothing here is a research finding.

What this script writes (and nothing else):

- ``data/raw/codings_A.csv`` and ``data/raw/codings_B.csv``: the two coders' decisions listed in
  ``CODINGS`` below, turned into the contract's code-point offsets with
  :func:`citra_eval.read_transcripts`, the coded characters recorded in ``text``. A quote must occur exactly once in its transcript and lie
  inside one informant turn, else the script stops. ``turn`` codes the whole turn the quote is
  in; ``part`` codes just the quoted characters.
- ``data/raw/survey_responses.csv``: ``N_RESPONDENTS`` patients simulated with numpy's seeded
  Generator (``SEED``), the strategy scales positively related to the overall perception scale,
  one reverse-keyed item and a few missing answers.

Run from anywhere:  python tests/data/studies/rsud/make_fixture.py [--out DIR]
(``--out`` writes the three files into DIR instead of ``data/raw/``; the test suite uses it to
check that the committed files are exactly what this script makes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import citra_eval as ce

HERE = Path(__file__).resolve().parent
SEED = 20230911
N_RESPONDENTS = 220
MISSING_RATE = 0.012

# coders | code | turn/part | quote (locates the turn, or is the coded span) | note
CODINGS = """
WWC-01 | B  | media_sosial      | part | ngurus akun media sosial |
WWC-01 | B  | relasi_media      | part | sampai jadi penghubung sama wartawan |
WWC-01 | AB | pengaduan         | turn | Pengaduan, pasti. |
WWC-01 | AB | pengaduan         | turn | Antrean poli yang lama, itu nomor satu. |
WWC-01 | A  | pengaduan         | turn | Kami rekap tiap minggu |
WWC-01 | B  | pengaduan         | part | terus kami kabari pelapornya satu-satu | lapor balik ke pelapor
WWC-01 | AB | edukasi_kesehatan | turn | Itu barengan sama tim PKRS |
WWC-01 | A  | edukasi_kesehatan | turn | Jujur, gak semua. |
WWC-01 | B  | edukasi_kesehatan | part | Tapi kalau pembicaranya pakai bahasa Banjar, langsung beda. | bahasa daerah
WWC-01 | AB | media_sosial      | turn | Instagram, Facebook, sama TikTok yang baru setahun. |
WWC-01 | AB | media_sosial      | turn | kami bikin pedoman sederhana |
WWC-01 | AB | media_sosial      | turn | Kami balas, gak kami hapus. |
WWC-01 | A  | pengaduan         | part | Banyak keluhan sekarang masuknya justru lewat komentar Instagram, bukan kotak saran lagi. |
WWC-01 | AB | relasi_media      | turn | Di Lirang ini wartawannya gak banyak |
WWC-01 | AB | komunikasi_krisis | turn | Tahun lalu ada berita pasien meninggal di IGD |
WWC-01 | AB | komunikasi_krisis | turn | kami rapat darurat sama direktur |
WWC-01 | B  | relasi_media      | part | yang boleh bicara ke media hanya direktur, atau ulun atas nama direktur |
WWC-01 | AB | komunikasi_krisis | turn | Disampaikan, tiga hari kemudian |
WWC-01 | A  | relasi_media      | part | lewat konferensi pers |
WWC-01 | B  | relasi_media      | part | Disampaikan, tiga hari kemudian, lewat konferensi pers. |
WWC-01 | A  | komunikasi_krisis | turn | Ada yang tetap nyinyir |
WWC-02 | A  | komunikasi_krisis | turn | Sebenarnya dulu jauh, ya. |
WWC-02 | B  | pengaduan         | part | kalau ada pasien atau keluarga yang kelihatan mau ribut, kami langsung telepon humas | mencegah keluhan
WWC-02 | AB | pengaduan         | turn | Soal nunggu. |
WWC-02 | AB | edukasi_kesehatan | turn | Kami bareng humas bikin poster triase |
WWC-02 | A  | pengaduan         | turn | Keluhan soal antre di IGD turun |
WWC-02 | AB | edukasi_kesehatan | turn | ngajarin pertolongan pertama |
WWC-02 | AB | media_sosial      | turn | Iya, humas biasanya ikut, ambil foto |
WWC-02 | B  | edukasi_kesehatan | part | Ada satu video perawat ngajarin cara menolong anak tersedak |
WWC-02 | AB | media_sosial      | turn | Sejak kejadian itu ada surat edaran direktur |
WWC-02 | B  | komunikasi_krisis | turn | Sejak kejadian itu ada surat edaran direktur |
WWC-02 | AB | komunikasi_krisis | turn | Videonya udah nyebar sebelum kami tahu. |
WWC-02 | AB | komunikasi_krisis | turn | manajemen cepat ambil alih |
WWC-02 | A  | edukasi_kesehatan | turn | Informasi biaya. |
WWC-02 | AB | relasi_media      | turn | waktu ada kecelakaan bus dulu |
WWC-02 | A  | relasi_media      | turn | Yang lama-lama paham. |
WWC-02 | B  | relasi_media      | part | Tapi humas biasanya sudah kenal, tinggal ditelepon. |
WWC-03 | AB | relasi_media      | turn | Bu kepala humasnya itu responsif. |
WWC-03 | A  | relasi_media      | turn | Kami olah, cari sudut lain |
WWC-03 | AB | komunikasi_krisis | turn | Itu pertama muncul di Facebook |
WWC-03 | B  | relasi_media      | part | ternyata Bu kepala humas keluar, ngasih pernyataan tertulis |
WWC-03 | AB | komunikasi_krisis | turn | kalau malam itu mereka membantah |
WWC-03 | AB | relasi_media      | turn | Kalau soal berita bagus-bagus |
WWC-03 | AB | media_sosial      | turn | Ikut, itu malah sumber berita juga. |
WWC-03 | A  | pengaduan         | turn | Di kolom komentar itu keras-keras |
WWC-03 | A  | media_sosial      | turn | Di kolom komentar itu keras-keras |
WWC-03 | B  | pengaduan         | part | ada akun humas RSUD yang ikut balas di komentar kami, sopan, ngasih nomor hotline pengaduan | balas komentar
WWC-03 | AB | edukasi_kesehatan | turn | Waktu musim demam berdarah kemarin |
WWC-03 | A  | relasi_media      | part | rumah sakit ngajak kami bikin liputan bersama soal 3M |
WWC-03 | A  | edukasi_kesehatan | turn | Bujur. Apalagi radio. |
WWC-03 | B  | relasi_media      | part | sekarang ulun selalu lewat humas dulu |
WWC-03 | B  | komunikasi_krisis | part | Tapi sekali ada kejadian jelek, ingatan orang itu panjang. |
WWC-04 | A  | pengaduan         | part | Kalau ada masalah di rumah sakit, ulun nang manyampaikan ke manajemen. |
WWC-04 | AB | pengaduan         | turn | mesinnya sering rusak |
WWC-04 | AB | pengaduan         | turn | Dua tiga kali ulun manyampaikan |
WWC-04 | A  | edukasi_kesehatan | turn | Keluhan, jadwal, obat. |
WWC-04 | B  | edukasi_kesehatan | part | Tapi ada jua penyuluhan, dokter ginjal menjelaskan soal makanan, berapa banyak minum, jangan banyak garam. |
WWC-04 | A  | edukasi_kesehatan | turn | Mudah, karena dokternya pakai bahasa kita. |
WWC-04 | B  | edukasi_kesehatan | part | Ada jua kertas yang dibagikan, gambarnya banyak, tulisannya besar. |
WWC-04 | AB | media_sosial      | turn | handphone ulun handphone lawas |
WWC-04 | B  | edukasi_kesehatan | turn | Banyak nang kada tahu BPJS |
WWC-04 | AB | komunikasi_krisis | turn | Rami banar di kampung. |
WWC-04 | AB | komunikasi_krisis | turn | Nang paling mambantu itu sebenarnya cerita dari mulut ke mulut. |
WWC-04 | AB | relasi_media      | turn | wartawan radio handak wawancara |
WWC-04 | AB | edukasi_kesehatan | turn | Pasien baru itu biasanya takut banar |
"""

CODING_HEADER = ["doc_id", "segment_id", "start", "end", "code", "coder", "text", "note"]


def parse_table(table: str) -> list[dict]:
    """The rows of ``CODINGS`` as dicts (one per row, before splitting by coder)."""
    rows = []
    for n, line in enumerate(table.strip().splitlines(), start=1):
        cells = [c.strip() for c in line.split("|")]
        if len(cells) != 6:
            raise SystemExit(f"CODINGS row {n}: expected 6 cells separated by '|': {line!r}")
        doc, coders, code, span, quote, note = cells
        if span not in {"turn", "part"} or not coders or set(coders) - {"A", "B"}:
            raise SystemExit(f"CODINGS row {n}: bad coders {coders!r} or span {span!r}")
        rows.append({"doc": doc, "coders": coders, "code": code, "span": span,
                     "quote": quote, "note": note, "row": n})
    return rows


def locate(corpus: ce.Corpus, row: dict) -> tuple[int, int, int]:
    """``(segment_id, start, end)`` of one coding; stops unless the quote is unambiguous."""
    doc, quote = row["doc"], row["quote"]
    text = corpus.text(doc)
    hits = text.count(quote)
    if hits != 1:
        raise SystemExit(f"CODINGS row {row['row']}: quote {quote!r} occurs {hits} times in "
                         f"{doc}; it must occur exactly once")
    pos = text.index(quote)
    segs = corpus.segments[corpus.segments["doc_id"] == doc]
    seg = segs[(segs["start"] <= pos) & (segs["end"] >= pos + len(quote))]
    if len(seg) != 1 or seg["role"].iloc[0] != "informant":
        raise SystemExit(f"CODINGS row {row['row']}: quote {quote!r} of {doc} is not inside "
                         "one informant turn")
    seg = seg.iloc[0]
    if row["span"] == "turn":
        return int(seg["segment_id"]), int(seg["start"]), int(seg["end"])
    return int(seg["segment_id"]), pos, pos + len(quote)


def make_codings(corpus: ce.Corpus, codebook: ce.Codebook) -> dict[str, pd.DataFrame]:
    """One codings table per coder, sorted by document, position and code."""
    out: dict[str, list[dict]] = {"A": [], "B": []}
    for row in parse_table(CODINGS):
        if row["code"] not in codebook.codable_ids:
            raise SystemExit(f"CODINGS row {row['row']}: {row['code']!r} is not a codable code")
        segment_id, start, end = locate(corpus, row)
        for coder in row["coders"]:
            out[coder].append({"doc_id": row["doc"], "segment_id": segment_id, "start": start,
                               "end": end, "code": row["code"], "coder": coder,
                               "text": corpus.text(row["doc"])[start:end], "note": row["note"]})
    tables = {}
    for coder, rows in out.items():
        frame = pd.DataFrame(rows, columns=CODING_HEADER)
        frame = frame.sort_values(["doc_id", "start", "end", "code"], kind="stable")
        tables[coder] = frame.reset_index(drop=True)
    return tables


def _likert(latent: np.ndarray, rng: np.random.Generator, *, loading: float = 0.85,
            noise: float = 0.65) -> np.ndarray:
    """1-4 answers from a latent score: a noisy indicator cut at three thresholds."""
    x = loading * latent + rng.normal(0.0, noise, size=latent.shape)
    return 1 + np.searchsorted(np.array([-1.3, -0.35, 0.85]), x)


def make_survey(instrument: ce.Instrument, *, seed: int = SEED,
                n: int = N_RESPONDENTS) -> pd.DataFrame:
    """Simulated responses: demographics, then every item of ``instrument`` (1-4, some empty)."""
    rng = np.random.default_rng(seed)
    unit = rng.choice(["Rawat jalan", "Rawat inap", "IGD"], size=n, p=[0.5, 0.3, 0.2])
    payer = rng.choice(["BPJS", "Umum"], size=n, p=[0.75, 0.25])
    age = np.clip(np.rint(rng.normal(44.0, 14.0, size=n)), 18, 85).astype(int)
    strategies = ["PENGADUAN", "EDUKASI", "MEDSOS", "KETERBUKAAN"]
    corr = np.full((4, 4), 0.35) + 0.65 * np.eye(4)
    # Cholesky, not numpy's default SVD: corr has one eigenvalue three times, so an SVD's
    # vectors (and the draws) depend on the machine's LAPACK; the Cholesky factor is unique,
    # so the same seed writes the same answers everywhere (as citra_eval.simulate_survey does).
    f = rng.multivariate_normal(np.zeros(4), corr, size=n, method="cholesky")
    f[:, 0] -= 0.35 * (unit == "IGD")                 # complaints are handled worse in the ER
    f[:, 1] += 0.25 * (unit == "Rawat inap")          # in-patients hear more health talks
    f[:, 2] -= 0.45 * (age - 44.0) / 14.0             # the young follow the accounts
    effects = np.array([0.35, 0.25, 0.10, 0.30])
    overall = f @ effects - 0.25 * (unit == "IGD") + rng.normal(0.0, 0.55, size=n)
    latent = dict(zip(strategies, f.T, strict=True))
    latent["PERSEPSI_RS"] = overall / overall.std()
    frame = pd.DataFrame({
        instrument.id_column: [f"P-{i:03d}" for i in range(1, n + 1)],
        "unit_layanan": unit, "jenis_pasien": payer, "usia": age})
    for name in [*strategies, "PERSEPSI_RS"]:
        scale = instrument.scales[name]
        for item in scale.items:
            answers = _likert(latent[name], rng)
            if item in scale.reverse:
                answers = instrument.min + instrument.max - answers
            frame[item] = pd.array(answers, dtype="Int64")
    items = instrument.item_names
    holes = rng.random((n, len(items))) < MISSING_RATE
    for j, item in enumerate(items):
        frame.loc[holes[:, j], item] = pd.NA
    return frame


def write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "data" / "raw",
                        help="folder for codings_A.csv, codings_B.csv, survey_responses.csv")
    args = parser.parse_args(argv)
    corpus = ce.read_transcripts(HERE / "interview_transcripts")
    codebook = ce.Codebook.load(HERE / "data" / "raw" / "codebook.yaml")
    instrument = ce.Instrument.load(HERE / "data" / "raw" / "instrument.yaml")
    args.out.mkdir(parents=True, exist_ok=True)
    for coder, table in make_codings(corpus, codebook).items():
        write(table, args.out / f"codings_{coder}.csv")
    write(make_survey(instrument), args.out / "survey_responses.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
