"""Sending one webhook: resolve and vet the endpoint (the SSRF guard), sign, POST, read the verdict.

The host is resolved here and the request goes to the vetted address itself (with the original
`Host` header and TLS server name), so a DNS answer that changes between the check and the
connection (DNS rebinding) cannot steer the request to an internal address. Redirects are not
followed (a 3xx is a failure), environment proxies are ignored, and the response body is never
read beyond its status line and headers.

An IPv6 address can carry an IPv4 address inside it (IPv4-mapped and -compatible, SIIT, NAT64,
6to4, Teredo); a translator on the way delivers to that IPv4 address, so it is judged by the same
policy as if the URL had named it (`http://[::10.0.0.1]/` is 10.0.0.1), at subscribe and at each send.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
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

_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated "::a.b.c.d" (RFC 4291 §2.5.5.1)
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_SIIT = ipaddress.IPv6Network("::ffff:0:0:0/96")  # IPv4-translated (RFC 2765 / 6145)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # well-known prefix (RFC 6052)
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local-use (RFC 8215): the operator's own IPv4 space
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address delivers to through a translator or tunnel (may be empty)."""
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_MAPPED or ip in _SIIT or ip in _NAT64:
        return [low32]
    if ip in _IPV4_COMPATIBLE:
        return [] if int(ip) <= 1 else [low32]  # "::" and "::1" are IPv6's own
    if ip in _SIX_TO_FOUR:
        return [ip.sixtofour] if ip.sixtofour is not None else []
    if ip in _TEREDO and ip.teredo is not None:
        server, client = ip.teredo
        return [client, server]
    return []


def check_embedded_ipv4(addresses: Sequence[str], policy: AddressPolicy) -> None:
    """Refuse an IPv6 address whose embedded IPv4 address the policy would refuse; raises EndpointRefused."""
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            continue  # not an address: check_addresses says so
        if not isinstance(ip, ipaddress.IPv6Address):
            continue
        if ip in _NAT64_LOCAL and not policy.allow_private:
            raise EndpointRefused(f"{ip} is a local-use NAT64 address (64:ff9b:1::/48) that reaches a private "
                                  "IPv4 network; webhooks go to public endpoints only")
        for inner in embedded_ipv4(ip):
            try:
                policy.check_address(str(inner))
            except EndpointRefused as exc:
                raise EndpointRefused(f"{ip} carries the IPv4 address {inner}: {exc}") from None


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
    check_embedded_ipv4(addresses, policy)
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
