"""Reactions to django-allauth's signals; each one calls a service."""
