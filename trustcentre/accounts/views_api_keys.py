"""The portal page where an organisation's admins create, see and revoke its API keys."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from trustcentre.accounts import api_keys, selectors
from trustcentre.accounts.models import ApiKey, Organisation
from trustcentre.accounts.permissions import is_organisation_admin


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy(
            "What the key is for, e.g. “CRM sync”, so you can tell keys apart later."
        ),
    )


def _admin_organisation(request, slug) -> Organisation:
    # Not one of the viewer's organisations: 404, so its existence is not disclosed.
    organisation = get_object_or_404(selectors.portal_organisations(user=request.user), slug=slug)
    if not is_organisation_admin(request.user, organisation):
        raise PermissionDenied
    return organisation


def _render_list(request, organisation, form, status=200):
    context = {
        "organisation": organisation,
        "api_keys": ApiKey.objects.filter(organisation=organisation).select_related("created_by"),
        "form": form,
        "rate_limit": settings.API_RATE_LIMIT_PER_MINUTE,
    }
    return render(request, "accounts/api_keys.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_key_list(request, slug):
    organisation = _admin_organisation(request, slug)
    if request.method == "GET":
        return _render_list(request, organisation, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            api_key, plaintext = api_keys.api_key_create(
                organisation=organisation,
                name=form.cleaned_data["name"],
                created_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Rendered straight from the POST: the plaintext never goes into a session, a
            # message or a URL, and never_cache keeps it out of the browser's cache.
            context = {
                "organisation": organisation,
                "api_key": api_key,
                "plaintext": plaintext,
                "example_url": request.build_absolute_uri(reverse("api:organisation")),
            }
            return render(request, "accounts/api_keys_created.html", context)
    return _render_list(request, organisation, form, status=400)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_key_revoke(request, slug, public_id):
    organisation = _admin_organisation(request, slug)
    api_key = get_object_or_404(ApiKey, organisation=organisation, public_id=public_id)
    if request.method == "GET":
        context = {"organisation": organisation, "api_key": api_key}
        return render(request, "accounts/api_keys_revoke_confirm.html", context)
    try:
        api_keys.api_key_revoke(api_key=api_key, revoked_by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("The key “%(name)s” was revoked; requests made with it now fail.")
            % {"name": api_key.name},
        )
    return redirect("api_keys:list", slug=organisation.slug)
