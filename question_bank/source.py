"""Reading one question file into data plus the YAML node tree, so every
later error can be pointed at a line of the file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# libyaml when present: much faster, and it limits nesting depth instead of exhausting the stack
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader without implicit timestamps (a question has no dates, and
    `2024-13-01` must stay text instead of crashing the constructor), whose
    mapping keys are always the text written: band `1:` is the key "1"."""

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain name, not a list or mapping", key_node.start_mark
                )
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class SourceError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Document:
    data: Any
    node: Node
    offset: int  # lines of the file before the YAML text (Markdown front matter)
    body: str = ""  # Markdown body after the front matter
    body_line: int = 0

    def line_of(self, loc: tuple[int | str, ...]) -> int:
        """1-based line of the deepest node `loc` reaches (a key's line for mapping entries)."""
        node, line = self.node, self.node.start_mark.line
        for part in loc:
            if isinstance(node, MappingNode):
                found = next((kv for kv in node.value if _key_text(kv[0]) == str(part)), None)
                if found is None:
                    break
                line, node = found[0].start_mark.line, found[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line
            else:
                break
        return line + 1 + self.offset


def _key_text(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded)"
        raise SourceError(line, message) from None


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(yaml text, body, 1-based line of the first body line) of a Markdown question."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise SourceError(1, "a Markdown question starts with YAML front matter between '---' lines")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise SourceError(1, "the front matter is not closed by a '---' line")


def parse(text: str, *, markdown: bool = False) -> Document:
    body, body_line, offset = "", 0, 0
    if markdown:
        text, body, body_line = split_front_matter(text)
        offset = 1
    try:
        loader = _Loader(text)  # the reader rejects control characters already here
    except yaml.reader.ReaderError as exc:
        raise _unreadable(text, exc, offset) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise SourceError(1 + offset, "the front matter is empty" if markdown else "file is empty")
        _check_duplicate_keys(node, offset)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else 1 + offset
        problem = exc.problem or exc.context or "cannot be parsed"
        raise SourceError(line, f"YAML syntax error: {problem}") from None
    except yaml.reader.ReaderError as exc:
        raise _unreadable(text, exc, offset) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise SourceError(1 + offset, f"YAML value cannot be read: {exc}") from None
    except RecursionError:
        raise SourceError(1 + offset, "YAML is nested too deeply") from None
    finally:
        loader.dispose()
    return Document(data=data, node=node, offset=offset, body=body, body_line=body_line)


def _unreadable(text: str, exc: yaml.reader.ReaderError, offset: int) -> SourceError:
    line = text.count("\n", 0, exc.position) + 1 + offset
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return SourceError(line, f"YAML cannot read the file: {exc.reason} (#x{code:04x})")


def _check_duplicate_keys(root: Node, offset: int) -> None:
    # PyYAML keeps the last of two equal keys silently; a second `prompt:` would lose content.
    stack, seen_nodes = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            first_line: dict[str, int] = {}
            for key, value in node.value:
                text = _key_text(key)
                if text is not None and text in first_line:
                    raise SourceError(
                        key.start_mark.line + 1 + offset,
                        f"duplicate key '{text}' (first at line {first_line[text]})",
                    )
                if text is not None:
                    first_line[text] = key.start_mark.line + 1 + offset
                stack.extend((key, value))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def describe(kind: str, loc: tuple[Any, ...], message: str, err: Any) -> str:
    """A pydantic error in the words of the question file."""
    where, parent = _dotted(loc), _dotted(loc[:-1])
    inside = f" in {parent}" if parent else ""
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"missing field '{loc[-1]}'{inside}"
    if kind == "extra_forbidden":
        return f"unknown field '{loc[-1]}'{inside}"
    if kind == "literal_error":
        return f"{where}: unknown value {repr(err['input'])[:60]}; expected {ctx.get('expected')}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return f"{where}: has no text"
    return f"{where}: {message}" if where else message
