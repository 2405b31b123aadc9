"""Inline ignores: hadolint's pragmas as hadolint reads them, and ours."""

from __future__ import annotations

from tests.misconfig.dockerfile.conftest import ids_at, lint

F = "FROM debian:12\n"
PIN = "RUN apt-get install -y --no-install-recommends curl\n"


def test_hadolint_pragma_covers_the_next_line_only() -> None:
    assert ids_at(lint(F + "# hadolint ignore=DL3008\n" + PIN), "HG-DF-008") == []
    assert ids_at(lint(F + "# hadolint ignore=DL3009,DL3008 # why\n" + PIN), "HG-DF-008") == []
    # hadolint keys the pragma to the line right after it: a blank line in between voids it
    assert ids_at(lint(F + "# hadolint ignore=DL3008\n\n" + PIN), "HG-DF-008") == [4]
    # and it covers only the rules it names
    assert ids_at(lint(F + "# hadolint ignore=DL3015\n" + PIN), "HG-DF-008") == [3]


def test_hadolint_global_pragma_covers_the_file() -> None:
    text = "# hadolint global ignore=DL3008\n" + F + PIN + PIN
    assert ids_at(lint(text), "HG-DF-008") == []


def test_our_pragma_takes_our_ids_or_mapped_ids_across_comment_lines() -> None:
    assert ids_at(lint(F + "# hullguard:ignore=HG-DF-008\n# because\n\n" + PIN), "HG-DF-008") == []
    assert ids_at(lint(F + "# hullguard:ignore=dl3008\n" + PIN), "HG-DF-008") == []
    text = F + "# hullguard:ignore=HG-DF-008\n" + PIN + PIN
    assert ids_at(lint(text), "HG-DF-008") == [4]


def test_our_file_pragma() -> None:
    text = "# hullguard:ignore-file=HG-DF-008,HG-DF-200\n" + F + PIN
    assert {f.check.id for f in lint(text)} & {"HG-DF-008", "HG-DF-200"} == set()


def test_pragma_inside_a_continued_instruction_is_not_a_pragma() -> None:
    text = F + "RUN true && \\\n# hadolint ignore=DL3008\n    apt-get install -y curl\n"
    assert ids_at(lint(text), "HG-DF-008") == [2]
