"""Legal's statements in the Data Act register: each save is a new published register version
with its date, audited, public pages renewed, and DPA-update subscribers told when legal asks.

Regulation (EU) 2023/2854 (Data Act), Art. 26(b), asks for an up-to-date online register;
the versions keep what was stated before and when it changed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.sources import exportable_category_ids
from exports.statements_models import (
    CustomExportStatement,
    ExcludedCategory,
    GovernmentAccessMeasure,
    RegisterVersion,
    SwitchingMethod,
    SwitchingMethodKind,
)
from subprocessors.models import Topic
from subprocessors.services.subscriptions import subscribers_for, subscription_email_enqueue
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.audit.services import audit_record
from trustcentre.pages.public_cache import public_content_changed


class StatementNotAllowed(Exception):
    pass


class StatementKind:
    """The kinds of row legal keeps, as the staff pages name them in their URLs."""

    EXCLUDED = "excluded"
    SWITCHING = "switching"
    MEASURES = "measures"

    MODELS = {
        EXCLUDED: ExcludedCategory,
        SWITCHING: SwitchingMethod,
        MEASURES: GovernmentAccessMeasure,
    }
    FIELDS = {
        EXCLUDED: ("slug", "name", "description", "justification", "order"),
        SWITCHING: ("method", "available", "limitations", "notes", "categories", "order"),
        MEASURES: ("title", "description", "control", "order"),
    }


CUSTOM_EXPORT_FIELDS = ("statement", "support_route", "support_email", "support_url")


def _require_legal(user, request, *, action: str) -> None:
    if not has_staff_role(user, "legal"):
        audit_record(
            action="authz.denied",
            actor=user,
            request=request,
            object_type="exports.registerversion",
            details={"reason": f"{action} without the legal role"},
        )
        raise StatementNotAllowed(_("Only legal can change the register's statements."))


# What a version holds -------------------------------------------------------------------


def statements_snapshot() -> dict:
    """The statements as they stand, in the register's shape (what a version keeps)."""
    custom = CustomExportStatement.objects.order_by("-pk").first()
    return {
        "excluded_categories": [
            {
                "id": row.slug,
                "name": row.name,
                "description": row.description,
                "justification": row.justification,
            }
            for row in ExcludedCategory.objects.all()
        ],
        "switching_methods": [
            {
                "method": row.method,
                "name": str(row.get_method_display()),
                "available": row.available,
                "limitations": row.limitations,
                "notes": row.notes,
                "categories": list(row.categories),
            }
            for row in SwitchingMethod.objects.all()
        ],
        "government_access_measures": [
            {
                "id": str(row.public_id),
                "title": row.title,
                "description": row.description,
                "control": _control_entry(row.control),
            }
            for row in GovernmentAccessMeasure.objects.select_related("control")
        ],
        "custom_exports": {
            "statement": custom.statement if custom else "",
            "support_route": custom.support_route if custom else "",
            "support_email": custom.support_email if custom else "",
            "support_url": custom.support_url if custom else "",
        },
    }


def _control_entry(control) -> dict | None:
    if control is None:
        return None
    return {
        "id": str(control.public_id),
        "title": control.title,
        # The trust centre lists its controls in one section (no anchor per control).
        "url": settings.SITE_URL + reverse("pages:home") + "#controls-title",
    }


def latest_version() -> RegisterVersion | None:
    return RegisterVersion.objects.order_by("-number").first()


def _publish(*, user, request, change: str, notify: bool) -> RegisterVersion:
    """Inside the caller's transaction: number and store the new version, audit it, renew the
    public pages and, when asked, tell the subscribers of DPA updates."""
    # First: its row lock makes two publications take their turn, so numbers never clash.
    public_content_changed()
    number = (RegisterVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = RegisterVersion.objects.create(
        number=number,
        published_at=timezone.now(),
        published_by=user if user is not None and user.is_authenticated else None,
        changes=change,
        snapshot=statements_snapshot(),
    )
    recipients = _notify_subscribers(version) if notify else 0
    audit_record(
        action="data_act.register_published",
        actor=user,
        obj=version,
        request=request,
        details={"number": number, "recipients": recipients},
    )
    return version


def _notify_subscribers(version: RegisterVersion) -> int:
    cause = f"data-act-register-published:{version.public_id}"
    context = {
        "number": version.number,
        "changes": version.changes,
        "register_url": settings.SITE_URL + reverse("data_act:register"),
    }
    sent = 0
    for subscription in subscribers_for(Topic.DPA_UPDATES):
        subscription_email_enqueue(
            subscription=subscription,
            template="exports/register_published",
            context=context,
            cause=cause,
        )
        sent += 1
    return sent


# Saving rows ------------------------------------------------------------------------------


def _check(kind: str, data: dict, instance) -> None:
    """The rules no form field knows: unknown methods and categories, and an exclusion that
    names a category the register exports. Raises ValidationError by field."""
    known = exportable_category_ids()
    if kind == StatementKind.EXCLUDED and data.get("slug") in known:
        raise ValidationError(
            {
                "slug": _(
                    "%(id)s is a category the register exports; an excluded category needs "
                    "an id of its own."
                )
                % {"id": data["slug"]}
            }
        )
    if kind == StatementKind.SWITCHING:
        method = data.get("method")
        if method not in SwitchingMethodKind.values:
            raise ValidationError(
                {
                    "method": _("Unknown method: %(method)s. The methods are: %(known)s.")
                    % {"method": method, "known": ", ".join(SwitchingMethodKind.values)}
                }
            )
        categories = data.get("categories") or []
        unknown = sorted({str(c) for c in categories if c not in known})
        if isinstance(categories, str) or unknown:
            raise ValidationError(
                {
                    "categories": _("Unknown category: %(unknown)s. The categories are: %(known)s.")
                    % {"unknown": ", ".join(unknown) or categories, "known": ", ".join(known)}
                }
            )


def _label(kind: str, row) -> str:
    return {
        StatementKind.EXCLUDED: _("Excluded category"),
        StatementKind.SWITCHING: _("Switching method"),
        StatementKind.MEASURES: _("Government-access measure"),
    }[kind] + f" “{row}”"


def _change_text(summary: str, automatic: str) -> str:
    summary = (summary or "").strip()
    return f"{automatic}. {summary}" if summary else automatic


def statement_save(
    *,
    kind: str,
    user,
    data: dict,
    instance=None,
    summary: str = "",
    notify: bool = False,
    request=None,
) -> RegisterVersion:
    """Create a row of the kind (instance None) or change one, and publish the register as a
    new version. Bad input raises ValidationError and changes nothing."""
    _require_legal(user, request, action="change the register's statements")
    model = StatementKind.MODELS[kind]
    fields = StatementKind.FIELDS[kind]
    _check(kind, data, instance)
    with transaction.atomic():
        if instance is None:
            row = model()
        else:
            row = model.objects.select_for_update().get(pk=instance.pk)
        changed = [name for name in fields if name in data and getattr(row, name) != data[name]]
        for name in changed:
            setattr(row, name, data[name])
        row.full_clean()
        if instance is not None and not changed:
            raise ValidationError(_("Nothing was changed, so no new version was published."))
        row.save()
        if instance is None:
            automatic = _("%(what)s added") % {"what": _label(kind, row)}
        else:
            automatic = _("%(what)s changed") % {"what": _label(kind, row)}
        return _publish(
            user=user, request=request, change=_change_text(summary, automatic), notify=notify
        )


def statement_delete(
    *, kind: str, user, instance, summary: str = "", notify: bool = False, request=None
) -> RegisterVersion:
    _require_legal(user, request, action="remove a statement of the register")
    with transaction.atomic():
        automatic = _("%(what)s removed") % {"what": _label(kind, instance)}
        deleted, _per_model = StatementKind.MODELS[kind].objects.filter(pk=instance.pk).delete()
        if not deleted:
            raise ValidationError(_("This row was already removed."))
        return _publish(
            user=user, request=request, change=_change_text(summary, automatic), notify=notify
        )


def custom_exports_save(
    *, user, data: dict, summary: str = "", notify: bool = False, request=None
) -> RegisterVersion:
    """The statement on exports beyond the standard scope and the support route, as a new
    register version."""
    _require_legal(user, request, action="change the custom-export statement")
    with transaction.atomic():
        current = CustomExportStatement.objects.select_for_update().order_by("-pk").first()
        row = current or CustomExportStatement()
        changed = [
            name
            for name in CUSTOM_EXPORT_FIELDS
            if name in data and getattr(row, name) != data[name]
        ]
        for name in changed:
            setattr(row, name, data[name])
        row.full_clean()
        if current is not None and not changed:
            raise ValidationError(_("Nothing was changed, so no new version was published."))
        row.save()
        automatic = _("Statement on custom exports and the support route changed")
        return _publish(
            user=user, request=request, change=_change_text(summary, automatic), notify=notify
        )


def register_publish_initial(*, change: str) -> RegisterVersion:
    """Publish the statements as they stand (demo data, a first installation): no one to tell."""
    with transaction.atomic():
        return _publish(user=None, request=None, change=change, notify=False)
