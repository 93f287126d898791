"""``citra-eval pseudonymise`` and ``citra-eval reidentify``."""


from __future__ import annotations

import argparse
import contextlib
import json
import sys
import warnings
from collections.abc import Iterator

from .._files import atomic_dir, read_text_file, write_csv, write_text
from ..codebook import Codebook
from ..codings import read_codings, write_codings
from ..corpus import (
    Corpus,
    assemble_corpus,
    attribute_column,
    front_matter_text,
    line_ends,
    main_line_end,
    parse_transcript,
    read_transcripts,
    split_source,
    with_line_ends,
)
from ..errors import InputError
from ..pseudonymisation import (
    NAMED_ROWS,
    SHARED_CODEBOOK,
    SHARED_REPORT,
    BoundaryWarning,
    SpeakerLabelWarning,
    load_key,
    pseudonymise,
    pseudonymised_codebook,
    reidentify,
    source_with_replacements,
)
from ..qdpx import front_matter_of, transcript_source
from ..qdpx.memos import MEMO_COLUMNS, read_memos
from ._common import Problems, add_force, check_outputs, counted, study_locked

#: What was replaced, singular and plural, for the summary line.
_KINDS = {"name": ("name", "names"), "email": ("e-mail address", "e-mail addresses"),
          "phone": ("phone number", "phone numbers"), "nik": ("NIK", "NIKs"),
          "value": ("value", "values")}


def _add_pseudonymise(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pseudonymise", help="replace names, e-mails, phone and NIK numbers",
                       description="Write pseudonymised copies of the transcripts (front matter "
                                   "included), of the codings, remapped to the new texts, and "
                                   "of a QDA project's memos (--memos) into OUT. The inputs are "
                                   "never modified.")
    p.add_argument("--transcripts", metavar="DIR", required=True, help="folder of transcripts")
    p.add_argument("--key", metavar="FILE", required=True,
                   help="names to replace: CSV 'name,pseudonym' or YAML 'name: pseudonym'")
    p.add_argument("--codings", metavar="FILE", nargs="*", default=[], help="codings CSV file(s)")
    p.add_argument("--memos", metavar="FILE",
                   help="memos CSV (memos.csv of 'qdpx import'): names, e-mails, phone and NIK "
                        "numbers replaced in its name, text, author and target, document ids and "
                        "the offsets of memos about a span following the transcripts; written "
                        "to OUT/memos.csv")
    p.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML: its labels, definitions, include/exclude texts, "
                        "examples, notes and phrase patterns (which often quote the interviews) "
                        "go through the same replacement; written to OUT/codebook.yaml for "
                        "'qdpx export --codebook'. Code ids are kept")
    p.add_argument("--detect", nargs="*", default=["email", "phone", "nik"],
                   choices=["email", "phone", "nik"], metavar="KIND",
                   help="identifiers to detect: email phone nik (default: all; none: give "
                        "--detect without values)")
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write into")
    p.add_argument("--key-out", metavar="FILE",
                   help="also write the re-identification key (the report with the originals) "
                        "here, outside OUT; keep it apart from the shared data. It is written "
                        "readable by its owner only (mode 0600, whatever the umask)")
    p.add_argument("--with-originals", action="store_true",
                   help="put the originals into OUT/pseudonymisation_report.csv as well (then "
                        "written readable by its owner only, mode 0600)")
    add_force(p)
    p.set_defaults(func=_run_pseudonymise)


def _run_pseudonymise(args: argparse.Namespace) -> int:
    from pathlib import Path


    check_outputs(inputs=_inputs(args), files={"--key-out": args.key_out},
                  folders={"--out": (args.out, (*WRITTEN, CODEBOOK, REPORT))},
                  force=args.force, examples={"--key-out": "key.csv"})
    out = Path(args.out).resolve()
    if args.key_out and out in Path(args.key_out).resolve().parents:
        raise InputError("the re-identification key must be stored apart from the "
                         f"pseudonymised data, not inside {args.out}; choose another place",
                         path=args.key_out)
    with study_locked("pseudonymise", out, args.key_out):
        return _pseudonymise(args, out)


def _pseudonymise(args: argparse.Namespace, out) -> int:
    problems = Problems()
    corpus, codings, names = _corpus_and_codings(args, problems)
    memos = _read_memos(args, corpus, problems)
    codebook = problems.attempt(Codebook.load, args.codebook) if args.codebook else None
    problems.attempt(load_key, args.key)
    problems.raise_any()
    import pandas as pd

    with _widened(codings, names, memos, args.memos):  # the key by its path: errors name its lines
        result = pseudonymise(corpus, key=args.key, codings=codings, memos=memos,
                              detect=args.detect)
    # front matter, nested values included, each changed string recorded by its place
    rows: list[dict] = []
    files = {}
    reps = _text_reps(result.report, back=False)
    for doc, source in _sources(result).items():
        front = front_matter_of(corpus, source)
        if front is not None:
            front = _pseudonymise_front(front, result.apply, rows, doc)
        files[doc] = _shared_file(corpus, result, doc, source, front, rows, reps.get(doc, []))
    if rows:
        extra = pd.DataFrame(rows, columns=result.report.columns).astype(
            result.report.dtypes.to_dict())
        result.report = pd.concat([result.report, extra], ignore_index=True)
    report = (result.report if args.with_originals
              else result.public_report()[lambda r: r["field"] != FILE_FIELD])
    _write_transcripts_and_codings(
        out, result, names, files,
        inside={REPORT: report}, private={REPORT} if args.with_originals else set(),
        outside={args.key_out: result.report} if args.key_out else {},
        codebook=None if codebook is None else pseudonymised_codebook(codebook, result.apply))
    counts = result.report[result.report["field"] == "text"]["kind"].value_counts()
    what = ", ".join(f"{n} {_KINDS.get(k, (k, k))[n != 1]}" for k, n in counts.items()) \
        or "nothing"
    memo_part = ("" if memos is None else f" and {counted(len(memos), 'memo')}") + (
        "" if codebook is None else " and the codebook")
    print(f"ok: pseudonymised {counted(len(corpus), 'document')}{memo_part} ({what} replaced) "
          f"-> {args.out}")
    if not args.key_out:
        print("note: no --key-out given: detected e-mails, phones and NIKs cannot be restored")
    return 0


#: What both commands write into --out (replaced on every run), and pseudonymise's report
#: and codebook (``--codebook``).
WRITTEN = ("transcripts", "codings", "memos.csv")
REPORT = SHARED_REPORT
CODEBOOK = SHARED_CODEBOOK

#: The key's row per ``.txt``/``.md`` transcript: ``original`` is the head of the input file
#: (byte-order mark and front matter as written), ``replacement`` the head written to the
#: pseudonymised one, both as JSON strings (a CSV reader would turn their CRLF into LF).
FILE_FIELD = "file-head"


def _inputs(args: argparse.Namespace) -> dict:
    return {"--transcripts": args.transcripts, "--key": args.key, "--codings": args.codings,
            "--memos": args.memos, "--codebook": getattr(args, "codebook", None)}


def _corpus_and_codings(args: argparse.Namespace, problems: Problems):
    """Read --transcripts and --codings (tagged with their file) for (re)pseudonymising."""
    from pathlib import Path

    import pandas as pd


    corpus = problems.attempt(read_transcripts, args.transcripts)
    tables = [problems.attempt(read_codings, f, corpus=corpus, keep_lines=True)
              for f in args.codings]
    if any(t is None for t in tables) or corpus is None:
        return corpus, None, []
    names = [Path(f).name for f in args.codings]
    names = [n if names.count(n) == 1 else f"{i + 1}_{n}" for i, n in enumerate(names)]
    codings = (pd.concat([t.assign(_file=i, _source=f) for i, (t, f) in
                          enumerate(zip(tables, args.codings, strict=True))], ignore_index=True)
               if tables else None)
    return corpus, codings, names


def _read_memos(args: argparse.Namespace, corpus, problems: Problems):
    """Read --memos (None without it), each memo with its file line; checked against
    ``corpus`` when it could be read."""
    if args.memos is None:
        return None
    return problems.attempt(read_memos, args.memos, corpus=corpus, keep_lines=True)


def _sources(result) -> dict[str, str]:
    """``{document id in result: its id in the input}`` (they differ where pseudonymise
    replaced a name in the id; reidentify then restores it)."""
    rows = result.report[result.report["field"] == "doc_id"]
    new_to_old = dict(zip(rows["replacement"], rows["original"], strict=True))
    old_to_new = {o: n for n, o in new_to_old.items()}
    if set(new_to_old) & set(result.corpus.doc_ids):  # pseudonymise: result has new ids
        return {d: new_to_old.get(d, d) for d in result.corpus.doc_ids}
    return {d: old_to_new.get(d, d) for d in result.corpus.doc_ids}


@contextlib.contextmanager
def _widened(codings, names: list[str], memos, memos_path: str | None) -> Iterator[None]:
    """Print the library's :class:`BoundaryWarning` as one ``warning:`` line naming the
    first codings (or memos) by file, line, document and start, and a
    :class:`SpeakerLabelWarning` as its ``warning:`` line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BoundaryWarning)
        yield
    for w in caught:
        if isinstance(w.message, BoundaryWarning):
            memo = w.message.what == "memo"
            table = memos if memo else codings
            places = [f"{memos_path if memo else names[table['_file'].iat[i]]}:"
                      f"{table['_line'].iat[i]} ({table['doc_id'].iat[i]} at "
                      f"{table['start'].iat[i]})" for i in w.message.rows[:NAMED_ROWS]]
            print(f"warning: {w.message.describe(places)}", file=sys.stderr)
        elif isinstance(w.message, SpeakerLabelWarning):
            print(f"warning: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _file_parts(corpus, doc: str) -> tuple[str, str] | None:
    """(head, body) of ``doc``'s ``.txt``/``.md`` file exactly as written (None for other
    formats, whose file a plain-text transcript replaces)."""
    row = corpus.document(doc)
    if row.get("format") not in ("txt", "md"):
        return None
    path = row["path"]
    head, body = split_source(read_text_file(path, normalise=False), path)
    text, ends = corpus.text(doc), line_ends(body)
    if len(ends) != text.count("\n") or with_line_ends(text, ends) != body:
        return None  # the file changed since it was read: write the text as read
    return head, body


def _head_like(front: dict, head: str) -> str:
    """``front`` as a front matter written like ``head`` (its byte-order mark, line end)."""
    text = front_matter_text(front)
    end = main_line_end(line_ends(head))
    return ("\ufeff" if head.startswith("\ufeff") else "") + with_line_ends(
        text, [end] * text.count("\n"))


def _text_reps(report, *, back: bool) -> dict[str, list[tuple[int, int, str]]]:
    """``{doc: its replacements}`` in the texts: pseudonymising (``orig_*`` -> replacement)
    or, with ``back``, re-identifying (``start``/``end`` -> original); sorted."""
    rows = report[report["field"] == "text"]
    cols = ("start", "end", "original") if back else ("orig_start", "orig_end", "replacement")
    out: dict[str, list[tuple[int, int, str]]] = {}
    for doc, s, e, r in zip(rows["doc_id"], *(rows[c] for c in cols), strict=True):
        out.setdefault(doc, []).append((int(s), int(e), str(r)))
    return {doc: sorted(reps) for doc, reps in out.items()}


def _shared_file(corpus, result, doc: str, source: str, front: dict | None,
                 rows: list[dict], reps: list[tuple[int, int, str]]) -> str:
    """The pseudonymised transcript of ``doc`` (``source`` in ``corpus``): its input file with
    the replacements made and a new front matter, the byte-order mark and every line end
    kept; the input's head is recorded in ``rows`` so that reidentify can write it back."""
    parts = _file_parts(corpus, source)
    if parts is None or front is None:
        return transcript_source(result.corpus, doc, front=front and {**front, "id": doc})
    head, body = parts
    new_head = _head_like({**front, "id": doc}, head)
    rows.append(_front_row(doc, FILE_FIELD, json.dumps(head), json.dumps(new_head)))
    return new_head + source_with_replacements(corpus.text(source), line_ends(body), reps)


def _front_row(doc: str, field: str, original: str, new: str) -> dict:
    return {"doc_id": doc, "field": field, "start": None, "end": None, "orig_start": None,
            "orig_end": None, "original": original, "replacement": new, "kind": "value"}


def _pseudonymise_front(value, fn, rows: list[dict], doc: str, place: tuple = ()):
    """Apply ``fn`` to every string (keys included) of a parsed YAML value, recording each
    change as a report row ``front:<place>`` (``front-key:<place>`` for a key; the place in
    the pseudonymised front matter, keys joined by ``/``, list items by index)."""
    where = "/".join(map(str, place))
    if isinstance(value, str):
        new = fn(value)
        if new != value:
            rows.append(_front_row(doc, f"front:{where}", value, new))
        return new
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            nk = fn(k) if isinstance(k, str) else k
            if nk != k:
                rows.append(_front_row(doc, f"front-key:{'/'.join(map(str, (*place, nk)))}",
                                       k, nk))
            out[nk] = _pseudonymise_front(v, fn, rows, doc, (*place, nk))
        return out
    if isinstance(value, list):
        return [_pseudonymise_front(v, fn, rows, doc, (*place, i)) for i, v in enumerate(value)]
    return value


def _restore_front(value, originals: dict, place: tuple = ()):
    """Undo :func:`_pseudonymise_front` with ``{(field, replacement): original}``."""
    where = "/".join(map(str, place))
    if isinstance(value, str):
        return originals.get((f"front:{where}", value), value)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            ok = originals.get((f"front-key:{'/'.join(map(str, (*place, k)))}", k), k)
            out[ok] = _restore_front(v, originals, (*place, k))
        return out
    if isinstance(value, list):
        return [_restore_front(v, originals, (*place, i)) for i, v in enumerate(value)]
    return value


def _write_transcripts_and_codings(out, result, names, files, *, inside=None,
                                   private=frozenset(), outside=None, codebook=None) -> None:
    """Write ``result``'s transcripts (``files``: ``{doc: file text}``), codings and memos
    (when given) into ``out`` atomically, plus tables ``inside`` (``{file name in out:
    table}``; those named in ``private`` readable by the owner only) and ``outside``
    (``{path: table}``, e.g. the key, kept apart from the shared data; always owner-only,
    mode 0600: they hold the originals) and ``codebook`` (as ``CODEBOOK``)."""
    managed = (*WRITTEN, *(inside or {}), *((CODEBOOK,) if codebook is not None else ()))
    codings, written = result.codings, result.corpus
    if names:
        written = assemble_corpus([parse_transcript(text.encode("utf-8"), path=f"{doc}.txt")
                                   for doc, text in files.items()])  # bytes: a BOM is dropped
        codings = _numbered_as_written(codings, written)
    with atomic_dir(out, managed=managed) as tmp:
        if codebook is not None:
            codebook.save(tmp / CODEBOOK)
        for doc, text in files.items():
            write_text(tmp / "transcripts" / f"{doc}.txt", text)
        for i, name in enumerate(names):
            part = codings[codings["_file"] == i].drop(columns="_file")
            write_codings(part, tmp / "codings" / name, corpus=written)
        if result.memos is not None:
            write_csv(result.memos[MEMO_COLUMNS], tmp / "memos.csv")
        for name, table in (inside or {}).items():
            write_csv(table, tmp / name, private=name in private)
        for path, table in (outside or {}).items():
            write_csv(table, path, private=True)


def _numbered_as_written(codings, written: Corpus):
    """``codings`` with each ``segment_id`` the turn of the written ``.txt`` transcripts
    (``written``) holding the coding: a subtitle file is written as a
    ``.txt`` one, where a cue naming no speaker after a turn continues that turn, so its
    turns after it are numbered one lower than the subtitle file's (a coding no turn holds
    keeps its number)."""
    ids = [written.segment_at(d, int(s), int(e)) if d in written else None
           for d, s, e in zip(codings["doc_id"], codings["start"], codings["end"], strict=True)]
    return codings.assign(segment_id=[old if new is None else new
                                      for old, new in zip(codings["segment_id"], ids,
                                                          strict=True)]).astype(
        {"segment_id": codings["segment_id"].dtype})


def _add_reidentify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reidentify", help="undo pseudonymise with its key",
                       description="Restore the original transcripts, codings and memos from "
                                   "pseudonymised ones and the re-identification key written by "
                                   "'citra-eval pseudonymise --key-out'. Writes into OUT; the "
                                   "inputs are never modified.")
    p.add_argument("--transcripts", metavar="DIR", required=True,
                   help="folder of pseudonymised transcripts")
    p.add_argument("--key", metavar="FILE", required=True,
                   help="the re-identification key (pseudonymise --key-out)")
    p.add_argument("--codings", metavar="FILE", nargs="*", default=[],
                   help="pseudonymised codings CSV file(s)")
    p.add_argument("--memos", metavar="FILE",
                   help="pseudonymised memos CSV (OUT/memos.csv of pseudonymise, or memos.csv "
                        "of 'qdpx import' of the shared project); restored to OUT/memos.csv")
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write into")
    add_force(p)
    p.set_defaults(func=_run_reidentify)


def _run_reidentify(args: argparse.Namespace) -> int:
    check_outputs(inputs=_inputs(args), folders={"--out": (args.out, WRITTEN)}, force=args.force)
    with study_locked("reidentify", args.out):
        return _reidentify(args)


def _reidentify(args: argparse.Namespace) -> int:
    from pathlib import Path

    problems = Problems()
    corpus, codings, names = _corpus_and_codings(args, problems)
    memos = _read_memos(args, corpus, problems)
    problems.raise_any()
    with _widened(codings, names, memos, args.memos):
        result = reidentify(corpus, args.key, codings=codings, memos=memos)
    values = {(r.doc_id, r.field, r.replacement): r.original
              for r in result.report[result.report["field"] != "text"].itertuples(index=False)}

    def restore_front(doc: str, front: dict) -> dict:
        """``doc``: the pseudonymised id (the report's rows are keyed by it)."""
        front = _restore_front(front, {(f, r): o for (d, f, r), o in values.items()
                                       if d == doc and f.startswith("front")})
        out = {}
        for k, v in front.items():  # keys written before nested values were recorded
            if k == "speakers" and isinstance(v, dict):
                v = {values.get((doc, "speaker", lab), lab): role for lab, role in v.items()}
            elif isinstance(v, str):
                v = values.get((doc, f"attribute:{attribute_column(k)}", v), v)
            out[k] = v
        return out

    heads = _recorded_heads(result.report, args.key)
    reps = _text_reps(result.report, back=True)
    files = {}
    for doc, source in _sources(result).items():
        front = front_matter_of(corpus, source)
        front = None if front is None else {**restore_front(source, front), "id": doc}
        files[doc] = _restored_file(corpus, result, doc, source, front, heads.get(source),
                                    reps.get(source, []))
    _write_transcripts_and_codings(Path(args.out).resolve(), result, names, files)
    n = int((result.report["field"] == "text").sum())
    print(f"ok: restored {counted(len(corpus), 'document')} "
          f"({counted(n, 'replacement')} undone) -> {args.out}")
    return 0


def _recorded_heads(report, path: str) -> dict[str, tuple[str, str]]:
    """``{pseudonymised doc id: (input head, written head)}`` from the key's file rows."""
    rows = report[report["field"] == FILE_FIELD]
    heads = {}
    for doc, original, written in zip(rows["doc_id"], rows["original"], rows["replacement"],
                                      strict=True):
        try:
            pair = (json.loads(original), json.loads(written))
        except (TypeError, ValueError):
            pair = None
        if pair is None or not all(isinstance(h, str) for h in pair):
            raise InputError(f"the {FILE_FIELD!r} row of {doc!r} is damaged (its original and "
                             "replacement must be JSON strings); use the key pseudonymise "
                             "wrote", path=path)
        heads[doc] = pair
    return heads


def _restored_file(corpus, result, doc: str, source: str, front: dict | None,
                   head: tuple[str, str] | None, reps: list[tuple[int, int, str]]) -> str:
    """The re-identified transcript of ``doc`` (``source``: the pseudonymised one in
    ``corpus``): the names put back with every line end of the pseudonymised file kept, and
    the input's own head (``head``: the key's (original, written) heads) when the
    pseudonymised file still has the head pseudonymise wrote; else a new front matter."""
    parts = _file_parts(corpus, source)
    if parts is None or front is None:
        return transcript_source(result.corpus, doc, front=front)
    shared_head, body = parts
    text = source_with_replacements(corpus.text(source), line_ends(body), reps)
    if head is not None and head[1] == shared_head:
        return head[0] + text
    return _head_like(front, shared_head) + text


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_pseudonymise(sub)
    _add_reidentify(sub)

