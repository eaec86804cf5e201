"""The text of a search box, as the queries may use it."""

# Characters no search means and PostgreSQL cannot hold in text (NUL), or that only hide text.
_DROPPED = dict.fromkeys(map(ord, "\x00\u200b\ufeff"))


def search_query(request, name: str = "q", *, limit: int = 100) -> str:
    """The stripped search text, at most `limit` characters, without NULs (a NUL would make
    PostgreSQL refuse the query) or other invisible characters."""
    return request.GET.get(name, "").translate(_DROPPED).strip()[:limit]
