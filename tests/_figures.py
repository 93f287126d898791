"""What a figure says: every text drawn in it, and the words that belong to one language only."""

from __future__ import annotations

import re

import matplotlib.text

from citra_eval._labels import LABELS

_WORD = re.compile(r"[^\W\d_]{3,}")


def words(text: str) -> set[str]:
    """Lower-case words of three or more letters."""
    return {w.lower() for w in _WORD.findall(text)}


def figure_texts(fig) -> list[str]:
    """Every non-empty text of ``fig`` (titles, axis labels, ticks, legends, annotations,
    colour-bar labels), after drawing it so that automatic tick labels exist."""
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def _vocabulary(lang: str) -> set[str]:
    return set().union(*(words(entry[lang]) for entry in LABELS.values()))


#: Words of citra_eval's own English labels that no Indonesian label uses, and vice versa.
ONLY = {"en": _vocabulary("en") - _vocabulary("id"), "id": _vocabulary("id") - _vocabulary("en")}


def foreign_words(fig, lang: str, extra: set[str] = frozenset()) -> set[str]:
    """Words in ``fig`` that belong only to the other language (of the label table, plus
    ``extra``)."""
    other = ONLY["en" if lang == "id" else "id"] | set(extra)
    return set().union(*(words(t) for t in figure_texts(fig))) & other
