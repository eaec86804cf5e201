"""What a change notice changes, before and after, in words: the one function that every page,
email and feed entry uses ("Processing location: Germany, Netherlands → United States")."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from subprocessors.countries import country_names
from subprocessors.models import ChangeNotice, ListVersion, TransferMechanism

FIELD_LABELS = {
    "subprocessor": gettext_lazy("Sub-processor"),
    "purpose": gettext_lazy("Purpose"),
    "services": gettext_lazy("Services it supports"),
    "data_categories": gettext_lazy("Data categories"),
    "countries": gettext_lazy("Processing location"),
    "transfer_mechanism": gettext_lazy("Transfer mechanism"),
    "regions": gettext_lazy("Hosting regions"),
}
# The order lines appear in, whatever order the notice stored them in.
FIELD_ORDER = list(FIELD_LABELS)


@dataclass(frozen=True)
class ChangeLine:
    field: str
    label: str
    before: str
    after: str
    # False when there was nothing before ("none"): shown plainly, not struck through.
    had_before: bool = True

    def __str__(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"


def _mechanism_words(code: str, other: str = "") -> str:
    if not code:
        return ""
    if code == TransferMechanism.OTHER:
        return other or str(TransferMechanism.OTHER.label)
    if code in TransferMechanism.values:
        return str(TransferMechanism(code).label)
    return code


def _words(field: str, values: dict) -> str:
    """One field of a sub-processor (a snapshot or proposed values) in words; "" when empty."""
    value = values.get(field)
    if field == "transfer_mechanism":
        return _mechanism_words(value or "", values.get("transfer_mechanism_other") or "")
    if field == "countries":
        return country_names(value or [])
    if field == "regions":
        return ", ".join(str(region).upper() for region in value or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value or "")


def _before_the_change(notice: ChangeNotice) -> dict:
    """The changed sub-processor's values before this notice: kept on the notice when it took
    effect, or, while it has not, as they are now."""
    current = notice.subprocessor.snapshot()
    if notice.status != ChangeNotice.Status.EFFECTIVE:
        return current
    if notice.previous_values:
        return {**current, **notice.previous_values}
    # Took effect before the values were kept: the list version before the one it published.
    version = ListVersion.objects.filter(notice=notice).first()
    if version is not None:
        previous = ListVersion.objects.filter(number__lt=version.number).order_by("-number").first()
        for entry in previous.entries if previous else []:
            if entry.get("id") == current["id"]:
                return entry
    return current


def _line(field: str, before: str, after: str) -> ChangeLine:
    none = _("none")
    return ChangeLine(
        field, str(FIELD_LABELS[field]), before or none, after or none, had_before=bool(before)
    )


def change_lines(notice: ChangeNotice) -> list[ChangeLine]:
    """Each thing the notice changes, as a label with its value before and after in words
    (country names, transfer mechanism labels): never a raw list or a choice code."""
    kind = notice.kind
    subject = notice.subprocessor
    if kind == ChangeNotice.Kind.CHANGE:
        before = _before_the_change(notice)
        proposed = dict(notice.proposed_changes or {})
        after = {**before, **proposed}
        fields = {
            "transfer_mechanism" if name == "transfer_mechanism_other" else name
            for name in proposed
        }
        return [
            _line(field, _words(field, before), _words(field, after))
            for field in FIELD_ORDER
            if field in fields
        ]
    values = subject.snapshot()
    shown = ("countries", "transfer_mechanism", "data_categories")
    if kind == ChangeNotice.Kind.ADD:
        return [_line("subprocessor", "", f"{subject.name} ({subject.legal_entity})")] + [
            _line(field, "", _words(field, values)) for field in shown if _words(field, values)
        ]
    if kind == ChangeNotice.Kind.REMOVE:
        return [_line("subprocessor", f"{subject.name} ({subject.legal_entity})", "")]
    if kind == ChangeNotice.Kind.REPLACE and notice.replaces_id:
        old = notice.replaces.snapshot()
        return [
            _line("subprocessor", notice.replaces.name, subject.name),
            *[_line(field, _words(field, old), _words(field, values)) for field in shown],
        ]
    return []
