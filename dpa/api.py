"""Included by trustcentre/api.py under /api/v1/."""

urlpatterns: list = []
