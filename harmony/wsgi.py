"""WSGI entry point: `harmony.wsgi:application` (CONTRACT §2)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")
application = get_wsgi_application()
