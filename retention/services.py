"""Legal's edits of the retention periods it maintains: each saved change is published at once
(the public pages' cache moves with it) and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from retention.models import RetentionRule
from retention.periods import NotADuration, parse_period
from trustcentre.audit.services import audit_record
from trustcentre.pages.public_cache import public_content_changed

FIELDS = ("data", "period", "starts", "at_end", "order")


def _cleaned(*, data: str, period: str, starts: str, at_end: str) -> dict:
    errors = {}
    values = {"data": data.strip(), "starts": starts.strip(), "at_end": at_end.strip()}
    try:
        values["period"] = parse_period(period)
    except NotADuration:
        errors["period"] = [
            _(
                "“%(value)s” is not a period: write a duration such as P6Y, P90D, “6 years” or "
                "“90 days”."
            )
            % {"value": period}
        ]
    if not values["data"]:
        errors["data"] = [_("Name the kind of data.")]
    if not values["starts"]:
        errors["starts"] = [_("Say what starts the period.")]
    if not values["at_end"]:
        errors["at_end"] = [_("Say what happens at the end of the period.")]
    if errors:
        raise ValidationError(errors)
    return values


def retention_rule_create(
    *, data: str, period: str, starts: str, at_end: str, order: int = 0, key="", user, request=None
) -> RetentionRule:
    values = _cleaned(data=data, period=period, starts=starts, at_end=at_end)
    key = slugify(key or values["data"]).replace("-", "_")[:60]
    if RetentionRule.objects.filter(key=key).exists():
        raise ValidationError({"data": [_("This kind of data is already on the schedule.")]})
    with transaction.atomic():
        rule = RetentionRule.objects.create(
            key=key, order=order, updated_by=user if getattr(user, "pk", None) else None, **values
        )
        public_content_changed()
        audit_record(
            action="retention.rule_created",
            actor=user,
            obj=rule,
            request=request,
            details={"key": rule.key, "period": rule.period},
        )
    return rule


def retention_rule_update(
    *,
    rule: RetentionRule,
    data: str,
    period: str,
    starts: str,
    at_end: str,
    order: int,
    user,
    request=None,
) -> RetentionRule:
    values = {**_cleaned(data=data, period=period, starts=starts, at_end=at_end), "order": order}
    changed = [name for name in FIELDS if getattr(rule, name) != values[name]]
    if not changed:
        return rule
    before = rule.period
    with transaction.atomic():
        for name in changed:
            setattr(rule, name, values[name])
        rule.updated_at = timezone.now()
        rule.updated_by = user
        rule.save(update_fields=[*changed, "updated_at", "updated_by"])
        public_content_changed()
        audit_record(
            action="retention.rule_changed",
            actor=user,
            obj=rule,
            request=request,
            details={"key": rule.key, "fields": changed, "period": [before, rule.period]},
        )
    return rule
