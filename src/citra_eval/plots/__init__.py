"""Figures of citra_eval: every helper takes ``ax=`` (a new figure when None) and returns the
Axes; none calls ``plt.show()``. Every text in a figure (titles, axes, legends, annotations)
follows its ``lang`` argument (``"id"`` or ``"en"``). Save them with
:func:`citra_eval.save_figure`."""

from __future__ import annotations

from .agreement import plot_agreement
from .coders import plot_coder_quality
from .joint import plot_joint_display
from .qual import plot_code_frequencies, plot_cooccurrence, plot_saturation
from .survey import plot_coefficients, plot_likert, term_labels
from .vocabulary import plot_keyness

__all__ = ["plot_agreement", "plot_code_frequencies", "plot_coder_quality",
           "plot_coefficients", "plot_cooccurrence", "plot_joint_display", "plot_keyness",
           "plot_likert", "plot_saturation", "term_labels"]
