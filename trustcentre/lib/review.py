"""The review cadence that trust-centre content and documents share: an owner, a next-review
date, and who reviewed last and when."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def next_review_date(reviewed_on: datetime.date) -> datetime.date:
    """The one rule of the review cadence: the next review is due one interval (default a year)
    after the last. 29 February reviewed gives 28 February next year, never a day too late."""
    days = settings.TRUST_REVIEW_INTERVAL_DAYS
    if days == 365:
        try:
            return reviewed_on.replace(year=reviewed_on.year + 1)
        except ValueError:  # 29 February
            return reviewed_on.replace(year=reviewed_on.year + 1, day=28)
    return reviewed_on + datetime.timedelta(days=days)


def _default_next_review():
    return next_review_date(timezone.localdate())


class Reviewable(models.Model):
    """An owner and a next-review date; "mark reviewed" records who and when."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_reviewed_at = models.DateTimeField(_("last reviewed at"), null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    next_review_on = models.DateField(_("next review"), default=_default_next_review)

    class Meta:
        abstract = True

    @property
    def review_overdue(self) -> bool:
        return self.next_review_on < timezone.localdate()
