"""Portal pages: an organisation's people and invitations, accepting an invitation, the profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from trustcentre.accounts import selectors, services
from trustcentre.accounts.forms import (
    InvitationForm,
    MemberFilterForm,
    MembershipRoleForm,
    ProfileForm,
)
from trustcentre.accounts.models import Invitation, Membership, Organisation
from trustcentre.accounts.permissions import is_organisation_admin

MEMBERS_PER_PAGE = 50


def _organisation_or_404(request, slug) -> Organisation:
    # Another organisation's page answers 404, so its existence is not disclosed.
    return get_object_or_404(selectors.portal_organisations(user=request.user), slug=slug)


def _admin_organisation(request, slug) -> Organisation:
    organisation = _organisation_or_404(request, slug)
    if not is_organisation_admin(request.user, organisation):
        raise PermissionDenied
    return organisation


def _membership_or_404(organisation, user_public_id) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        organisation=organisation,
        user__public_id=user_public_id,
    )


def _first_message(error: ValidationError) -> str:
    return error.messages[0]


def _render_organisation(request, organisation, invitation_form=None, status=200):
    is_admin = is_organisation_admin(request.user, organisation)
    # Its own ids: the invite form on the same page also has a "role" field.
    filters = MemberFilterForm(request.GET or None, auto_id="filter-%s")
    search, role = "", ""
    if filters.is_valid():
        search, role = filters.cleaned_data["q"], filters.cleaned_data["role"]
    members = selectors.organisation_members(organisation=organisation, search=search, role=role)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "is_admin": is_admin,
        "filters": filters,
        "page_obj": page,
        "role_choices": Membership.Role.choices,
        "invitations": (
            list(selectors.organisation_open_invitations(organisation=organisation))
            if is_admin
            else []
        ),
        "invitation_form": invitation_form or (InvitationForm() if is_admin else None),
    }
    return render(request, "accounts/organisation_detail.html", context, status=status)


@never_cache
@login_required
def organisation_detail(request, slug):
    return _render_organisation(request, _organisation_or_404(request, slug))


@never_cache
@login_required
@require_POST
def invitation_create(request, slug):
    organisation = _admin_organisation(request, slug)
    form = InvitationForm(request.POST)
    invitation = form.is_valid() and form.send(
        organisation=organisation, invited_by=request.user, request=request
    )
    if invitation:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("accounts:organisation_detail", slug=organisation.slug)
    return _render_organisation(request, organisation, invitation_form=form, status=400)


@never_cache
@login_required
@require_POST
def invitation_revoke(request, slug, public_id):
    organisation = _admin_organisation(request, slug)
    invitation = get_object_or_404(Invitation, organisation=organisation, public_id=public_id)
    try:
        services.invitation_revoke(invitation=invitation, revoked_by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(
            request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("accounts:organisation_detail", slug=organisation.slug)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def membership_remove(request, slug, user_id):
    organisation = _admin_organisation(request, slug)
    membership = _membership_or_404(organisation, user_id)
    if request.method == "POST":
        try:
            services.membership_remove(
                membership=membership, removed_by=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, _first_message(error))
        else:
            messages.success(
                request,
                _("%(email)s no longer belongs to %(organisation)s.")
                % {"email": membership.user.email, "organisation": organisation.name},
            )
            if membership.user == request.user:
                return redirect("pages:portal_home")
        return redirect("accounts:organisation_detail", slug=organisation.slug)
    return render(
        request,
        "accounts/membership_remove_confirm.html",
        {"organisation": organisation, "membership": membership},
    )


@never_cache
@login_required
@require_POST
def membership_change_role(request, slug, user_id):
    organisation = _admin_organisation(request, slug)
    membership = _membership_or_404(organisation, user_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("accounts:organisation_detail", slug=organisation.slug)
    try:
        services.membership_change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            changed_by=request.user,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(
            request,
            _("%(email)s is now %(role)s.")
            % {"email": membership.user.email, "role": membership.get_role_display().lower()},
        )
    return redirect("accounts:organisation_detail", slug=organisation.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The page an invitation email links to. GET only shows it (mail scanners open links);
    the Accept button POSTs."""
    invitation = selectors.invitation_by_token(token)
    status = 200 if invitation else 404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            membership = services.invitation_accept(token=token, user=request.user, request=request)
        except ValidationError as error:
            problem, status = _first_message(error), 400
        else:
            messages.success(
                request,
                _("Welcome to %(organisation)s.") % {"organisation": membership.organisation.name},
            )
            return redirect("accounts:organisation_detail", slug=membership.organisation.slug)
    else:
        problem = services.invitation_problem(invitation, request.user)
    response = render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "problem": problem},
        status=status,
    )
    # The token is in this page's address; never pass it on to another site.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(
                    user=user,
                    full_name=form.cleaned_data["full_name"],
                    time_zone=form.cleaned_data["time_zone"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"full_name": user.full_name, "time_zone": user.time_zone})
    memberships = user.memberships.select_related("organisation").order_by("organisation__name")
    return render(
        request, "accounts/profile.html", {"form": form, "memberships": list(memberships)}
    )
