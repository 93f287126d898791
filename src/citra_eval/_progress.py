"""Progress bars for long work: tqdm on a terminal, nothing otherwise."""

from __future__ import annotations

import sys

__all__ = ["progress_bar"]


def progress_bar(total: int, progress: bool | None, *, desc: str, unit: str = "char",
                 threshold: int = 2_000_000):
    """A tqdm bar on stderr, or None.

    ``progress=None`` shows a bar only when stderr is a terminal and ``total`` reaches
    ``threshold`` (small jobs stay quiet); True always, False never.
    """
    if progress is None:
        progress = sys.stderr.isatty() and total >= threshold
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit=unit, unit_scale=True, desc=desc, file=sys.stderr)
