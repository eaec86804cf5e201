"""Review cadence: what is due, marking an item reviewed, and reminding owners."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.accounts.permissions import ROLE_LABELS
from trustcentre.audit.services import audit_record
from trustcentre.content.models import Certification, Control, FaqEntry
from trustcentre.documents import emails
from trustcentre.documents.models import Document
from trustcentre.lib.review import next_review_date
from trustcentre.pages.public_cache import public_content_changed

# kind -> model; the kind appears in URLs of "mark reviewed".
REVIEWABLE = {
    "document": Document,
    "certification": Certification,
    "control": Control,
    "faq": FaqEntry,
}
KIND_LABELS = {
    "document": _("Document"),
    "certification": _("Certification"),
    "control": _("Control"),
    "faq": _("FAQ entry"),
}


@dataclass
class ReviewItem:
    kind: str
    obj: object
    today: datetime.date  # the day the list was made for: "overdue" is relative to it
    # Set by other apps' review sources: their own label, and the page where the review is
    # done (instead of "mark reviewed").
    label: str = ""
    url: str = ""
    # The staff roles whose page `url` is (e.g. only legal assesses sub-processors): others
    # see the item is due but get no link they could not open.
    roles: tuple[str, ...] = ()

    @property
    def roles_label(self) -> str:
        return str(_(" or ")).join(str(ROLE_LABELS.get(role, role)) for role in self.roles)

    def opens_for(self, user) -> bool:
        return bool(self.url) and (
            not self.roles or user.is_superuser or bool(set(self.roles) & user.staff_roles)
        )

    @property
    def title(self) -> str:
        return str(self.obj)

    @property
    def due(self) -> datetime.date:
        return self.obj.next_review_on

    @property
    def overdue(self) -> bool:
        return self.obj.next_review_on < self.today

    @property
    def kind_label(self) -> str:
        return self.label or str(KIND_LABELS[self.kind])

    @property
    def owner(self):
        return self.obj.owner


# Other apps' reviews on the same cadence: callables (today=, horizon=, owner=) -> [ReviewItem],
# registered from their AppConfig.ready(), since the trust centre imports no domain app.
REVIEW_SOURCES: list[Callable[..., list[ReviewItem]]] = []


def register_review_source(source: Callable[..., list[ReviewItem]]) -> None:
    if source not in REVIEW_SOURCES:
        REVIEW_SOURCES.append(source)


def reviews_due(*, today: datetime.date | None = None, owner=None) -> list[ReviewItem]:
    """Items whose review is overdue or due within TRUST_REVIEW_DUE_SOON_DAYS, soonest first."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.TRUST_REVIEW_DUE_SOON_DAYS)
    items = []
    for kind, model in REVIEWABLE.items():
        rows = model.objects.filter(next_review_on__lte=horizon).select_related("owner")
        if owner is not None:
            rows = rows.filter(owner=owner)
        items += [ReviewItem(kind, row, today) for row in rows]
    for source in REVIEW_SOURCES:
        items += source(today=today, horizon=horizon, owner=owner)
    return sorted(items, key=lambda item: (item.due, item.kind, item.title))


@transaction.atomic
def mark_reviewed(*, kind: str, obj, user, request=None):
    now = timezone.now()
    obj.last_reviewed_at = now
    obj.last_reviewed_by = user
    obj.next_review_on = next_review_date(timezone.localdate(now))
    obj.save(update_fields=["last_reviewed_at", "last_reviewed_by", "next_review_on"])
    public_content_changed()
    audit_record(
        action="content.reviewed",
        actor=user,
        obj=obj,
        request=request,
        details={"kind": kind, "next_review_on": obj.next_review_on.isoformat()},
    )
    return obj


def review_reminders_send(*, today: datetime.date | None = None) -> int:
    """One email a day to each owner with items overdue or due soon."""
    today = today or timezone.localdate()
    by_owner = defaultdict(list)
    for item in reviews_due(today=today):
        if item.owner is not None and item.owner.is_active:
            by_owner[item.owner].append(item)
    for owner, items in by_owner.items():
        with transaction.atomic():
            emails.send(
                name="review_due",
                to=owner.email,
                context={
                    "name": owner.full_name or owner.email,
                    "items": [
                        {
                            "kind": item.kind_label,
                            "title": item.title,
                            "due": item.due,
                            "overdue": item.overdue,
                        }
                        for item in items
                    ],
                    "review_url": emails.absolute("content_staff:reviews"),
                },
                cause=f"content.review_due:{today.isoformat()}:{owner.public_id}",
                recipient=owner,
            )
    return len(by_owner)


@transaction.atomic
def content_save(*, form, kind: str, user, request=None):
    """Save a piece of the public trust centre edited on the staff pages (overview, a
    certification, a control or its group, an FAQ entry or its category), with its audit event."""
    created = form.instance.pk is None
    obj = form.save()
    public_content_changed()
    audit_record(
        action="content.created" if created else "content.changed",
        actor=user,
        obj=obj,
        request=request,
        details={"kind": kind, "fields": sorted(form.changed_data)},
    )
    return obj
