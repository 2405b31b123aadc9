"""Custom checks written in Rego, run by ``regopy`` (rego-cpp) over the linted YAML documents.

The contract, for policy authors (``hullguard lint --policy DIR``):

* Every ``*.rego`` file under DIR is loaded. Each declares ``package hullguard.custom.<name>``;
  other packages may hold helpers but report nothing.
* ``input`` is one document wrapped in an envelope::

      {"path": "deploy/app.yaml", "index": 0, "type": "kubernetes" | "compose" | "yaml",
       "kind": "Deployment" | null, "source": "chart/templates/app.yaml" | null,
       "document": { ...the YAML document... }}

* The package's ``deny`` set holds the findings: strings (the message) or objects
  ``{"msg": ..., "id"?: ..., "severity"?: ..., "title"?: ..., "path"?: [..keys and indexes..]}``.
  ``path`` points into ``document`` (``["spec", "template", "spec", "containers", 0, "image"]``)
  and makes the finding point at that key's line and column; otherwise it points at the document.
* Optional ``__rego_metadata__ := {"id", "title", "severity", "description", "remediation"}``
  describes the check; the id defaults to ``HG-REGO-<name>`` and the severity to MEDIUM.

Each document costs one evaluation of a bundle compiled once, so hundreds of files stay fast.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from regopy import Bundle, Interpreter, RegoError  # type: ignore[import-untyped]

from hullguard.errors import ConfigError
from hullguard.misconfig._options import LintOptions
from hullguard.misconfig._yaml import Document, Mark, YamlMap, YamlSeq, finding_at
from hullguard.report import CheckInfo, MisconfigFinding, Severity

__all__ = ["PACKAGE_PREFIX", "Policies", "PolicyError", "document_input", "load_policies", "run_policies"]

PACKAGE_PREFIX = "hullguard.custom"
MAX_POLICY_BYTES = 1024 * 1024
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)", re.MULTILINE)
_QUERY = f"data.{PACKAGE_PREFIX}"


class PolicyError(ConfigError):
    """A policy directory or file cannot be used, or a policy failed while evaluating."""


@dataclass(frozen=True, slots=True, eq=False)
class Policies:
    """Compiled custom checks: one interpreter and one bundle for every module of a directory."""

    directory: str
    modules: tuple[str, ...]
    """The ``.rego`` files loaded, relative to the directory, sorted."""
    interpreter: Interpreter
    bundle: Bundle


def load_policies(directory: str | Path) -> Policies:
    """Read and compile every ``.rego`` file under ``directory``.

    Raises :class:`PolicyError` when the directory holds no policy, a file is not valid Rego
    (the message names file and line) or no module declares a ``hullguard.custom.*`` package.
    """
    root = Path(directory)
    if not root.is_dir():
        raise PolicyError(f"{root}: policy directory not found", hint="pass a directory of .rego files")
    files = sorted(p for p in root.rglob("*.rego") if p.is_file())
    if not files:
        raise PolicyError(f"{root}: no .rego files", hint="put policies in files ending with .rego")
    interpreter = Interpreter()
    packages: list[str] = []
    for file in files:
        if file.stat().st_size > MAX_POLICY_BYTES:
            raise PolicyError(f"{file}: policy larger than {MAX_POLICY_BYTES} bytes")
        text = file.read_text(encoding="utf-8", errors="replace")
        packages.extend(_PACKAGE.findall(text))
        try:
            interpreter.add_module(str(file.relative_to(root)), text)
        except RegoError as exc:
            raise PolicyError(f"{file}: invalid Rego: {_first_line(exc)}") from exc
    if not any(p.startswith(PACKAGE_PREFIX + ".") for p in packages):
        raise PolicyError(
            f"{root}: no module declares a package under {PACKAGE_PREFIX}",
            hint=f"start each check with `package {PACKAGE_PREFIX}.<name>`",
        )
    try:
        bundle = interpreter.build(_QUERY)
    except RegoError as exc:
        raise PolicyError(f"{root}: policies do not compile: {_first_line(exc)}") from exc
    modules = tuple(str(f.relative_to(root)) for f in files)
    return Policies(str(root), modules, interpreter, bundle)


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip() and line.strip() != "Errors:"]
    return " ".join(lines[:3]) or type(exc).__name__


def _plain(value: object) -> object:
    """YamlMap/YamlSeq to JSON-ready dicts and lists (aliases were already expanded and bounded)."""
    if isinstance(value, YamlMap):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, YamlSeq):
        return [_plain(item) for item in value]
    return value


def document_type(document: Document) -> str:
    """``kubernetes`` (apiVersion and kind), ``compose`` (a services mapping) or ``yaml``."""
    root = document.root
    if isinstance(root, YamlMap):
        if root.text("apiVersion") and root.text("kind"):
            return "kubernetes"
        if root.map("services") is not None:
            return "compose"
    return "yaml"


def document_input(document: Document) -> dict[str, object]:
    """The envelope a policy sees as ``input`` for ``document`` (see the module docstring)."""
    root = document.root
    kind = root.text("kind") if isinstance(root, YamlMap) else None
    return {
        "path": document.path,
        "index": document.index,
        "type": document_type(document),
        "kind": kind,
        "source": document.source,
        "document": _plain(root),
    }


def locate(root: object, path: object, default: Mark) -> Mark:
    """The mark of the key or item ``path`` leads to inside ``root``; ``default`` when it leads nowhere."""
    if not isinstance(path, list):
        return default
    node, mark = root, default
    for step in path:
        if isinstance(node, YamlMap) and isinstance(step, str) and step in node:
            mark = node.key_marks[step]
            node = node[step]
        elif isinstance(node, YamlSeq) and isinstance(step, int) and 0 <= step < len(node):
            mark = node.item_marks[step]
            node = node[step]
        else:
            break
    return mark


def _check_of(name: str, package: Mapping[str, object]) -> CheckInfo:
    meta = package.get("__rego_metadata__")
    meta = meta if isinstance(meta, dict) else {}
    return CheckInfo(
        id=str(meta.get("id") or f"HG-REGO-{name}"),
        title=str(meta.get("title") or name),
        severity=Severity.parse(str(meta.get("severity") or "MEDIUM")),
        kind="rego",
        description=str(meta.get("description") or ""),
        remediation=str(meta.get("remediation") or ""),
        references=(f"{PACKAGE_PREFIX}.{name}",),
    )


def _findings_of(name: str, package: Mapping[str, object], document: Document) -> list[MisconfigFinding]:
    check = _check_of(name, package)
    root = document.root
    resource = _resource_label(root)
    found: list[MisconfigFinding] = []
    denials = package.get("deny")
    for item in denials if isinstance(denials, list) else []:
        item_check, message, mark = check, str(item), document.mark
        if isinstance(item, dict):
            message = str(item.get("msg") or item.get("message") or check.title)
            mark = locate(root, item.get("path"), document.mark)
            if item.get("id") or item.get("severity") or item.get("title"):
                item_check = CheckInfo(
                    id=str(item.get("id") or check.id),
                    title=str(item.get("title") or check.title),
                    severity=Severity.parse(str(item.get("severity") or check.severity.value)),
                    kind="rego",
                    description=check.description,
                    remediation=check.remediation,
                    references=check.references,
                )
        found.append(finding_at(item_check, document, mark, message, resource))
    return found


def _resource_label(root: object) -> str:
    if not isinstance(root, YamlMap):
        return ""
    metadata = root.map("metadata")
    kind, name = root.text("kind"), metadata.text("name") if metadata else None
    return f"{kind}/{name}" if kind and name else kind or ""


def run_policies(
    policies: Policies, documents: Sequence[Document], options: LintOptions | None = None
) -> list[MisconfigFinding]:
    """Evaluate every policy against every document; findings sorted like the built-in checks'.

    Raises :class:`PolicyError` when a policy fails at run time (conflicting values, ...),
    naming the document it failed on.
    """
    options = options or LintOptions()
    findings: list[MisconfigFinding] = []
    for document in documents:
        policies.interpreter.set_input_term(json.dumps(document_input(document), default=str))
        output = policies.interpreter.query_bundle(policies.bundle)
        if not output.ok():
            raise PolicyError(
                f"{document.path}: a policy in {policies.directory} failed on document {document.index + 1} "
                "(conflicting rule values or a runtime error)",
                hint="run the policy with `opa eval` on this document to see the error",
            )
        for name, package in _packages(output.results):
            for finding in _findings_of(name, package, document):
                applied = options.apply(finding)
                if applied is not None:
                    findings.append(applied)
    return sorted(findings, key=MisconfigFinding.sort_key)


def _packages(results: Sequence[object]) -> list[tuple[str, Mapping[str, object]]]:
    """``(name, package document)`` under ``data.hullguard.custom``, nested packages flattened."""
    out: list[tuple[str, Mapping[str, object]]] = []
    for result in results:
        expressions = getattr(result, "expressions", None)
        for tree in expressions if isinstance(expressions, list) else []:
            if isinstance(tree, dict):
                _walk(tree, "", out)
    return out


def _walk(tree: dict[str, object], prefix: str, out: list[tuple[str, Mapping[str, object]]]) -> None:
    for key, value in sorted(tree.items()):
        if not isinstance(value, dict):
            continue
        name = f"{prefix}{key}"
        if "deny" in value or "__rego_metadata__" in value:
            out.append((name, value))
        _walk(value, name + ".", out)
