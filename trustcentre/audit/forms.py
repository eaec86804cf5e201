"""The filter form of the staff audit log; the same filters drive the CSV export."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditEventFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "mfa."}),
    )
    actor = forms.CharField(label=_("Actor (email or label)"), required=False, max_length=254)
    organisation = forms.SlugField(label=_("Organisation slug"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return cleaned

    def to_filters(self, *, time_zone: str) -> dict:
        """JSON-safe keyword arguments for selectors.audit_event_list (stored on export jobs)."""
        data = self.cleaned_data
        filters = {
            name: data[name].strip()
            for name in ("action", "actor", "organisation", "object_id")
            if data.get(name, "").strip()
        }
        for name in ("date_from", "date_to"):
            if data.get(name):
                filters[name] = data[name].isoformat()
        if "date_from" in filters or "date_to" in filters:
            filters["time_zone"] = time_zone
        return filters
