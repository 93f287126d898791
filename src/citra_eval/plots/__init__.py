"""Figure helpers (seaborn/matplotlib). Each takes ``ax=`` and returns the Axes."""

from __future__ import annotations

from .qual import plot_code_frequencies, plot_cooccurrence, plot_saturation

__all__ = ["plot_code_frequencies", "plot_cooccurrence", "plot_saturation"]
