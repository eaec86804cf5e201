"""The registry of data sources: settings.EXPORT_DATA_SOURCES, loaded once, with their categories.

Exports, the register, rights requests and end-of-contract deletion find categories only here,
so a source added to the setting is exported, published and erased like the built-in one.
"""

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from exports.sources.base import Category, DataSource


class UnknownCategory(KeyError, ValueError):
    """A category id that no registered source provides. A KeyError for lookups and a
    ValueError for input validation, so callers catch whichever reads naturally."""

    def __init__(self, category_id: str):
        super().__init__(category_id)
        self.category_id = category_id

    def __str__(self):
        return f"Unknown data category {self.category_id!r}; known: {', '.join(category_ids())}."


# Keyed by the setting's value, so a test that overrides the setting gets its own sources.
@functools.cache
def _load(paths: tuple[str, ...]) -> tuple[DataSource, ...]:
    sources = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            source = import_string(path)()
        except ImportError as error:
            raise ImproperlyConfigured(
                f"EXPORT_DATA_SOURCES: cannot import {path!r}: {error}"
            ) from error
        if not isinstance(source, DataSource):
            raise ImproperlyConfigured(f"EXPORT_DATA_SOURCES: {path!r} is not a DataSource.")
        for category in (*source.categories, *source.derived_categories):
            if category.id in seen:
                raise ImproperlyConfigured(
                    f"Category {category.id!r} is provided by both {seen[category.id]} and {path}."
                )
            seen[category.id] = path
        sources.append(source)
    return tuple(sources)


def get_sources() -> tuple[DataSource, ...]:
    """The configured sources, in the order of the setting."""
    return _load(tuple(settings.EXPORT_DATA_SOURCES))


def all_categories() -> list[Category]:
    """Every exportable category: sources in the setting's order, each in its own order (the
    built-in source: leads, visitor_profiles, journey_insights, organisation_profiles)."""
    return [category for source in get_sources() for category in source.categories]


def category_ids() -> list[str]:
    return [category.id for category in all_categories()]


def exportable_categories() -> list[Category]:
    """What an export can hold and the register lists: each source's stored categories, then
    the reports it derives from them."""
    return [
        category
        for source in get_sources()
        for category in (*source.categories, *source.derived_categories)
    ]


def exportable_category_ids() -> list[str]:
    return [category.id for category in exportable_categories()]


def get_category(category_id: str) -> tuple[DataSource, Category]:
    """The source that provides the category, and the category; UnknownCategory otherwise."""
    for source in get_sources():
        for category in (*source.categories, *source.derived_categories):
            if category.id == category_id:
                return source, category
    raise UnknownCategory(category_id)
