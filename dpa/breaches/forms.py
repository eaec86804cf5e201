"""Forms of the incident pages (staff) and the security notices (portal)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dpa.breaches.models import FollowUp, Incident
from trustcentre.accounts.models import Organisation

DATETIME_INPUT = "%Y-%m-%dT%H:%M"

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _moment(label, help_text=""):
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={"invalid": _("Give a date and time, e.g. 2026-03-28 14:30.")},
    )


def _count(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        error_messages={
            "min_value": _("A number of people or records cannot be negative."),
            "invalid": _("Give a whole number (an estimate is fine)."),
        },
    )


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    detected_at = _moment(_("Detected at"), _("In your time zone; when something was first seen."))
    aware_at = _moment(
        _("We became aware at"),
        _("When we knew personal data was breached. The notification period runs from here."),
    )
    nature = forms.CharField(label=_("Nature of the breach"), widget=TEXTAREA)
    data_categories = forms.CharField(
        label=_("Categories of personal data"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. names, email addresses, order history."),
    )
    subjects_affected = _count(_("Data subjects affected (approximate)"))
    records_affected = _count(_("Records affected (approximate)"))
    likely_consequences = forms.CharField(label=_("Likely consequences"), widget=TEXTAREA)
    measures_taken = forms.CharField(label=_("Measures taken"), widget=TEXTAREA)
    measures_proposed = forms.CharField(
        label=_("Measures proposed"), widget=TEXTAREA, required=False
    )
    customer_actions = forms.CharField(
        label=_("Recommended customer actions"), widget=TEXTAREA, required=False
    )
    contact_point = forms.CharField(
        label=_("Contact point"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who customers can ask for more information: name, email, phone."),
    )

    def clean(self):
        from dpa.breaches.services import time_errors

        data = super().clean()
        detected, aware = data.get("detected_at"), data.get("aware_at")
        if detected is not None and aware is not None:
            for name, messages in time_errors(
                detected_at=detected, aware_at=aware, now=timezone.now()
            ).items():
                for message in messages:
                    self.add_error(name, message)
        return data

    @classmethod
    def initial_for(cls, incident: Incident) -> dict:
        return {name: getattr(incident, name) for name in cls.base_fields}


class CustomerOrganisationsField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # A value that is no UUID at all would otherwise fail inside the query with the model
        # field's own message; it is the same tampering as an unknown id.
        for pk in value:
            try:
                uuid.UUID(str(pk))
            except ValueError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        return super()._check_values(value)


class NotifyForm(forms.Form):
    """The affected customers. Only customer organisations are valid choices: anything else
    (another kind, an unknown id) is a tampered form, refused whole."""

    organisations = CustomerOrganisationsField(
        label=_("Affected customer organisations"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one affected customer organisation."),
            "invalid_choice": _(
                "One of the selected organisations is not a customer organisation we know; "
                "nothing was sent."
            ),
            "invalid_pk_value": _(
                "One of the selected organisations is not a customer organisation we know; "
                "nothing was sent."
            ),
        },
    )
    confirm = forms.BooleanField(
        label=_("I have checked the text: it goes to every selected customer now."),
        error_messages={"required": _("Confirm that the text is ready to be sent.")},
    )

    def is_tampered(self) -> bool:
        return self.has_error("organisations", "invalid_choice") or self.has_error(
            "organisations", "invalid_pk_value"
        )


def _optional_count(label):
    field = _count(label)
    field.required = False
    field.help_text = _("Leave empty if unchanged.")
    return field


def _optional_text(label, rows=3):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
        help_text=_("Leave empty if unchanged."),
    )


class FollowUpForm(forms.Form):
    """A follow-up to the notified customers: a text, and new values for the facts that
    changed. The hidden key makes a second submission of the same form send nothing."""

    kind = forms.ChoiceField(
        label=_("Kind of follow-up"),
        choices=FollowUp.Kind.choices,
        widget=forms.RadioSelect,
        initial=FollowUp.Kind.NEW_FACTS,
        error_messages={"required": _("Choose what kind of follow-up this is.")},
    )
    body = forms.CharField(
        label=_("What we can tell you now"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What customers did not know from the earlier notices."),
        error_messages={"required": _("Write what customers should learn from this follow-up.")},
    )
    data_categories = _optional_text(_("Categories of personal data (updated)"), rows=2)
    subjects_affected = _optional_count(_("Data subjects affected (updated, approximate)"))
    records_affected = _optional_count(_("Records affected (updated, approximate)"))
    likely_consequences = _optional_text(_("Likely consequences (updated)"))
    measures_taken = _optional_text(_("Measures taken (updated)"))
    measures_proposed = _optional_text(_("Measures proposed (updated)"))
    customer_actions = _optional_text(_("Recommended customer actions (updated)"))
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_(
            "I have checked the text: it goes now to every customer notified of this incident."
        ),
        error_messages={"required": _("Confirm that the text is ready to be sent.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def update_fields(self):
        return [self[name] for name in FollowUp.UPDATE_FIELDS]

    def shows_updates(self) -> bool:
        """The optional facts stay folded away unless the DPO already filled one in."""
        return self.is_bound and any(
            self.data.get(name, "").strip() or self.has_error(name)
            for name in FollowUp.UPDATE_FIELDS
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "body": data["body"],
            "idempotency_key": data["idempotency_key"],
            **{name: data[name] for name in FollowUp.UPDATE_FIELDS},
        }


class IncidentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Incident.Status.choices),
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class NoticeFilterForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All notices")),
            ("open", _("Not yet acknowledged")),
            ("acknowledged", _("Acknowledged")),
        ],
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All my organisations"))] + [
            (organisation.slug, organisation.name) for organisation in organisations
        ]
