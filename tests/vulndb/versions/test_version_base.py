"""The shared helpers: the padded-list encoding behind the RubyGems and Maven keys."""

from __future__ import annotations

import itertools

import pytest

from hullguard.vulndb.versions._base import SortItem, SortKey, padded_items

# Lists of ints where a missing tail counts as zeros: [1, 0, 1] > [1] > [1, 0, -1].
LISTS = [[-1], [1, -1], [1, 0, -1], [1], [1, 0], [1, 0, 0], [1, 0, 1], [1, 1], [2]]


def _key(values: list[int]) -> SortKey:
    end = len(values)
    while end and values[end - 1] == 0:  # callers trim trailing zeros first
        end -= 1
    items: list[SortItem] = list(values[:end])
    return padded_items(items, [(v > 0) - (v < 0) for v in values[:end]])


def _padded_compare(a: list[int], b: list[int]) -> int:
    width = max(len(a), len(b))
    pa, pb = a + [0] * (width - len(a)), b + [0] * (width - len(b))
    return (pa > pb) - (pa < pb)


@pytest.mark.parametrize(("a", "b"), list(itertools.product(LISTS, repeat=2)), ids=str)
def test_padded_items_compare_like_zero_padding(a: list[int], b: list[int]) -> None:
    ka, kb = _key(a), _key(b)
    assert (ka > kb) - (ka < kb) == _padded_compare(a, b)
