"""Forms of the intake, the requester's proofs and replies, and the DPO workbench."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rights_requests.models import (
    Jurisdiction,
    RejectionReason,
    RequestStatus,
    RequestType,
)

DETAILS_MAX = 10_000
TEXT_WIDGET = forms.Textarea(attrs={"rows": 4})


class RightsRequestForm(forms.Form):
    type = forms.ChoiceField(label=_("What would you like us to do?"), choices=RequestType.choices)
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send a link to confirm it; the request is worked on once you do."),
    )
    jurisdiction = forms.ChoiceField(
        label=_("Where do you live?"),
        choices=Jurisdiction.choices,
        help_text=_("It sets the law that applies and the deadline for our answer."),
    )
    company_name = forms.CharField(
        label=_("The company whose service your data came from (optional)"),
        max_length=200,
        required=False,
        help_text=_("We process data for our customers; naming the company helps us find it."),
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        max_length=DETAILS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Anything that helps us find your data or understand the request; at most "
            "10,000 characters."
        ),
    )


class EmailProofForm(forms.Form):
    email = forms.EmailField(label=_("The email address you used for the request"), max_length=254)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("The code from the email"), max_length=12)


class ReferenceLookupForm(forms.Form):
    reference = forms.RegexField(
        label=_("Reference"),
        regex=r"^\s*[A-Za-z0-9-]{1,40}\s*$",
        max_length=60,
        help_text=_("As in our emails, for example RR-ABCD-EFGH-JKLM-NPQR."),
        error_messages={"invalid": _("A reference has only letters, digits and dashes.")},
    )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=DETAILS_MAX, widget=TEXT_WIDGET)


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference or email"), required=False, max_length=254)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open (all)")), ("all", _("Any status")), *RequestStatus.choices[1:]],
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *RequestType.choices]
    )
    jurisdiction = forms.ChoiceField(
        label=_("Jurisdiction"),
        required=False,
        choices=[("", _("Any jurisdiction")), *Jurisdiction.choices],
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, choices=())
    due_within = forms.IntegerField(
        label=_("Due within (days)"), required=False, min_value=0, max_value=365
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *[(str(u.public_id), u.email) for u in assignees],
        ]


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, choices=())

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Nobody")),
            *[(str(u.public_id), u.email) for u in assignees],
        ]


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=DETAILS_MAX, widget=TEXT_WIDGET)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Legal reason"), choices=RejectionReason.choices)
    explanation = forms.CharField(
        label=_("Explanation for the requester"), max_length=DETAILS_MAX, widget=TEXT_WIDGET
    )


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("Reference of the original request"), max_length=24)


class RectificationForm(forms.Form):
    field = forms.ChoiceField(label=_("Field to correct"), choices=())
    after = forms.CharField(label=_("Corrected value"), max_length=DETAILS_MAX)

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = list(fields)


class OverrideForm(forms.Form):
    referral = forms.UUIDField(widget=forms.HiddenInput)
    confirmed_by = forms.CharField(
        label=_("Who at the customer confirmed it (name and role)"),
        max_length=200,
        required=False,
    )
    channel = forms.CharField(
        label=_("How they confirmed it (for example a call on 3 May, or an email)"),
        max_length=200,
        required=False,
    )
    reason = forms.CharField(
        label=_("Why we act without their instruction in the portal"),
        max_length=DETAILS_MAX,
        required=False,
        widget=TEXT_WIDGET,
    )


class InstructionForm(forms.Form):
    instruction = forms.ChoiceField(
        label=_("Your instruction"),
        widget=forms.RadioSelect,
        choices=[
            ("handle_for_us", _("Handle it for us: act on the request on our behalf")),
            ("we_handle", _("We will handle it ourselves and answer the requester")),
        ],
    )
    categories = forms.MultipleChoiceField(
        label=_("The data we may act on (when we handle it for you)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=(),
    )
    note = forms.CharField(
        label=_("A note for our privacy team (optional)"),
        max_length=DETAILS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = list(categories)
        self.fields["categories"].initial = [value for value, _label in categories]
