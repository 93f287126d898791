"""Helpers shared by the commands: collecting problems, checking output paths, progress."""


from __future__ import annotations

import sys

from ..errors import InputError


class Problems(list):
    """Problems collected across several readers, so one run reports all of them."""
    def attempt(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)``, or None after recording its :class:`InputError`."""
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            self.extend(exc.problems)
            return None

    def raise_any(self) -> None:
        if self:
            raise InputError(problems=list(self))


def check_out(path: str, *, folder: bool, flag: str = "--out",
               example: str = "study.qdpx") -> None:
    """Refuse an --out that cannot be written before anything is read or written.

    Catches an output of the wrong kind (a file where a folder is wanted and the other way
    round), a path running through an existing file, and a folder without write permission.
    """
    import os
    from pathlib import Path

    p = Path(path)
    if folder and p.exists() and not p.is_dir():
        raise InputError(f"{flag} must be a folder, but this is a file; choose another name",
                         path=path)
    if not folder and p.is_dir():
        raise InputError(f"{flag} must be a file name, but this is a folder; add a file name "
                         f"like {example}", path=path)
    parent = p.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"this is a file, so {path} cannot be created inside it; choose "
                         "another output path", path=str(parent) if p.is_absolute() else
                         os.path.relpath(parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"no permission to write {path} into this folder; choose another "
                         "output path", path=str(parent))


def progress(verbose: bool):
    if not (verbose or sys.stderr.isatty()):
        return None

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    return say


def print_differences(diffs, what: str) -> int:
    if diffs:
        for d in diffs:
            print(f"{d}", file=sys.stderr)
        print(f"{len(diffs)} file(s) differ from {what}", file=sys.stderr)
        return 1
    return 0
