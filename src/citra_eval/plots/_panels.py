"""What the figure families share: saying in an empty panel why it is empty."""

from __future__ import annotations

__all__ = ["say_empty"]


def say_empty(ax, message: str) -> None:
    """Write ``message`` (why the panel is empty) in the middle of ``ax``, in grey italics."""
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            color="#555555", style="italic")
