"""The ``citra-eval`` command line: a thin layer over the library, one module per command.

Exit codes: 0 success; 2 the input is wrong (``error: <file>[:<line>]: ...`` lines on
stderr, nothing written); 1 a bug in citra_eval (traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Sequence

from .._version import __version__
from ..errors import InputError, for_cli
from . import (
    agree,
    code,
    init,
    pseudonymise,
    qdpx,
    reanchor,
    reproduce,
    sheet,
    survey,
    validate,
)

#: Command modules, in the order ``citra-eval --help`` lists them.
COMMANDS = (init, validate, code, sheet, agree, survey, qdpx, pseudonymise, reanchor,
            reproduce)


def build_parser() -> argparse.ArgumentParser:

    parser = argparse.ArgumentParser(
        prog="citra-eval",
        description="Mixed-methods evaluation of PR image building: code transcripts, measure "
                    "inter-coder reliability, analyse the survey, reproduce every figure.")
    parser.add_argument("--version", action="version", version=f"citra-eval {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.add_parsers(sub)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is, so that it unwinds as on Ctrl-C: the atomic
    writers remove their temporary files and nothing half-written is left."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


def _warning_line(show):
    """``warnings.showwarning`` that prints a :class:`~citra_eval.TranscriptWarning` as a
    ``warning: <file>: ...`` line (what a .docx's reading left out, a lock file skipped),
    and any other ``UserWarning`` (the library's: a role no turn has, ...) as a
    ``warning: ...`` line too, without Python's source file and line; any other warning
    as ``show`` does."""
    def showwarning(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, UserWarning):
            print(f"warning: {message}", file=sys.stderr if file is None else file)
        else:
            show(message, category, filename, lineno, file, line)
    return showwarning


@contextlib.contextmanager
def _agg_backend():
    """Matplotlib's file-only backend Agg for the command, whatever ``MPLBACKEND`` says: the
    commands only draw into files, and matplotlib refuses to import with a backend it does
    not know (a typo, a name of another version). The notebooks' kernels get Agg too."""
    previous = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = previous


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (130 on Ctrl-C, 143 on SIGTERM)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # signal handlers can only be set in the main thread (main() may run in another)
    handled = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if handled else None
    try:
        with warnings.catch_warnings(), _agg_backend():
            warnings.showwarning = _warning_line(warnings.showwarning)
            return int(args.func(args) or 0)
    except InputError as exc:
        print(for_cli(exc), file=sys.stderr)
        return 2
    except MemoryError:
        print(f"error: citra-eval {args.command}: ran out of memory; the input is too large "
              "for this machine (split it, or use one with more memory)", file=sys.stderr)
        return 2
    except _Terminated:
        print("terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if handled:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
