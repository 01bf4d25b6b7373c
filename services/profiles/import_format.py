"""The bulk import formats (JSONL and CSV) as pure functions: splitting, decoding, converting rows.

An upload is split into records while it streams in (to count and bound it) and again while it is
processed (from the temporary file), by the same `RecordSplitter`, so memory stays bounded by the
largest allowed record whatever the size of the upload.

JSONL (`application/x-ndjson`): one JSON object per line, shaped like the body of POST /v1/workers,
optionally with `"id"` to update a worker the caller manages. Blank lines are skipped.

CSV (`text/csv`): a header row, then one worker per row (quoted fields may span lines):

| column | maps to | cell |
| --- | --- | --- |
| `id` | update this worker instead of creating one | text |
| `name`, `region`, `skill_level`, `status`, `agency_id` | same field | text |
| `phone`, `email` | `contact.phone`, `contact.email` | text |
| `lat`, `lon` | `location.lat`, `location.lon` | number (both or neither) |
| `experience_years` | same field | number |
| `consent_matching`, `consent_share_contact` | `consent.matching`, `consent.share_contact` | true/false/1/0/yes/no |
| `occupations`, `skills`, `certificates`, `awards`, `achievements`, `availability`, `wage_expectation`, `open_regions` | same field | JSON |

An empty cell means the field is left out (its default applies).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

JSONL = "jsonl"
CSV = "csv"

MEDIA_TYPES = {
    "application/x-ndjson": JSONL,
    "application/jsonl": JSONL,
    "application/json-lines": JSONL,
    "text/csv": CSV,
}
CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030"}

TEXT_COLUMNS = ("id", "name", "region", "skill_level", "status", "agency_id")
NESTED_TEXT_COLUMNS = {"phone": ("contact", "phone"), "email": ("contact", "email")}
NUMBER_COLUMNS = {"lat": ("location", "lat"), "lon": ("location", "lon"), "experience_years": ("experience_years",)}
BOOL_COLUMNS = {"consent_matching": ("consent", "matching"), "consent_share_contact": ("consent", "share_contact")}
JSON_COLUMNS = ("occupations", "skills", "certificates", "awards", "achievements", "availability",
                "wage_expectation", "open_regions")
CSV_COLUMNS = frozenset((*TEXT_COLUMNS, *NESTED_TEXT_COLUMNS, *NUMBER_COLUMNS, *BOOL_COLUMNS, *JSON_COLUMNS))
REQUIRED_CSV_COLUMNS = ("name", "region")

TRUE_WORDS = {"true", "1", "yes", "y", "是"}
FALSE_WORDS = {"false", "0", "no", "n", "否"}


class FormatError(ValueError):
    """The upload as a whole is not acceptable (media type, charset, CSV header)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RecordTooLong:
    """A record over the size limit: it becomes a failed row, its bytes are never held in memory."""

    size: int


def media_format(content_type: str | None) -> tuple[str, str]:
    """(format, codec) from a Content-Type header, e.g. `text/csv; charset=gbk` → ("csv", "gb18030")."""
    if not content_type:
        raise FormatError("header.Content-Type", "send application/x-ndjson or text/csv")
    media, _, params = content_type.partition(";")
    fmt = MEDIA_TYPES.get(media.strip().lower())
    if fmt is None:
        raise FormatError("header.Content-Type", f"{media.strip()!r} is not importable; send application/x-ndjson or text/csv")
    charset = "utf-8"
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    codec = CHARSETS.get(charset)
    if codec is None:
        raise FormatError("header.Content-Type", f"charset {charset!r} is not supported; use utf-8 or gb18030/gbk")
    return fmt, codec


class RecordSplitter:
    """Cuts a byte stream into records: lines, or for CSV lines whose double quotes are balanced.

    In CSV a newline inside a quoted field does not end the record; an escaped quote ("") keeps the
    count even, so the parity of `"` tells whether a newline is inside quotes. Neither UTF-8 nor
    GB18030 uses the bytes of `"` or newline inside a multi-byte character.
    """

    def __init__(self, *, csv_quotes: bool, max_record_bytes: int):
        self.csv_quotes = csv_quotes
        self.max_record_bytes = max_record_bytes
        self._buffer = bytearray()
        self._size = 0
        self._in_quotes = False

    def feed(self, chunk: bytes) -> list[bytes | RecordTooLong]:
        records: list[bytes | RecordTooLong] = []
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            end = len(chunk) if newline < 0 else newline + 1
            piece = chunk[start:end]
            if piece:
                self._take(piece)
            if newline < 0:
                break
            if not self._in_quotes:
                self._emit(records)
            start = end
        return records

    def finish(self) -> list[bytes | RecordTooLong]:
        records: list[bytes | RecordTooLong] = []
        if self._size:
            self._emit(records)
        return records

    def _take(self, piece: bytes) -> None:
        if self.csv_quotes and piece.count(b'"') % 2:
            self._in_quotes = not self._in_quotes
        self._size += len(piece)
        if self._size > self.max_record_bytes:
            self._buffer.clear()  # over the limit: keep counting, stop holding
        else:
            self._buffer += piece

    def _emit(self, records: list[bytes | RecordTooLong]) -> None:
        if self._size > self.max_record_bytes:
            records.append(RecordTooLong(self._size))
        else:
            record = bytes(self._buffer).rstrip(b"\r\n")
            if record.strip():
                records.append(record)
        self._buffer.clear()
        self._size = 0
        self._in_quotes = False


def decode_record(record: bytes, codec: str, *, first: bool) -> str:
    text = record.decode(codec)
    return text.removeprefix("\ufeff") if first else text


NOT_PARSABLE = "not valid JSON (nested too deeply, or a number too long)"


def parse_jsonl(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RowError("row", f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):
        # a number of more than 4300 digits, or nesting deeper than the parser goes: this row fails alone
        raise RowError("row", NOT_PARSABLE) from None
    if not isinstance(value, dict):
        raise RowError("row", "each line must be a JSON object")
    return value


class RowError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.errors = [{"field": field, "message": message}]


def csv_cells(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) != 1:
        raise RowError("row", "not one CSV record")
    return rows[0]


def parse_csv_header(text: str) -> list[str]:
    """The column names of a CSV upload; unknown, repeated or missing columns refuse the upload."""
    try:
        names = [name.strip() for name in csv_cells(text)]
    except (RowError, csv.Error):
        raise FormatError("csv.header", "the first row must be a CSV header") from None
    seen: set[str] = set()
    for name in names:
        if name not in CSV_COLUMNS:
            raise FormatError(f"csv.header.{name}", f"unknown column {name!r}; known: {', '.join(sorted(CSV_COLUMNS))}")
        if name in seen:
            raise FormatError(f"csv.header.{name}", f"column {name!r} appears twice")
        seen.add(name)
    for name in REQUIRED_CSV_COLUMNS:
        if name not in seen:
            raise FormatError(f"csv.header.{name}", f"column {name!r} is required")
    return names


def _put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _number(cell: str) -> int | float:
    try:
        return int(cell)
    except ValueError:
        return float(cell)


def parse_csv_row(columns: list[str], text: str) -> dict[str, Any]:
    """One CSV record as a worker document (the JSONL shape); conversion errors name the field."""
    try:
        cells = csv_cells(text)
    except csv.Error as exc:
        raise RowError("row", f"not valid CSV ({exc})") from None
    if len(cells) != len(columns):
        raise RowError("row", f"has {len(cells)} cells, the header has {len(columns)} columns")
    document: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for name, raw in zip(columns, cells, strict=True):
        cell = raw.strip()
        if cell == "":
            continue
        if name in TEXT_COLUMNS:
            document[name] = cell
        elif name in NESTED_TEXT_COLUMNS:
            _put(document, NESTED_TEXT_COLUMNS[name], cell)
        elif name in NUMBER_COLUMNS:
            path = NUMBER_COLUMNS[name]
            try:
                _put(document, path, _number(cell))
            except ValueError:
                errors.append({"field": ".".join(path), "message": "not a number"})
        elif name in BOOL_COLUMNS:
            path = BOOL_COLUMNS[name]
            word = cell.lower()
            if word in TRUE_WORDS or word in FALSE_WORDS:
                _put(document, path, word in TRUE_WORDS)
            else:
                errors.append({"field": ".".join(path), "message": "not a boolean (true/false, 1/0, yes/no)"})
        else:
            try:
                document[name] = json.loads(cell)
            except json.JSONDecodeError as exc:
                errors.append({"field": name, "message": f"not valid JSON ({exc.msg} at column {exc.colno})"})
            except (ValueError, RecursionError):
                errors.append({"field": name, "message": NOT_PARSABLE})
    if errors:
        error = RowError(errors[0]["field"], errors[0]["message"])
        error.errors = errors
        raise error
    return document
