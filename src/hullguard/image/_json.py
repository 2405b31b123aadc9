"""Bounded, typed JSON parsing for the small documents of an image (manifests, indexes)."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from hullguard.errors import BadInputError

__all__ = ["parse_document"]

M = TypeVar("M", bound=BaseModel)


def parse_document(model: type[M], data: bytes, *, what: str) -> M:
    """Parse JSON into ``model``; any failure is one line naming ``what`` and the bad field."""
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{what} is not JSON: {exc}") from exc
    except RecursionError:
        raise BadInputError(f"{what} is nested too deeply to be a real document") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "top level"
        raise BadInputError(f"{what} is invalid at {loc}: {first['msg']}") from exc
