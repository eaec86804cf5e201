"""Forms for the organisation, invitation, staff and profile pages. They parse input; the
rules live in services.py, which the forms call where one rule serves both."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from trustcentre.accounts.models import TIME_ZONE_CHOICES, Membership, Organisation
from trustcentre.accounts.services import invitation_create, organisation_clean_domains


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text=_("Admins manage the organisation's people, API keys and agreements."),
    )

    def send(self, *, organisation, invited_by, request):
        """Invite through the service; its refusals become form errors. Returns the
        invitation, or None when the form shows why not."""
        try:
            return invitation_create(
                organisation=organisation,
                email=self.cleaned_data["email"],
                role=self.cleaned_data["role"],
                invited_by=invited_by,
                request=request,
            )
        except ValidationError as error:
            self.add_error(None, error)
            return None


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *Membership.Role.choices]
    )


class DomainsField(forms.CharField):
    """Domains typed one per line or separated by commas, returned as a validated list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        value = super().to_python(value)
        return [part for part in value.replace(",", "\n").splitlines() if part.strip()]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def clean(self, value):
        return organisation_clean_domains(super().clean(value))


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    email_domains = DomainsField(
        label=_("Email domains"),
        required=False,
        help_text=_("One per line, e.g. acme-retail.eu. Free email services are refused."),
    )
    allow_domain_join = forms.BooleanField(
        label=_("Let people with a confirmed address at these domains join as members"),
        required=False,
    )
    contract_start = forms.DateField(
        label=_("Contract start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contract_end = forms.DateField(
        label=_("Contract end"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The name and slug are the organisation's identity in URLs and documents.
            del self.fields["name"]


class StaffOrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, slug or domain"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Organisation.Kind.choices]
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TIME_ZONE_CHOICES,
        help_text=_("Dates and times in the portal are shown in this zone."),
    )
