"""The HTTP server's own edges, where no ASGI middleware can reach (uvicorn 0.54: httptools and h11).

uvicorn answers a request it cannot parse itself, before any app code runs, with a text/plain 400;
and it starts no timer until a first response is sent, so a client that opens a connection and
never finishes its headers holds it (and a slot of `limit_concurrency`) for as long as it likes.
Its options bound the rest: `timeout_keep_alive` the idle time between requests, and (h11 only)
`h11_max_incomplete_event_size` the bytes of unfinished headers. The protocols here add what they
do not, for both of uvicorn's HTTP/1.1 implementations:

- a request that is not HTTP, or headers over `MAX_HEADER_BYTES`, get a 400 `application/problem+json`;
- the headers of each request must arrive within `HEADER_TIMEOUT_S` of the connection opening (or
  of the previous response); otherwise the server answers 408 problem+json and closes.

`talentflow serve` runs `BoundedHttpToolsProtocol` on uvloop (the lean path, issue 15: the C
parser and event loop save about 0.1 ms of CPU per request over the pure-Python h11 + asyncio);
`BoundedH11Protocol` stays for a platform without those wheels (`server_options(http="h11")`).

A body that arrives slowly after complete headers is not bounded here: the app is already running
then, and the reverse proxy in front of a deployment (its `client_body_timeout`) is the place.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

try:  # the lean path's wheels; without them the server runs h11 on asyncio
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover — pinned in pyproject.toml
    httptools = None
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

try:
    import uvloop  # noqa: F401
    HAVE_UVLOOP = True
except ImportError:  # pragma: no cover
    HAVE_UVLOOP = False

__all__ = ["HEADER_TIMEOUT_S", "MAX_HEADER_BYTES", "BoundedH11Protocol", "BoundedHttpToolsProtocol", "server_options"]

HEADER_TIMEOUT_S = 10.0
MAX_HEADER_BYTES = 16 * 1024
KEEP_ALIVE_S = 5


def _problem_bytes(status: int, title: str, detail: str) -> bytes:
    return json.dumps({"type": f"https://talentflow.example/problems/{status}", "title": title,
                       "status": status, "detail": detail}).encode()


def _raw_problem(status: int, reason: str, body: bytes) -> bytes:
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/problem+json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body


class _HeaderDeadline:
    """The header deadline, shared by both protocols: armed while the connection waits for a
    request's head, disarmed once the app has the request. `_awaiting_headers` is the protocol's."""

    header_timeout_s = HEADER_TIMEOUT_S
    _header_deadline: asyncio.TimerHandle | None = None

    def _awaiting_headers(self) -> bool:
        # No request cycle, or the last one answered: whatever comes next is a new request's head.
        return self.cycle is None or self.cycle.response_complete  # type: ignore[attr-defined]

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)  # type: ignore[attr-defined]

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        transport = self.transport  # type: ignore[attr-defined]
        if transport.is_closing() or not self._awaiting_headers():
            return
        body = _problem_bytes(408, "Request Timeout",
                              f"the request headers did not arrive within {self.header_timeout_s:g} s")
        # Neither parser frames a response to a request it has not fully read: the bytes are written here.
        transport.write(_raw_problem(408, "Request Timeout", body))
        transport.close()


class BoundedH11Protocol(_HeaderDeadline, H11Protocol):
    """uvicorn's h11 protocol with problem+json for its own 400s and a deadline for headers."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_deadline = None
        super().connection_made(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        if self._awaiting_headers():
            self._arm_header_deadline()  # bytes of a next request on a kept-alive connection
        super().data_received(data)
        if not self._awaiting_headers():
            self._disarm_header_deadline()  # headers are in: the app has the request now

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        body = _problem_bytes(400, "Bad Request", f"{msg} Send a well-formed HTTP/1.1 request.")
        headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        try:
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers, reason=b"Bad Request")))
            self.transport.write(self.conn.send(h11.Data(data=body)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:
            pass  # h11 cannot frame a response in this state: just close
        self.transport.close()


if HttpToolsProtocol is not None:

    class BoundedHttpToolsProtocol(_HeaderDeadline, HttpToolsProtocol):
        """uvicorn's httptools protocol with the same guarantees as `BoundedH11Protocol`.

        llhttp has no cap on header bytes (h11's `max_incomplete_event_size` has no httptools
        twin), so the bytes received while a request's head is awaited are counted here: over
        `MAX_HEADER_BYTES` before the head is complete is a 400 problem+json at once.
        """

        max_header_bytes = MAX_HEADER_BYTES

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._header_deadline = None
            self._head_bytes = 0
            super().connection_made(transport)
            self._arm_header_deadline()

        def on_headers_complete(self) -> None:
            self._head_bytes = 0
            super().on_headers_complete()

        def data_received(self, data: bytes) -> None:
            awaiting = self._awaiting_headers()
            if awaiting:
                self._arm_header_deadline()  # bytes of a next request on a kept-alive connection
                self._head_bytes += len(data)
            super().data_received(data)
            if self.transport.is_closing():
                return
            if not self._awaiting_headers():
                self._disarm_header_deadline()  # headers are in: the app has the request now
            elif awaiting and self._head_bytes > self.max_header_bytes:
                self.send_400_response(f"Request headers are over {self.max_header_bytes} bytes.")

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_header_deadline()
            super().connection_lost(exc)

        def send_400_response(self, msg: str) -> None:
            body = _problem_bytes(400, "Bad Request", f"{msg} Send a well-formed HTTP/1.1 request.")
            self.transport.write(_raw_problem(400, "Bad Request", body))
            self.transport.close()

else:  # pragma: no cover
    BoundedHttpToolsProtocol = None  # type: ignore[assignment,misc]


def server_options(*, header_timeout_s: float = HEADER_TIMEOUT_S, http: str = "auto") -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run` / `uvicorn.Config` that bound what a client may hold.

    `http="auto"` is httptools on uvloop when their wheels are installed (they are pinned), else
    h11 on asyncio; "httptools" or "h11" choose one (the tests run both).
    """
    lean = BoundedHttpToolsProtocol is not None if http == "auto" else http == "httptools"
    if lean and BoundedHttpToolsProtocol is None:  # pragma: no cover
        raise RuntimeError("httptools is not installed")
    base = BoundedHttpToolsProtocol if lean else BoundedH11Protocol
    # The module's own class when it can be: `--processes N` pickles the config to each process,
    # and only a class importable by name survives that.
    protocol = base if header_timeout_s == base.header_timeout_s else type(
        "BoundedHttp", (base,), {"header_timeout_s": header_timeout_s})
    options: dict[str, Any] = {
        "http": protocol,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "loop": "uvloop" if HAVE_UVLOOP and http != "h11" else "asyncio",
    }
    if not lean:
        options["h11_max_incomplete_event_size"] = MAX_HEADER_BYTES
    return options
