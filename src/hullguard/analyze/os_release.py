"""Distribution facts from ``os-release`` (freedesktop.org) and the distro-specific release files."""

from __future__ import annotations

import shlex

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer
from hullguard.inventory import OSInfo

__all__ = ["PLUGINS", "parse_os_release", "parse_release_file"]

_OS_RELEASE = frozenset({"/etc/os-release", "/usr/lib/os-release"})
_RELEASE_FILES = {
    "/etc/alpine-release": "alpine_release",
    "/etc/debian_version": "debian_version",
    "/etc/redhat-release": "redhat_release",
}


def parse_os_release(file: FileInput) -> AnalyzerResult:
    """Parse ``KEY=value`` lines, values quoted as in a shell (os-release(5))."""
    fields: dict[str, str] = {}
    for raw_line in file.content.decode("utf-8", "replace").splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            words = shlex.split(value)
        except ValueError:
            words = [value.strip("\"'")]
        fields[key.strip()] = " ".join(words)
    if "ID" not in fields:
        raise ValueError("os-release has no ID field")
    return AnalyzerResult(
        os=OSInfo(
            id=fields["ID"].lower(),
            version_id=fields.get("VERSION_ID", ""),
            version_codename=fields.get("VERSION_CODENAME", ""),
            pretty_name=fields.get("PRETTY_NAME", ""),
            id_like=tuple(fields.get("ID_LIKE", "").split()),
        )
    )


def parse_release_file(file: FileInput) -> AnalyzerResult:
    """Keep the first line of a distro release file as a fact (e.g. ``debian_version=12.5``)."""
    text = file.content.decode("utf-8", "replace").strip().splitlines()
    if not text:
        raise ValueError("release file is empty")
    return AnalyzerResult(extra=((_RELEASE_FILES[file.path], text[0].strip()),))


PLUGINS = [
    ParserAnalyzer(
        id="os-release",
        version=1,
        parse=parse_os_release,
        basenames=("os-release",),
        predicate=_OS_RELEASE.__contains__,
        max_size=65536,
    ),
    ParserAnalyzer(
        id="os-release-file",
        version=1,
        parse=parse_release_file,
        basenames=tuple(path.rpartition("/")[2] for path in _RELEASE_FILES),
        predicate=_RELEASE_FILES.__contains__,
        max_size=65536,
    ),
]
