"""The emails a signed-in user was sent (/portal/messages/), and the developer's mailbox
(/dev/mail/, DEBUG only) that shows every outbox message as it was sent."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.services import message_as_email

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@never_cache
@login_required
def portal_message_list(request):
    messages = OutboxMessage.objects.visible_to(request.user).order_by("-created_at", "-pk")
    context = {"page_obj": _page(request, messages)}
    return render(request, "notifications/portal_message_list.html", context)


@never_cache
@login_required
def portal_message_detail(request, public_id):
    # Someone else's message is a 404, never a 403: its existence is not ours to tell.
    message = get_object_or_404(OutboxMessage.objects.visible_to(request.user), public_id=public_id)
    return render(request, "notifications/portal_message_detail.html", {"message": message})


def debug_only(view):
    """The URLs exist only when DEBUG is on; the views check again so that including them by
    mistake in production still shows nothing."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@debug_only
def dev_mail_list(request):
    recipient = request.GET.get("to", "").strip()
    messages = OutboxMessage.objects.order_by("-created_at", "-pk")
    if recipient:
        messages = messages.filter(to_email__icontains=recipient)
    context = {"page_obj": _page(request, messages), "recipient": recipient}
    return render(request, "notifications/dev_mail_list.html", context)


@never_cache
@debug_only
def dev_mail_detail(request, public_id):
    message = get_object_or_404(OutboxMessage, public_id=public_id)
    context = {
        "message": message,
        "headers": message_as_email(message).message().items(),
        "attempts": list(message.delivery_attempts.all()),
    }
    return render(request, "notifications/dev_mail_detail.html", context)
