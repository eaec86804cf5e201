"""Why a DPA operation was refused; `message` is for the person who tried.

The refusals of the signing form carry their message here, so pages and the API word each
refusal the same way; `refusal_status` is the one mapping of a refusal to its HTTP status."""

from django.utils.translation import gettext_lazy as _


class DpaRefused(Exception):
    default_message = ""

    def __init__(self, message: str | None = None):
        message = str(message if message is not None else self.default_message)
        super().__init__(message)
        self.message = message


class NotAllowed(DpaRefused):
    """The person may not do this (not an admin of the organisation, not legal)."""


class NotAnAdmin(NotAllowed):
    default_message = _("Only an admin of the organisation can sign its DPA; nothing was changed.")


class FormAltered(NotAllowed):
    """The signing form names another organisation than the page's: it was altered."""

    default_message = _("This form was altered: it names another organisation. Nothing was signed.")


class NothingPublished(DpaRefused):
    default_message = _("No DPA version is published yet.")


class VersionChanged(DpaRefused):
    """The form was for a version that is no longer the latest published one."""

    default_message = _(
        "A newer DPA version was published meanwhile; review it below and sign again."
    )


class SecondFactorNeeded(DpaRefused):
    """Signing needs a second factor verified with a fresh code in this session."""


class NoAuthenticator(SecondFactorNeeded):
    """The signer has no authenticator app yet: they must set one up before signing."""

    default_message = _(
        "Signing the DPA needs a second factor. Set up an authenticator app, then come back to "
        "sign; nothing was signed yet."
    )


class TemplateRefused(DpaRefused):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class AlreadyExecuted(DpaRefused):
    """The agreement is executed: it cannot be countersigned, rendered or changed again."""


class ReminderTooSoon(DpaRefused):
    pass


def refusal_status(refusal: DpaRefused) -> int:
    """403 when the person may not do this at all, 409 when the agreement's state is in the way."""
    return 403 if isinstance(refusal, NotAllowed) else 409
