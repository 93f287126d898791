"""Small inputs shared by several test modules."""

import shutil
from pathlib import Path

BASIC = """---
id: INF03
informant: Kepala Bagian Humas
group: pemerintah
date: 2021-03-02
speakers: {PWW: interviewer, INF03: informant}
---
PWW: Selamat pagi, Pak. Bisa diceritakan strategi humas?
INF03: Pagi. Jadi begini, kami membangun kerja sama
dengan media dan stakeholder.
[00:04:12] INF03: A turn may start with a timestamp; lines without a speaker label
continue the previous turn.
"""

GOOD = """codebook: mini
version: 2
language: id
slang: {gercep: gerak cepat}
no_stem: [bamara]
codes:
  - id: strategi
    label: {id: Strategi komunikasi humas, en: PR communication strategies}
    codable: false
    children:
      - id: kerja_sama
        label: {id: Membangun kerja sama, en: Building cooperation}
        definition: Kerja sama dengan media dan pemangku kepentingan.
        include: Menyebut kemitraan.
        exclude: Koordinasi internal.
        examples: ["kami bekerja sama dengan media"]
        patterns:
          - kerja sama
          - bermitra
          - {regex: "nota kesepahaman|\\\\bmou\\\\b"}
        construct: KS
      - id: bamara
        label: Kegiatan Bamara
  - id: citra
    label: {en: Image}
    codable: false
    children:
      - id: citra_nilai
        label: {id: Nilai, en: Values}
"""


def edited_example(folder: Path, edits: dict) -> Path:
    """A copy of the example study's transcripts in ``folder/transcripts`` with some turns
    edited in their files: ``edits`` maps ``(doc_id, segment_id)`` to a function of the
    turn's text returning its new text. Returns the transcripts folder."""
    import citra_eval as ce

    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    turns = corpus.segments.set_index(["doc_id", "segment_id"])["text"]
    out = folder / "transcripts"
    shutil.copytree(ce.example_path("transcripts"), out)
    for (doc_id, segment_id), edit in edits.items():
        f = out / f"{doc_id}.txt"
        source = f.read_text(encoding="utf-8")
        turn = turns.loc[(doc_id, segment_id)]
        assert source.count(turn) == 1, (doc_id, segment_id)
        f.write_text(source.replace(turn, edit(turn)), encoding="utf-8")
    return out
