"""The terms of an organisation's agreement in force, as the core and other apps read them.

The core never imports the app that keeps agreements (ARCHITECTURE.md: apps depend downward).
That app provides one function, named by the dotted path in settings.AGREEMENT_TERMS_PROVIDER,
which takes an organisation and returns its `AgreementTerms`, or None when no agreement is in
force. An empty setting means no organisation ever has one.
"""

import datetime
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class AgreementTerms:
    """What others need of an agreement in force: its name as shown to the customer (for
    example "Data Processing Agreement, version 2"), the day it took effect, how many days the
    customer has to object to a new sub-processor, and where notices to the customer go."""

    label: str
    effective_date: datetime.date
    objection_window_days: int
    notices_email: str


@cache
def _provider(path: str):
    try:
        return import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"AGREEMENT_TERMS_PROVIDER: cannot import {path!r}: {error}"
        ) from error


def agreement_terms(organisation) -> AgreementTerms | None:
    """The terms of the organisation's agreement in force, or None (also for no organisation)."""
    path = settings.AGREEMENT_TERMS_PROVIDER
    if not path or organisation is None or organisation.pk is None:
        return None
    return _provider(path)(organisation)
