"""Small helpers for Django forms."""

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_validation_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message beside its field, or at
    the top when the field is not on the form (or the error names no field)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
