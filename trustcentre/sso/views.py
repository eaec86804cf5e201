"""The return from an organisation's identity provider, and the staff pages that configure it."""

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.utils import build_absolute_uri
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from trustcentre.accounts.permissions import organisation_staff_required
from trustcentre.accounts.selectors import staff_organisation_list, staff_organisation_or_404
from trustcentre.lib.search import search_query
from trustcentre.sso import services
from trustcentre.sso.forms import IdentityProviderForm
from trustcentre.sso.models import IdentityProvider
from trustcentre.sso.provider import OrganisationOIDCAdapter

ORGANISATIONS_PER_PAGE = 25


@never_cache
@require_GET
def callback(request, provider_id):
    """allauth's callback view with the hardened adapter (signature, nonce, issuer checks)."""
    try:
        view = OAuth2CallbackView.adapter_view(OrganisationOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def allauth_oidc_closed(request, provider_id):
    """allauth's own OpenID Connect login and callback, which use its stock adapter without the
    issuer, subject and algorithm checks above: every organisation's sign-in goes through
    `callback`, so these stay closed even for a configured provider."""
    raise Http404


def _identity_provider_of(organisation) -> IdentityProvider | None:
    return (
        IdentityProvider.objects.select_related("social_app")
        .prefetch_related("domains")
        .filter(organisation=organisation)
        .first()
    )


@never_cache
@organisation_staff_required
def home(request):
    q = search_query(request)
    organisations = staff_organisation_list(user=request.user, search=q)
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    providers = {
        idp.organisation_id: idp
        for idp in IdentityProvider.objects.select_related("social_app")
        .prefetch_related("domains")
        .filter(organisation__in=list(page.object_list))
    }
    rows = [
        {"organisation": organisation, "identity_provider": providers.get(organisation.pk)}
        for organisation in page.object_list
    ]
    return render(
        request,
        "sso/staff_home.html",
        {
            "rows": rows,
            "page_obj": page,
            "q": q,
            "configured_count": IdentityProvider.objects.count(),
        },
    )


@never_cache
@organisation_staff_required
@require_http_methods(["GET", "POST"])
def configure(request, slug):
    organisation = staff_organisation_or_404(user=request.user, slug=slug)
    identity_provider = _identity_provider_of(organisation)
    initial = {}
    if identity_provider is not None:
        initial = {
            "issuer": identity_provider.issuer,
            "client_id": identity_provider.social_app.client_id,
            "domains": identity_provider.domain_names,
            "enforce": identity_provider.enforce,
        }
    form = IdentityProviderForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisation=organisation,
        has_secret=identity_provider is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_provider_save(
                organisation=organisation,
                **form.cleaned_data,
                changed_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Single sign-on for %(organisation)s was saved.")
                % {"organisation": organisation.name},
            )
            return redirect("sso_staff:configure", slug=organisation.slug)
    callback_url = build_absolute_uri(
        request,
        reverse("sso:callback", kwargs={"provider_id": services.provider_id_for(organisation)}),
    )
    return render(
        request,
        "sso/staff_configure.html",
        {
            "organisation": organisation,
            "identity_provider": identity_provider,
            "form": form,
            "callback_url": callback_url,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@organisation_staff_required
@require_http_methods(["GET", "POST"])
def remove(request, slug):
    organisation = staff_organisation_or_404(user=request.user, slug=slug)
    identity_provider = _identity_provider_of(organisation)
    if identity_provider is None:
        raise Http404
    if request.method == "POST":
        services.identity_provider_remove(
            identity_provider=identity_provider, removed_by=request.user, request=request
        )
        messages.success(
            request,
            _("Single sign-on for %(organisation)s was removed.")
            % {"organisation": organisation.name},
        )
        return redirect("sso_staff:home")
    return render(
        request,
        "sso/staff_remove_confirm.html",
        {"organisation": organisation, "identity_provider": identity_provider},
    )
