"""The portal pages where an organisation's admins register, see and revoke its OAuth 2.0 API
clients and their access tokens."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from trustcentre.accounts import api_clients
from trustcentre.accounts.models import OAuthClient
from trustcentre.accounts.views_api_keys import _admin_organisation


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the client is for, e.g. “Data warehouse”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=OAuthClient.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("What its access tokens may do. Give it no more than it needs."),
        error_messages={"required": gettext_lazy("Choose at least one scope.")},
    )


def _render_list(request, organisation, form, status=200):
    clients = list(
        OAuthClient.objects.filter(organisation=organisation).select_related(
            "application", "created_by"
        )
    )
    counts = api_clients.active_token_counts(organisation=organisation)
    for client in clients:
        client.active_tokens = counts.get(client.pk, 0)
    context = {
        "organisation": organisation,
        "api_clients": clients,
        "form": form,
        "rate_limit": settings.API_RATE_LIMIT_PER_MINUTE,
        "token_minutes": settings.OAUTH_ACCESS_TOKEN_SECONDS // 60,
        "token_url": request.build_absolute_uri(reverse("oauth_token")),
    }
    return render(request, "accounts/api_clients.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_client_list(request, slug):
    organisation = _admin_organisation(request, slug)
    if request.method == "GET":
        return _render_list(request, organisation, ApiClientForm())
    form = ApiClientForm(request.POST)
    if form.is_valid():
        try:
            api_client, secret = api_clients.api_client_register(
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                created_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Rendered straight from the POST: the secret never goes into a session, a message
            # or a URL, and never_cache keeps it out of the browser's cache.
            context = {
                "organisation": organisation,
                "api_client": api_client,
                "secret": secret,
                "token_url": request.build_absolute_uri(reverse("oauth_token")),
                "example_url": request.build_absolute_uri(reverse("api:organisation")),
                "token_minutes": settings.OAUTH_ACCESS_TOKEN_SECONDS // 60,
            }
            return render(request, "accounts/api_clients_created.html", context)
    return _render_list(request, organisation, form, status=400)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_client_revoke(request, slug, public_id, tokens_only=False):
    organisation = _admin_organisation(request, slug)
    api_client = get_object_or_404(
        OAuthClient.objects.select_related("application"),
        organisation=organisation,
        public_id=public_id,
    )
    if request.method == "GET":
        context = {
            "organisation": organisation,
            "api_client": api_client,
            "tokens_only": tokens_only,
        }
        return render(request, "accounts/api_clients_revoke_confirm.html", context)
    try:
        if tokens_only:
            count = api_clients.api_client_tokens_revoke(
                api_client=api_client, revoked_by=request.user, request=request
            )
        else:
            api_clients.api_client_revoke(
                api_client=api_client, revoked_by=request.user, request=request
            )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if tokens_only:
            message = ngettext(
                "%(count)d access token of “%(name)s” was revoked; the client can request "
                "new ones.",
                "%(count)d access tokens of “%(name)s” were revoked; the client can request "
                "new ones.",
                count,
            ) % {"count": count, "name": api_client.name}
        else:
            message = _(
                "The API client “%(name)s” was revoked; its tokens no longer work and it gets "
                "no new ones."
            ) % {"name": api_client.name}
        messages.success(request, message)
    return redirect("api_clients:list", slug=organisation.slug)
