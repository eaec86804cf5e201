"""What needs a person's attention, each app telling its own part.

An app adds a `todos.py` module (found at start-up like `admin.py`) that registers:
- `@portal_todos`: `provider(user, memberships) -> list[Todo]`, the to-do items of a
  customer or prospect on the portal home;
- `@staff_queues`: `provider(user) -> list[Queue]`, the waiting items of a staff workbench.
The core never imports a domain app: it only calls what registered. Each provider answers in a
fixed number of queries, however much is waiting, so the homes stay fast.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

_PORTAL = []
_STAFF = []


@dataclass
class Todo:
    title: str
    url: str
    when: datetime.datetime | datetime.date | None = None
    when_label: str = ""  # what the date is: "Objection deadline", "Available until"
    detail: str = ""
    organisation: str = ""
    done: bool = False  # shown for information (e.g. countersigned), after what needs doing


@dataclass
class Queue:
    workbench: str  # the url name of the workbench card it belongs to
    label: str
    count: int
    oldest: datetime.datetime | datetime.date | None = None  # when the oldest began waiting

    @property
    def oldest_days(self) -> int | None:
        if self.oldest is None:
            return None
        if isinstance(self.oldest, datetime.datetime):
            return (timezone.now() - self.oldest).days
        return (timezone.localdate() - self.oldest).days


def portal_todos(provider):
    _PORTAL.append(provider)
    return provider


def staff_queues(provider):
    _STAFF.append(provider)
    return provider


def _sort_key(todo: Todo):
    when = todo.when
    if isinstance(when, datetime.datetime):
        when = timezone.localtime(when).date()
    return (todo.done, when is None, when or datetime.date.max, str(todo.title))


def todos_for(user, memberships) -> list[Todo]:
    """Everything waiting for this person, soonest date first; information last."""
    items = []
    for provider in _PORTAL:
        items += provider(user, memberships)
    return sorted(items, key=_sort_key)


def queues_for(user) -> dict[str, list[Queue]]:
    """The waiting items of each workbench the user may open, by workbench url name."""
    queues: dict[str, list[Queue]] = {}
    for provider in _STAFF:
        for queue in provider(user):
            queues.setdefault(queue.workbench, []).append(queue)
    return queues


def discover():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("todos")
