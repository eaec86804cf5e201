"""The retention schedule as published: one entry per kind of data the portal and its data
sources hold, with its period, what starts it and what happens at its end.

A period that a setting fixes is read from that setting each time the schedule is built, and
the housekeeping job named beside it reads the same setting, so the two cannot disagree. The
rest are legal's statements (RetentionRule rows)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext_lazy

from exports.end_of_contract.periods import RETRIEVAL_MIN_DAYS
from exports.sources import all_categories
from retention.models import RetentionRule
from retention.periods import describe_period, describe_seconds, seconds_to_iso


@dataclass(frozen=True)
class SettingPeriod:
    """A kind of data whose period a setting fixes, and the job that applies it (if any)."""

    id: str
    data: str
    setting: str
    unit: str  # "days", "months" or "seconds": how the setting counts
    starts: str
    at_end: str
    job: str = ""


@dataclass
class Entry:
    id: str
    data: str
    period: str  # for people: "7 days"
    period_iso: str | None  # ISO 8601 duration; None when the period is not a fixed length
    starts: str
    at_end: str
    source: str  # "setting", "contract" or "legal"
    setting: str = ""
    setting_value: int | None = None
    job: str = ""
    updated_at: object = None

    @property
    def anchor(self) -> str:
        """The entry's fragment on the page (/retention/#export_archives)."""
        return self.id.replace(":", "-")


_ = gettext_lazy

SETTING_PERIODS = (
    SettingPeriod(
        "export_archives",
        _("Export archives (Data Act and portability exports)"),
        "EXPORT_RETENTION_DAYS",
        "days",
        _("The export is finished"),
        _("The archive is deleted; its download link stops working"),
        "exports.tasks.delete_expired_exports",
    ),
    SettingPeriod(
        "export_work_files",
        _("Work files of exports that failed"),
        "EXPORT_RETENTION_DAYS",
        "days",
        _("The export failed"),
        _("The files are deleted from the worker's disk"),
        "exports.tasks.delete_expired_exports",
    ),
    SettingPeriod(
        "rights_request_archives",
        _("Archives of data sent to a data subject (access and portability requests)"),
        "RIGHTS_REQUEST_ARCHIVE_DAYS",
        "days",
        _("The archive is ready"),
        _("The archive can no longer be downloaded"),
    ),
    SettingPeriod(
        "unverified_rights_requests",
        _("Rights requests whose email address was never confirmed"),
        "RIGHTS_REQUEST_UNVERIFIED_DAYS",
        "days",
        _("The request is received"),
        _("The request and its personal data are deleted; the audit log keeps the reference"),
        "rights_requests.tasks.purge_unverified_requests",
    ),
    SettingPeriod(
        "unverified_subscriptions",
        _("Email subscriptions never confirmed"),
        "SUBSCRIPTION_UNVERIFIED_DAYS",
        "days",
        _("The subscription is asked for"),
        _("The address is deleted"),
        "subprocessors.tasks.delete_unverified_subscriptions",
    ),
    SettingPeriod(
        "backups",
        _("Backups holding erased customer data"),
        "END_OF_CONTRACT_BACKUP_RETENTION_DAYS",
        "days",
        _("The erasure is finished"),
        _("The backups are overwritten; the deletion certificate states the date"),
    ),
    SettingPeriod(
        "document_grants",
        _("Access grants to NDA-gated documents"),
        "TRUST_GRANT_DAYS",
        "days",
        _("Legal approves the access request"),
        _("The grant expires and the documents can no longer be downloaded"),
        "trustcentre.content.tasks.send_daily_reminders",
    ),
    SettingPeriod(
        "nda_acceptances",
        _("Accepted NDAs (click-through)"),
        "TRUST_NDA_MONTHS",
        "months",
        _("The NDA is accepted"),
        _("The NDA expires; a new acceptance is needed for gated documents"),
    ),
    SettingPeriod(
        "sessions",
        _("Sign-in sessions"),
        "SESSION_COOKIE_AGE",
        "seconds",
        _("Sign-in"),
        _("The session ends and has to be signed in again"),
    ),
)


def _from_setting(spec: SettingPeriod) -> Entry:
    value = int(getattr(settings, spec.setting))
    if spec.unit == "seconds":
        iso, label = seconds_to_iso(value), describe_seconds(value)
    else:
        iso = f"P{value}{'D' if spec.unit == 'days' else 'M'}"
        label = describe_period(iso)
    return Entry(
        id=spec.id,
        data=str(spec.data),
        period=label,
        period_iso=iso,
        starts=str(spec.starts),
        at_end=str(spec.at_end),
        source="setting",
        setting=spec.setting,
        setting_value=value,
        job=spec.job,
    )


def _customer_data() -> list[Entry]:
    """Each category of customer data the data sources hold: kept while the contract runs, then
    for the retrieval period the Data Act gives (Art. 25(2)(d): at least 30 days), which the
    customer may extend up to END_OF_CONTRACT_RETRIEVAL_MAX_DAYS, then erased."""
    longest = settings.END_OF_CONTRACT_RETRIEVAL_MAX_DAYS
    period = gettext_lazy(
        "The contract's term, then a retrieval period of %(min)d days (the customer may extend "
        "it to %(max)d days)"
    )
    return [
        Entry(
            id=f"customer_data:{category.id}",
            data=gettext_lazy("Customer data: %(name)s") % {"name": category.name},
            period=str(period) % {"min": RETRIEVAL_MIN_DAYS, "max": longest},
            period_iso=None,
            starts=str(gettext_lazy("The customer's use of the service collects it")),
            at_end=str(
                gettext_lazy(
                    "Returned on request, then erased from the live systems with a deletion "
                    "certificate; backups follow (see below). The customer can export or delete "
                    "it at any time before."
                )
            ),
            source="contract",
            setting="END_OF_CONTRACT_RETRIEVAL_MAX_DAYS",
            setting_value=longest,
            job="exports.end_of_contract.tasks.start_due_deletions",
        )
        for category in all_categories()
    ]


def _maintained() -> list[Entry]:
    return [
        Entry(
            id=rule.key,
            data=rule.data,
            period=rule.period_label,
            period_iso=rule.period,
            starts=rule.starts,
            at_end=rule.at_end,
            source="legal",
            updated_at=rule.updated_at,
        )
        for rule in RetentionRule.objects.order_by("order", "data")
    ]


def build_schedule() -> dict:
    """The schedule: customer data by category, the periods the settings fix, then legal's."""
    entries = [
        *_customer_data(),
        *(_from_setting(spec) for spec in SETTING_PERIODS),
        *_maintained(),
    ]
    return {
        "updated_at": RetentionRule.objects.aggregate(latest=Max("updated_at"))["latest"],
        "entries": entries,
    }
