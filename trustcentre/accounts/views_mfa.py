"""Second-factor pages: enrol an authenticator, verify a code, backup codes, the security page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from trustcentre.accounts import mfa
from trustcentre.accounts.forms_mfa import (
    EnrolAuthenticatorForm,
    RemoveAuthenticatorForm,
    VerifyCodeForm,
)


def _default_next():
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _step_up(request, message: str, back_to: str | None = None):
    """Send the person to enter a fresh code, then back to the page they came from."""
    messages.info(request, message)
    return redirect(mfa.url_with_next("mfa:verify", back_to or request.get_full_path()))


@never_cache
@sensitive_post_parameters("code")
@login_required
def setup(request):
    user = request.user
    next_url = mfa.safe_next_url(request, _default_next())
    if mfa.has_confirmed_device(user) and not mfa.recently_verified(request):
        # Adding an authenticator with only a password would let a stolen password add one.
        return _step_up(request, _("Enter a code from your current authenticator to add another."))
    device = mfa.start_totp_enrolment(request=request, user=user)
    form = EnrolAuthenticatorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            codes = mfa.confirm_totp_device(
                request=request,
                user=user,
                device=device,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
            )
        except mfa.SecondFactorRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            messages.success(request, _("Your authenticator is set up. Two-factor sign-in is on."))
            if not codes:
                return redirect(next_url)
            return render(request, "mfa/backup_codes.html", {"codes": codes, "next_url": next_url})
    return render(
        request,
        "mfa/setup.html",
        {
            "form": form,
            "qr_code": mfa.qr_code_data_uri(device),
            "secret": mfa.secret_for_manual_entry(device),
            "next_url": next_url,
            "required": mfa.second_factor_required(user),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request):
    user = request.user
    next_url = mfa.safe_next_url(request, _default_next())
    if not mfa.has_confirmed_device(user):
        if mfa.second_factor_required(user):
            return redirect(mfa.url_with_next("mfa:setup", next_url))
        return redirect(next_url)
    form = VerifyCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            mfa.verify_second_factor(request=request, user=user, code=form.cleaned_data["code"])
        except mfa.SecondFactorRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            return redirect(next_url)
    return render(request, "mfa/verify.html", {"form": form, "next_url": next_url})


@never_cache
@login_required
def backup_codes(request):
    user = request.user
    if not mfa.confirmed_totp_devices(user).exists():
        messages.info(
            request, _("Set up an authenticator app first; backup codes stand in for it.")
        )
        return redirect("mfa:setup")
    if request.method == "POST":
        try:
            codes = mfa.regenerate_backup_codes(request=request, user=user)
        except mfa.SecondFactorRefused as refusal:
            return _step_up(request, refusal.message)
        return render(
            request, "mfa/backup_codes.html", {"codes": codes, "next_url": reverse("mfa:security")}
        )
    backup = mfa.backup_device_for(user)
    return render(
        request,
        "mfa/backup_codes_regenerate.html",
        {"remaining": backup.remaining_codes() if backup else 0},
    )


@never_cache
@login_required
def security(request):
    user = request.user
    backup = mfa.backup_device_for(user)
    devices = list(mfa.confirmed_totp_devices(user))
    return render(
        request,
        "mfa/security.html",
        {
            "devices": devices,
            "backup_remaining": backup.remaining_codes() if backup else None,
            "verified_device": getattr(user, "otp_device", None),
            "may_remove_last": not mfa.second_factor_required(user),
        },
    )


@never_cache
@require_POST
@login_required
def remove_device(request):
    form = RemoveAuthenticatorForm(request.POST)
    if not form.is_valid():
        return redirect("mfa:security")
    try:
        mfa.remove_totp_device(
            request=request, user=request.user, device_id=form.cleaned_data["device"]
        )
    except mfa.SecondFactorRefused as refusal:
        if not mfa.recently_verified(request):
            return _step_up(request, refusal.message, back_to=reverse("mfa:security"))
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The authenticator was removed."))
    return redirect("mfa:security")
