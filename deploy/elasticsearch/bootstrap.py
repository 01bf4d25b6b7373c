"""Install TalentFlow's Elasticsearch index templates and the aliases the matching service uses.

Runs as the compose `es-init` one-shot and the Kubernetes bootstrap Job, from the worker image
(/opt/talentflow/deploy/elasticsearch/). The templates are those in generated/, which the matching
service writes from its own mappings (services.matching.index.elastic.write_templates), so the
cluster is shaped exactly as the adapter that writes to it expects. For each template file it

1. puts the composable index template (`PUT _index_template/<name>`), and
2. makes sure the alias named in the template's `_meta.alias` exists; when it does not, it
   creates the versioned index `_meta.initial_index` (e.g. `talentflow-workers-v1`, which the
   template shapes) with the alias as its write index.

It is idempotent, and it never moves an existing alias: `talentflow replay matching` does that
when it rebuilds the index (docs/operations.md). Only the standard library is used.

    python bootstrap.py --url http://elasticsearch:9200
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

DEFAULT_TEMPLATES = Path(__file__).with_name("generated")

# (method, path, JSON body or None) -> (HTTP status, decoded JSON body or None)
Transport = Callable[[str, str, dict | None], tuple[int, object]]


class BootstrapError(RuntimeError):
    pass


def load_templates(directory: Path = DEFAULT_TEMPLATES) -> dict[str, dict]:
    """Template name (the file name without .json) -> the `_index_template` request body."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))}


def http_transport(url: str, timeout_s: float = 30.0) -> Transport:
    """A Transport over urllib; credentials in the URL (https://user:pass@host:9200) become Basic auth."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]  # drop user:password@, keep [v6]:port
    base = urllib.parse.urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if parts.username:
        token = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(token.encode()).decode()
    if os.environ.get("ELASTICSEARCH_API_KEY"):
        headers["Authorization"] = "ApiKey " + os.environ["ELASTICSEARCH_API_KEY"]
    # Never send the cluster's credentials through an HTTP proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def send(method: str, path: str, body: dict | None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
        try:
            with opener.open(request, timeout=timeout_s) as response:
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, (json.loads(raw) if raw else None)
            except ValueError:
                return error.code, raw.decode(errors="replace")

    return send


def wait_for_cluster(es: Transport, deadline: float, sleep: Callable[[float], None] = time.sleep) -> None:
    while True:
        try:
            status, body = es("GET", "/_cluster/health?wait_for_status=yellow&timeout=10s", None)
            if status == 200 and isinstance(body, dict) and body.get("status") in ("yellow", "green"):
                return
            reason = f"HTTP {status}: {body}"
        except OSError as error:  # connection refused, DNS not ready yet
            reason = str(error)
        if time.monotonic() > deadline:
            raise BootstrapError(f"Elasticsearch not ready: {reason}")
        print(f"waiting for Elasticsearch: {reason}", file=sys.stderr)
        sleep(2)


def _expect(status: int, body: object, what: str, ok: tuple[int, ...] = (200,)) -> None:
    if status not in ok:
        raise BootstrapError(f"{what}: HTTP {status}: {body}")


def ensure(es: Transport, templates: dict[str, dict]) -> list[str]:
    """Bring the cluster to the templates' shape; return what was done, one line each."""
    done = []
    for name, body in templates.items():
        status, answer = es("PUT", f"/_index_template/{name}", body)
        _expect(status, answer, f"put index template {name}")
        done.append(f"index template {name} version {body.get('version')}")

        alias = body["_meta"]["alias"]
        initial_index = body["_meta"]["initial_index"]
        status, _ = es("HEAD", f"/{alias}", None)
        if status == 200:
            status, answer = es("GET", f"/_alias/{alias}", None)
            if status != 200:
                raise BootstrapError(
                    f"{alias} is a concrete index, not an alias: the matching service must not create it; "
                    f"reindex it into {initial_index} and delete it (docs/operations.md, rebuilding the index)"
                )
            done.append(f"alias {alias} -> {', '.join(sorted(answer))} (left as it is)")
            continue
        status, _ = es("HEAD", f"/{initial_index}", None)
        if status == 200:
            status, answer = es(
                "POST",
                "/_aliases",
                {"actions": [{"add": {"index": initial_index, "alias": alias, "is_write_index": True}}]},
            )
            _expect(status, answer, f"add alias {alias} to {initial_index}")
            done.append(f"alias {alias} -> {initial_index} (index existed)")
        else:
            status, answer = es("PUT", f"/{initial_index}", {"aliases": {alias: {"is_write_index": True}}})
            _expect(status, answer, f"create index {initial_index}")
            done.append(f"index {initial_index} created, alias {alias} -> {initial_index}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("ELASTICSEARCH_URL", "http://localhost:9200"))
    parser.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES)
    parser.add_argument("--timeout-s", type=float, default=180.0, help="how long to wait for the cluster")
    args = parser.parse_args(argv)

    es = http_transport(args.url)
    try:
        wait_for_cluster(es, time.monotonic() + args.timeout_s)
        for line in ensure(es, load_templates(args.templates)):
            print(line)
    except BootstrapError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
