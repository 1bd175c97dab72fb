"""A pool's investor search index as items of the pools table: one item per term
an investor is found under (domain/investor_search.py), in the pool's own
``SEARCH#<pool id>`` partition so no listing of the pool reads it (the layout is
described in chalicelib/resources.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.attributes import Item
from chalicelib.adapters.pool_items import key
from chalicelib.domain import investor_search as search
from chalicelib.domain.model import Investor


def search_pk(pool_id: str) -> str:
    return f"SEARCH#{pool_id}"


def search_sk(term: str, investor_id: str) -> str:
    return f"{term}#{investor_id}"


def search_item(pool_id: str, investor_id: str, term: str, terms: frozenset[str]) -> dict[str, Any]:
    """An investor listed under one search term; it carries all the investor's terms,
    so a search of several words is checked without reading the investor."""
    return {
        **key(search_pk(pool_id), search_sk(term, investor_id)),
        "kind": {"S": "search"},
        "investor_id": {"S": investor_id},
        "terms": {"SS": sorted(terms)},
    }


def search_hit_of(item: Item) -> tuple[str, str, frozenset[str]]:
    """(the term listed under, the investor's id, all the investor's terms)."""
    investor_id = item["investor_id"]["S"]
    term = item["SK"]["S"].removesuffix(f"#{investor_id}")
    return term, investor_id, frozenset(item["terms"]["SS"])


def term_items(inv: Investor) -> list[Item]:
    """Every item the investor is listed under, as their name and email are now."""
    terms = search.search_terms(inv.id, inv.name, inv.email)
    return [search_item(inv.pool_id, inv.id, t, terms) for t in sorted(terms)]


def term_writes(table: str, inv: Investor, was: Investor | None) -> list[dict[str, Any]]:
    """Transaction actions listing the investor under their terms: for a new name or
    email (``was``), the terms that went are deleted and every term kept is written
    again (each carries the whole set)."""
    terms = search.search_terms(inv.id, inv.name, inv.email)
    gone = search.search_terms(was.id, was.name, was.email) - terms if was is not None else frozenset()
    pk = search_pk(inv.pool_id)
    deletes = [{"Delete": {"TableName": table, "Key": key(pk, search_sk(t, inv.id))}} for t in sorted(gone)]
    return [*deletes, *({"Put": {"TableName": table, "Item": item}} for item in term_items(inv))]
