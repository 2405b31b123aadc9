"""YAML loading with positions (hullguard.misconfig._yaml): errors, bombs, merges, kind detection."""

from __future__ import annotations

import time

import pytest

from hullguard.misconfig._yaml import (
    MAX_NODES,
    YamlError,
    YamlKind,
    YamlMap,
    detect_yaml_kind,
    load_documents,
)


def test_broken_yaml_names_file_line_and_column() -> None:
    with pytest.raises(YamlError) as caught:
        load_documents("a: 1\nb: [1, 2\nc: 3\n", "broken.yaml")
    assert caught.value.message.startswith("broken.yaml:")
    assert "invalid YAML" in caught.value.message
    assert caught.value.message.split(":")[1] in {"2", "3"}


def _bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(YamlError, match="alias bomb"):
        load_documents(_bomb(10), "bomb.yaml")
    assert time.monotonic() - started < 10
    assert MAX_NODES > 9**6  # a small alias fan-out still loads:
    assert len(load_documents(_bomb(4), "ok.yaml")) == 1


def test_merge_keys_and_marks() -> None:
    text = "x-base: &base\n  image: a:1\n  user: root\nservices:\n  web:\n    <<: *base\n    user: app\n"
    (document,) = load_documents(text, "compose.yaml")
    assert isinstance(document.root, YamlMap)
    services = document.root.map("services")
    assert services is not None
    web = services.map("web")
    assert web is not None
    assert web["image"] == "a:1" and web["user"] == "app"
    assert web.key_marks["user"].line == 7
    assert web.key_marks["image"].line == 2


def test_sexagesimal_looking_ports_stay_text() -> None:
    (document,) = load_documents("ports:\n  - 22:22\n  - 8080\n", "c.yaml")
    assert isinstance(document.root, YamlMap)
    assert list(document.root["ports"]) == ["22:22", 8080]  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("services:\n  web: {image: x}\n", YamlKind.COMPOSE),
        ("apiVersion: v1\nkind: Pod\n", YamlKind.KUBERNETES),
        ('{\n  "apiVersion": "v1",\n  "kind": "Pod"\n}\n', YamlKind.KUBERNETES),
        ("- apiVersion: v1\n  kind: Pod\n", YamlKind.KUBERNETES),
        ("name: ci\non: push\n", None),
    ],
)
def test_detect_yaml_kind(text: str, kind: YamlKind | None) -> None:
    assert detect_yaml_kind(text) is kind
