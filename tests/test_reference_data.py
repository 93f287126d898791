"""The vendored reference data are the files their provenance names (byte for byte)."""

from __future__ import annotations

import hashlib
import re

from conftest import VENDORED


def test_vendored_files_match_their_provenance():
    text = (VENDORED / "PROVENANCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", text, flags=re.M)
    listed = {name for name, _ in rows}
    on_disk = {p.relative_to(VENDORED).as_posix() for p in VENDORED.rglob("*")
               if p.is_file() and p.name != "PROVENANCE.md"}
    assert listed == on_disk, "every vendored file has a provenance row, and vice versa"
    for name, digest in rows:
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest, name
