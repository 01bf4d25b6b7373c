"""The HTTP server's own edges, where no ASGI middleware can reach (uvicorn 0.54, h11).

uvicorn answers a request it cannot parse itself, before any app code runs, with a text/plain 400;
and it starts no timer until a first response is sent, so a client that opens a connection and
never finishes its headers holds it (and a slot of `limit_concurrency`) for as long as it likes.
Its options bound the rest: `h11_max_incomplete_event_size` caps the bytes of unfinished headers,
`timeout_keep_alive` the idle time between requests. This protocol adds what they do not:

- a request that is not HTTP, or headers over the cap, get a 400 `application/problem+json`;
- the headers of each request must arrive within `HEADER_TIMEOUT_S` of the connection opening (or
  of the previous response); otherwise the server answers 408 problem+json and closes.

A body that arrives slowly after complete headers is not bounded here: the app is already running
then, and the reverse proxy in front of a deployment (its `client_body_timeout`) is the place.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEADER_TIMEOUT_S", "MAX_HEADER_BYTES", "BoundedH11Protocol", "server_options"]

HEADER_TIMEOUT_S = 10.0
MAX_HEADER_BYTES = 16 * 1024
KEEP_ALIVE_S = 5


def _problem_bytes(status: int, title: str, detail: str) -> bytes:
    return json.dumps({"type": f"https://talentflow.example/problems/{status}", "title": title,
                       "status": status, "detail": detail}).encode()


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with problem+json for its own 400s and a deadline for headers."""

    header_timeout_s = HEADER_TIMEOUT_S

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_deadline: asyncio.TimerHandle | None = None
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

    # -- the header deadline ---------------------------------------------------------------

    def _awaiting_headers(self) -> bool:
        # No request cycle, or the last one answered: whatever comes next is a new request's head.
        return self.cycle is None or self.cycle.response_complete

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing() or not self._awaiting_headers():
            return
        body = _problem_bytes(408, "Request Timeout",
                              f"the request headers did not arrive within {self.header_timeout_s:g} s")
        # h11 cannot frame a response to a request it has not fully read, so the bytes are written here.
        head = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n")
        self.transport.write(head + body)
        self.transport.close()


def server_options(*, header_timeout_s: float = HEADER_TIMEOUT_S) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run` that bound what a client may hold."""
    protocol = type("BoundedH11", (BoundedH11Protocol,), {"header_timeout_s": header_timeout_s})
    return {
        "http": protocol,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "timeout_keep_alive": KEEP_ALIVE_S,
    }
