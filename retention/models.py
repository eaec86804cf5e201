"""The retention periods legal maintains: kinds of data whose period no setting fixes (the
audit log, rights-request records, NDA evidence, ...). Those the settings fix are read from
them when the schedule is built (retention/schedule.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retention.periods import describe_period


class RetentionRule(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(
        _("identifier"),
        max_length=60,
        unique=True,
        help_text=_("Stable id in the API, e.g. audit_log."),
    )
    data = models.CharField(_("kind of data"), max_length=200)
    period = models.CharField(
        _("period"), max_length=30, help_text=_("ISO 8601 duration, e.g. P6Y or P90D.")
    )
    starts = models.CharField(_("what starts the clock"), max_length=300)
    at_end = models.CharField(_("what happens at the end"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["order", "data"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self):
        return self.data

    @property
    def period_label(self) -> str:
        return describe_period(self.period)
