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

| `occupation_code`, `occupation_name` | one entry of `occupations` (`{code, name}`; a code alone takes its name from the classification) | text |
| `skill_names` | `skills`: names separated by `;`, `；`, `,`, `，` or `、`, each optionally `name:proficiency` (`氩弧焊:5`); a bare name counts as proficiency 3 | text |

An empty cell means the field is left out (its default applies). `skill_level` also takes the
Chinese names of the ladder (`高级工`, `三级`, `技师` …).

Chinese headers, as a bureau's or school's template names them, are accepted too (`HEADER_ALIASES`):
a header cell is trimmed, a required-field mark (`*`, `（必填）`, `(选填)`) is dropped, and the name is
looked up; a row-number column (`序号`, `编号`, `行号`, `No.`) is read and left out. `姓名` → name,
`手机`/`手机号`/`联系电话` → phone, `邮箱`/`电子邮箱` → email,
`地区`/`所在地区`/`行政区划代码` → region, `职业`/`职业名称` → occupation_name, `职业代码` →
occupation_code, `技能等级` → skill_level, `技能` → skill_names, `工作年限` → experience_years.

Text encoding: the `charset` parameter of Content-Type when given (utf-8, gbk, gb2312, gb18030);
otherwise the upload is detected as a whole: valid UTF-8 (with or without a byte-order mark) is
UTF-8, anything else is read as GB18030 (a superset of GBK, what Excel saves in China).

An occupation with both a code and a name must agree with the 2022 classification: the name is the
code's name, or ends with it or is ended by it (`电焊工` for 焊工 `6-18-02-04`); otherwise the row
fails naming `occupations[i].name` and the classification's name for the code.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from services.common import taxonomy

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
OCCUPATION_COLUMNS = ("occupation_code", "occupation_name")
LIST_TEXT_COLUMNS = ("skill_names",)
CSV_COLUMNS = frozenset((*TEXT_COLUMNS, *NESTED_TEXT_COLUMNS, *NUMBER_COLUMNS, *BOOL_COLUMNS, *JSON_COLUMNS,
                         *OCCUPATION_COLUMNS, *LIST_TEXT_COLUMNS))

# Chinese column names of the templates bureaus, schools and agencies keep their rosters in.
HEADER_ALIASES: dict[str, str] = {
    "姓名": "name", "名字": "name",
    "手机": "phone", "手机号": "phone", "手机号码": "phone", "联系电话": "phone", "电话": "phone",
    "联系方式": "phone",
    "邮箱": "email", "电子邮箱": "email", "电子邮件": "email", "邮件": "email",
    "地区": "region", "所在地区": "region", "所在地": "region", "行政区划代码": "region",
    "地区代码": "region", "区划代码": "region",
    "纬度": "lat", "经度": "lon",
    "职业": "occupation_name", "职业名称": "occupation_name", "工种": "occupation_name",
    "职业代码": "occupation_code", "职业编码": "occupation_code",
    "技能等级": "skill_level", "职业技能等级": "skill_level", "等级": "skill_level",
    "技能": "skill_names", "专业技能": "skill_names", "技能特长": "skill_names",
    "工作年限": "experience_years", "从业年限": "experience_years", "工龄": "experience_years",
    "状态": "status",
    "同意匹配": "consent_matching", "同意共享联系方式": "consent_share_contact",
}
# The ladder's Chinese names (DESIGN §1), so a roster's 技能等级 column reads as it is written.
LEVEL_NAMES: dict[str, str] = {
    "学徒工": "apprentice", "学徒": "apprentice",
    "初级工": "junior", "初级": "junior", "五级": "junior",
    "中级工": "intermediate", "中级": "intermediate", "四级": "intermediate",
    "高级工": "senior", "高级": "senior", "三级": "senior",
    "技师": "technician", "二级": "technician",
    "高级技师": "senior_technician", "一级": "senior_technician",
    "特级技师": "principal_technician",
    "首席技师": "chief_technician",
}
# A roster's own row numbering (序号) is no field of a worker: such a column is read and left out.
# (A worker id, to update, is only ever this platform's own `id` column.)
IGNORED = "-"
IGNORED_HEADERS = frozenset({"序号", "编号", "行号", "no", "no."})
DEFAULT_PROFICIENCY = 3  # a skill named without a proficiency: competent, the middle of 1–5
_REQUIRED_MARK = re.compile(r"[（(][^）)]*[）)]$")
_LIST_SEPARATORS = re.compile(r"[;；,，、|\n]+")
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


def media_format(content_type: str | None) -> tuple[str, str | None]:
    """(format, codec) from a Content-Type header, e.g. `text/csv; charset=gbk` → ("csv", "gb18030");
    the codec is None when no charset is named (the caller detects it with `CharsetSniffer`)."""
    if not content_type:
        raise FormatError("header.Content-Type", "send application/x-ndjson or text/csv")
    media, _, params = content_type.partition(";")
    fmt = MEDIA_TYPES.get(media.strip().lower())
    if fmt is None:
        raise FormatError("header.Content-Type", f"{media.strip()!r} is not importable; send application/x-ndjson or text/csv")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset is None:
        return fmt, None
    codec = CHARSETS.get(charset)
    if codec is None:
        raise FormatError("header.Content-Type", f"charset {charset!r} is not supported; use utf-8 or gb18030/gbk")
    return fmt, codec


class CharsetSniffer:
    """Decides an upload's encoding as it streams in: UTF-8 if every byte of it is valid UTF-8, else GB18030.

    A GBK/GB18030 file of Chinese text is almost never valid UTF-8 (its lead bytes 0x81–0xFE are
    followed by bytes UTF-8 forbids there), while ASCII is both: then either reading is the same.
    """

    def __init__(self) -> None:
        self._decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()

    def feed(self, chunk: bytes) -> None:
        if self._decoder is None:
            return
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError:
            self._decoder = None

    def codec(self) -> str:
        if self._decoder is not None:
            try:
                self._decoder.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                self._decoder = None
        return "gb18030"


def not_decodable(codec: str) -> str:
    """A row's error for bytes that are not text in the upload's encoding, with the likely fix."""
    if codec == "utf-8":
        return ("not valid utf-8 text; a file saved by Excel in China is GBK: send `charset=gb18030` in "
                "Content-Type, or leave charset out and the encoding is detected")
    return f"not valid {codec} text; send the charset the file was saved in (utf-8 or gb18030)"


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


def column_name(cell: str) -> str:
    """A header cell as a column name: trimmed, the required-field marks dropped, Chinese aliases mapped."""
    name = cell.strip().removeprefix("\ufeff").strip().strip("*＊").strip()
    name = _REQUIRED_MARK.sub("", name).strip().strip("*＊").strip()
    if name.lower() in IGNORED_HEADERS:
        return IGNORED
    return HEADER_ALIASES.get(name, name)


def parse_csv_header(text: str) -> list[str]:
    """The column names of a CSV upload; unknown, repeated or missing columns refuse the upload."""
    try:
        cells = [cell.strip() for cell in csv_cells(text)]
    except (RowError, csv.Error):
        raise FormatError("csv.header", "the first row must be a CSV header") from None
    seen: dict[str, str] = {}
    names = []
    for cell in cells:
        name = column_name(cell)
        if name == IGNORED:
            names.append(name)
            continue
        if name not in CSV_COLUMNS:
            raise FormatError(f"csv.header.{cell}", f"unknown column {cell!r}; known: {', '.join(sorted(CSV_COLUMNS))}"
                              f" and the Chinese names {', '.join(HEADER_ALIASES)}")
        if name in seen:
            raise FormatError(f"csv.header.{cell}", f"column {cell!r} appears twice (as {seen[name]!r} too)")
        if name in OCCUPATION_COLUMNS and "occupations" in seen or name == "occupations" and (
                set(OCCUPATION_COLUMNS) & set(seen)):
            raise FormatError(f"csv.header.{cell}", "give occupations either as the JSON column or as code/name columns")
        if name in LIST_TEXT_COLUMNS and "skills" in seen or name == "skills" and "skill_names" in seen:
            raise FormatError(f"csv.header.{cell}", "give skills either as the JSON column or as skill names")
        seen[name] = cell
        names.append(name)
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
        if cell == "" or name == IGNORED:
            continue
        if name == "skill_level":
            document[name] = LEVEL_NAMES.get(cell, cell)
        elif name in TEXT_COLUMNS:
            document[name] = cell
        elif name in OCCUPATION_COLUMNS:
            occupation = document.setdefault("occupations", [{}])[0]
            occupation["code" if name == "occupation_code" else "name"] = cell
        elif name in LIST_TEXT_COLUMNS:
            try:
                document["skills"] = _skill_names(cell)
            except ValueError as exc:
                errors.append({"field": "skills", "message": str(exc)})
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
    occupations = document.get("occupations")
    if "occupation_code" in columns or "occupation_name" in columns:
        if occupations and "name" not in occupations[0]:
            entry = taxonomy.occupation(occupations[0].get("code", ""))
            if entry is None:
                errors.append({"field": "occupations.0.code",
                               "message": f"unknown occupation code {occupations[0].get('code')!r} (职业分类大典 2022)"})
            else:
                occupations[0]["name"] = entry.name
    if errors:
        error = RowError(errors[0]["field"], errors[0]["message"])
        error.errors = errors
        raise error
    return document


def _skill_names(cell: str) -> list[dict[str, Any]]:
    skills = []
    for item in _LIST_SEPARATORS.split(cell):
        item = item.strip()
        if not item:
            continue
        name, sep, level = item.replace("：", ":").rpartition(":")
        if not sep:
            name, level = item, ""
        name = name.strip()
        if level.strip() and not (level.strip().isdigit() and 1 <= int(level.strip()) <= 5):
            raise ValueError(f"{item!r}: write a skill as name or name:proficiency (1–5)")
        skills.append({"name": name, "proficiency": int(level) if level.strip() else DEFAULT_PROFICIENCY})
    return skills


def _names_agree(given: str, official: str) -> bool:
    given, official = given.strip(), official.strip()
    return given == official or given.endswith(official) or official.endswith(given)


def check_occupations(document: dict[str, Any]) -> None:
    """A code named with the wrong name (6-20-01-01 labelled 车工) would count under the wrong trade:
    the row fails, naming the field and the classification's name. Unknown codes are left to the model."""
    occupations = document.get("occupations")
    if not isinstance(occupations, list):
        return
    errors = []
    for index, occupation in enumerate(occupations):
        if not isinstance(occupation, dict):
            continue
        code, name = occupation.get("code"), occupation.get("name")
        if not isinstance(code, str) or not isinstance(name, str) or not name.strip():
            continue
        entry = taxonomy.occupation(code)
        if entry is not None and not _names_agree(name, entry.name):
            errors.append({"field": f"occupations.{index}.name",
                           "message": f"occupation code {code} is {entry.name} in the 2022 classification, not "
                                      f"{name.strip()}; correct the code or the name"})
    if errors:
        error = RowError(errors[0]["field"], errors[0]["message"])
        error.errors = errors
        raise error
