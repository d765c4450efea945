"""The character service's own settings, with bench/floor_urls.py as its URLs: the Django
measure of bench/floor.py. A measuring stick only, never served to clients."""

from config.settings.base import *  # noqa: F403  the service's settings and middleware, unchanged

ROOT_URLCONF = "floor_urls"
