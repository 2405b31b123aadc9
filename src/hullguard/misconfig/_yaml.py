"""YAML documents that remember where every key and value came from.

Linters must point at ``file:line:column``, so the usual ``yaml.safe_load`` (which forgets
positions) will not do. We let libyaml's C composer (PyYAML's ``CSafeLoader``) build the node
graph, which carries a mark for every node, and turn it into plain ``dict``/``list`` subclasses
that also hold the marks of their keys and items. That is several times faster than
ruamel.yaml's pure-Python round-trip loader and gives the same positions.

Hostile input is bounded: aliases are expanded while converting, and a document that expands to
more than ``MAX_NODES`` values (a "billion laughs" bomb) is refused instead of eating memory.
Broken YAML becomes one :class:`YamlError` naming ``file:line:column``, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from hullguard.errors import ConfigError
from hullguard.report import CheckInfo, MisconfigFinding, SourceLocation

__all__ = [
    "MAX_NODES",
    "Document",
    "Hit",
    "Mark",
    "Node",
    "YamlError",
    "YamlKind",
    "YamlMap",
    "YamlSeq",
    "detect_yaml_kind",
    "finding_at",
    "load_documents",
]

MAX_NODES = 1_000_000
"""Most values one file may expand to (after aliases); far above any real manifest."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_SOURCE_COMMENT = re.compile(r"^#\s*Source:\s*(\S.*?)\s*$", re.MULTILINE)


class YamlError(ConfigError):
    """A YAML file could not be read: syntax error, unsupported construct or an alias bomb."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column, as editors and SARIF count them."""

    line: int
    column: int


class YamlMap(dict[str, object]):
    """A mapping with the position of itself, each key and each value."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        """Where the mapping starts (its first key for block mappings)."""
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}

    def key_mark(self, key: str) -> Mark:
        """Where ``key`` is written; the mapping's own mark when the key is absent."""
        return self.key_marks.get(key, self.mark)

    def map(self, key: str) -> YamlMap | None:
        """The value of ``key`` when it is a mapping."""
        value = self.get(key)
        return value if isinstance(value, YamlMap) else None

    def seq(self, key: str) -> YamlSeq | None:
        """The value of ``key`` when it is a sequence."""
        value = self.get(key)
        return value if isinstance(value, YamlSeq) else None

    def text(self, key: str) -> str | None:
        """The value of ``key`` as text when it is a scalar (numbers and booleans included)."""
        value = self.get(key)
        if value is None or isinstance(value, YamlMap | YamlSeq):
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)


class YamlSeq(list[object]):
    """A sequence with the position of itself and of each item."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []

    def maps(self) -> list[tuple[YamlMap, Mark]]:
        """The items that are mappings, with their marks (other items are ignored)."""
        return [
            (item, mark)
            for item, mark in zip(self, self.item_marks, strict=True)
            if isinstance(item, YamlMap)
        ]


@dataclass(frozen=True, slots=True)
class Hit:
    """A check failing at one place; the message names the container or service concerned."""

    mark: Mark
    message: str


Node = YamlMap | YamlSeq | str | int | float | bool | None
"""Any converted YAML value."""


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document of a file: ``---`` separated, or one item of a ``kind: List``."""

    path: str
    index: int
    """0-based position among the file's documents (list items share their list's index)."""
    root: object
    """The converted content: usually a :class:`YamlMap`."""
    mark: Mark
    source: str | None = None
    """The template a rendered Helm chart says produced it (``# Source: chart/templates/x.yaml``)."""


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Converter:
    """Turns a composed node graph into YamlMap/YamlSeq/scalars, counting expanded values."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.count = 0
        self.scalars = SafeConstructor()

    def convert(self, node: yaml.Node) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError(
                f"{self.path}:{node.start_mark.line + 1}: document expands to more than {MAX_NODES} values "
                "(alias bomb?)",
                hint="remove the recursive or exponential aliases",
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            seq = YamlSeq(_mark(node))
            for item in node.value:
                seq.append(self.convert(item))
                seq.item_marks.append(_mark(item))
            return seq
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode) -> YamlMap:
        out = YamlMap(_mark(node))
        merged: list[YamlMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.extend(self._merge_sources(value_node))
                continue
            key = self._key(key_node)
            out[key] = self.convert(value_node)
            out.key_marks[key] = _mark(key_node)
            out.value_marks[key] = _mark(value_node)
        for source in merged:  # explicit keys win over merged ones (YAML merge key spec)
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.key_marks[key] = source.key_marks[key]
                    out.value_marks[key] = source.value_marks[key]
        return out

    def _merge_sources(self, node: yaml.Node) -> list[YamlMap]:
        value = self.convert(node)
        items = value if isinstance(value, YamlSeq) else [value]
        return [item for item in items if isinstance(item, YamlMap)]

    def _key(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        raise YamlError(
            f"{self.path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}: complex mapping key"
        )

    def _scalar(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            return None
        value = str(node.value)
        tag = node.tag
        if tag.endswith(":str"):
            return value
        if tag.endswith((":int", ":float")) and ":" in value:
            return value  # YAML 1.1 sexagesimal ("22:22"); compose and kubectl (YAML 1.2) read text
        try:
            if tag.endswith(":int"):
                return self.scalars.construct_yaml_int(node)
            if tag.endswith(":float"):
                return self.scalars.construct_yaml_float(node)
            if tag.endswith(":bool"):
                return self.scalars.construct_yaml_bool(node)
            if tag.endswith(":null"):
                return None
        except (ConstructorError, ValueError):
            return value
        return value  # timestamps, binary and custom tags stay text


def _error_from(exc: yaml.YAMLError, path: str) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
    return YamlError(f"{where}: invalid YAML: {problem}", hint="fix the syntax at that place")


def _sources(text: str) -> list[tuple[int, str]]:
    """``(line, template)`` of each Helm ``# Source:`` comment, in file order."""
    if "Source:" not in text:
        return []
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(1)) for match in _SOURCE_COMMENT.finditer(text)
    ]


def load_documents(text: str, path: str) -> list[Document]:
    """Every non-empty document of ``text``, with ``kind: List`` items unfolded.

    Raises :class:`YamlError` for invalid YAML (message ``path:line:column: problem``) and for
    documents that expand past :data:`MAX_NODES` values.
    """
    converter = _Converter(path)
    sources = _sources(text)
    documents: list[Document] = []
    previous_end = 0
    try:
        for index, node in enumerate(yaml.compose_all(text, Loader=yaml.CSafeLoader)):
            if node is None:
                continue
            start = node.start_mark.line + 1
            source = next((name for line, name in reversed(sources) if previous_end <= line < start), None)
            previous_end = node.end_mark.line + 1
            root = converter.convert(node)
            documents.extend(_unfold(Document(path, index, root, _mark(node), source)))
    except yaml.YAMLError as exc:
        raise _error_from(exc, path) from exc
    except RecursionError as exc:
        raise YamlError(f"{path}: YAML nested too deeply", hint="flatten the document") from exc
    return documents


def _unfold(document: Document) -> list[Document]:
    """A ``kind: List`` (``kubectl get -o yaml`` output) becomes one document per item."""
    root = document.root
    if not (isinstance(root, YamlMap) and root.get("kind") == "List"):
        return [document]
    items = root.seq("items")
    if items is None:
        return []
    return [
        Document(document.path, document.index, item, mark, document.source) for item, mark in items.maps()
    ]


class YamlKind(StrEnum):
    """What a YAML file is, for picking its linter."""

    COMPOSE = "compose"
    KUBERNETES = "kubernetes"


_K8S_HINT = re.compile(r"^\s*(?:-\s+)?[\"']?(?:apiVersion|kind)[\"']?\s*:", re.MULTILINE)
_COMPOSE_HINT = re.compile(r"^[\"']?services[\"']?\s*:", re.MULTILINE)


def detect_yaml_kind(text: str) -> YamlKind | None:
    """Compose (top-level ``services:``) or Kubernetes (``apiVersion`` and ``kind``), else None.

    A cheap textual test: it never parses, so callers can sort thousands of files quickly and
    only the chosen linter pays for parsing. JSON manifests (``"apiVersion":``) count too.
    """
    if _COMPOSE_HINT.search(text) and not re.search(r"^[\"']?apiVersion[\"']?\s*:", text, re.MULTILINE):
        return YamlKind.COMPOSE
    if "apiVersion" in text and "kind" in text and len(_K8S_HINT.findall(text)) >= 2:
        return YamlKind.KUBERNETES
    return None


def finding_at(
    check: CheckInfo, document: Document, mark: Mark, message: str, resource: str
) -> MisconfigFinding:
    """A finding of ``check`` at ``mark`` in ``document``'s file; Helm sources go into the message."""
    if document.source:
        message = f"{message} (rendered from {document.source})"
    location = SourceLocation(document.path, mark.line, mark.column)
    return MisconfigFinding(check=check, location=location, message=message, resource=resource)
