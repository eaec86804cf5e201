"""Forms of the end-of-contract pages. Field names match the services' error keys, so a
service's ValidationError lands on the right field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exports.end_of_contract import periods
from exports.end_of_contract.models import CaseChoice, CaseStatus
from exports.sources import all_categories

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class ChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("What should happen to your data?"),
        choices=CaseChoice.choices,
        widget=forms.RadioSelect,
    )
    destination_provider = forms.CharField(
        label=_("Destination provider (when switching)"), max_length=200, required=False
    )
    transition_days = forms.IntegerField(
        label=_("Transition (days)"),
        initial=periods.TRANSITION_MAX_DAYS,
        help_text=_("At most 30 days (Data Act Art. 25(2)); the service continues meanwhile."),
    )
    retrieval_days = forms.IntegerField(
        label=_("Data retrieval (days)"),
        initial=periods.RETRIEVAL_MIN_DAYS,
        help_text=_("At least 30 days, during which every export stays available."),
    )


class SwitchRequestForm(forms.Form):
    destination_provider = forms.CharField(label=_("Destination provider"), max_length=200)
    switch_on = forms.DateField(
        label=_("Switch takes effect on"),
        widget=DATE_WIDGET,
        help_text=_("At most 2 months from today (the notice period, Data Act Art. 25(2))."),
    )
    transition_days = forms.IntegerField(
        label=_("Transition (days)"), initial=periods.TRANSITION_MAX_DAYS
    )
    retrieval_days = forms.IntegerField(
        label=_("Data retrieval (days)"), initial=periods.RETRIEVAL_MIN_DAYS
    )


class ExtendTransitionForm(forms.Form):
    new_end = forms.DateField(
        label=_("New end of the transition"),
        widget=DATE_WIDGET,
        help_text=_(
            "Any later day your organisation needs, once (Data Act Art. 25(5)); the data "
            "retrieval period moves with it."
        ),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtendRetrievalForm(forms.Form):
    new_end = forms.DateField(label=_("New end of data retrieval"), widget=DATE_WIDGET)


class EarlyDeletionForm(forms.Form):
    statement = forms.CharField(
        label=_("Written confirmation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. “We have retrieved our data and ask you to erase it now.”"),
    )
    confirm_name = forms.CharField(label=_("Type the organisation's name to confirm"))


class UnfeasibilityForm(forms.Form):
    reasons = forms.CharField(
        label=_("Technical reasons"), widget=forms.Textarea(attrs={"rows": 4})
    )
    alternative_end = forms.DateField(
        label=_("Alternative end of the transition"),
        widget=DATE_WIDGET,
        help_text=_("At most 7 months from the start of the transition (Art. 25(4))."),
    )


def _category_choices():
    return [(c.id, c.name) for c in all_categories()]


class HoldForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=_category_choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Organisation"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any status")), *CaseStatus.choices]
    )
    choice = forms.ChoiceField(
        label=_("Choice"),
        required=False,
        choices=[("", _("any choice")), ("none", _("no choice yet")), *CaseChoice.choices],
    )
