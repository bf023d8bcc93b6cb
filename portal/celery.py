"""The Celery application that runs the portal's jobs (portal/jobs.py).

A worker starts with ``celery -A portal worker`` (``make worker``): Celery finds this module
as ``portal.celery``. Its settings are Django's, those named ``CELERY_…`` (portal/settings.py):
the broker is ``CELERY_BROKER_URL``; without one every job runs inline where it is asked for.

The kernel imports no app: the apps' jobs live in their own ``tasks`` modules (archive/tasks.py,
memorials/tasks.py), which a worker imports through Celery's autodiscovery of the installed
apps, and a web process when the code that queues them imports them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
