"""Ruby gems: installed specifications and Bundler's ``Gemfile.lock``.

RubyGems writes one ``<name>-<version>.gemspec`` per installed gem into a ``specifications/``
directory (``/usr/lib/ruby/gems/3.1.0/specifications/``, its ``default/`` sub-directory for gems
bundled with Ruby, Debian's ``/usr/share/rubygems-integration/all/specifications/``). These files
are Ruby code, so they are never run: the ``s.name = "x".freeze`` style assignments that
``Gem::Specification#to_ruby`` writes are matched with regular expressions, as syft does.

``Gemfile.lock`` lists the gems of the ``GEM`` (a gem server) and ``GIT`` sections. ``PATH``
gems are local directories, normally the project itself, and are left out like the project
entries of npm and uv lockfiles. A lockfile inside an installed gem's own directory
(``gems/typeprof-0.21.3/Gemfile.lock``, which Debian ships) records that gem's development
setup, not what is installed, and is not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from hullguard.analyze._base import AnalyzerResult, FileInput, ParserAnalyzer, packages_result
from hullguard.inventory import Package, PackageType

__all__ = ["PLUGINS", "parse_gemfile_lock", "parse_gemspec", "parse_ruby"]

_ASSIGNMENT = re.compile(r"^\s*\w+\.(name|version|licenses?|platform)\s*=\s*(.+)$", re.MULTILINE)
_STRING = re.compile(r""""([^"\\]*)"|'([^'\\]*)'|%q\{([^}]*)\}""")
_STUB = re.compile(r"^# stub: (\S+) (\S+)", re.MULTILINE)
"""``# stub: rake 13.0.6 ruby lib``: RubyGems' own summary line, used if the assignments are absent."""
_SPEC_LINE = re.compile(r"^ {4}(\S+) \(([^()\s]+)\)$")
"""A gem under ``specs:``: four spaces, name, version in parentheses (its dependencies get six)."""
_GEM_SECTIONS = frozenset({"GEM", "GIT"})
_INSIDE_INSTALLED_GEM = re.compile(r"/gems/[^/]+-[^/]+/")
"""``gems/<name>-<version>/`` (RubyGems) or ``bundler/gems/<name>-<revision>/`` (a git checkout)."""


def _gem(
    name: str, version: str, *, file: FileInput, arch: str | None = None, licenses: Iterable[str] = ()
) -> Package:
    return Package(
        name=name,
        version=version,
        type=PackageType.GEM,
        location=file.location,
        found_by="ruby",
        arch=arch,
        licenses=tuple(licenses),
    )


def _strings(expression: str) -> list[str]:
    """The string literals of a Ruby expression (``["MIT".freeze, "Ruby".freeze]``), in order."""
    return [
        next(part for part in match.groups() if part is not None) for match in _STRING.finditer(expression)
    ]


def parse_gemspec(file: FileInput) -> AnalyzerResult:
    """One gem from an installed ``.gemspec``; the first assignment of each attribute counts.

    The file is decoded leniently: RubyGems writes extension paths NUL-separated into its
    ``# stub:`` comment (Ruby 3.1's ``json-2.6.1.gemspec``), which is no reason to give up.
    """
    text = file.content.decode("utf-8", "replace")
    fields: dict[str, list[str]] = {}
    for match in _ASSIGNMENT.finditer(text):
        fields.setdefault(match[1].removesuffix("s"), _strings(match[2]))
    stub = _STUB.search(text)
    name = next(iter(fields.get("name", [])), stub[1] if stub else "")
    version = next(iter(fields.get("version", [])), stub[2] if stub else "")
    if not name or not version:
        raise ValueError("gemspec assigns no name or no version")
    platform = next(iter(fields.get("platform", [])), "ruby")
    arch = None if platform == "ruby" else platform
    return packages_result([_gem(name, version, file=file, arch=arch, licenses=fields.get("license", []))])


def _lock_specs(text: str) -> Iterator[tuple[str, str]]:
    """(name, version) of each gem listed under the ``specs:`` of a ``GEM`` or ``GIT`` section.

    Bundler writes a platform-specific gem as ``nokogiri (1.15.4-x86_64-linux)``. RubyGems
    versions never contain ``-`` (``Gem::Version`` turns ``1.0-rc1`` into ``1.0.pre.rc1``), so
    the first ``-`` starts the platform; it is dropped, because a lockfile may list the same
    release for several platforms while advisories name the release.
    """
    section = ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            section = line.strip()
            continue
        match = _SPEC_LINE.match(line) if section in _GEM_SECTIONS else None
        if match:
            yield match[1], match[2].partition("-")[0]


def parse_gemfile_lock(file: FileInput) -> AnalyzerResult:
    """The gems a ``Gemfile.lock`` pins from gem servers and git repositories."""
    return packages_result(
        _gem(name, version, file=file) for name, version in _lock_specs(file.content.decode("utf-8"))
    )


def parse_ruby(file: FileInput) -> AnalyzerResult:
    """Hand the file to the gemspec or the lockfile parser."""
    return parse_gemfile_lock(file) if file.path.endswith("/Gemfile.lock") else parse_gemspec(file)


def _wants(path: str) -> bool:
    """Gemspecs in a ``specifications/`` directory, and lockfiles outside installed gems."""
    if path.endswith(".gemspec"):
        return "/specifications/" in path
    return path.endswith("/Gemfile.lock") and _INSIDE_INSTALLED_GEM.search(path) is None


PLUGINS = [
    ParserAnalyzer(
        id="ruby", version=1, parse=parse_ruby, suffixes=(".gemspec", "/Gemfile.lock"), predicate=_wants
    )
]
