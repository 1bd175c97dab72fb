"""What a search finds, as rules: an investor is found by the start of any word of
their name, of their address or its parts, or of their id, and by nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import investor_search as search

words = st.text(alphabet=st.characters(categories=("L", "N"), include_characters="-'"), min_size=1, max_size=12)
names = st.lists(words, min_size=1, max_size=5).map(" ".join)
locals_ = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._+-", min_size=1, max_size=20)
domains = st.from_regex(r"[a-z]{1,10}\.(com|org|co\.uk)", fullmatch=True)


@given(name=names, local=locals_, domain=domains, cut=st.integers(min_value=1, max_value=12))
def test_an_investor_is_found_by_the_start_of_each_word_of_their_name(name: str, local: str, domain: str, cut: int) -> None:
    email = f"{local}@{domain}"
    terms = search.search_terms("inv_01abc", name, email)
    for word in search.search_words(name):
        assert search.matches(terms, [word[:cut]]), word
    assert search.matches(terms, search.search_words(name))  # the whole name, typed out
    assert search.matches(terms, [email.casefold()[:cut]])
    assert search.matches(terms, [domain[:cut]])
    assert search.matches(terms, ["inv_01"])


@given(name=names)
def test_an_investor_is_listed_once_under_the_first_term_the_leading_word_begins(name: str) -> None:
    terms = search.search_terms("inv_1", name, "")
    for word in search.search_words(name):
        listed = search.listed_under(terms, word)
        assert listed is not None and listed.startswith(word)
        assert listed == min(t for t in terms if t.startswith(word))


def test_terms_are_bounded_whatever_the_name() -> None:
    terms = search.search_terms("inv_1", " ".join(f"w{n}-x{n}" for n in range(60)), "a.b.c.d.e.f.g@example.com")
    assert len(terms) == search.MAX_TERMS
    assert {"inv_1", "a.b.c.d.e.f.g@example.com", "example.com", "w0-x0", "w0", "x0"} <= terms


def test_a_substring_that_begins_no_word_finds_nothing() -> None:
    terms = search.search_terms("inv_1", "Jane Smith", "jane.smith@example.com")
    assert not search.matches(terms, ["mith"])
    assert not search.matches(terms, ["ane"])
    assert search.matches(terms, ["smi", "jan"])
    assert search.leading_word(["smi", "janet"]) == "janet"
