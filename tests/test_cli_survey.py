"""``citra-eval survey`` (in process): options that reach the library, error lines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from citra_eval.cli import main

INSTRUMENT = """\
instrument: c
scale: {min: 1, max: 7}
id_column: rid
scales:
  X1: {items: [x1, x2, x3], reverse: [x3], role: strategy}
  Y1: {items: [y1], role: strategy}
  TOT: {of: [X1, Y1]}
"""
RESPONSES = "rid,x1,x2,x3,y1\n1,1,2,7,1\n2,3,,4,7\n3,4,4,4,3\n4,5,6,2,6\n5,2,3,6,2\n6,6,5,1,5\n"


def survey(tmp_path: Path, monkeypatch, *args: str, instrument: str = INSTRUMENT,
           responses: str = RESPONSES) -> int:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inst.yaml").write_text(instrument, encoding="utf-8")
    (tmp_path / "r.csv").write_text(responses, encoding="utf-8")
    return main(["survey", "--instrument", "inst.yaml", "--responses", "r.csv", "--out", "o",
                 *args])


def test_min_items_with_a_single_item_scale(tmp_path, monkeypatch, capsys):
    """Stats report 7: --min-items 2 with the one-item scale Y1 was a traceback; it applies
    per scale (Y1 needs its one item, X1 two of three)."""
    assert survey(tmp_path, monkeypatch, "--min-items", "2") == 0, capsys.readouterr().err
    scores = pd.read_csv(tmp_path / "o" / "scale_scores.csv")
    assert scores["Y1"].notna().all()
    assert scores.loc[1, "X1"] == pytest.approx((3 + (8 - 4)) / 2)  # x2 missing, x3 reversed
