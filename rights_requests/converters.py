"""URL converters of rights requests, registered once on import."""

from django.urls import register_converter


class ReferenceConverter:
    """A request's reference as people type it (letters, digits, dashes; any case), so that no
    other text in its place ever reaches a view or a query: anything else is a 404."""

    regex = "[A-Za-z0-9-]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")
