from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trustcentre.content.models import (
    Certification,
    Control,
    ControlGroup,
    FaqCategory,
    FaqEntry,
    Overview,
)

REVIEW_FIELDS = ["owner", "next_review_on"]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ControlForm(forms.ModelForm):
    class Meta:
        model = Control
        fields = ["group", "title", "description", "order", *REVIEW_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "next_review_on": DATE}


class FaqEntryForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["category", "question", "answer", "order", *REVIEW_FIELDS]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6}), "next_review_on": DATE}


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = [
            "name",
            "issuer",
            "scope",
            "certificate_number",
            "valid_from",
            "valid_until",
            "document",
            "order",
            *REVIEW_FIELDS,
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "valid_from": DATE,
            "valid_until": DATE,
            "next_review_on": DATE,
        }

    def clean(self):
        cleaned = super().clean()
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("A certificate cannot expire before it is valid."))
        return cleaned


class ControlGroupForm(forms.ModelForm):
    class Meta:
        model = ControlGroup
        fields = ["name", "slug", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class FaqCategoryForm(forms.ModelForm):
    class Meta:
        model = FaqCategory
        fields = ["name", "slug", "order"]


class OverviewForm(forms.ModelForm):
    class Meta:
        model = Overview
        fields = ["heading", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


@dataclass(frozen=True)
class Editable:
    """A kind of trust-centre content edited on the staff pages: its form, how its pages name
    it, how an item is found in a URL, the columns of its list, and whether it is reviewed."""

    form: type[forms.ModelForm]
    title: Promise
    new_label: Promise
    key: str  # the field that names an item in its URL
    columns: tuple[tuple[Promise, str], ...]  # (heading, attribute path with dots)
    related: tuple[str, ...] = ()
    reviewed: bool = False


EDITABLE = {
    "control": Editable(
        ControlForm,
        _("Controls"),
        _("New control"),
        "public_id",
        ((_("Control"), "title"), (_("Group"), "group.name")),
        related=("group", "owner"),
        reviewed=True,
    ),
    "faq": Editable(
        FaqEntryForm,
        _("FAQ"),
        _("New question"),
        "public_id",
        ((_("Question"), "question"), (_("Category"), "category.name")),
        related=("category", "owner"),
        reviewed=True,
    ),
    "certification": Editable(
        CertificationForm,
        _("Certifications"),
        _("New certification"),
        "public_id",
        ((_("Certification"), "name"), (_("Issuer"), "issuer"), (_("Valid until"), "valid_until")),
        related=("owner",),
        reviewed=True,
    ),
    "group": Editable(
        ControlGroupForm,
        _("Control groups"),
        _("New control group"),
        "slug",
        ((_("Group"), "name"), (_("Order"), "order")),
    ),
    "category": Editable(
        FaqCategoryForm,
        _("FAQ categories"),
        _("New FAQ category"),
        "slug",
        ((_("Category"), "name"), (_("Order"), "order")),
    ),
}
