"""Where one request's time goes inside a service: its WSGI application called in-process.

    DATABASE_URL=postgres://... .venv/bin/python bench/profile_request.py character \\
        "/v2/character?race=Hobbit&sort=name:asc&limit=10&page=3" [--requests 3000] [--top 30]

Runs the request through the whole middleware stack, as the server would, prints the mean
time per request (best of five rounds), then cProfile's view of another round: time spent
in each function including what it calls. Waiting on the database shows up as psycopg's
`wait`. For a service under real load, attach py-spy to a worker instead.

`--only N` makes N requests after the warm-up and nothing else, for counting instructions,
which unlike time does not depend on what else runs on the machine: run it under callgrind
twice and take the difference per request,

    valgrind --tool=callgrind --callgrind-out-file=/tmp/a.out .venv/bin/python bench/profile_request.py \
        character "/v2/character?race=Hobbit&sort=name:asc&limit=10&page=3" --only 50
    (the same with --only 350 into /tmp/b.out)
    instructions per request = (summary of b - summary of a) / 300  (`grep summary /tmp/?.out`)
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("service", choices=["book", "movie", "character", "accounts"])
    parser.add_argument("path", help="path and query string, e.g. /v2/book?limit=1")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--header", action="append", default=[], help='"Name: value", e.g. an Authorization')
    parser.add_argument("--only", type=int, metavar="N", help="N requests after a warm-up of 50, nothing else")
    args = parser.parse_args()

    service_dir = REPO / "services" / args.service
    os.chdir(service_dir)
    sys.path.insert(0, str(service_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_SECRET_KEY", "profile-only")
    from config.wsgi import application

    path, _, query = args.path.partition("?")
    headers = {}
    for header in args.header:
        name, _, value = header.partition(":")
        headers["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()

    def call() -> str:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            **headers,
        }
        status = []
        response = application(environ, lambda s, headers, exc_info=None: status.append(s))
        b"".join(response)
        response.close()
        return status[0]

    print(f"{args.service} {args.path}: {call()}")
    if args.only is not None:
        for _ in range(50 + args.only):
            call()
        return
    for _ in range(min(300, args.requests)):  # warm: connections, prepared statements, caches
        call()
    best = min(_timed(call, args.requests) for _ in range(5))
    print(f"{best * 1000:.3f} ms per request (best of 5 rounds of {args.requests})\n")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        call()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


def _timed(call, count: int) -> float:
    began = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - began) / count


if __name__ == "__main__":
    main()
