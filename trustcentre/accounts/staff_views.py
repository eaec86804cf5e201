"""Staff pages for customers' and prospects' organisations (legal and trust admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from trustcentre.accounts import selectors, services
from trustcentre.accounts.forms import (
    InvitationForm,
    MembershipRoleForm,
    OrganisationForm,
    StaffOrganisationFilterForm,
)
from trustcentre.accounts.models import Invitation, Membership
from trustcentre.accounts.permissions import (
    is_organisation_staff,
    organisation_staff_required,
    staff_required,
)

ORGANISATIONS_PER_PAGE = 25


def _membership_or_404(organisation, user_id) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        organisation=organisation,
        user__public_id=user_id,
    )


def _back_to(organisation):
    return redirect("staff_organisations:detail", slug=organisation.slug)


@never_cache
@staff_required
def organisation_list(request):
    filters = StaffOrganisationFilterForm(request.GET or None)
    kind, search = "", ""
    if filters.is_valid():
        kind, search = filters.cleaned_data["kind"], filters.cleaned_data["q"]
    organisations = selectors.staff_organisation_list(user=request.user, kind=kind, search=search)
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff/organisation_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "filtered": bool(kind or search),
            "can_edit": is_organisation_staff(request.user),
        },
    )


def _render_detail(request, organisation, invitation_form=None, status=200):
    context = {
        "organisation": organisation,
        "memberships": list(selectors.organisation_members(organisation=organisation)),
        "invitations": list(selectors.organisation_open_invitations(organisation=organisation)),
        "invitation_form": invitation_form or InvitationForm(),
        "role_choices": Membership.Role.choices,
        "events": selectors.organisation_recent_events(organisation=organisation),
        "can_edit": is_organisation_staff(request.user),
    }
    return render(request, "accounts/staff/organisation_detail.html", context, status=status)


@never_cache
@staff_required
def organisation_detail(request, slug):
    return _render_detail(
        request, selectors.staff_organisation_or_404(user=request.user, slug=slug)
    )


@never_cache
@organisation_staff_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                **form.cleaned_data, created_by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": organisation.name})
            return _back_to(organisation)
    return render(
        request,
        "accounts/staff/organisation_form.html",
        {"form": form, "organisation": None},
        status=400 if form.errors else 200,
    )


@never_cache
@organisation_staff_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    organisation = selectors.staff_organisation_or_404(user=request.user, slug=slug)
    initial = {
        field: getattr(organisation, field)
        for field in (
            "kind",
            "email_domains",
            "allow_domain_join",
            "contract_start",
            "contract_end",
        )
    }
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, initial=initial, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                **form.cleaned_data,
                changed_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The changes to %(name)s were saved.") % {"name": organisation.name}
            )
            return _back_to(organisation)
    return render(
        request,
        "accounts/staff/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@never_cache
@organisation_staff_required
@require_POST
def invitation_create(request, slug):
    organisation = selectors.staff_organisation_or_404(user=request.user, slug=slug)
    form = InvitationForm(request.POST)
    invitation = form.is_valid() and form.send(
        organisation=organisation, invited_by=request.user, request=request
    )
    if invitation:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return _back_to(organisation)
    return _render_detail(request, organisation, invitation_form=form, status=400)


@never_cache
@organisation_staff_required
@require_POST
def invitation_revoke(request, slug, public_id):
    organisation = selectors.staff_organisation_or_404(user=request.user, slug=slug)
    invitation = get_object_or_404(Invitation, organisation=organisation, public_id=public_id)
    try:
        services.invitation_revoke(invitation=invitation, revoked_by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return _back_to(organisation)


@never_cache
@organisation_staff_required
@require_POST
def membership_remove(request, slug, user_id):
    organisation = selectors.staff_organisation_or_404(user=request.user, slug=slug)
    membership = _membership_or_404(organisation, user_id)
    try:
        services.membership_remove(membership=membership, removed_by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(email)s no longer belongs to %(organisation)s.")
            % {"email": membership.user.email, "organisation": organisation.name},
        )
    return _back_to(organisation)


@never_cache
@organisation_staff_required
@require_POST
def membership_change_role(request, slug, user_id):
    organisation = selectors.staff_organisation_or_404(user=request.user, slug=slug)
    membership = _membership_or_404(organisation, user_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return _back_to(organisation)
    try:
        services.membership_change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            changed_by=request.user,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(email)s is now %(role)s.")
            % {"email": membership.user.email, "role": membership.get_role_display().lower()},
        )
    return _back_to(organisation)
