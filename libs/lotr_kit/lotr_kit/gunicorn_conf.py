"""gunicorn settings every service runs with: `gunicorn -c python:lotr_kit.gunicorn_conf
config.wsgi:application`. Command-line flags still override each of them."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Time for in-flight requests to finish after SIGTERM (a rolling deploy, `make stop`).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# The gateway accepts request lines up to its 8k buffer (and answers longer ones with its
# JSON 414); gunicorn's default of 4094 would answer the ones in between with an HTML 414.
limit_request_line = 8190
limit_request_field_size = 8190
