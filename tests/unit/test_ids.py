"""Ids sort in the order they were made, even many within one millisecond (the ledger lists by id)."""

from __future__ import annotations

from chalicelib.services.ids import new_id


def test_ids_made_in_quick_succession_sort_in_the_order_they_were_made() -> None:
    made = [new_id("e_") for _ in range(5000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(len(i) == 28 for i in made)
