"""The HTTP server every service runs under: granian, set up from the environment.

    python -m lotr_kit.server [--bind HOST:PORT] [--workers N] [--access-log PATH]

run in a service's folder, serves its `config.wsgi:application`. granian parses HTTP and
manages connections in Rust; Python only runs the application. Measured in bench/ on two
cores, that moved the uncached list scenarios from about 1,100 to about 1,700 requests/s
against gunicorn's gthread workers on the same code, and halved their p99.

Settings (flags override them):
    SERVER_BIND              host:port to listen on (0.0.0.0:8000)
    SERVER_WORKERS           worker processes (2)
    SERVER_THREADS           threads per worker running the application (2)
    SERVER_BACKPRESSURE      requests a worker takes in at once, the rest left waiting (unset:
                             granian's default, its backlog / workers). Set to the threads, it
                             cut the p99 of one-off lists on two cores from 220-370 ms to 40-75
                             ms (bench/miss_path.py --variants server), but /healthz then waits
                             too when every thread waits on the database, and a liveness probe
                             would kill a process that is only waiting: off by default
    SERVER_GRACEFUL_TIMEOUT  seconds in-flight requests get after SIGTERM (20)
    SERVER_RESPAWN_INTERVAL  seconds between a new worker's start and its predecessor's stop on
                             a graceful reload (SIGHUP) (8; granian's own default, 3.5, dropped
                             requests when loading Django took longer on a busy machine)
    SERVER_ACCESS_LOG        "-" for stdout, a file path, or unset for none: one JSON
                             object per request, with the gateway's X-Request-ID
"""

import argparse
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from granian import Granian
from granian.constants import Interfaces

from .env import env_float, env_int, env_str
from .redact import redact_query

# granian hands the access formatter its fields; naming a header adds it as "_h0".
ACCESS_FORMAT = "%(header{x-request-id})s"


class JsonAccessFormatter(logging.Formatter):
    """One JSON object per request from granian's access record, escaped whatever the path
    holds, with the access_token parameter's value redacted."""

    def format(self, record):
        fields = record.args if isinstance(record.args, dict) else {}
        entry = {
            "time": fields.get("time"),
            "request_id": fields.get("_h0", "-"),
            "client": fields.get("addr"),
            "method": fields.get("method"),
            "path": fields.get("path"),
            "query": redact_query(fields.get("query_string", "")),
            "status": fields.get("status"),
            "duration_ms": round(fields.get("dt_ms", 0.0), 3),
        }
        return json.dumps(entry, ensure_ascii=False)


def exit_with_main_process(interval: float = 0.5, grace: float = 5) -> None:
    """End this worker once granian's main process is gone.

    Killed with SIGKILL, the main process cannot stop its workers, and they would keep
    serving from the shared socket where no supervisor sees them. A worker notices that its
    parent changed, stops gracefully (SIGTERM, as granian would send) and, failing that,
    exits after `grace` seconds."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-main-process", daemon=True).start()


def application():
    """The service's WSGI application, as granian's factory: called once in each worker."""
    exit_with_main_process()
    sys.path.insert(0, os.getcwd())
    from django.http import HttpResponse

    from config.wsgi import application as django_application

    # granian starts every WSGI environ from os.environ (the CGI convention), so variables
    # named like request headers (HTTP_PROXY, ...) would read as headers the client sent.
    header_like = {name: value for name, value in os.environ.items() if name.startswith("HTTP_")}

    def app(environ, start_response):
        for name, value in header_like.items():
            if environ.get(name) == value:  # the variable, or a header with its very value: dropped
                del environ[name]
        response = django_application(environ, start_response)
        if type(response) is HttpResponse:
            # A body in one piece goes out with its Content-Length, not chunked.
            body = response.content
            response.close()
            return [body]
        return response

    return app


def log_config(access_log: str | None) -> dict:
    stream = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
    private_file = {"class": "lotr_kit.redact.PrivateFileHandler", "filename": access_log}  # 0600
    target = stream if access_log in (None, "-") else private_file
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "generic": {"format": "[%(levelname)s] %(message)s"},
            "access": {"()": JsonAccessFormatter},
        },
        "handlers": {"console": {**stream, "formatter": "generic"}, "access": {**target, "formatter": "access"}},
        "loggers": {
            "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def liveness_folder() -> Path:
    """A folder holding /healthz's answer, which granian serves from Rust as a static file:
    it answers while every application thread waits (on a stalled database, say), so a
    liveness probe never kills a process that is only waiting."""
    folder = Path(tempfile.mkdtemp(prefix="lotr-healthz-"))
    (folder / "healthz.json").write_text('{"status":"ok"}')
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bind", default=env_str("SERVER_BIND", "0.0.0.0:8000"))
    parser.add_argument("--workers", type=int, default=env_int("SERVER_WORKERS", 2, minimum=1))
    parser.add_argument("--threads", type=int, default=env_int("SERVER_THREADS", 2, minimum=1))
    parser.add_argument("--backpressure", type=int, default=env_int("SERVER_BACKPRESSURE", 0, minimum=0) or None)
    parser.add_argument("--graceful-timeout", type=int, default=env_int("SERVER_GRACEFUL_TIMEOUT", 20, minimum=1))
    parser.add_argument("--access-log", default=env_str("SERVER_ACCESS_LOG") or None)
    parser.add_argument("--pid-file", type=Path)
    args = parser.parse_args(argv)
    host, _, port = args.bind.rpartition(":")
    live = liveness_folder()
    try:
        serve(args, host, int(port), live)
    finally:
        shutil.rmtree(live, ignore_errors=True)


def serve(args, host: str, port: int, live: Path) -> None:
    Granian(
        "lotr_kit.server:application",
        factory=True,
        address=host.strip("[]") or "0.0.0.0",
        port=port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        backpressure=args.backpressure,
        websockets=False,
        respawn_failed_workers=True,
        # On SIGHUP a new worker starts, and the old one stops this many seconds later: long
        # enough for the new one to load Django, or the reload drops requests (docs/operations.md).
        respawn_interval=env_float("SERVER_RESPAWN_INTERVAL", 8.0),
        workers_kill_timeout=args.graceful_timeout,
        log_dictconfig=log_config(args.access_log),
        log_access=args.access_log is not None,
        log_access_format=ACCESS_FORMAT,
        pid_file=args.pid_file,
        static_path_route=["/healthz"],
        static_path_mount=[live],
        static_path_dir_to_file="healthz.json",
        static_path_expires=0,
    ).serve()


if __name__ == "__main__":
    main()
