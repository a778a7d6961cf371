"""beets query terms from user text (SPEC §2.12; RELIABILITY T39, T40).

User text is split like a shell would, but never reaches one; a term that looks like an option
is refused before beets sees it (T39). `is_match_all()` lets destructive commands demand
`"all": true` for queries that match the whole library (T40).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from core.errors import ValidationFailed

# A term whose value (after an optional `field:` or `field::`) is only these characters
# matches every item: `*`, `.*`, `artist:`, `title::.+` (T40).
_MATCH_ALL_CHARS = frozenset("*.+?^$")
MATCH_ALL_MESSAGE = 'The query matches the whole library; send "all": true to confirm.'


def split_query(text: str | None, field: str = "query") -> list[str]:
    """Shell-like split into beets terms; unparsable text or option-looking terms → 422 (T39)."""
    if not text or not text.strip():
        return []
    try:
        terms = [term for term in shlex.split(text) if term]
    except ValueError as exc:
        raise ValidationFailed({field: [f"Query cannot be parsed: {exc}."]}) from None
    for term in terms:
        if term.startswith("-"):
            raise ValidationFailed(
                {field: [f"Query terms must not start with '-' ({term!r}); negate with '^'."]}
            )
        if "\x00" in term:
            raise ValidationFailed({field: ["Query must not contain NUL characters."]})
    return terms


def is_match_all(terms: Sequence[str]) -> bool:
    """No terms, or only terms whose pattern is empty or a bare wildcard (T40)."""

    def wide(term: str) -> bool:
        pattern = term.split(":", 1)[1].lstrip(":") if ":" in term else term
        return set(pattern) <= _MATCH_ALL_CHARS

    return all(wide(term) for term in terms)
