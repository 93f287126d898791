"""Figures of citra_eval: every helper takes ``ax=`` (a new figure when None) and returns the
Axes; none calls ``plt.show()``. Save them with :func:`citra_eval.report.save_figure`."""

from __future__ import annotations

from .joint import plot_joint_display
from .survey import plot_coefficients, plot_likert

__all__ = ["plot_coefficients", "plot_joint_display", "plot_likert"]
