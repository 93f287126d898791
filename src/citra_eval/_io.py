"""Atomic file output: nothing is ever half-written.

Writers create a temporary file next to the target and rename it into place only when
everything succeeded, so a failure leaves the previous file (or no file) behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = "\n") -> Iterator[IO]:
    """Open a temporary file that replaces ``path`` on successful exit of the block."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    text_args = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    try:
        with os.fdopen(fd, mode, **text_args) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str) -> None:
    """Atomically write UTF-8 ``text`` (LF line ends) to ``path``."""
    with atomic_write(path) as fh:
        fh.write(text)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Atomically write ``data`` to ``path``."""
    with atomic_write(path, "wb", encoding=None, newline=None) as fh:
        fh.write(data)


def write_csv(frame, path: str | os.PathLike, **kwargs) -> None:
    """Atomically write a DataFrame as UTF-8 CSV with LF line ends and no index."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_write(path, newline="") as fh:
        frame.to_csv(fh, **kwargs)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Build a directory in a temporary sibling and move it over ``path`` on success.

    Files already in ``path`` that the block does not rewrite are kept.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        target.mkdir(exist_ok=True)
        for item in sorted(tmp.rglob("*")):
            if item.is_file():
                dest = target / item.relative_to(tmp)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
