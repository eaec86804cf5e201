"""Forms of the DPA pages: versions (staff), signing (customer admins), uploads and filters."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dpa.body import PLACEHOLDERS
from dpa.models import DpaVersion
from dpa.selectors import DpaStatus


class VersionForm(forms.ModelForm):
    class Meta:
        model = DpaVersion
        fields = DpaVersion.EDITABLE_FIELDS
        widgets = {
            "body": forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
            "summary_of_changes": forms.Textarea(attrs={"rows": 4}),
            "subject_matter": forms.Textarea(attrs={"rows": 2}),
            "duration": forms.Textarea(attrs={"rows": 2}),
            "nature_and_purpose": forms.Textarea(attrs={"rows": 3}),
            "data_categories": forms.Textarea(attrs={"rows": 3}),
            "data_subjects": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _(
            "Markdown. Placeholders: %(names)s. No HTML scripts, styles or event handlers."
        ) % {"names": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)}
        # Prefilled on the page; a post without it keeps the draft's period (30 for a new one).
        self.fields["audit_answer_days"].required = False

    def clean(self):
        data = super().clean()
        if data.get("audit_answer_days") is None and "audit_answer_days" not in self.errors:
            data["audit_answer_days"] = self.instance.audit_answer_days
        return data


class SignForm(forms.Form):
    # The organisation and version the page showed: checked against the URL and the latest
    # version, never used to choose what is signed.
    organisation = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.UUIDField(widget=forms.HiddenInput)
    customer_legal_name = forms.CharField(
        label=_("Legal name of your organisation"), max_length=300
    )
    customer_address = forms.CharField(
        label=_("Registered address"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    signatory_name = forms.CharField(label=_("Signatory's name"), max_length=200)
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=200)
    notices_email = forms.EmailField(
        label=_("Contact for notices"),
        help_text=_("Breach notifications and DPA notices go to this address."),
    )
    agree = forms.BooleanField(
        label=_("I have read this agreement and sign it on behalf of the organisation."),
        required=True,
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        help_text=_("Signing needs a fresh 6-digit code, even though you are signed in."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) in (6, 8)):
            raise forms.ValidationError(
                _("Enter the 6-digit code your authenticator app shows (backup codes do not sign).")
            )
        return code


class CountersignForm(forms.Form):
    """Countersigning asks for a fresh code from legal's authenticator app, as signing does."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        help_text=_("Countersigning needs a fresh 6-digit code, even though you are signed in."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    clean_code = SignForm.clean_code


class NegotiatedUploadForm(forms.Form):
    file = forms.FileField(label=_("Signed agreement (PDF)"))
    customer_legal_name = forms.CharField(label=_("Customer's legal name"), max_length=300)
    notices_email = forms.EmailField(label=_("Customer's contact for notices"))
    effective_date = forms.DateField(
        label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    objection_window_days = forms.IntegerField(
        label=_("Objection window (days)"),
        min_value=1,
        max_value=365,
        initial=lambda: settings.SUBPROCESSOR_OBJECTION_WINDOW_DAYS,
        help_text=_("As negotiated; sub-processor changes give this customer this many days."),
    )


class StatusFilterForm(forms.Form):
    q = forms.CharField(label=_("Organisation"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *DpaStatus.CHOICES],
    )
