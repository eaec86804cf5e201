"""Helpers the end-of-contract tests and drills share."""

from exports.builtin_source.source import MODELS


def tenant_row_counts(tenant_id) -> dict[str, int]:
    """The tenant's rows in each category the built-in source holds, by category id."""
    return {
        name: model.objects.filter(tenant_id=tenant_id).count() for name, model in MODELS.items()
    }
