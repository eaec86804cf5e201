"""Forms of legal's register editor: one per kind of statement, each with the note that goes
into the version history and whether to tell the subscribers of DPA updates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exports.sources import exportable_categories
from exports.statements import CUSTOM_EXPORT_FIELDS, StatementKind
from exports.statements_models import (
    CustomExportStatement,
    ExcludedCategory,
    GovernmentAccessMeasure,
    SwitchingMethod,
)
from trustcentre.content.models import Control


class PublicationFields(forms.Form):
    summary = forms.CharField(
        label=_("Note for the version history"),
        required=False,
        max_length=500,
        help_text=_("Optional; what changed is recorded in any case."),
    )
    notify = forms.BooleanField(
        label=_("Tell the subscribers of DPA updates by email"), required=False
    )


class _StatementForm(forms.ModelForm):
    kind = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(PublicationFields().fields)

    def statement_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in StatementKind.FIELDS[self.kind]}

    def _post_clean(self):
        # The service validates and saves (on a fresh row under lock); the form only parses.
        pass


class ExcludedCategoryForm(_StatementForm):
    kind = StatementKind.EXCLUDED

    class Meta:
        model = ExcludedCategory
        fields = StatementKind.FIELDS[StatementKind.EXCLUDED]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "justification": forms.Textarea(attrs={"rows": 4}),
        }


class SwitchingMethodForm(_StatementForm):
    kind = StatementKind.SWITCHING
    categories = forms.MultipleChoiceField(
        label=_("Only for these categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when the row is about every category."),
        error_messages={"invalid_choice": _("Unknown category: %(value)s.")},
    )

    class Meta:
        model = SwitchingMethod
        fields = StatementKind.FIELDS[StatementKind.SWITCHING]
        widgets = {
            "limitations": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(c.id, c.name) for c in exportable_categories()]
        self.fields["method"].error_messages["invalid_choice"] = _("Unknown method: %(value)s.")


class ControlChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.group.name}: {obj.title}"


class GovernmentAccessMeasureForm(_StatementForm):
    kind = StatementKind.MEASURES
    control = ControlChoiceField(
        label=_("Trust centre control"),
        queryset=Control.objects.select_related("group"),
        required=False,
        help_text=_("The control that carries this measure out, if one does."),
    )

    class Meta:
        model = GovernmentAccessMeasure
        fields = StatementKind.FIELDS[StatementKind.MEASURES]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


FORMS = {
    StatementKind.EXCLUDED: ExcludedCategoryForm,
    StatementKind.SWITCHING: SwitchingMethodForm,
    StatementKind.MEASURES: GovernmentAccessMeasureForm,
}


class CustomExportsForm(_StatementForm):
    # Declared here rather than from the model, so a link without a scheme means https.
    support_url = forms.URLField(label=_("support page"), required=False, assume_scheme="https")

    class Meta:
        model = CustomExportStatement
        fields = [name for name in CUSTOM_EXPORT_FIELDS if name != "support_url"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 4}),
            "support_route": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("support_url", self.instance.support_url)
        self.order_fields([*CUSTOM_EXPORT_FIELDS, "summary", "notify"])

    def statement_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in CUSTOM_EXPORT_FIELDS}
