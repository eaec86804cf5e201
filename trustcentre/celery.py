"""The Celery application; its configuration is the CELERY_* part of settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustcentre.settings")

app = Celery("trustcentre")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
