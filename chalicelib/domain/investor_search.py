"""Finding an investor in a pool by what a manager remembers: the start of a
name, of any word of it, of the email address or of its parts, or of the id.

An investor is indexed under a handful of *terms*; a search is one or more
*words*, and finds an investor when every word begins one of the investor's
terms ("jan smi" finds Jane Smith; "smith@" finds smith@example.com). Prefixes
rather than substrings, so a search is one sorted-key range read however many
investors a pool has (the repository keeps a term's investors in key order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# A name's words split at spaces; a hyphenated or apostrophised word is also
# found by each part ("Smith-Jones" by "jones", "O'Brien" by "brien").
_NAME_PARTS = re.compile(r"[-'\u2019]")
# An address's local part splits at its usual separators ("jane.smith+fund").
_ADDRESS_PARTS = re.compile(r"[._+-]")
# DynamoDB sort keys hold at most 1,024 bytes; a term is cut well short of that
# (a name is at most 200 characters; an address at most 254).
MAX_TERM = 300
# An investor's terms are written in the transaction that names them (an edit
# deletes the old ones and writes the new): at most this many, so an edit stays
# far inside a transaction's 100 actions whatever the name.
MAX_TERMS = 32


def search_terms(investor_id: str, name: str, email: str) -> frozenset[str]:
    """Every term an investor is found under, case-folded: the id, the address and
    its domain, then the name's words and their parts, then the address's parts."""
    address = email.strip().casefold()
    local, _, domain = address.partition("@")
    ordered = [investor_id.casefold(), address, domain]
    for word in name.casefold().split():
        ordered.append(word)
        ordered.extend(_NAME_PARTS.split(word))
    ordered.extend(_ADDRESS_PARTS.split(local) if address else ())
    terms = dict.fromkeys(t[:MAX_TERM] for t in ordered if t)
    return frozenset(list(terms)[:MAX_TERMS])


def search_words(text: str) -> tuple[str, ...]:
    """A search's words, case-folded, each once, in the order typed."""
    return tuple(dict.fromkeys(text.casefold().split()))


def leading_word(words: Sequence[str]) -> str:
    """The word whose terms are read: the longest (the fewest investors begin with it);
    the others are checked against each found investor's terms."""
    if not words:
        raise ValueError("a search needs at least one word")
    return max(words, key=len)[:MAX_TERM]


def matches(terms: Iterable[str], words: Sequence[str]) -> bool:
    """Every word begins one of the terms."""
    held = tuple(terms)
    return all(any(t.startswith(w[:MAX_TERM]) for t in held) for w in words)


def listed_under(terms: Iterable[str], lead: str) -> str | None:
    """The one term an investor is listed under for this leading word: the first
    it begins, in key order. An investor with several such terms ("jane" and
    "jane@example.com" for "jane") is shown once, at the first."""
    return min((t for t in terms if t.startswith(lead)), default=None)
