"""The gateway's one OpenAPI document, merged from the services' own schemas.

    python gateway/openapi/build.py           # write gateway/docs/openapi.json and .yaml
    python gateway/openapi/build.py --check   # exit 1 if the committed files are out of date

Each service's document comes from its own `manage.py spectacular` (the code that serves the
paths describes them), with the default settings every deployment starts from. The merge
keeps every path (a path served by two services is an error), keeps one copy of each shared
component (the same name with different content is an error), gives one `servers` entry
(the gateway itself) and describes the filter language once, in `info.description`.

The result is committed rather than built in the gateway image: the image stays nginx and
static files without the services' Python dependencies, a change to the API shows in review
as a change to this document, and gateway/tests/test_openapi.py fails when it drifts.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("book", "movie", "character", "accounts")
OUT = REPO / "gateway" / "docs"
JSON_FILE, YAML_FILE = OUT / "openapi.json", OUT / "openapi.yaml"
TITLE = "The One API, self-hosted"
INTRO = """\
The One API's `/v2` (books, chapters, movies, quotes, characters) as a drop-in replacement,
plus accounts (`/auth`) and each user's favorites (`/v2/me/favorites`). Every path is served
through this gateway.

Reads need no token (unless the operator sets `LOTR_READS_REQUIRE_TOKEN=true`; the book
routes stay open even then), and while they are open they do not look at one, so a client
still sending its the-one-api.dev key works. Favorites and the account pages need a token:
an access JWT from `POST /auth/login`, or an API key from `POST /auth/keys`, sent as
`Authorization: Bearer <token>` or `?access_token=<token>`.

Errors are `{"success": false, "message": "..."}`, with `errors` naming the parameter at fault.
"""


class MergeError(Exception):
    pass


def service_schema(service: str) -> dict:
    """The service's OpenAPI document as its own code generates it."""
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "openapi-build-only",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "LOTR_READS_REQUIRE_TOKEN": "false",  # the default every deployment starts from
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--format", "openapi-json", "--validate", "--fail-on-warn"],
        cwd=REPO / "services" / service,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()
        raise MergeError(f"manage.py spectacular failed for the {service} service: {lines[-1]}")
    return json.loads(result.stdout)


def merge(schemas: dict[str, dict]) -> dict:
    """One document from the services' documents (service name → document)."""
    from lotr_kit.docs import FILTER_LANGUAGE

    versions = {schema["info"]["version"] for schema in schemas.values()}
    if len(versions) != 1:
        raise MergeError(f"the services give different versions: {sorted(versions)}")
    paths: dict[str, dict] = {}
    owners: dict[str, str] = {}
    operation_ids: dict[str, str] = {}
    components: dict[str, dict] = {}
    for service, schema in schemas.items():
        for path, item in schema.get("paths", {}).items():
            if path in paths:
                raise MergeError(f"{path} is described by both the {owners[path]} and the {service} service")
            paths[path], owners[path] = item, service
            for method, operation in item.items():
                op_id = operation.get("operationId")
                if op_id in operation_ids:
                    raise MergeError(f"operationId {op_id} is used by {operation_ids[op_id]} and {method} {path}")
                operation_ids[op_id] = f"{method} {path}"
        for kind, entries in schema.get("components", {}).items():
            merged = components.setdefault(kind, {})
            for name, value in entries.items():
                if name in merged and merged[name] != value:
                    raise MergeError(f"components/{kind}/{name} differs between the services ({service} has its own)")
                merged[name] = value
    return {
        "openapi": next(iter(schemas.values()))["openapi"],
        "info": {"title": TITLE, "version": versions.pop(), "description": f"{INTRO}\n{FILTER_LANGUAGE}"},
        "servers": [{"url": "/", "description": "This gateway"}],
        "paths": dict(sorted(paths.items())),
        "components": {kind: dict(sorted(entries.items())) for kind, entries in sorted(components.items())},
    }


def build() -> dict:
    return merge({service: service_schema(service) for service in SERVICES})


def as_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_yaml(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare with the committed files")
    args = parser.parse_args(argv)
    try:
        document = build()
    except MergeError as error:
        print(f"openapi: {error}", file=sys.stderr)
        return 1
    wanted = {JSON_FILE: as_json(document), YAML_FILE: as_yaml(document)}
    if args.check:
        stale = [p for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            names = ", ".join(str(p.relative_to(REPO)) for p in stale)
            print(f"openapi: {names} out of date with the services; run `make openapi`", file=sys.stderr)
            return 1
        return 0
    for path, text in wanted.items():
        path.write_text(text, encoding="utf-8")
    written = f"{JSON_FILE.relative_to(REPO)} and {YAML_FILE.relative_to(REPO)}"
    print(f"openapi: wrote {written} ({len(document['paths'])} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
