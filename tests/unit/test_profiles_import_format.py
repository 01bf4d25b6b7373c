"""The bulk import formats without I/O: record splitting, media types, CSV header and row conversion."""

from __future__ import annotations

import pytest

from services.profiles import import_format as fmt

pytestmark = pytest.mark.unit


def split(data: bytes, *, csv: bool = False, limit: int = 1000, chunk: int | None = None) -> list:
    splitter = fmt.RecordSplitter(csv_quotes=csv, max_record_bytes=limit)
    out = []
    step = chunk or len(data) or 1
    for i in range(0, len(data), step):
        out += splitter.feed(data[i:i + step])
    return out + splitter.finish()


def test_lines_are_records_and_blank_lines_are_skipped():
    assert split(b'{"a":1}\n\n  \r\n{"b":2}\r\n{"c":3}') == [b'{"a":1}', b'{"b":2}', b'{"c":3}']


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_chunk_boundaries_do_not_matter(chunk):
    data = 'name,region\n"王\n建国",150602\n"say ""hi""\nthere",110101\nlast,110101'.encode()
    assert split(data, csv=True, chunk=chunk) == split(data, csv=True)
    assert len(split(data, csv=True)) == 4


def test_csv_newlines_inside_quotes_do_not_end_a_record():
    records = split(b'a,b\n"x\ny",1\n"p ""q"" r",2\n', csv=True)
    assert records == [b"a,b", b'"x\ny",1', b'"p ""q"" r",2']


def test_too_long_records_are_reported_not_held():
    records = split(b"short\n" + b"x" * 50 + b"\nshort again\n", limit=20, chunk=8)
    assert records[0] == b"short"
    assert isinstance(records[1], fmt.RecordTooLong) and records[1].size == 51
    assert records[2] == b"short again"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/x-ndjson", ("jsonl", "utf-8")),
        ("application/jsonl; charset=utf-8", ("jsonl", "utf-8")),
        ("text/csv", ("csv", "utf-8")),
        ("Text/CSV; charset=GBK", ("csv", "gb18030")),
        ('text/csv; charset="gb18030"', ("csv", "gb18030")),
    ],
)
def test_media_types(header, expected):
    assert fmt.media_format(header) == expected


@pytest.mark.parametrize("header", [None, "application/json", "text/plain", "text/csv; charset=latin1"])
def test_unsupported_media_types(header):
    with pytest.raises(fmt.FormatError) as exc:
        fmt.media_format(header)
    assert exc.value.field == "header.Content-Type"


def test_csv_header_checks():
    assert fmt.parse_csv_header("name, region ,phone") == ["name", "region", "phone"]
    for text, field in (("name,region,age", "csv.header.age"), ("name,name,region", "csv.header.name"),
                        ("region", "csv.header.name")):
        with pytest.raises(fmt.FormatError) as exc:
            fmt.parse_csv_header(text)
        assert exc.value.field == field


def test_csv_row_becomes_a_worker_document():
    columns = ["name", "phone", "lat", "lon", "experience_years", "consent_matching", "skills", "status", "email"]
    text = '王建国,13800000001,39.8,110,15,是,"[{""name"": ""焊"", ""proficiency"": 4}]",,'
    assert fmt.parse_csv_row(columns, text) == {
        "name": "王建国",
        "contact": {"phone": "13800000001"},
        "location": {"lat": 39.8, "lon": 110},
        "experience_years": 15,
        "consent": {"matching": True},
        "skills": [{"name": "焊", "proficiency": 4}],
    }


def test_csv_row_errors_name_every_field():
    columns = ["name", "lat", "consent_share_contact", "awards"]
    with pytest.raises(fmt.RowError) as exc:
        fmt.parse_csv_row(columns, "x,north,perhaps,[")
    assert [e["field"] for e in exc.value.errors] == ["location.lat", "consent.share_contact", "awards"]
    with pytest.raises(fmt.RowError) as short:
        fmt.parse_csv_row(columns, "x,1")
    assert short.value.errors[0]["field"] == "row"


def test_jsonl_row_must_be_an_object():
    assert fmt.parse_jsonl('{"name": "x"}') == {"name": "x"}
    for text in ("[1]", "nope", '"x"'):
        with pytest.raises(fmt.RowError):
            fmt.parse_jsonl(text)


def test_byte_order_mark_is_dropped_from_the_first_record_only():
    assert fmt.decode_record("\ufeffname".encode(), "utf-8", first=True) == "name"
    assert fmt.decode_record("\ufeffname".encode(), "utf-8", first=False) == "\ufeffname"


@pytest.mark.parametrize("line", ['{"x": ' + "[" * 20_000 + "]" * 20_000 + "}",
                                  '{"experience_years": 1' + "0" * 5000 + "}"])
def test_a_line_the_json_parser_cannot_take_is_a_row_error(line):
    # RecursionError / ValueError from json.loads would otherwise end the whole import job
    with pytest.raises(fmt.RowError) as refused:
        fmt.parse_jsonl(line)
    assert refused.value.errors == [{"field": "row", "message": fmt.NOT_PARSABLE}]


def test_a_csv_json_cell_the_parser_cannot_take_names_its_column():
    with pytest.raises(fmt.RowError) as refused:
        fmt.parse_csv_row(["name", "region", "skills"], "甲,150602," + "[" * 5000 + "]" * 5000)
    assert refused.value.errors == [{"field": "skills", "message": fmt.NOT_PARSABLE}]
