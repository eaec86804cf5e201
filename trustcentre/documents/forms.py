from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from trustcentre.documents.models import (
    AccessLevel,
    AccessRequest,
    Document,
    DocumentCategory,
    NdaAcceptance,
    NdaVersion,
)
from trustcentre.documents.services._common import grant_terms


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=DocumentCategory.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    level = forms.ChoiceField(
        label=_("Access"),
        required=False,
        choices=[("", _("Any access"))]
        + [c for c in AccessLevel.choices if c[0] != AccessLevel.PRIVATE],
    )


class AccessRequestForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="public_id",
        error_messages={"required": _("Choose at least one document.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        help_text=_("We greet you by it and fill it into the NDA for you."),
    )
    company = forms.CharField(label=_("Company"), max_length=200)
    reason = forms.CharField(
        label=_("Why do you need them?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("For example: a vendor security review before signing a contract."),
    )

    def __init__(self, *args, requestable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = requestable


class NdaAcceptForm(forms.Form):
    signer_name = forms.CharField(label=_("Full name"), max_length=200)
    signer_title = forms.CharField(label=_("Job title"), max_length=200)
    company = forms.CharField(label=_("Company"), max_length=200)
    agree = forms.BooleanField(
        label=_("I have read this agreement and accept it on behalf of my company."),
        error_messages={"required": _("Tick the box to accept the agreement.")},
    )


class NdaUploadForm(forms.Form):
    signer_name = forms.CharField(label=_("Full name of the signer"), max_length=200)
    signer_title = forms.CharField(label=_("Job title"), max_length=200)
    company = forms.CharField(label=_("Company"), max_length=200)
    file = forms.FileField(label=_("Countersigned NDA (PDF)"))


class ApproveForm(forms.Form):
    """The grant length, offered among the usual terms and TRUST_GRANT_DAYS, which it starts at."""

    term_days = forms.TypedChoiceField(label=_("Grant length"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["term_days"]
        field.choices = [(days, _("%(days)s days") % {"days": days}) for days in grant_terms()]
        field.initial = settings.TRUST_GRANT_DAYS


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class StaffRequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))] + list(AccessRequest.Status.choices),
    )
    q = forms.CharField(label=_("Email or company"), required=False, max_length=100)


class NdaRegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, email or company"), required=False, max_length=100)
    version = forms.ModelChoiceField(
        label=_("NDA version"),
        required=False,
        queryset=NdaVersion.objects.all(),
        to_field_name="number",
        empty_label=_("Any version"),
    )
    kind = forms.ChoiceField(
        label=_("How"),
        required=False,
        choices=[("", _("Any way"))] + list(NdaAcceptance.Kind.choices),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))] + list(NdaAcceptance.Status.choices),
    )
    in_force = forms.BooleanField(label=_("In force only"), required=False)


class DocumentForm(forms.ModelForm):
    file = forms.FileField(label=_("File"), help_text=_("PDF or an office document."))

    class Meta:
        model = Document
        fields = ["title", "description", "category", "access_level", "owner", "next_review_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, staff_users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users


class VersionForm(forms.Form):
    file = forms.FileField(label=_("File"))
    notes = forms.CharField(label=_("What changed"), max_length=300, required=False)


class QuestionnaireForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=200)
    due_on = forms.DateField(
        label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    file = forms.FileField(label=_("Questionnaire"), help_text=_("PDF or an office document."))


class AnswerForm(forms.Form):
    file = forms.FileField(label=_("Answer"))


class DownloadLookupForm(forms.Form):
    download_id = forms.UUIDField(label=_("Download id (from the stamp)"))


class NdaVersionForm(forms.Form):
    """A new NDA version: versions are append-only, so editing the text publishes the next one."""

    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Plain text; everyone accepts this exact text from its publication on."),
    )
