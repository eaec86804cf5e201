"""The registry of data sources: settings.EXPORT_DATA_SOURCES, the four categories in their
order, and clear errors for an unknown category or a bad configuration."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from exports.builtin_source.source import BuiltinSource
from exports.sources import UnknownCategory, all_categories, get_category, get_sources
from exports.sources.base import Category, DataSource

BUILTIN = "exports.builtin_source.source.BuiltinSource"


def test_the_default_is_the_builtin_source_with_four_categories_in_order(settings):
    assert settings.EXPORT_DATA_SOURCES == [BUILTIN]
    sources = get_sources()
    assert len(sources) == 1 and isinstance(sources[0], BuiltinSource)
    assert [category.id for category in all_categories()] == [
        "leads",
        "visitor_profiles",
        "journey_insights",
        "organisation_profiles",
    ]


def test_get_category_returns_the_source_and_the_category():
    source, category = get_category("journey_insights")
    assert isinstance(source, BuiltinSource)
    assert category.id == "journey_insights" and category.schema_version == "1.0"


@pytest.mark.parametrize("category_id", ["", "lead", "LEADS", "../leads", "audit_log"])
def test_an_unknown_category_is_a_clear_key_and_value_error(category_id):
    with pytest.raises(UnknownCategory) as caught:
        get_category(category_id)
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert (
        repr(category_id) in message and "leads" in message and "organisation_profiles" in message
    )
    with pytest.raises(ValueError):
        get_category(category_id)


class SecondSource(DataSource):
    categories = (
        Category(
            id="tickets",
            name="Support tickets",
            description="Tickets.",
            fields=(),
            schema_version="1.0",
            date_field="created_at",
            migration_difficulty="low",
        ),
    )

    def iter_rows(self, **kwargs):
        return iter(())

    def count(self, **kwargs):
        return 0

    def delete_batch(self, **kwargs):
        return 0


class ClashingSource(SecondSource):
    categories = (BuiltinSource.categories[0],)


class NotASource:
    categories = ()


def test_a_second_source_adds_its_categories_after_the_first(settings):
    settings.EXPORT_DATA_SOURCES = [BUILTIN, f"{__name__}.SecondSource"]
    assert [category.id for category in all_categories()][-1] == "tickets"
    source, _category = get_category("tickets")
    assert isinstance(source, SecondSource)


@pytest.mark.parametrize(
    "path, message",
    [
        (f"{__name__}.ClashingSource", "provided by both"),
        (f"{__name__}.NotASource", "is not a DataSource"),
        ("exports.nowhere.Source", "cannot import"),
    ],
)
def test_a_bad_configuration_is_refused_with_a_reason(settings, path, message):
    settings.EXPORT_DATA_SOURCES = [BUILTIN, path]
    with pytest.raises(ImproperlyConfigured, match=message):
        get_sources()
