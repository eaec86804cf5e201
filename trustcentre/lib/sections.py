"""The registry of what the home pages link to: each app adds its own portal sections,
workbenches and public links in its AppConfig.ready(), and may answer what needs a decision on
its workbench with a `workbench_notes(user)` method, so the core names no domain app's pages.

`order` places an entry among the others (lower first), whatever the order apps are loaded in.
Adding the same url name again replaces the entry, so a ready() that runs twice adds nothing.
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class PortalSection:
    url_name: str
    title: str
    description: str
    # "all" signed-in members, or "customer": members of a customer (or former customer).
    audience: str
    order: int


@dataclass(frozen=True)
class Workbench:
    url_name: str
    title: str
    description: str
    # Staff roles that see it; "superuser" for superusers only (superusers see every one).
    roles: tuple[str, ...]
    order: int


_portal_sections: dict[str, PortalSection] = {}
_workbenches: dict[str, Workbench] = {}
_public_links: dict[str, str] = {}


def add_portal_section(
    url_name: str, *, title: str, description: str, audience: str, order: int
) -> None:
    if audience not in ("all", "customer"):
        raise ValueError(f"A portal section's audience is 'all' or 'customer', not {audience!r}.")
    _portal_sections[url_name] = PortalSection(url_name, title, description, audience, order)


def add_workbench(
    url_name: str, *, title: str, description: str, roles: tuple[str, ...], order: int
) -> None:
    _workbenches[url_name] = Workbench(url_name, title, description, tuple(roles), order)


def add_public_link(key: str, url_name: str) -> None:
    """A page the public home links to, as `links.<key>` in its template."""
    _public_links[key] = url_name


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def portal_sections() -> list[PortalSection]:
    return sorted(_portal_sections.values(), key=lambda section: section.order)


def workbenches() -> list[Workbench]:
    return sorted(_workbenches.values(), key=lambda workbench: workbench.order)


def public_links() -> dict[str, str | None]:
    """Key -> URL of each public link (None when its app's pages are not mounted)."""
    return {key: _url(url_name) for key, url_name in _public_links.items()}


def portal_links_for(*, customer: bool) -> list[dict]:
    """The portal sections a member sees, with their URLs: a customer's member sees all."""
    links = []
    for section in portal_sections():
        if section.audience == "customer" and not customer:
            continue
        url = _url(section.url_name)
        if url is not None:
            links.append({"url": url, "title": section.title, "description": section.description})
    return links


def workbench_cards_for(user) -> list[dict]:
    """The workbenches the staff member's roles open (all of them for a superuser)."""
    cards = []
    for workbench in workbenches():
        if not (user.is_superuser or any(role in user.staff_roles for role in workbench.roles)):
            continue
        url = _url(workbench.url_name)
        if url is not None:
            cards.append(
                {
                    "url": url,
                    "title": workbench.title,
                    "description": workbench.description,
                    "name": workbench.url_name,
                }
            )
    return cards


def workbench_notes_for(user) -> dict[str, list[str]]:
    """What needs a decision, by workbench url name: an app answers through a
    `workbench_notes(user)` method on its AppConfig."""
    notes: dict[str, list[str]] = {}
    for app_config in apps.get_app_configs():
        hook = getattr(app_config, "workbench_notes", None)
        if hook is None:
            continue
        for url_name, texts in hook(user).items():
            notes.setdefault(url_name, []).extend(texts)
    return notes
