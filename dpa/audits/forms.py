"""Forms of the audit request pages: the customer's request and messages, legal's triage,
answer, schedule and close. Required texts are checked by the services, whose messages say what
is missing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dpa.audits.models import AuditRequest
from dpa.audits.selectors import legal_users

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _text(label, *, rows=4, help_text="", required=False, max_length=10_000):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _moment(label, help_text=""):
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={"invalid": _("Give a date and time, e.g. 2027-01-14 09:30.")},
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask for?"),
        choices=AuditRequest.Kind.choices,
        widget=forms.RadioSelect,
        initial=AuditRequest.Kind.INFORMATION,
    )
    scope = _text(
        _("Scope"),
        help_text=_("The services, systems, locations or obligations the request covers."),
    )
    questions = _text(_("Questions"), rows=6, help_text=_("What you would like us to answer."))
    preferred_dates = _text(
        _("Preferred dates"), rows=2, help_text=_("For an audit: when it would suit you.")
    )
    auditor = forms.CharField(
        label=_("Auditor"),
        required=False,
        max_length=300,
        help_text=_("For an audit: who carries it out (your staff or a mandated auditor)."),
    )


class _OwnIds(forms.Form):
    """Legal's page holds several of these forms: each gets ids of its own (answer_body,
    message_body), so every label points at its own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class MessageForm(_OwnIds):
    id_prefix = "message"
    body = _text(_("Message"), rows=4)


class TriageForm(_OwnIds):
    id_prefix = "triage"
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=legal_users(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = legal_users()
        self.fields["assignee"].label_from_instance = lambda user: user.full_name or user.email


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class AnswerForm(_OwnIds):
    id_prefix = "answer"
    body = _text(_("Answer"), rows=6)
    documents = MultipleFileField(
        label=_("Documents (PDF)"),
        required=False,
        help_text=_(
            "Shared under the customer's NDA: each download is stamped with who downloaded it."
        ),
    )


class ScheduleForm(_OwnIds):
    id_prefix = "schedule"
    starts_at = _moment(_("Audit starts"), _("In your time zone."))
    ends_at = _moment(_("Audit ends"), _("In your time zone."))
    arrangements = _text(
        _("Arrangements"),
        help_text=_("Auditor, place or remote access, what the customer should prepare."),
    )


class CloseForm(_OwnIds):
    id_prefix = "close"
    note = _text(_("Closing note"), rows=2, help_text=_("Optional; shown to the customer."))
