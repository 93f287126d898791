"""Checking a message whose advice depends on its reader (:func:`citra_eval.errors.advised`)."""

from __future__ import annotations

from citra_eval.errors import for_cli


def assert_advises(err, call: str, command: str) -> None:
    """``err`` (an InputError) advises ``call`` to a Python user and ``command`` on the
    command line, each reading only their own."""
    python, cli = str(err), for_cli(err)
    assert call in python and "citra-eval" not in python, python
    assert command in cli and "ce." not in cli and "Python" not in cli, cli
