"""Email backends for tests: a mail server that refuses, the way real ones do."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

# What the next sends raise, one per send, consumed in order; an empty list means accept.
FAILURES: list[Exception] = []


class ScriptedBackend(LocmemBackend):
    def send_messages(self, messages):
        if FAILURES:
            raise FAILURES.pop(0)
        return super().send_messages(messages)


def temporary_failure() -> Exception:
    return smtplib.SMTPDataError(421, b"4.3.2 Service not available, try again later")


def permanent_refusal(address: str) -> Exception:
    return smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such user")})
