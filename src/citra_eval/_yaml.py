"""Safe YAML loading that remembers line numbers, so errors can point at them.

Built on ``yaml.SafeLoader``'s constructors (no arbitrary objects), with YAML 1.1's surprising
numbers left as text (``0012``, ``0x1F``, ``12:30``: see :class:`_Resolver`). Mappings come
back as :class:`LineDict`, a ``dict`` that also knows the line of the mapping and of each key.
Duplicate keys, which PyYAML silently overwrites, are reported.

Aliases (``*a``) share one node, so a 1 KB file can describe billions of values ("billion
laughs"); every reader flattens or prints values, which would expand them. Each document's
size *with aliases expanded* (nodes plus characters of scalars) is therefore bounded by
:data:`MAX_EXPANDED` before anything is constructed, and recursive aliases are refused.
PyYAML composes and constructs recursively, so nesting is bounded by :data:`MAX_DEPTH`
while composing (before the interpreter's recursion limit is near), and the text itself by
:data:`MAX_YAML_CHARS` (pure-Python parsing takes seconds per megabyte). A short text that can
hold neither aliases nor deep nesting (a transcript's front matter) is parsed by libyaml,
many times faster; when libyaml finds it invalid, the pure-Python parser reads it again for
its messages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

import yaml

from ._files import read_text_file
from .errors import InputError, closest, quoted

#: Largest size of a YAML document with its aliases expanded: nodes plus characters of the
#: scalars, counted once per place they appear (a file without aliases is far below it
#: unless it is tens of megabytes long; the bound is then the file's own size).
MAX_EXPANDED = 10_000_000

#: Deepest nesting of mappings and sequences in a YAML document (real files nest a few
#: levels; PyYAML recurses per level and would hit Python's recursion limit near 300).
MAX_DEPTH = 100

#: Longest YAML text, in characters (a study.yaml, codebook, instrument, key or a
#: transcript's front matter is kilobytes; one megabyte takes PyYAML seconds to parse).
MAX_YAML_CHARS = 1 << 20


def expanded_size(root: yaml.Node, *, limit: int) -> int | None:
    """Size of the node tree ``root`` with aliases expanded (each node counts 1 plus the
    characters of its scalar), stopping early once above ``limit``; None when an alias
    refers to a node that contains it (a recursive structure).

    Shared nodes are sized once (memoised), so this is linear in the number of distinct
    nodes however often they are referred to.
    """
    size: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            if isinstance(node, yaml.ScalarNode):
                total = 1 + len(node.value)
            else:
                children = (node.value if isinstance(node, yaml.SequenceNode)
                            else [n for pair in node.value for n in pair])
                total = 1 + sum(size[id(c)] for c in children)
            size[key] = min(total, limit + 1)
            continue
        if key in size:
            continue
        if key in active:
            return None
        active.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        for child in children:
            if id(child) in active:
                return None
            if id(child) not in size:
                stack.append((child, False))
    return size[id(root)]


class LineDict(dict):
    """A dict from YAML that remembers where it and its keys were (1-based lines), and how
    its plain values that were read as something other than text were written."""
    line: int = 0
    key_lines: dict
    written: dict = {}  # noqa: RUF012 - read-only default, replaced per instance

    def line_of(self, key: Any) -> int:
        """Line of ``key`` if known, else the mapping's own line."""
        return self.key_lines.get(key, self.line)

    def text_of(self, key: Any) -> str:
        """The value of ``key`` as text, exactly as the file writes it when it was a plain
        scalar read as a number (``1.10`` stays ``1.10``, not ``1.1``), else ``str(value)``.
        For values that are identifiers."""
        return self.written.get(key, str(self[key]))


def as_linedict(d: dict, line: int | None = None) -> LineDict:
    """``d`` as a :class:`LineDict` (itself when it is one), placed at ``line``."""
    if isinstance(d, LineDict):
        return d
    out = LineDict(d)
    out.line, out.key_lines = line or 0, {}
    return out


def unknown_keys(d: LineDict, allowed: Iterable[str], where: str) -> list[tuple[str, int]]:
    """``(message, line)`` for every key of ``d`` not in ``allowed``, with a "did you mean"
    hint for a likely typo, else the list of allowed keys."""

    allowed = set(allowed)
    out = []
    for key in d:
        if key not in allowed:
            hint = closest(str(key), allowed)
            out.append((f"unknown key {quoted(key)} in {where}"
                        + (f"; did you mean {hint!r}?" if hint else
                           f"; allowed keys: {', '.join(sorted(allowed))}"), d.line_of(key)))
    return out


class LineList(list):
    """A list from YAML that remembers the line of each item, whether it was written as a
    flow list (``[a, b]``) and which items were plain (unquoted) values."""
    line: int = 0
    item_lines: list
    flow: bool = False
    plain: list


_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1's resolver without its surprising numbers: ``0012`` (octal 10), ``0x1F``,
    ``1_000`` and ``12:30`` (base 60, 750) stay text, as YAML 1.2 reads most of them.
    Ids such as ``0010`` would otherwise silently become other ids (``8``)."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in pairs if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, pairs in yaml.resolver.Resolver.yaml_implicit_resolvers.items()}
_Resolver.add_implicit_resolver(_INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
                                list("-+0123456789"))
_Resolver.add_implicit_resolver(_FLOAT_TAG, re.compile(
    r"""^(?:[-+]?(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+
        |[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""", re.X), list("-+0123456789."))


class _Constructor(yaml.constructor.SafeConstructor):
    """``SafeConstructor`` building :class:`LineDict` and :class:`LineList` (lines shifted by
    the loader's ``line_offset``), refusing duplicate and unhashable keys, and turning a
    constructor's plain ``ValueError`` (``2021-13-45``, ``!!int x``) into a YAML error with
    the line. Shared by the pure-Python and the libyaml loader."""

    path: str | None = None
    line_offset = 0

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except InputError:  # our own, already with its line (duplicate keys)
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            shown = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value {shown!r} ({exc})",
                node.start_mark) from None

    def construct_line_map(self, node: yaml.MappingNode) -> LineDict:
        self.flatten_mapping(node)
        out = LineDict()
        out.line = node.start_mark.line + 1 + self.line_offset
        out.key_lines = {}
        written = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            kline = key_node.start_mark.line + 1 + self.line_offset
            try:
                hash(key)
            except TypeError:
                raise InputError("a mapping key must be a plain value", path=self.path,
                                 line=kline) from None
            if key in out:
                raise InputError(
                    f"duplicate key {key!r} (first on line {out.key_lines[key]}); "
                    "keep only one", path=self.path, line=kline)
            value = out[key] = self.construct_object(value_node, deep=True)
            out.key_lines[key] = kline
            if (not isinstance(value, str) and isinstance(value_node, yaml.ScalarNode)
                    and not value_node.style):  # plain: None, or "" from libyaml
                written[key] = value_node.value
        if written:
            out.written = written
        return out

    def construct_line_seq(self, node: yaml.SequenceNode) -> LineList:
        out = LineList(self.construct_object(n, deep=True) for n in node.value)
        out.line = node.start_mark.line + 1 + self.line_offset
        out.item_lines = [n.start_mark.line + 1 + self.line_offset for n in node.value]
        out.flow = bool(node.flow_style)
        out.plain = [isinstance(n, yaml.ScalarNode) and not n.style for n in node.value]
        return out


_Constructor.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                             _Constructor.construct_line_map)
_Constructor.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                             _Constructor.construct_line_seq)


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
              yaml.composer.Composer, _Constructor, _Resolver):
    """The pure-Python loader: bounds nesting while composing and the size of a document
    with its aliases expanded (see the module's docstring)."""

    def __init__(self, stream, path: str | None, line_offset: int) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)
        self.path, self.line_offset = path, line_offset
        self.anchors_used, self.depth = False, 0

    def compose_document(self):
        node = super().compose_document()
        if node is not None and self.anchors_used:
            size = expanded_size(node, limit=MAX_EXPANDED)
            line = node.start_mark.line + 1 + self.line_offset
            if size is None:
                raise InputError("YAML aliases (*name) refer to a value that contains "
                                 "them (a recursive structure); write the values out",
                                 path=self.path, line=line)
            if size > MAX_EXPANDED:
                raise InputError(f"YAML aliases (*name) expand this document to more "
                                 f"than {MAX_EXPANDED:,} nodes and characters (an alias "
                                 "bomb?); write the values out instead of repeating "
                                 "aliases", path=self.path, line=line)
        return node

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.anchors_used = True
        elif self.check_event(yaml.CollectionStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1 + self.line_offset
                raise InputError(f"nested too deeply (more than {MAX_DEPTH} levels); "
                                 "flatten the structure", path=self.path, line=line)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)


try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

if _CParser is not None:
    class _CLoader(_CParser, _Constructor, _Resolver):
        """The libyaml loader, many times faster, used only for texts :func:`_fast_ok`
        admits (it composes without our nesting and alias checks)."""

        def __init__(self, stream, path: str | None, line_offset: int) -> None:
            _CParser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)
            self.path, self.line_offset = path, line_offset
else:  # pragma: no cover - PyYAML built without libyaml
    _CLoader = None

# characters that can open a nested collection within a line
_NESTING_CHARS = "[{-?:"


def _fast_ok(text: str) -> bool:
    """Whether libyaml may parse ``text`` unchecked: no alias can occur (no ``*``) and the
    nesting cannot exceed :data:`MAX_DEPTH` (each level needs a line or one of ``[{-?:``;
    a transcript's front matter is a few lines)."""
    if _CLoader is None or "*" in text:
        return False
    bound = text.count("\n") + 1
    for ch in _NESTING_CHARS:
        bound += text.count(ch)
        if bound > MAX_DEPTH:
            return False
    return True


def _load(loader_class, text: str, path: str | None, line_offset: int) -> Any:
    loader = loader_class(text, path, line_offset)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _unknown_tag(exc: yaml.MarkedYAMLError) -> str | None:
    """The tag (``!!python/object/apply:os.system``) a safe loader found no constructor
    for, as the file writes it; None for any other error."""
    m = re.match(r"could not determine a constructor for the tag '([^']*)'", exc.problem or "")
    if not isinstance(exc, yaml.constructor.ConstructorError) or m is None:
        return None
    tag = m.group(1)
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def load_yaml(text: str, *, path: str | os.PathLike | None = None, line_offset: int = 0) -> Any:
    """Parse YAML ``text`` safely; errors become :class:`InputError` with the line.

    ``line_offset`` is added to every line number (for YAML embedded in a larger file).
    A text longer than :data:`MAX_YAML_CHARS` or nested deeper than :data:`MAX_DEPTH` is
    refused.
    """
    spath = None if path is None else os.fspath(path)
    if len(text) > MAX_YAML_CHARS:
        raise InputError(f"YAML text of {len(text):,} characters, more than "
                         f"{MAX_YAML_CHARS:,}; this file holds settings, not data: keep "
                         "long texts in their own files", path=spath,
                         line=line_offset + 1 if line_offset else None)
    if _fast_ok(text):
        try:
            return _load(_CLoader, text, spath, line_offset)
        except yaml.YAMLError:
            pass  # parsed again below, for the pure-Python parser's messages
    try:
        return _load(_Loader, text, spath, line_offset)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1 + line_offset
        what = exc.problem or str(exc)
        tag = _unknown_tag(exc)
        if tag is not None:
            raise InputError(f"the YAML tag '{tag}' is not allowed: these files hold plain "
                             "text, numbers, lists and mappings, and a tag that would make "
                             "an object is never read; remove the tag", path=spath,
                             line=line) from None
        raise InputError(f"invalid YAML: {what}; check indentation, colons and quotes",
                         path=spath, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path=spath) from None


def read_yaml_file(path: str | os.PathLike) -> Any:
    """Read a UTF-8 (optionally BOM-prefixed) YAML file with line-aware errors."""
    return load_yaml(read_text_file(path), path=path)
