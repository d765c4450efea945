"""gunicorn settings every service runs with: `gunicorn -c python:lotr_kit.gunicorn_conf
config.wsgi:application`. Command-line flags still override each of them."""

import json
import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads keep the gateway's upstream connections alive between requests (sync workers close
# each one); see bench/ for the measurements behind the default.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Time for in-flight requests to finish after SIGTERM (a rolling deploy, `make stop`).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# The gateway accepts request lines up to its 8k buffer (and answers longer ones with its
# JSON 414); gunicorn's default of 4094 would answer the ones in between with an HTML 414.
limit_request_line = 8190
limit_request_field_size = 8190
# No control socket: it would live under $HOME, which images mount read-only.
control_socket_disable = True
# Heartbeat files in memory, not on a (possibly read-only) disk.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)


class JsonAccessLogger(Logger):
    """Access log lines as JSON objects, escaped properly whatever the path holds."""

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        entry = {
            "time": self.now(),
            "request_id": environ.get("HTTP_X_REQUEST_ID", "-"),
            "client": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING", ""),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


# In containers (LOG_FORMAT=json, set by the images): JSON access lines on stdout.
if os.environ.get("LOG_FORMAT") == "json":
    accesslog = "-"
    logger_class = JsonAccessLogger
