"""Shared pieces of the REST API: pagination and RFC 9457 problem details."""

from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.views import exception_handler


class CursorPagination(BaseCursorPagination):
    ordering = "-id"


def problem_details_handler(exc, context):
    return exception_handler(exc, context)
