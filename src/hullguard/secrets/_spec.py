"""Small helpers the built-in rule tables use to spell common regex shapes once.

Token formats are facts published by each provider (prefixes, lengths, alphabets); the
tables state them, these helpers only wrap them in the context a token is written in.
"""

from __future__ import annotations

from typing import Any

__all__ = ["END", "RuleData", "assigned", "keyed"]

RuleData = dict[str, Any]
"""One rule as the YAML format writes it (``id``, ``title``, ``category``, ``severity``, ...)."""

END = r"(?![A-Za-z0-9_-])"
"""The token ends here: no further token character follows."""

_ASSIGN = r"""[\w.-]{0,25}?['"]?\s{0,3}(?:=|:|:=|=>|\?=|,)\s{0,3}['"]?"""


def keyed(names: str, value: str) -> str:
    """A value written next to one of ``names`` (``DATADOG_API_KEY = "<value>"``, ``apikey: <value>``).

    ``names`` is a regex alternation matched case-insensitively; the value is the ``secret`` group.
    """
    return rf"(?i)(?:{names}){_ASSIGN}(?P<secret>{value}){END}"


def assigned(names: str, value: str) -> str:
    """Like :func:`keyed`, but the name must start a word (``password=``, ``db_secret:``)."""
    return rf"(?i)\b[\w.-]{{0,30}}(?:{names}){_ASSIGN}(?P<secret>{value})(?![\w(])"
