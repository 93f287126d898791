# ruff: noqa: E501  (the coding tables quote whole sentences; keep them one row per coding)
"""Write the two coders' manual codings of the illustrative example study (INF01-INF06).

ILLUSTRATIVE: the transcripts and these codings were written for the citra_eval package; they
are not real research data. The tables below *are* the coders' decisions, kept readable; this
script only turns each quoted span into the exact code-point offsets the contract requires
(``corpus.text(doc_id)[start:end]`` is the coded text, recorded in the ``text`` column) and
writes ``data/raw/codings_A.csv`` and ``data/raw/codings_B.csv``.

Row format: ``doc | segment | code | span | note``. An empty span codes the whole turn; a span
is a quote from the turn, and ``first words ... last words`` codes from the first quote's start
to the second quote's end. The two coders worked independently with the same codebook; their
differences are the usual ones: a boundary (whole turn vs. one sentence), a missed code, a
different code for the same passage.

Run from the repository root:  PYTHONPATH=src python scripts/make_example_codings.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import citra_eval as ce
from citra_eval._files import write_csv

ROOT = Path(__file__).resolve().parents[1]

CODER_A = """
INF01 | 8  | kerja_sama |  |
INF01 | 10 | hubungan_eksternal |  |
INF01 | 12 | bamara |  |
INF01 | 12 | hubungan_eksternal | Menurut saya itu salah satu ... Itu nilainya lain. | warga merasa didengar
INF01 | 14 | bamara |  | tindak lanjut keluhan Bamara
INF01 | 14 | citra_nilai |  |
INF01 | 16 | berita_cepat |  |
INF01 | 18 | imbangi_berita |  |
INF01 | 20 | imbangi_berita |  |
INF01 | 20 | hubungan_eksternal | Tapi kebanyakan mau memuat, apalagi kalau sudah ada hubungan baik. |
INF01 | 22 | teknologi |  |
INF01 | 24 | kerja_sama |  | kerja sama Prokompim-Diskominfotik
INF01 | 26 | rasa_memiliki |  |
INF01 | 28 | rasa_tanggung_jawab |  |
INF01 | 30 | rasa_tanggung_jawab |  |
INF01 | 32 | berita_cepat | Untuk mempercepat, format rilisnya kami bakukan, tinggal isi angka dari Dinas Kesehatan. |
INF01 | 32 | kerja_sama | Terus ada juga yang kami kerjasamakan ... kepentingan bersama. |
INF01 | 38 | citra_reputasi |  |
INF01 | 38 | citra_nilai | Masyarakat juga lebih mudah menyampaikan keluhan sekarang, dan kami usahakan ditanggapi. |
INF01 | 40 | citra_identitas |  |
INF01 | 42 | hubungan_eksternal | Dan mudah-mudahan hubungan ... jadi saling percaya. |
INF02 | 6  | teknologi |  |
INF02 | 8  | berita_cepat |  |
INF02 | 8  | teknologi |  |
INF02 | 10 | berita_cepat |  |
INF02 | 12 | citra_nilai |  |
INF02 | 12 | kerja_sama | Ada grup koordinasi dengan admin medsos tiap SKPD. |
INF02 | 14 | imbangi_berita |  |
INF02 | 16 | imbangi_berita |  |
INF02 | 16 | teknologi | Nah kami bikin video pendek ... terus jadwal baru. |
INF02 | 18 | citra_identitas |  |
INF02 | 22 | rasa_memiliki | Teman-teman satu ruangan juga enak ... atau pulang kampung. |
INF02 | 24 | rasa_tanggung_jawab | Pak Kabag juga sering ngingetin ... dicek dua orang itu. |
INF02 | 26 | bamara |  |
INF02 | 26 | teknologi | Kami live-kan di Facebook. |
INF02 | 28 | citra_kepribadian |  | kritik "pencitraan"
INF02 | 30 | kerja_sama | Jadi kami kerja sama terus ... jadi infografis. |
INF02 | 30 | teknologi |  |
INF02 | 32 | kerja_sama |  | koordinasi harian dengan dinas
INF02 | 36 | berita_cepat |  |
INF02 | 38 | kerja_sama |  | selebgram lokal
INF02 | 38 | teknologi |  |
INF02 | 40 | citra_nilai |  |
INF03 | 6  | tata_kelola_egov |  |
INF03 | 8  | pengembangan_aplikasi |  |
INF03 | 8  | tata_kelola_egov |  | aplikasi tanpa aturan main
INF03 | 10 | tata_kelola_egov |  |
INF03 | 10 | pengembangan_aplikasi | Setiap SKPD yang mau bangun aplikasi baru ... jangan bikin baru. |
INF03 | 12 | tata_kelola_egov |  |
INF03 | 14 | pengembangan_aplikasi |  |
INF03 | 16 | pengembangan_aplikasi |  |
INF03 | 18 | ekosistem_egov |  |
INF03 | 20 | ekosistem_egov |  |
INF03 | 22 | kerja_sama |  |
INF03 | 22 | teknologi | Website resmi Pemkot itu servernya ... kameranya dari mereka. |
INF03 | 24 | citra_kepribadian |  | modern, bersih
INF03 | 24 | teknologi |  |
INF03 | 26 | pengembangan_aplikasi |  |
INF03 | 26 | teknologi | Yang muda-muda sih pakai ... kanal itu kan banyak. |
INF03 | 26 | bamara | Kalau aduan di Bamara itu masih manual ... biar langsung masuk. |
INF03 | 28 | tata_kelola_egov |  | data aduan untuk evaluasi
INF03 | 30 | ekosistem_egov |  | magang mahasiswa = SDM
INF03 | 32 | ekosistem_egov | Anggaran, jelas. ... sering tersendat. |
INF03 | 32 | tata_kelola_egov | Terus keamanan informasi. ... tapi penting. |
INF03 | 34 | ekosistem_egov | Saya pengen Banjarmasin ... menurut saya. |
INF03 | 34 | rasa_tanggung_jawab | Dan satu lagi, saya berharap ... Itu kejadian nyata, lho. |
INF03 | 36 | citra_kepribadian | Kami terbuka kok soal kekurangan. |
INF04 | 9  | hubungan_eksternal |  |
INF04 | 9  | berita_cepat | Sekarang ada grup WhatsApp, jadwal kegiatan dikirim tiap pagi, rilis juga cepat. |
INF04 | 11 | berita_cepat |  |
INF04 | 13 | kerja_sama |  |
INF04 | 17 | imbangi_berita |  |
INF04 | 19 | hubungan_eksternal |  | duduk bareng menyelesaikan masalah
INF04 | 21 | bamara |  |
INF04 | 23 | bamara |  |
INF04 | 23 | hubungan_eksternal | Itu bakal bagus buat kepercayaan warga. |
INF04 | 25 | teknologi |  |
INF04 | 27 | citra_reputasi |  |
INF04 | 31 | teknologi |  |
INF04 | 33 | berita_cepat |  | kecepatan media online
INF04 | 35 | hubungan_eksternal |  |
INF04 | 35 | kerja_sama | Kadang juga ada pelatihan jurnalistik yang dikerjasamakan dengan PWI ... wartawan muda. |
INF04 | 37 | citra_kepribadian |  |
INF05 | 8  | berita_cepat |  |
INF05 | 8  | teknologi | Kadang malah mereka share link live streaming ... tanpa harus datang. |
INF05 | 12 | imbangi_berita |  |
INF05 | 12 | berita_cepat | Kalau berita seremonial, humas cepat banget. |
INF05 | 14 | imbangi_berita | Terus ada juga yang bikin aku kurang nyaman. ... gak organik. | akun pembela di kolom komentar
INF05 | 16 | imbangi_berita |  |
INF05 | 18 | kerja_sama |  |
INF05 | 18 | hubungan_eksternal |  |
INF05 | 20 | bamara |  |
INF05 | 22 | teknologi |  |
INF05 | 22 | pengembangan_aplikasi | Cuma, aplikasinya banyak yang gak jalan. ... gak masuk-masuk. |
INF05 | 24 | citra_nilai |  |
INF05 | 26 | citra_reputasi |  |
INF05 | 26 | citra_identitas | logonya di mana-mana, semua baliho seragam warnanya |
INF05 | 26 | citra_kepribadian | Aku sih ngerasa Pemkot makin terbuka ... Itu yang belum. |
INF05 | 28 | imbangi_berita |  | koreksi data oleh humas
INF05 | 30 | kerja_sama |  |
INF05 | 30 | imbangi_berita |  | cek fakta melawan hoaks
INF05 | 32 | hubungan_eksternal |  |
INF05 | 36 | berita_cepat |  |
INF06 | 4  | bamara |  |
INF06 | 6  | bamara |  |
INF06 | 8  | bamara |  |
INF06 | 8  | kerja_sama | Selain itu ada format siaran, kerja sama dengan RRI Banjarmasin. |
INF06 | 10 | kerja_sama |  |
INF06 | 10 | bamara |  |
INF06 | 12 | bamara |  |
INF06 | 12 | rasa_memiliki | Saya selalu bilang ke anak-anak ... buat pasang tenda. |
INF06 | 14 | rasa_tanggung_jawab |  |
INF06 | 16 | bamara |  |
INF06 | 18 | bamara |  |
INF06 | 18 | imbangi_berita | Kalau ada berita yang bilang ... data itu tadi. |
INF06 | 18 | citra_kepribadian | Tapi kami juga sadar harus lebih terbuka. |
INF06 | 20 | bamara |  |
INF06 | 22 | bamara |  |
INF06 | 22 | hubungan_eksternal |  |
INF06 | 24 | bamara |  |
INF06 | 24 | teknologi |  |
INF06 | 26 | bamara |  |
INF06 | 26 | pengembangan_aplikasi |  |
INF06 | 28 | rasa_memiliki |  | tanpa kata kunci: "merasa ini programnya juga"
INF06 | 28 | bamara |  |
INF06 | 30 | bamara |  |
INF06 | 30 | teknologi |  |
INF06 | 32 | bamara |  |
INF06 | 32 | citra_nilai |  |
INF06 | 34 | bamara |  |
"""

CODER_B = """
INF01 | 8  | kerja_sama |  |
INF01 | 8  | hubungan_eksternal | Tapi kerja sama itu bukan cuma soal kontrak ... telepon langsung. | hubungan personal
INF01 | 10 | hubungan_eksternal |  |
INF01 | 12 | bamara |  |
INF01 | 14 | bamara |  |
INF01 | 16 | berita_cepat |  |
INF01 | 16 | teknologi | Foto juga langsung dikirim ke grup WhatsApp wartawan. |
INF01 | 18 | imbangi_berita |  |
INF01 | 18 | berita_cepat | Nah hari itu juga kami siapkan rilis ... melengkapi informasinya. |
INF01 | 20 | kerja_sama |  |
INF01 | 20 | hubungan_eksternal |  |
INF01 | 20 | imbangi_berita | Pernah, ada satu dua. |
INF01 | 22 | teknologi |  |
INF01 | 24 | teknologi |  | sosialisasi aplikasi
INF01 | 26 | rasa_memiliki |  |
INF01 | 28 | rasa_tanggung_jawab |  |
INF01 | 30 | rasa_tanggung_jawab |  |
INF01 | 32 | berita_cepat |  |
INF01 | 32 | kerja_sama | Terus ada juga yang kami kerjasamakan ... kepentingan bersama. |
INF01 | 32 | imbangi_berita | Di awal pandemi informasi simpang siur ... rilis perkembangan kasus. | pusat informasi melawan hoaks
INF01 | 34 | hubungan_eksternal |  | memahami warga yang marah
INF01 | 38 | citra_reputasi | Beberapa tahun terakhir ada penghargaan ... pengakuan dari luar. |
INF01 | 40 | citra_identitas |  |
INF01 | 42 | hubungan_eksternal |  |
INF02 | 6  | teknologi |  |
INF02 | 8  | berita_cepat | Target kami, acara selesai, paling lama satu jam sudah naik di Instagram. |
INF02 | 8  | teknologi |  |
INF02 | 10 | berita_cepat |  |
INF02 | 12 | citra_nilai | Yang bikin saya senang itu ... mau dengar. |
INF02 | 14 | imbangi_berita |  |
INF02 | 16 | imbangi_berita |  |
INF02 | 18 | citra_identitas |  |
INF02 | 20 | citra_identitas |  | akun resmi vs poster palsu
INF02 | 22 | rasa_memiliki |  |
INF02 | 22 | rasa_tanggung_jawab | Malam-malam kalau ada kejadian, ya harus standby. | selalu siaga
INF02 | 24 | rasa_tanggung_jawab |  |
INF02 | 26 | bamara |  |
INF02 | 28 | citra_reputasi |  | citra "seremonial"
INF02 | 30 | kerja_sama |  |
INF02 | 30 | teknologi | Terus rapat-rapat juga pindah ke Zoom. ... wartawan dari mana aja bisa ikut. |
INF02 | 36 | berita_cepat |  |
INF02 | 36 | rasa_tanggung_jawab | Sejak itu saya bilang ke teman-teman, gak apa-apa telat sepuluh menit asal benar. |
INF02 | 38 | kerja_sama |  |
INF02 | 38 | teknologi |  |
INF02 | 40 | citra_nilai |  |
INF02 | 40 | citra_kepribadian | Kalau kita tanggap, orang juga lebih percaya. |
INF03 | 6  | tata_kelola_egov |  |
INF03 | 6  | ekosistem_egov |  |
INF03 | 8  | pengembangan_aplikasi |  |
INF03 | 10 | tata_kelola_egov |  |
INF03 | 12 | tata_kelola_egov |  |
INF03 | 14 | pengembangan_aplikasi |  |
INF03 | 16 | pengembangan_aplikasi |  |
INF03 | 18 | ekosistem_egov |  |
INF03 | 20 | ekosistem_egov |  |
INF03 | 22 | kerja_sama |  |
INF03 | 22 | teknologi |  |
INF03 | 24 | citra_reputasi |  | nama Pemkot
INF03 | 24 | teknologi |  |
INF03 | 26 | pengembangan_aplikasi |  |
INF03 | 26 | bamara | Kalau aduan di Bamara itu masih manual, dicatat di kertas sama teman-teman bidang IKP. |
INF03 | 30 | ekosistem_egov |  |
INF03 | 30 | kerja_sama | Kami kerjasama dengan beberapa kampus di Banjarmasin, mahasiswa informatika magang di sini. |
INF03 | 32 | ekosistem_egov |  |
INF03 | 32 | tata_kelola_egov | Terus keamanan informasi. ... tapi penting. |
INF03 | 32 | kerja_sama | Dari situ kami lebih serius, kerja sama dengan BSSN untuk penilaian keamanan | kerja sama dengan BSSN
INF03 | 34 | ekosistem_egov |  |
INF03 | 34 | rasa_tanggung_jawab | Dan satu lagi, saya berharap ... yang mereka pegang. |
INF03 | 36 | citra_kepribadian |  |
INF04 | 9  | hubungan_eksternal |  |
INF04 | 9  | citra_kepribadian | Humas yang sekarang itu terbuka, gampang dihubungi, kalau ditelepon diangkat. |
INF04 | 11 | berita_cepat |  |
INF04 | 13 | kerja_sama |  |
INF04 | 17 | imbangi_berita |  |
INF04 | 17 | hubungan_eksternal | Itu yang bikin hubungan sempat renggang. ... saling jelaskan. |
INF04 | 19 | bamara |  | badapatan
INF04 | 21 | bamara |  |
INF04 | 23 | bamara |  |
INF04 | 25 | teknologi |  |
INF04 | 25 | pengembangan_aplikasi | Terus soal aplikasi-aplikasi itu ... buang anggaran. |
INF04 | 27 | citra_reputasi |  |
INF04 | 31 | teknologi |  |
INF04 | 35 | hubungan_eksternal |  | coffee morning
INF04 | 35 | kerja_sama |  |
INF04 | 37 | citra_kepribadian |  |
INF05 | 8  | berita_cepat |  |
INF05 | 8  | teknologi |  |
INF05 | 12 | imbangi_berita |  |
INF05 | 12 | citra_nilai | Tapi kalau aku minta konfirmasi soal isu yang sensitif, responnya bisa lama. |
INF05 | 14 | imbangi_berita |  |
INF05 | 16 | imbangi_berita |  |
INF05 | 18 | kerja_sama |  |
INF05 | 18 | hubungan_eksternal | Di luar kontrak, hubungan personal ... jarak profesional lah. |
INF05 | 20 | bamara |  |
INF05 | 22 | teknologi |  |
INF05 | 22 | citra_nilai | Akhirnya ngadu lewat DM Instagram, malah dibales. |
INF05 | 24 | citra_nilai |  |
INF05 | 26 | citra_reputasi |  |
INF05 | 26 | citra_identitas | Dari luar, Banjarmasin kelihatan bagus ... semua baliho seragam warnanya. |
INF05 | 26 | citra_kepribadian | Tapi terbuka itu harusnya ... Itu yang belum. |
INF05 | 28 | hubungan_eksternal |  | humas mengoreksi dengan sopan
INF05 | 30 | kerja_sama |  |
INF05 | 32 | hubungan_eksternal |  |
INF05 | 36 | berita_cepat |  |
INF05 | 36 | imbangi_berita | Satu, jawab konfirmasi lebih cepat ... daripada diam. |
INF06 | 4  | bamara |  |
INF06 | 6  | bamara |  |
INF06 | 8  | bamara |  |
INF06 | 8  | kerja_sama | Selain itu ada format siaran ... disiarkan langsung di radio. |
INF06 | 8  | teknologi | Belakangan juga disiarkan di Facebook Pemkot. |
INF06 | 10 | kerja_sama |  |
INF06 | 12 | bamara |  |
INF06 | 12 | rasa_memiliki |  |
INF06 | 14 | rasa_tanggung_jawab |  |
INF06 | 14 | rasa_memiliki | Tapi itu yang saya suka dari tim ini. |
INF06 | 16 | citra_nilai |  | aspirasi dicatat dan diteruskan
INF06 | 18 | bamara |  |
INF06 | 18 | imbangi_berita |  |
INF06 | 18 | citra_kepribadian | Tapi kami juga sadar harus lebih terbuka. ... data itu tadi. |
INF06 | 20 | bamara |  |
INF06 | 20 | imbangi_berita |  | menjawab kritik peserta disiapkan
INF06 | 22 | bamara |  |
INF06 | 22 | hubungan_eksternal |  |
INF06 | 24 | bamara |  |
INF06 | 24 | teknologi |  |
INF06 | 26 | bamara |  |
INF06 | 26 | teknologi |  |
INF06 | 28 | rasa_memiliki |  |
INF06 | 30 | bamara |  |
INF06 | 30 | teknologi |  |
INF06 | 32 | bamara |  |
INF06 | 32 | citra_nilai |  |
INF06 | 34 | bamara |  |
"""


def _span(text: str, quote: str) -> tuple[int, int]:
    """Offsets of ``quote`` (or ``first ... last``) inside ``text``; the quote must be unique."""
    if " ... " in quote:
        first, last = quote.split(" ... ")
        a, _ = _span(text, first)
        b = text.index(last, a)
        return a, b + len(last)
    if text.count(quote) != 1:
        raise ValueError(f"quote {quote!r} found {text.count(quote)} times")
    a = text.index(quote)
    return a, a + len(quote)


def codings(table: str, coder: str, corpus) -> pd.DataFrame:
    segs = corpus.segments.set_index(["doc_id", "segment_id"])
    rows = []
    for line in table.strip().splitlines():
        doc, seg, code, quote, note = (f.strip() for f in line.split("|"))
        seg_row = segs.loc[(doc, int(seg))]
        if seg_row["role"] != "informant":
            raise ValueError(f"{doc}/{seg} is not an informant turn")
        start, end = int(seg_row["start"]), int(seg_row["end"])
        if quote:
            a, b = _span(seg_row["text"], quote)
            start, end = start + a, start + b
        rows.append({"doc_id": doc, "segment_id": int(seg), "start": start, "end": end,
                     "code": code, "coder": coder, "note": note})
    return pd.DataFrame(rows)


def main() -> int:
    full = ce.read_transcripts(ROOT / "interview_transcripts")
    corpus = full.subset([d for d in full.doc_ids if d <= "INF06"])
    for coder, table in (("A", CODER_A), ("B", CODER_B)):
        frame = codings(table, coder, corpus)
        path = ROOT / "data" / "raw" / f"codings_{coder}.csv"
        # keep the rows of the other documents (INF07-INF11 were coded separately)
        others = pd.read_csv(path, dtype=str, keep_default_na=False)
        others = others[~others["doc_id"].isin(corpus.doc_ids)]
        merged = pd.concat([frame.astype(str).replace({"None": "", "nan": ""}), others])
        merged = merged.astype({"start": "int64", "end": "int64"}).reset_index(drop=True)
        # the coded characters, so an edited transcript is caught (ce.reanchor)
        merged = ce.record_text(merged.drop(columns="text", errors="ignore"), corpus=full)
        write_csv(merged[[*ce.CODING_COLUMNS, "text", "note"]], path, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
