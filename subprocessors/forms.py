"""Forms of the public, portal and staff pages. Rules live in the services; forms parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from subprocessors.models import (
    Assessment,
    ChangeNotice,
    Objection,
    SubProcessor,
    Topic,
    TransferMechanism,
)
from trustcentre.notifications.models import WebhookEvent


def _split(value: str) -> list[str]:
    return [item.strip() for item in (value or "").replace("\n", ",").split(",") if item.strip()]


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Topic.SUBPROCESSOR_CHANGES],
        error_messages={"required": _("Choose at least one topic.")},
    )


class PortalSubscriptionForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Email me about"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Untick everything to stop all emails (notices to admins still arrive)."),
    )


class ObjectionForm(forms.Form):
    grounds = forms.CharField(
        label=_("Data-protection grounds"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_(
            "Why this change affects the protection of personal data you control, e.g. the "
            "country of processing or the transfer mechanism."
        ),
        error_messages={"required": _("State the data-protection grounds of the objection.")},
    )


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=500,
        help_text=_("HTTPS, reachable from the internet."),
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.acme-retail.eu/trust"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=WebhookEvent.values,
    )


class SubProcessorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_entity = forms.CharField(label=_("Legal entity"), max_length=300)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    services = forms.CharField(
        label=_("Services it supports"), required=False, help_text=_("Comma-separated.")
    )
    data_categories = forms.CharField(
        label=_("Data categories"), required=False, help_text=_("Comma-separated.")
    )
    countries = forms.CharField(
        label=_("Processing countries"),
        help_text=_("ISO 3166-1 alpha-2 codes, comma-separated, e.g. DE, IE, US."),
    )
    regions = forms.CharField(
        label=_("Hosting regions served"),
        required=False,
        help_text=_("e.g. eu, us; empty for all regions."),
    )
    transfer_mechanism = forms.ChoiceField(
        label=_("Transfer mechanism"), choices=TransferMechanism.choices
    )
    transfer_mechanism_other = forms.CharField(
        label=_("Transfer mechanism (if other)"), required=False, max_length=300
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    LIST_FIELDS = ("services", "data_categories", "countries", "regions")

    @classmethod
    def initial_for(cls, subprocessor: SubProcessor) -> dict:
        initial = {name: getattr(subprocessor, name) for name in cls.base_fields}
        for name in cls.LIST_FIELDS:
            initial[name] = ", ".join(initial[name])
        return initial

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for name in self.LIST_FIELDS:
            data[name] = _split(data[name])
        return data


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of change"), choices=ChangeNotice.Kind.choices)
    subprocessor = forms.ModelChoiceField(
        label=_("Sub-processor"),
        queryset=SubProcessor.objects.exclude(status=SubProcessor.Status.RETIRED),
        help_text=_("For an addition or replacement, the new (proposed) one."),
    )
    replaces = forms.ModelChoiceField(
        label=_("Replaces"),
        queryset=SubProcessor.objects.listed(),
        required=False,
        help_text=_("Only for a replacement."),
    )
    summary = forms.CharField(label=_("Summary"), max_length=300)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))
    new_countries = forms.CharField(
        label=_("New processing countries"),
        required=False,
        help_text=_("For a change: ISO codes, comma-separated."),
    )
    new_transfer_mechanism = forms.ChoiceField(
        label=_("New transfer mechanism"),
        choices=[("", "—"), *TransferMechanism.choices],
        required=False,
    )
    new_purpose = forms.CharField(
        label=_("New purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def proposed_changes(self) -> dict:
        data = self.cleaned_data
        changes = {}
        if data.get("new_countries"):
            changes["countries"] = _split(data["new_countries"])
        if data.get("new_transfer_mechanism"):
            changes["transfer_mechanism"] = data["new_transfer_mechanism"]
        if data.get("new_purpose"):
            changes["purpose"] = data["new_purpose"]
        return changes


class AnnounceForm(forms.Form):
    effective_date = forms.DateField(
        label=_("Takes effect on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At the earliest the day after the last customer's objection deadline."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is it withdrawn?"), max_length=2000)


class ProceedForm(forms.Form):
    # Not required here: the service refuses an empty reason with its own message.
    reason = forms.CharField(
        label=_("Why does the change proceed despite the open objections?"),
        help_text=_("Sent to each objecting customer with the remedy its DPA gives."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Resolution"), choices=Objection.Resolution.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes for the customer"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ObjectionReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the customer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("A question or an offer; the objection stays open until you resolve it."),
    )


class NoticeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *ChangeNotice.Status.choices], required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


def _area(label, help_text):
    # Required by the service, which says which area is missing.
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
    )


class AssessmentForm(forms.Form):
    # Not required here: the service names every missing part at once, the day included.
    assessed_on = forms.DateField(
        label=_("Assessed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    security_controls = _area(
        _("Security controls"), _("Access control, encryption, logging, vulnerability handling.")
    )
    data_protection_terms = _area(
        _("Data protection terms"),
        _("The sub-processing agreement: Art. 28(3) terms flowed down, audit and deletion."),
    )
    transfer_mechanism = _area(
        _("Transfer mechanism"),
        _("Where the data goes and on what basis (adequacy, SCCs, DPF), transfer assessment."),
    )
    certifications = _area(
        _("Certifications"), _("ISO/IEC 27001, SOC 2 and the like: scope and validity.")
    )
    resilience = _area(
        _("Resilience"), _("Availability, backups, business continuity, exit options.")
    )
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("Choose the result")), *Assessment.Result.choices],
    )
    next_review_on = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: one review interval after the assessment."),
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF or office document; kept privately. Add more by editing the assessment."),
    )

    @classmethod
    def initial_for(cls, assessment: Assessment) -> dict:
        return {
            "assessed_on": assessment.assessed_on,
            "result": assessment.result,
            "next_review_on": assessment.next_review_on,
            **{name: getattr(assessment, name) for name in Assessment.AREAS},
        }

    def values(self) -> dict:
        data = self.cleaned_data
        evidence = data.get("evidence")
        return {
            "assessed_on": data.get("assessed_on"),
            "result": data["result"],
            "next_review_on": data.get("next_review_on"),
            "evidence": [evidence] if evidence else [],
            **{name: data.get(name, "") for name in Assessment.AREAS},
        }
