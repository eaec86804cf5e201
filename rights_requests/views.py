"""Public pages of rights requests: the form, the email confirmation, the status page (after
the requester proves the email), replies, the letter and the download; and the customers'
referral pages."""

import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exports.sources import all_categories
from rights_requests import services
from rights_requests.forms import (
    CodeForm,
    EmailProofForm,
    InstructionForm,
    ReferenceLookupForm,
    ReplyForm,
    RightsRequestForm,
)
from rights_requests.letters import letter_filename, letter_pdf
from rights_requests.models import FulfilmentJob, Referral, RequestEvent, RightsRequest
from rights_requests.ratelimit import allow, code_check_allowed
from trustcentre.accounts.models import Membership
from trustcentre.audit.services import client_ip
from trustcentre.lib.files import private_file
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)

SESSION_KEY = "rights_requests_access"
DOWNLOAD_PURPOSE = "rights-request-download"


def _private_page(response):
    """A page about the request: never cached, but it keeps the site's referrer policy, since
    its forms' POSTs would be refused under no-referrer (see private_file)."""
    response["Cache-Control"] = "no-store"
    return response


def grant_access(request, rr: RightsRequest) -> None:
    """The requester proved the email: this browser may see the request for a while."""
    access = {
        ref: until
        for ref, until in request.session.get(SESSION_KEY, {}).items()
        if until > time.time()
    }
    access[rr.reference] = time.time() + settings.RIGHTS_REQUEST_ACCESS_SECONDS
    request.session[SESSION_KEY] = access
    request.session.cycle_key()


def has_access(request, reference: str) -> bool:
    return request.session.get(SESSION_KEY, {}).get(reference, 0) > time.time()


def _proven_request(request, reference) -> RightsRequest:
    rr = RightsRequest.objects.filter(reference=reference).first()
    if rr is None or not has_access(request, reference):
        raise Http404
    return rr


@never_cache
@require_http_methods(["GET", "POST"])
def request_new(request):
    form = RightsRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request) or ""
        if not (
            allow("ip", ip, settings.RIGHTS_REQUEST_INTAKE_PER_IP_PER_HOUR)
            and allow(
                "email",
                form.cleaned_data["email"],
                settings.RIGHTS_REQUEST_INTAKE_PER_EMAIL_PER_HOUR,
            )
        ):
            form.add_error(
                None,
                _("Too many requests were sent from here recently. Please try again in an hour."),
            )
            return render(request, "rights_requests/request_new.html", {"form": form}, status=429)
        rr = services.rights_request_file(**form.cleaned_data, ip_address=ip)
        request.session["rights_requests_filed"] = rr.reference
        return redirect("rights_requests:filed")
    return render(request, "rights_requests/request_new.html", {"form": form})


@never_cache
@require_GET
def request_filed(request):
    reference = request.session.get("rights_requests_filed")
    rr = RightsRequest.objects.filter(reference=reference).first() if reference else None
    if rr is None:
        return redirect("rights_requests:new")
    return render(request, "rights_requests/request_filed.html", {"rr": rr})


@never_cache
@require_http_methods(["GET", "POST"])
def request_verify(request, token):
    """GET shows a button (mail scanners open links); POST confirms."""
    if request.method == "POST":
        try:
            rr = services.rights_request_verify(token=token)
        except services.ProofFailed:
            return _private_page(render(request, "rights_requests/link_invalid.html", status=410))
        grant_access(request, rr)
        messages.success(
            request, _("Thank you: your email is confirmed and we are working on your request.")
        )
        return redirect("rights_requests:status", reference=rr.reference)
    if not services.peek_verify_token(token):
        return _private_page(render(request, "rights_requests/link_invalid.html", status=410))
    return _private_page(render(request, "rights_requests/verify.html"))


@never_cache
@require_http_methods(["GET", "POST"])
def status_link(request, token):
    if request.method == "POST":
        try:
            rr = services.status_link_use(token=token)
        except services.ProofFailed:
            return _private_page(render(request, "rights_requests/link_invalid.html", status=410))
        grant_access(request, rr)
        return redirect("rights_requests:status", reference=rr.reference)
    return _private_page(render(request, "rights_requests/status_link.html"))


@require_GET
def request_lookup(request):
    """A reference typed in (or pasted from an email) opens that request's page, which asks
    for proof before it shows anything: the look-up itself tells nothing."""
    form = ReferenceLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("rights_requests:status", reference=form.cleaned_data["reference"])
    return render(request, "rights_requests/lookup.html", {"form": form})


def _status_context(rr: RightsRequest) -> dict:
    jobs = list(rr.fulfilment_jobs.all())
    referrals = list(rr.referrals.select_related("organisation"))
    # A file is a result only once every controller has instructed us (or the DPO recorded
    # its confirmation): nothing is offered while an instruction is awaited.
    awaiting = any(referral.is_pending for referral in referrals)
    downloads = [
        {
            "job": job,
            "url": reverse(
                "rights_requests:download",
                kwargs={
                    "reference": rr.reference,
                    "token": make_signed_token(DOWNLOAD_PURPOSE, str(job.public_id)),
                },
            ),
        }
        for job in jobs
        if job.is_downloadable and not awaiting
    ]
    events = [e for e in rr.events.all() if e.visible_to_requester]
    return {
        "rr": rr,
        "events": events,
        # The requester answers our questions; before we asked one there is nothing to answer.
        "question_asked": any(e.kind == RequestEvent.Kind.MESSAGE_OUT for e in events),
        "referrals": referrals,
        "downloads": downloads,
        "reply_form": ReplyForm(),
        "lookup_form": ReferenceLookupForm(),
        "link_minutes": settings.RIGHTS_REQUEST_DOWNLOAD_LINK_MAX_AGE // 60,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def request_status(request, reference):
    """With proof: the status. Without: ask for the email, then a one-time code. An unknown
    reference and a wrong email get the same answer as a right one."""
    if has_access(request, reference):
        rr = RightsRequest.objects.filter(reference=reference).first()
        if rr is not None:
            return _private_page(
                render(request, "rights_requests/status.html", _status_context(rr))
            )
    email_form, code_form, code_sent = EmailProofForm(), CodeForm(), False
    if request.method == "POST" and "email" in request.POST:
        email_form = EmailProofForm(request.POST)
        if email_form.is_valid():
            if allow("status-code", reference, settings.RIGHTS_REQUEST_INTAKE_PER_EMAIL_PER_HOUR):
                services.status_code_send(
                    reference=reference, email=email_form.cleaned_data["email"]
                )
            code_sent = True
    elif request.method == "POST" and "code" in request.POST:
        code_form = CodeForm(request.POST)
        code_sent = True
        if code_form.is_valid() and not code_check_allowed(
            reference=reference, address=client_ip(request) or ""
        ):
            code_form.add_error(
                "code", _("Too many codes were tried. Ask for a new code and try again in an hour.")
            )
        elif code_form.is_valid():
            try:
                rr = services.status_code_check(
                    reference=reference, code=code_form.cleaned_data["code"]
                )
            except services.ProofFailed:
                code_form.add_error(
                    "code", _("This code is not right, was used already, or has expired.")
                )
            else:
                grant_access(request, rr)
                return redirect("rights_requests:status", reference=rr.reference)
    return _private_page(
        render(
            request,
            "rights_requests/status_proof.html",
            {
                "reference": reference,
                "email_form": email_form,
                "code_form": code_form,
                "code_sent": code_sent,
                "lookup_form": ReferenceLookupForm(),
            },
        )
    )


@never_cache
@require_POST
def request_reply(request, reference):
    rr = _proven_request(request, reference)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.rights_request_reply(rr=rr, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your answer was sent."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("rights_requests:status", reference=reference)


@never_cache
@require_GET
def request_letter(request, reference):
    rr = _proven_request(request, reference)
    if not rr.is_closed:
        raise Http404
    response = HttpResponse(letter_pdf(rr), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(rr)}"'
    return private_file(response)


@never_cache
@require_GET
def request_download(request, reference, token):
    """A signed link that expires, and the requester's proof in this browser, checked now."""
    try:
        job_id = uuid.UUID(
            read_signed_token(
                DOWNLOAD_PURPOSE, token, settings.RIGHTS_REQUEST_DOWNLOAD_LINK_MAX_AGE
            )
        )
    except SignatureExpired:
        return _private_page(render(request, "rights_requests/link_invalid.html", status=410))
    except (BadSignature, ValueError) as error:
        raise Http404 from error
    rr = _proven_request(request, reference)
    job = FulfilmentJob.objects.filter(public_id=job_id, request=rr).first()
    if job is None or not job.is_downloadable:
        raise Http404
    try:
        handle = default_storage.open(job.archive_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{rr.reference}-data.zip",
        content_type="application/zip",
    )
    services.fulfilment_delivered(job=job, request=request)
    return private_file(response)


# The customers' side: referrals to their organisation.


def _admin_referrals(user):
    organisations = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values(
        "organisation"
    )
    return Referral.objects.filter(organisation__in=organisations).select_related(
        "organisation", "request"
    )


@never_cache
@login_required
@require_GET
def referral_list(request):
    referrals = _admin_referrals(request.user).order_by("request__due_date")
    return render(request, "rights_requests/referral_list.html", {"referrals": referrals})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request, public_id):
    """The customer's side of one request: what it asks, our instruction form while we may
    still take one, and once we have acted (or the request is closed) what was done."""
    referral = get_object_or_404(_admin_referrals(request.user), public_id=public_id)
    rr = referral.request
    categories = [(category.id, category.name) for category in all_categories()]
    results = list(rr.results.filter(organisation=referral.organisation).select_related("done_by"))
    may_instruct = rr.is_open and not results
    form = InstructionForm(
        request.POST if request.method == "POST" else None, categories=categories
    )
    if request.method == "POST" and not may_instruct:
        messages.error(request, _("This request no longer takes an instruction; see below why."))
        return redirect("rights_requests_portal:referral", public_id=referral.public_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_instruct(
                referral=referral,
                user=request.user,
                instruction=form.cleaned_data["instruction"],
                categories=form.cleaned_data["categories"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except services.InstructionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your instruction was recorded."))
            return redirect("rights_requests_portal:referral", public_id=referral.public_id)
    names = dict(categories)
    return render(
        request,
        "rights_requests/referral_detail.html",
        {
            "referral": referral,
            "rr": rr,
            "form": form,
            "may_instruct": may_instruct,
            "results": [
                {
                    "result": result,
                    "rows": [
                        (names.get(category_id, category_id), rows)
                        for category_id, rows in result.row_counts.items()
                    ],
                }
                for result in results
            ],
            "scope": [names.get(c, c) for c in referral.categories],
        },
    )
