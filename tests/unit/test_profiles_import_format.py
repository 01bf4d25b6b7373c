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
        ("application/x-ndjson", ("jsonl", None)),  # no charset: detected from the bytes
        ("application/jsonl; charset=utf-8", ("jsonl", "utf-8")),
        ("text/csv", ("csv", None)),
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


# --- agency files: encodings, Chinese headers, occupation names (issue 13, item 8) ----------------


def _sniff(body: bytes, chunk: int = 7) -> str:
    sniffer = fmt.CharsetSniffer()
    for start in range(0, len(body), chunk):
        sniffer.feed(body[start:start + chunk])
    return sniffer.codec()


def test_an_upload_in_utf8_is_read_as_utf8_with_or_without_bom():
    text = "姓名,地区\n王建国,150602\n"
    assert _sniff(text.encode()) == "utf-8"
    assert _sniff(b"\xef\xbb\xbf" + text.encode()) == "utf-8"
    assert _sniff(b"name,region\nWang,150602\n") == "utf-8"


def test_an_upload_that_is_not_utf8_is_read_as_gb18030():
    assert _sniff("姓名,地区\n王建国,150602\n".encode("gbk")) == "gb18030"
    # valid UTF-8 until the last bytes: the whole upload counts
    assert _sniff(("name,region\n" + "a,110101\n" * 50).encode() + "张三,110101\n".encode("gbk")) == "gb18030"
    # a multi-byte character cut at the very end is not UTF-8 either
    assert _sniff("王".encode()[:2]) == "gb18030"


def test_a_row_that_is_not_utf8_says_how_to_fix_it():
    assert "charset=gb18030" in fmt.not_decodable("utf-8")


def test_chinese_headers_of_a_bureau_template_map_to_columns():
    header = "姓名*,手机号,电子邮箱,所在地区（必填）,职业名称,职业代码,技能等级,技能,工作年限"
    assert fmt.parse_csv_header(header) == [
        "name", "phone", "email", "region", "occupation_name", "occupation_code", "skill_level", "skill_names",
        "experience_years"]
    assert fmt.parse_csv_header("\ufeff姓名,联系电话,行政区划代码,职业") == ["name", "phone", "region", "occupation_name"]
    # the roster's own row numbers are no field: read and left out
    columns = fmt.parse_csv_header("序号,姓名,地区")
    assert columns == [fmt.IGNORED, "name", "region"]
    assert fmt.parse_csv_row(columns, "7,王建国,150602") == {"name": "王建国", "region": "150602"}
    with pytest.raises(fmt.FormatError) as exc:
        fmt.parse_csv_header("姓名,手机,联系电话,地区")  # two names for the phone
    assert exc.value.field == "csv.header.联系电话"
    with pytest.raises(fmt.FormatError) as exc:
        fmt.parse_csv_header("姓名,地区,年龄")
    assert exc.value.field == "csv.header.年龄"
    with pytest.raises(fmt.FormatError):
        fmt.parse_csv_header("name,region,occupations,职业代码")


def test_a_chinese_row_becomes_a_worker_document():
    columns = fmt.parse_csv_header("姓名,手机,地区,职业,职业代码,技能等级,技能,工作年限")
    document = fmt.parse_csv_row(columns, "王建国,13800000001,150602,焊工,6-18-02-04,技师,氩弧焊:5；压力容器焊接、管道焊接,15")
    assert document == {
        "name": "王建国", "contact": {"phone": "13800000001"}, "region": "150602",
        "occupations": [{"name": "焊工", "code": "6-18-02-04"}], "skill_level": "technician",
        "skills": [{"name": "氩弧焊", "proficiency": 5}, {"name": "压力容器焊接", "proficiency": 3},
                   {"name": "管道焊接", "proficiency": 3}],
        "experience_years": 15,
    }
    # a code alone takes its name from the classification; a level by its grade number
    code_only = fmt.parse_csv_row(fmt.parse_csv_header("姓名,地区,职业代码,技能等级"), "李,110101,6-18-01-01,三级")
    assert code_only["occupations"] == [{"code": "6-18-01-01", "name": "车工"}]
    assert code_only["skill_level"] == "senior"
    with pytest.raises(fmt.RowError) as exc:
        fmt.parse_csv_row(fmt.parse_csv_header("姓名,地区,技能"), "李,110101,氩弧焊:9")
    assert exc.value.errors[0]["field"] == "skills"


def test_an_occupation_code_with_another_trades_name_is_refused():
    with pytest.raises(fmt.RowError) as exc:
        fmt.check_occupations({"occupations": [{"code": "6-18-02-04", "name": "焊工"},
                                               {"code": "6-20-01-01", "name": "车工"}]})
    assert exc.value.errors == [{
        "field": "occupations.1.name",
        "message": "occupation code 6-20-01-01 is 装配钳工 in the 2022 classification, not 车工; correct the code or the name",
    }]
    # the official name, a longer local name ending with it, free text without a code: all fine
    fmt.check_occupations({"occupations": [{"code": "6-18-02-04", "name": "电焊工"}, {"name": "车工"},
                                           {"code": "6-18-01-01", "name": " 车工 "}]})
    with pytest.raises(fmt.RowError):  # containing the name is not enough: 汽车工程技术人员 is no 车工
        fmt.check_occupations({"occupations": [{"code": "2-02-07-11", "name": "车工"}]})
