"""Index the investors a table already held before investor search had an index.

A commit writes an investor's search terms with the investor (pool_repository),
so this is needed once per stage, after the first deploy of the code that reads
the index: ``make deploy`` runs it (infrastructure/search_index.py), and it does
nothing once the table's marker says the index is whole.

Each investor's terms are written in a transaction that checks the investor
still has the name and email they were read with. An investor renamed meanwhile
is left out: the rename wrote their new terms itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.adapters import pool_items as items
from chalicelib.adapters import search_items as searching
from chalicelib.adapters.ddb import write_groups
from chalicelib.adapters.pool_repository import DynamoPoolRepository
from chalicelib.domain.model import Investor

# Raised when what an index item holds changes, so every stage indexes again.
INDEX_VERSION = 1
MARKER = items.key("SEARCHINDEX", "VERSION")


def index_is_whole(client: Any, table: str) -> bool:
    item = client.get_item(TableName=table, Key=MARKER, ConsistentRead=True).get("Item")
    return item is not None and int(item["version"]["N"]) >= INDEX_VERSION


def _group(table: str, inv: Investor) -> list[dict[str, Any]]:
    unchanged = {
        "ConditionCheck": {
            "TableName": table,
            "Key": items.key(items.pool_pk(inv.pool_id), items.investor_sk(inv.id)),
            "ConditionExpression": "#n = :n AND #e = :e",
            "ExpressionAttributeNames": {"#n": "name", "#e": "email"},
            "ExpressionAttributeValues": {":n": {"S": inv.name}, ":e": {"S": inv.email}},
        }
    }
    return [unchanged, *({"Put": {"TableName": table, "Item": item}} for item in searching.term_items(inv))]


def index_pool(client: Any, table: str, pool_id: str) -> tuple[int, int]:
    """(investors indexed, investors left out because they changed meanwhile)."""
    investors = DynamoPoolRepository(client, table).all_investors(pool_id)
    # A collision (a contribution to the same investor, say) is tried again; only a rename refuses.
    refused = write_groups(client, [_group(table, i) for i in investors], collision_refuses=False)
    return len(investors) - len(refused), len(refused)


def index_table(client: Any, table: str, *, say: Callable[[str], None] = print) -> bool:
    """Index every pool's investors, then mark the table; False if it was already whole."""
    if index_is_whole(client, table):
        say("investor search index: already whole")
        return False
    repo = DynamoPoolRepository(client, table)
    cursor, pools, indexed, changed = None, 0, 0, 0
    while True:
        page = repo.list_pools(manager_id=None, limit=100, cursor=cursor)
        for pool in page.items:
            done, left = index_pool(client, table, pool.id)
            pools, indexed, changed = pools + 1, indexed + done, changed + left
        cursor = page.next_cursor
        if cursor is None:
            break
    client.put_item(TableName=table, Item={**MARKER, "version": {"N": str(INDEX_VERSION)}})
    say(f"investor search index: {indexed} investors in {pools} pools indexed, {changed} renamed meanwhile (already indexed)")
    return True
