"""Sending one webhook: resolve and vet the endpoint (the SSRF guard), sign, POST, read the verdict.

The host is resolved here and the request goes to the vetted address itself (with the original
`Host` header and TLS server name), so a DNS answer that changes between the check and the
connection (DNS rebinding) cannot steer the request to an internal address. Redirects are not
followed (a 3xx is a failure), environment proxies are ignored, and the response body is never
read beyond its status line and headers.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable, Sequence

import httpx

from services.notify.domain import (
    AddressPolicy,
    Endpoint,
    EndpointRefused,
    Outcome,
    check_addresses,
    clamp_duration_ms,
    is_ip_literal,
    parse_endpoint,
    parse_retry_after,
    webhook_headers,
)

Resolver = Callable[[str, int], Sequence[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to, in the resolver's order, without repeats."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):  # gaierror is an OSError; ValueError: e.g. a NUL in the name
        return []
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


def vet_endpoint(url: str, policy: AddressPolicy, resolver: Resolver = resolve) -> tuple[Endpoint, str]:
    """The parsed endpoint and the address to connect to; raises EndpointRefused with the reason."""
    endpoint = parse_endpoint(url, policy)
    addresses = [endpoint.host] if is_ip_literal(endpoint.host) else list(resolver(endpoint.host, endpoint.port))
    return endpoint, check_addresses(addresses, policy)


class WebhookSender:
    """POSTs signed webhook bodies; one instance is shared by the dispatcher's sending threads."""

    def __init__(self, policy: AddressPolicy, *, timeout_s: float = 10.0, resolver: Resolver = resolve,
                 wall_clock: Callable[[], float] = time.time):
        self.policy = policy
        self.resolver = resolver
        self.wall_clock = wall_clock
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would defeat the address check
            # Requests go to IP addresses: a pooled connection verified for one host name must
            # never carry another host's webhook, so every attempt gets its own connection.
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"accept": "*/*"},
        )

    def send(self, url: str, message_id: str, body: bytes, secrets_in_use: Sequence[str]) -> Outcome:
        started = time.perf_counter()
        try:
            endpoint, address = vet_endpoint(url, self.policy, self.resolver)
        except EndpointRefused as exc:
            return Outcome(None, f"refused: {exc}", 0)
        # The webhook-timestamp is the wall clock of this attempt, as receivers check it against theirs.
        timestamp = int(self.wall_clock())
        headers = webhook_headers(secrets_in_use, message_id, timestamp, body)
        headers["host"] = endpoint.host_header
        extensions = {"sni_hostname": endpoint.host} if endpoint.scheme == "https" else {}
        try:
            request = self.client.build_request("POST", endpoint.url_for(address), content=body, headers=headers,
                                                extensions=extensions)
            response = self.client.send(request, stream=True)
            try:
                status = response.status_code
                retry_after = parse_retry_after(response.headers.get("retry-after"), dt.datetime.now(dt.UTC))
            finally:
                response.close()
        except httpx.TimeoutException:
            return Outcome(None, "timed out", clamp_duration_ms(time.perf_counter() - started))
        except httpx.HTTPError as exc:
            return Outcome(None, f"{type(exc).__name__}: {str(exc)[:200]}", clamp_duration_ms(time.perf_counter() - started))
        except Exception as exc:  # noqa: BLE001 — whatever one endpoint does, the attempt is recorded, not lost
            return Outcome(None, type(exc).__name__, clamp_duration_ms(time.perf_counter() - started))
        duration = clamp_duration_ms(time.perf_counter() - started)
        error = None if 200 <= status < 300 else f"HTTP {status}"
        return Outcome(status, error, duration, retry_after)

    def close(self) -> None:
        self.client.close()
