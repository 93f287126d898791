"""Figure helpers: each takes ``ax=`` (a new figure when None) and returns the Axes."""

from __future__ import annotations

from .agreement import plot_agreement
from .qual import plot_code_frequencies, plot_cooccurrence, plot_saturation
from .survey import plot_coefficients, plot_likert

__all__ = ["plot_agreement", "plot_code_frequencies", "plot_coefficients", "plot_cooccurrence",
           "plot_likert", "plot_saturation"]
