"""The one bilingual label table: complete, consistent, and the only one in the package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from citra_eval import _labels
from citra_eval._labels import LABELS, label, label_fields
from citra_eval._validation import LANGS

SRC = Path(_labels.__file__).resolve().parent


def test_every_entry_has_every_language_with_the_same_fields():
    for key, entry in LABELS.items():
        assert set(entry) == set(LANGS), key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key
        fields = label_fields(key)
        assert len({frozenset(f) for f in fields.values()}) == 1, (key, fields)


def test_label_fills_fields_and_checks_its_arguments():
    assert label("qual.saturation", "en", n=4) == "Saturation point (n = 4)"
    assert label("qual.saturation", "id", n=4) == "Titik jenuh (n = 4)"
    assert label("joint.salience", "id", s=0.5) == "ambang menonjol (50%)"
    with pytest.raises(ValueError, match="lang must be one of"):
        label("qual.code", "fr")
    with pytest.raises(KeyError, match=r"no label 'qual\.nope'"):
        label("qual.nope", "id")


def _bilingual_literals(tree: ast.AST) -> list[int]:
    """Lines of dict literals keyed by two or more label languages with text values."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if len(keys & set(LANGS)) >= 2:
                out.append(node.lineno)
    return out


def test_no_other_module_holds_a_bilingual_table():
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "_labels.py":
            continue
        lines = _bilingual_literals(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[str(path.relative_to(SRC))] = lines
    assert found == {}, f"bilingual tables outside _labels.py: {found}"


def test_the_scan_finds_a_table():
    """The guard above is not vacuous."""
    tree = ast.parse('T = {"id": {"a": "Kode"}, "en": {"a": "Code"}}')
    assert _bilingual_literals(tree) == [1]


def test_every_plot_function_takes_lang():
    import inspect

    from citra_eval import plots

    for name in plots.__all__:
        if name.startswith("plot_"):
            param = inspect.signature(getattr(plots, name)).parameters.get("lang")
            assert param is not None and param.kind is param.KEYWORD_ONLY, name

