"""The portal's export form: categories, format and an optional period."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from exports.models import ExportFormat
from exports.sources import exportable_categories
from exports.sources.base import DEFAULT_FORMAT, ExportMethod


class ExportRequestForm(forms.Form):
    """Parses the input; the rules (known ids, period order and length) are the service's,
    whose errors the view puts back on these fields."""

    categories = forms.MultipleChoiceField(
        label=_("Data to export"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category of data.")},
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ExportFormat.choices,
        initial=DEFAULT_FORMAT[ExportMethod.UI],
        widget=forms.RadioSelect,
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The categories the portal offers (a report may be offered through the API only).
        self.category_list = [c for c in exportable_categories() if ExportMethod.UI in c.methods]
        self.fields["categories"].choices = [(c.id, c.name) for c in self.category_list]
        if not self.is_bound:
            self.initial.setdefault("categories", [c.id for c in self.category_list])
        self.fields["date_to"].help_text = _(
            "A period covers at most %(days)d days and filters each category on its main date; "
            "leave both dates empty to export everything."
        ) % {"days": settings.EXPORT_MAX_PERIOD_DAYS}

    def category_options(self):
        """Each category's checkbox with the category itself (for its description)."""
        return list(zip(self["categories"], self.category_list, strict=True))
