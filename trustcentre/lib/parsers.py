"""The API's request parser: JSON, refused with a 400 when it is not Unicode text."""

from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


class StrictJSONParser(JSONParser):
    """JSON whose strings are Unicode text. JSON's escapes can spell half of a surrogate pair
    ("\\ud800"), which is no character: nothing could store, send or even print it, so it is
    refused here with a 400 instead of failing somewhere later."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            has_lone_surrogate = _has_lone_surrogate(data)
        except RecursionError as error:
            raise exceptions.ParseError(
                gettext("JSON parse error - the document is nested too deeply.")
            ) from error
        if has_lone_surrogate:
            raise exceptions.ParseError(
                gettext(
                    "JSON parse error - a string holds a lone surrogate escape "
                    "(\\ud800 to \\udfff), which is not a character."
                )
            )
        return data
