"""Booking a distribution's shares to each investor, exactly once, after the
distribution itself has committed (a distribution to 10,000 investors cannot be
one transaction of 100 items). Part of the DynamoDB pool repository."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from chalicelib.adapters import pool_items as items
from chalicelib.adapters.attributes import Item, timestamp
from chalicelib.adapters.ddb import batch_get
from chalicelib.domain.model import Allocation, LedgerEntry

# Per-investor shares are booked in transactions of this many (share + investor) pairs.
SETTLE_BATCH = 50


def _share(item: Item, investor_id: str) -> Allocation:
    return Allocation(investor_id=investor_id, units=Decimal(item["units"]["N"]), amount=Decimal(item["amount"]["N"]))


class DistributionBook:
    """Mixed into DynamoPoolRepository: the shares of distributions, and their booking."""

    # The repository's own, which this part of it uses.
    _db: Any
    _table: str
    _in_partition: Callable[..., Iterator[Item]]
    get_entry: Callable[[str, str], LedgerEntry | None]

    def allocations(self, pool_id: str, entry_id: str) -> list[Allocation]:
        """The shares decided with the distribution, stored with it in chunks."""
        return [
            Allocation(investor_id=inv["S"], units=Decimal(units["S"]), amount=Decimal(amount["S"]))
            for chunk in self._in_partition(pool_id, f"{items.ALLOCATION_CHUNKS}{entry_id}#")
            for inv, units, amount in (row["L"] for row in chunk["allocations"]["L"])
        ]

    def booked_shares(self, pool_id: str, investor_id: str, entry_ids: Sequence[str]) -> dict[str, Allocation]:
        pk = items.pool_pk(pool_id)
        keys = [items.key(pk, items.share_sk(e, investor_id)) for e in dict.fromkeys(entry_ids)]
        return {item["entry_id"]["S"]: _share(item, investor_id) for item in batch_get(self._db, self._table, keys)}

    def paid_out(self, pool_id: str) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for item in self._in_partition(pool_id, items.SHARES, ProjectionExpression="investor_id, amount"):
            investor_id = item["investor_id"]["S"]
            totals[investor_id] = totals.get(investor_id, Decimal(0)) + Decimal(item["amount"]["N"])
        return totals

    def settle_distribution(self, pool_id: str, entry_id: str) -> int:
        entry = self.get_entry(pool_id, entry_id)
        if entry is None or not entry.books_shares:
            raise LookupError(f"no distribution {entry_id} in pool {pool_id}")
        # A reversal's shares are negative: each takes a payout back.
        shares = [a for a in self.allocations(pool_id, entry_id) if a.amount != 0]
        booked = 0
        for start in range(0, len(shares), SETTLE_BATCH):
            batch = shares[start : start + SETTLE_BATCH]
            try:
                self._db.transact_write_items(TransactItems=[w for a in batch for w in self._share_writes(entry, a)])
                booked += len(batch)
            except self._db.exceptions.TransactionCanceledException:
                # Some shares were booked by an earlier, interrupted run: book the rest one by one.
                booked += sum(self._book_one(entry, a) for a in batch)
        self._db.update_item(
            TableName=self._table,
            Key=items.key(items.pool_pk(pool_id), items.entry_sk(entry_id)),
            UpdateExpression="SET settled = :t",
            ExpressionAttributeValues={":t": {"BOOL": True}},
        )
        return booked

    def is_settled(self, pool_id: str, entry_id: str) -> bool:
        resp = self._db.get_item(
            TableName=self._table,
            Key=items.key(items.pool_pk(pool_id), items.entry_sk(entry_id)),
            ConsistentRead=True,
            ProjectionExpression="settled",
        )
        return bool(resp.get("Item", {}).get("settled", {}).get("BOOL"))

    def _book_one(self, entry: LedgerEntry, share: Allocation) -> int:
        try:
            self._db.transact_write_items(TransactItems=self._share_writes(entry, share))
            return 1
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            if codes and codes[0] == "ConditionalCheckFailed":
                return 0  # already booked
            raise

    def _share_writes(self, entry: LedgerEntry, share: Allocation) -> Sequence[dict[str, Any]]:
        pk = items.pool_pk(entry.pool_id)
        booked = {
            **items.key(pk, items.share_sk(entry.id, share.investor_id)),
            "kind": {"S": "share"},
            "entry_id": {"S": entry.id},
            "investor_id": {"S": share.investor_id},
            "units": {"N": str(share.units)},
            "amount": {"N": str(share.amount)},
            "created_at": {"S": timestamp(entry.created_at)},
        }
        return (
            {"Put": {"TableName": self._table, "Item": booked, "ConditionExpression": "attribute_not_exists(PK)"}},
            {
                "Update": {
                    "TableName": self._table,
                    "Key": items.key(pk, items.investor_sk(share.investor_id)),
                    "UpdateExpression": "ADD paid_out :amount",
                    "ExpressionAttributeValues": {":amount": {"N": str(share.amount)}},
                }
            },
        )
