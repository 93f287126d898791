"""Figure helpers: each takes ``ax=`` (a new figure when None) and returns the Axes."""

from __future__ import annotations

from .survey import plot_coefficients, plot_likert

__all__ = ["plot_coefficients", "plot_likert"]
