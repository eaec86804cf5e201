"""The staff form of a maintained retention period. The service checks the period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from retention.models import RetentionRule


class RetentionRuleForm(forms.Form):
    data = forms.CharField(label=_("Kind of data"), max_length=200, required=False)
    period = forms.CharField(
        label=_("Period"),
        max_length=30,
        required=False,
        help_text=_("A duration: P6Y, P18M, P90D, or “6 years”, “90 days”."),
    )
    starts = forms.CharField(label=_("What starts the clock"), max_length=300, required=False)
    at_end = forms.CharField(label=_("What happens at the end"), max_length=300, required=False)
    order = forms.IntegerField(label=_("Order on the page"), min_value=0, initial=100)

    @classmethod
    def initial_for(cls, rule: RetentionRule) -> dict:
        return {
            "data": rule.data,
            "period": rule.period,
            "starts": rule.starts,
            "at_end": rule.at_end,
            "order": rule.order,
        }
