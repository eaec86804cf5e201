"""Portal pages of the DPA: the organisation's agreement (status, version, history, download)
and the signing form for its admins. Another organisation's page is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from dpa import selectors, services
from dpa.body import render_body
from dpa.documents import annex_snapshot, placeholder_values
from dpa.downloads import (
    DownloadRefused,
    agreement_file_response,
    agreement_to_download,
    download_token,
)
from dpa.forms import SignForm
from trustcentre.accounts import mfa
from trustcentre.accounts.permissions import is_organisation_admin
from trustcentre.lib.signed_links import SignatureExpired


def _organisation(request, slug):
    return get_object_or_404(selectors.dpa_organisations_of(request.user), slug=slug)


@never_cache
@login_required
@require_GET
def home(request):
    organisations = list(selectors.dpa_organisations_of(request.user).order_by("name"))
    if len(organisations) == 1:
        return redirect("dpa_portal:organisation", slug=organisations[0].slug)
    return render(request, "dpa/portal/home.html", {"organisations": organisations})


def _download_url(agreement, user):
    if agreement is None or not agreement.is_executed:
        return ""
    return reverse(
        "dpa_portal:download",
        kwargs={"slug": agreement.organisation.slug, "token": download_token(agreement, user)},
    )


@never_cache
@login_required
@require_GET
def organisation_page(request, slug):
    organisation = _organisation(request, slug)
    latest = selectors.latest_published_version()
    in_force = selectors.agreement_in_force(organisation)
    history = [
        {"agreement": agreement, "download_url": _download_url(agreement, request.user)}
        for agreement in selectors.agreement_history(organisation)
    ]
    status = selectors.status_of(organisation)
    return render(
        request,
        "dpa/portal/organisation.html",
        {
            "organisation": organisation,
            "latest": latest,
            "in_force": in_force,
            "in_force_download_url": _download_url(in_force, request.user),
            "awaiting": selectors.awaiting_agreement(organisation),
            "history": history,
            "status": status,
            "status_label": selectors.DpaStatus.LABELS[status],
            "may_sign": is_organisation_admin(request.user, organisation)
            and latest is not None
            and status in selectors.DpaStatus.NEEDS_SIGNATURE,
            "is_admin": is_organisation_admin(request.user, organisation),
        },
    )


def _initial(organisation, user) -> dict:
    previous = selectors.agreement_history(organisation).first()
    initial = {"customer_legal_name": organisation.name, "notices_email": user.email}
    if previous is not None:
        for field in services.signing.PARTY_FIELDS:
            initial[field] = getattr(previous, field) or initial.get(field, "")
    return initial


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def sign(request, slug):
    organisation = _organisation(request, slug)
    user = request.user
    try:
        version = services.agreement_sign_open(
            organisation=organisation,
            user=user,
            request=request,
            attempt=request.method == "POST",
        )
    except services.NotAnAdmin as refusal:
        messages.error(request, refusal.message)
        return render(
            request, "dpa/portal/sign_refused.html", {"organisation": organisation}, status=403
        )
    except services.NothingPublished as refusal:
        messages.info(request, refusal.message)
        return redirect("dpa_portal:organisation", slug=slug)
    except services.NoAuthenticator as refusal:
        messages.warning(request, refusal.message)
        return redirect(mfa.url_with_next("mfa:setup", request.path))
    form = SignForm(
        request.POST if request.method == "POST" else None,
        initial={
            **_initial(organisation, user),
            "organisation": organisation.public_id,
            "version": version.public_id,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_sign_form_check(
                organisation=organisation,
                version=version,
                organisation_public_id=data["organisation"],
                version_public_id=data["version"],
                user=user,
                request=request,
            )
            mfa.verify_second_factor(request=request, user=user, code=data["code"])
            services.agreement_sign(
                organisation=organisation,
                version=version,
                user=user,
                parties=data,
                request=request,
            )
        except mfa.SecondFactorRefused as refusal:
            form.add_error("code", refusal.message)
        except services.DpaRefused as refusal:
            if isinstance(refusal, services.FormAltered):
                messages.error(request, refusal.message)
            form.add_error(None, refusal.message)
            status = services.refusal_status(refusal)
        else:
            messages.success(
                request,
                _(
                    "You signed version %(number)s of the DPA. We will countersign it; "
                    "the executed PDF will then be here."
                )
                % {"number": version.number},
            )
            return redirect("dpa_portal:organisation", slug=slug)
    if request.method == "POST" and form.errors and status == 200:
        status = 400
    parties = {
        field: (form.data.get(field) if form.is_bound else form.initial.get(field)) or ""
        for field in services.signing.PARTY_FIELDS
    }
    snapshot = annex_snapshot(version=version, parties=parties, effective_date=timezone.localdate())
    return render(
        request,
        "dpa/portal/sign.html",
        {
            "organisation": organisation,
            "version": version,
            "form": form,
            "snapshot": snapshot,
            "body_html": mark_safe(render_body(version.body, placeholder_values(snapshot))),  # noqa: S308 (nh3-cleaned)
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def download(request, slug, token):
    try:
        agreement = agreement_to_download(
            slug=slug, token=token, user=request.user, request=request
        )
    except SignatureExpired:
        messages.error(request, _("That download link has expired; here is a fresh one."))
        return redirect("dpa_portal:organisation", slug=slug)
    except DownloadRefused:
        raise Http404 from None
    return agreement_file_response(agreement, request=request)
