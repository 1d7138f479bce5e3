"""Tabular imports (CONTRACT.md §2): households, staff, visits, petitions from CSV and XLSX.

Every fixture file is written here, in tmp_path, so each test shows the exact bytes it feeds in.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from ingest import values as V
from ingest.errors import ImportFailed
from ingest.reader import read_table
from ingest.spec import HOUSEHOLD_STATUS, PETITION_STATUS, SATISFACTION, SPECS, STAFF_ROLE, TAG_SEPARATORS, VISIT_KIND
from ingest.tables import load
from store import db
from tests.factories import G111, G112, G121, G211, V21, on_postgres

ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------- helpers


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]], title: str | None = None, title_rows: int = 1) -> Path:
    """An Excel workbook; with ``title`` the first ``title_rows`` rows are a merged title block."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        start = 1
        if title:
            ws.cell(row=1, column=1, value=title)
            width = max(len(r) for r in rows)
            ws.merge_cells(start_row=1, start_column=1, end_row=title_rows, end_column=width)
            start = title_rows + 1
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                ws.cell(row=start + i, column=j + 1, value=v)
    wb.save(path)
    return path


def table_rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def snapshot(con) -> dict[str, list[tuple]]:
    return {
        "households": table_rows(
            con,
            "SELECT code, head_name, phone, address, members, lon, lat, grid_code, "
            "grid_given, tags, status FROM households ORDER BY code",
        ),
        "staff": table_rows(con, "SELECT id, name, role, phone FROM staff ORDER BY id"),
        "staff_grids": table_rows(
            con, "SELECT staff_id, grid_code, valid_from, valid_to FROM staff_grids ORDER BY 1, 2, 3, 4"
        ),
        "visits": table_rows(
            con, "SELECT household_code, staff_id, visited_on, kind, note FROM visits ORDER BY 1, 2, 3, 4, 5"
        ),
        "petitions": table_rows(
            con,
            "SELECT id, received_on, household_code, lon, lat, village_code, "
            "point_village_code, point_grid_code, category, channel, people, status, "
            "replied_on, closed_on, satisfaction, reply_text, level_reached "
            "FROM petitions ORDER BY id",
        ),
    }


HH_HEADER = ["户编号", "户主", "联系电话", "地址", "人口数", "经度", "纬度", "网格编码", "户类别", "状态"]


# ----------------------------------------------------------------------------- Excel


@pytest.mark.parametrize("title_rows", [1, 2])
def test_xlsx_merged_title_dates_and_numeric_phones(tiny, tmp_path, title_rows):
    con, _ = tiny
    header = ["户编号", "户主", "联系电话", "人口数", "经度", "纬度"]
    rows = [
        header,
        ["X01", "陈一", 13912345678, 3, 107.05, 30.05],  # numeric phone cell
        ["X02", "陈二", 13912345679, 2.0, 107.15, 30.15],
        ["X03", "陈三", None, "abc", 107.25, 30.05],
    ]  # bad members
    path = write_xlsx(tmp_path / "hh.xlsx", {"台账": rows}, title="某镇某村户籍台账（2026年）", title_rows=title_rows)
    res = load(con, "households", path)
    assert (res.imported, res.rejected) == (2, 1)
    # the spreadsheet row: title rows + header row + 3rd data row
    assert [e.row for e in res.errors] == [title_rows + 1 + 3]
    assert res.errors[0].column == "人口数"
    got = table_rows(con, "SELECT code, phone, members, grid_code FROM households WHERE code LIKE 'X%' ORDER BY code")
    assert got == [("X01", "13912345678", 3, G111), ("X02", "13912345679", 2, G121)]


def test_xlsx_real_date_cells_in_visits_and_petitions(tiny, tmp_path):
    con, _ = tiny
    visits = write_xlsx(
        tmp_path / "v.xlsx",
        {
            "走访": [
                ["户编号", "工号", "走访日期", "走访方式"],
                ["H02", "S2", dt.datetime(2026, 11, 3), "电话"],
                ["H04", "S2", dt.date(2026, 11, 4), "院坝会"],
            ]
        },
        title="走访记录",
    )
    res = load(con, "visits", visits)
    assert (res.imported, res.rejected) == (2, 0)
    got = table_rows(
        con,
        "SELECT household_code, visited_on, kind FROM visits WHERE staff_id = 'S2' "
        "AND visited_on BETWEEN '2026-11-03' AND '2026-11-04' ORDER BY 1",
    )
    assert got == [("H02", dt.date(2026, 11, 3), "phone"), ("H04", dt.date(2026, 11, 4), "meeting")]

    pet = write_xlsx(
        tmp_path / "p.xlsx",
        {
            "信访": [
                ["信访编号", "登记日期", "答复日期", "办结日期", "状态", "满意度", "人数"],
                [
                    "PX1",
                    dt.datetime(2026, 10, 1),
                    dt.datetime(2026, 10, 5),
                    dt.datetime(2026, 10, 9),
                    "办结",
                    "基本满意",
                    7,
                ],
            ]
        },
    )
    res = load(con, "petitions", pet)
    assert res.imported == 1
    got = table_rows(
        con, "SELECT received_on, replied_on, closed_on, status, satisfaction, people FROM petitions WHERE id = 'PX1'"
    )
    assert got == [(dt.date(2026, 10, 1), dt.date(2026, 10, 5), dt.date(2026, 10, 9), "closed", "partly", 7)]


def test_xlsx_several_sheets_choose_with_sheet(tiny, tmp_path):
    con, _ = tiny
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "说明": [["本表说明"], ["请勿修改表头"]],
            "一组": [["户编号", "户主", "网格编码"], ["A1", "甲一", G111]],
            "二组": [["户编号", "户主", "网格编码"], ["B1", "乙一", G211], ["B2", "乙二", G211]],
        },
    )
    res = load(con, "households", path, sheet="二组")
    assert res.imported == 2 and res.table.sheet == "二组"
    assert table_rows(con, "SELECT code FROM households WHERE code IN ('A1','B1','B2') ORDER BY 1") == [
        ("B1",),
        ("B2",),
    ]
    # default: the first sheet whose header matches
    res = load(con, "households", path)
    assert res.table.sheet == "一组" and res.imported == 1
    with pytest.raises(ImportFailed) as e:
        load(con, "households", path, sheet="三组")
    assert e.value.key == "ingest.error.no_sheet" and e.value.params["sheet"] == "三组"


# ----------------------------------------------------------------------------- CSV encodings and headers


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings(tiny, tmp_path, encoding):
    con, _ = tiny
    path = write_csv(
        tmp_path / "hh.csv",
        HH_HEADER,
        [["E01", "欧阳修", "", "重庆市梁平区双桂街道", "4", "107.05", "30.05", "", "低保、残疾", "在册"]],
        encoding=encoding,
    )
    res = load(con, "households", path)
    assert res.imported == 1, res.errors
    assert table_rows(con, "SELECT head_name, address, tags FROM households WHERE code = 'E01'") == [
        ("欧阳修", "重庆市梁平区双桂街道", ["低保", "残疾"])
    ]


ALIASES = [(kind, col.name, alias) for kind, spec in SPECS.items() for col in spec.columns for alias in col.names()]


@pytest.mark.parametrize("kind,column,alias", ALIASES, ids=[f"{k}-{c}-{a}" for k, c, a in ALIASES])
def test_every_header_alias(tmp_path, kind, column, alias):
    spec = SPECS[kind]
    others = [c.name for c in spec.columns if c.name != column][:3]
    path = write_csv(tmp_path / "f.csv", [alias] + others, [["x"] * (1 + len(others))])
    table = read_table(path, spec)
    assert table.mapping[column] == 0
    assert table.label(column) == alias


def test_unknown_columns_ignored_and_header_found_below_title(tmp_path):
    path = tmp_path / "hh.csv"
    path.write_text("某镇某村户籍台账（2026年）,,\n,,\n户编号,户主,备用列\nA,甲,zzz\n", encoding="utf-8")
    table = read_table(path, SPECS["households"])
    assert table.header_row == 3 and table.ignored == ["备用列"]
    assert table.rows == [(4, ["A", "甲", "zzz"])]


def test_no_header_is_a_sentence(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(ImportFailed) as e:
        read_table(path, SPECS["households"])
    assert e.value.key == "ingest.error.no_header"


# ----------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    "raw",
    [
        "2026-11-03",
        "2026/11/3",
        "2026年11月3日",
        "2026-11-3",
        "2026.11.03",
        dt.datetime(2026, 11, 3, 9, 30),
        dt.date(2026, 11, 3),
        "46329",
    ],
)
def test_dates(raw):
    assert V.parse_date(raw) == dt.date(2026, 11, 3)


@pytest.mark.parametrize("raw", ["2026-02-30", "明天", "11/3/2026"])
def test_bad_dates(raw):
    with pytest.raises(ValueError):
        V.parse_date(raw)


@pytest.mark.parametrize("text", ["2026-11-03", "2026/11/3", "2026年11月3日"])
def test_visit_dates_in_csv(tiny, tmp_path, text):
    con, _ = tiny
    path = write_csv(tmp_path / "v.csv", ["户编号", "工号", "走访日期"], [["H09", "S3", text]])
    assert load(con, "visits", path).imported == 1
    assert table_rows(
        con, "SELECT count(*) FROM visits WHERE household_code = 'H09' AND visited_on = DATE '2026-11-03'"
    ) == [(1,)]


@pytest.mark.parametrize("sep", list(TAG_SEPARATORS))
def test_tags_split_on_every_separator(tiny, tmp_path, sep):
    con, _ = tiny
    path = write_csv(
        tmp_path / "hh.csv",
        ["户编号", "户主", "网格编码", "户类别"],
        [["T1", "甲", G111, f"低保{sep}空巢老人{sep} 留守儿童{sep}"]],
    )
    assert load(con, "households", path).imported == 1
    assert table_rows(con, "SELECT tags FROM households WHERE code = 'T1'") == [(["低保", "空巢老人", "留守儿童"],)]


VOCABULARIES = (
    [("households", "状态", k, v, "status") for k, v in HOUSEHOLD_STATUS.items()]
    + [("staff", "职务", k, v, "role") for k, v in STAFF_ROLE.items()]
    + [("visits", "走访方式", k, v, "kind") for k, v in VISIT_KIND.items()]
    + [("petitions", "状态", k, v, "status") for k, v in PETITION_STATUS.items()]
    + [("petitions", "满意度", k, v, "satisfaction") for k, v in SATISFACTION.items()]
)

BASE = {
    "households": (["户编号", "户主", "网格编码"], ["VOC", "甲", G111], "SELECT {c} FROM households WHERE code='VOC'"),
    "staff": (["工号", "姓名"], ["SVOC", "甲"], "SELECT {c} FROM staff WHERE id='SVOC'"),
    "visits": (
        ["户编号", "工号", "走访日期"],
        ["H09", "S3", "2026-01-05"],
        "SELECT {c} FROM visits WHERE household_code='H09' AND visited_on='2026-01-05'",
    ),
    "petitions": (["编号", "受理日期"], ["PVOC", "2026-01-05"], "SELECT {c} FROM petitions WHERE id='PVOC'"),
}


@pytest.mark.parametrize(
    "kind,header,given,stored,column", VOCABULARIES, ids=[f"{k}-{h}-{g}" for k, h, g, _, _ in VOCABULARIES]
)
def test_vocabularies(tiny_ro, tmp_path, kind, header, given, stored, column):
    con, _ = tiny_ro
    base_header, base_row, _ = BASE[kind]
    path = write_csv(tmp_path / "f.csv", base_header + [header], [base_row + [given]])
    from ingest.tables import _known, bounds
    from ingest.validate import check

    table = read_table(path, SPECS[kind])
    checked = check(table, kind, _known(con, table, kind), bounds(con, dt.date.today()))
    assert checked.errors == []
    assert checked.records[0][column] == stored


@pytest.mark.parametrize(
    "kind,header,value",
    [
        ("households", "状态", "死亡"),
        ("staff", "职务", "村长"),
        ("visits", "走访方式", "微信"),
        ("petitions", "满意度", "一般"),
    ],
)
def test_unknown_vocabulary_rejected(tiny_ro, tmp_path, kind, header, value):
    con, _ = tiny_ro
    base_header, base_row, _ = BASE[kind]
    path = write_csv(tmp_path / "f.csv", base_header + [header], [base_row + [value]])
    res = load(con, kind, path, dry_run=True)
    assert res.rejected == 1 and res.errors[0].column == header and res.errors[0].row == 2
    assert res.errors[0].message.key == "ingest.error.choice"


# ----------------------------------------------------------------------------- rejection rules and row numbers

GOOD_HH = ["G1", "好户", "", "", "3", "107.05", "30.05", "", "", ""]
REJECTIONS = [
    # id, kind, header, rows, bad CSV line, column
    (
        "required-missing",
        "households",
        HH_HEADER,
        [GOOD_HH, ["G2", "", "", "", "", "107.05", "30.05", "", "", ""]],
        3,
        "户主",
    ),
    (
        "members-abc",
        "households",
        HH_HEADER,
        [GOOD_HH, ["G2", "乙", "", "", "abc", "107.05", "30.05", "", "", ""]],
        3,
        "人口数",
    ),
    (
        "members-zero",
        "households",
        HH_HEADER,
        [GOOD_HH, ["G2", "乙", "", "", "0", "107.05", "30.05", "", "", ""]],
        3,
        "人口数",
    ),
    (
        "latitude-200",
        "households",
        HH_HEADER,
        [GOOD_HH, ["G2", "乙", "", "", "", "107.05", "200", "", "", ""]],
        3,
        "纬度",
    ),
    (
        "bad-phone",
        "households",
        HH_HEADER,
        [GOOD_HH, ["G2", "乙", "12345", "", "", "107.05", "30.05", "", "", ""]],
        3,
        "联系电话",
    ),
    (
        "unknown-grid",
        "households",
        HH_HEADER,
        [GOOD_HH, ["G2", "乙", "", "", "", "", "", "NO-SUCH-GRID", "", ""]],
        3,
        "网格编码",
    ),
    ("no-location", "households", HH_HEADER, [GOOD_HH, ["G2", "乙", "", "", "", "", "", "", "", ""]], 3, "经度"),
    (
        "repeated-key",
        "households",
        HH_HEADER,
        [
            GOOD_HH,
            ["G2", "乙", "", "", "", "107.05", "30.05", "", "", ""],
            ["G1", "又一户", "", "", "", "107.05", "30.05", "", "", ""],
        ],
        4,
        "户编号",
    ),
    (
        "staff-repeated",
        "staff",
        ["工号", "姓名", "职务", "负责网格"],
        [["SX", "甲", "网格员", G111], ["SX", "乙", "网格员", G112]],
        3,
        "工号",
    ),
    (
        "staff-unknown-grid",
        "staff",
        ["工号", "姓名", "职务", "负责网格"],
        [["SX", "甲", "网格员", G111], ["SY", "乙", "网格员", f"{G112}、NOPE"]],
        3,
        "负责网格",
    ),
    (
        "visit-unknown-household",
        "visits",
        ["户编号", "工号", "走访日期"],
        [["H01", "S1", "2026-01-05"], ["H99", "S1", "2026-01-05"]],
        3,
        "户编号",
    ),
    (
        "visit-unknown-staff",
        "visits",
        ["户编号", "工号", "走访日期"],
        [["H01", "S1", "2026-01-05"], ["H01", "S99", "2026-01-06"]],
        3,
        "工号",
    ),
    (
        "visit-bad-date",
        "visits",
        ["户编号", "工号", "走访日期"],
        [["H01", "S1", "2026-01-05"], ["H01", "S1", "2026-13-45"]],
        3,
        "走访日期",
    ),
    (
        "petition-unknown-household",
        "petitions",
        ["编号", "受理日期", "户编号"],
        [["PA", "2026-01-05", "H01"], ["PB", "2026-01-05", "H99"]],
        3,
        "户编号",
    ),
    (
        "petition-unknown-village",
        "petitions",
        ["编号", "受理日期", "村编码"],
        [["PA", "2026-01-05", V21], ["PB", "2026-01-05", "999"]],
        3,
        "村编码",
    ),
    (
        "petition-people-abc",
        "petitions",
        ["编号", "受理日期", "人数"],
        [["PA", "2026-01-05", "2"], ["PB", "2026-01-05", "许多"]],
        3,
        "人数",
    ),
    (
        "petition-longitude",
        "petitions",
        ["编号", "受理日期", "经度", "纬度"],
        [["PA", "2026-01-05", "", ""], ["PB", "2026-01-05", "181", "30"]],
        3,
        "经度",
    ),
    ("petition-repeated", "petitions", ["编号", "受理日期"], [["PA", "2026-01-05"], ["PA", "2026-01-06"]], 3, "编号"),
    (
        "petition-replied-before-received",
        "petitions",
        ["编号", "受理日期", "答复日期"],
        [["PA", "2026-01-05", ""], ["PB", "2026-01-05", "2026-01-01"]],
        3,
        "答复日期",
    ),
]


@pytest.mark.parametrize(
    "kind,header,rows,bad_line,column", [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS]
)
def test_rejection_rules_report_the_csv_line(tiny_ro, tmp_path, kind, header, rows, bad_line, column):
    con, _ = tiny_ro
    path = write_csv(tmp_path / "f.csv", header, rows)
    res = load(con, kind, path, dry_run=True)
    assert res.rejected == 1
    assert [(e.row, e.column) for e in res.errors] == [(bad_line, column)]
    assert res.errors[0].line().startswith(f"f.csv row {bad_line} column {column}: ")
    assert res.imported + res.updated + res.skipped == len(rows) - 1  # a bad row never stops the good ones


def test_multiline_record_reported_at_its_first_line(tiny_ro, tmp_path):
    con, _ = tiny_ro
    path = tmp_path / "hh.csv"
    path.write_text(
        "户编号,户主,地址,人口数,网格编码\n"
        f'M1,甲,"第一行\n第二行\n第三行",2,{G111}\n'  # lines 2-4
        f'M2,乙,"又是\n两行",abc,{G111}\n'  # lines 5-6, bad
        f"M3,丙,,xyz,{G111}\n",  # line 7, bad
        encoding="utf-8",
    )
    res = load(con, "households", path, dry_run=True)
    assert [e.row for e in res.errors] == [5, 7]
    assert res.imported == 1


def test_xlsx_rows_are_spreadsheet_rows(tiny_ro, tmp_path):
    con, _ = tiny_ro
    path = write_xlsx(
        tmp_path / "v.xlsx",
        {
            "s": [
                ["户编号", "工号", "走访日期"],
                ["H01", "S1", "2026-01-05"],
                [None, None, None],  # a blank row still counts in Excel
                ["H99", "S1", "2026-01-06"],
            ]
        },
        title="走访",
        title_rows=2,
    )
    res = load(con, "visits", path, dry_run=True)
    assert [(e.row, e.column) for e in res.errors] == [(6, "户编号")]


def test_missing_required_column_rejects_every_row(tiny_ro, tmp_path):
    con, _ = tiny_ro
    path = write_csv(tmp_path / "v.csv", ["户编号", "走访日期"], [["H01", "2026-01-05"], ["H02", "2026-01-05"]])
    res = load(con, "visits", path, dry_run=True)
    assert res.rejected == 2 and not res.ok


def test_exact_duplicate_visit_lines_skipped_and_counted(tiny, tmp_path):
    con, _ = tiny
    before = snapshot(con)["visits"]
    row = ["H02", "S1", "2026-02-02", "入户走访", "门口聊了聊"]
    path = write_csv(
        tmp_path / "v.csv",
        ["户编号", "工号", "走访日期", "走访方式", "民情记录"],
        [row, row, ["H02", "S1", "2026-02-03", "入户走访", ""], row],
    )
    res = load(con, "visits", path)
    assert (res.imported, res.skipped, res.rejected, res.errors) == (2, 2, 0, [])
    assert len(snapshot(con)["visits"]) == len(before) + 2
    # same key, different note: not an exact duplicate -> the later line is rejected
    path2 = write_csv(
        tmp_path / "v2.csv",
        ["户编号", "工号", "走访日期", "民情记录"],
        [["H02", "S1", "2026-03-03", "a"], ["H02", "S1", "2026-03-03", "b"]],
    )
    res = load(con, "visits", path2)
    assert (res.imported, res.rejected) == (1, 1) and res.errors[0].row == 3


# ----------------------------------------------------------------------------- writing


def test_strict_writes_nothing(tiny, tmp_path):
    con, _ = tiny
    before = snapshot(con)
    path = write_csv(
        tmp_path / "hh.csv", HH_HEADER, [GOOD_HH, ["G2", "乙", "", "", "abc", "107.05", "30.05", "", "", ""]]
    )
    res = load(con, "households", path, strict=True)
    assert res.rejected == 1 and not res.written
    assert snapshot(con) == before


def test_dry_run_writes_nothing_but_counts(tiny, tmp_path):
    con, _ = tiny
    before = snapshot(con)
    path = write_csv(
        tmp_path / "hh.csv", HH_HEADER, [GOOD_HH, ["H01", "张三改", "", "", "", "107.05", "30.05", "", "", ""]]
    )
    res = load(con, "households", path, dry_run=True)
    assert (res.imported, res.updated, res.written) == (1, 1, False)
    assert snapshot(con) == before


@pytest.mark.parametrize("kind", ["households", "staff", "visits", "petitions"])
def test_reimporting_the_same_file_changes_nothing(tiny, tmp_path, kind):
    con, _ = tiny
    source = tmp_path / f"{kind}.csv"  # the file the tiny world was built from
    before = snapshot(con)
    res = load(con, kind, source, today=dt.date(2026, 11, 26))
    assert (res.imported, res.updated, res.rejected) == (0, 0, 0)
    assert res.skipped == res.rows
    assert snapshot(con) == before


def test_reimport_updates_changed_rows(tiny, tmp_path):
    con, _ = tiny
    path = write_csv(
        tmp_path / "p.csv", ["编号", "受理日期", "状态", "答复日期"], [["P2", "2026-10-09", "已答复", "2026-10-12"]]
    )
    res = load(con, "petitions", path)
    assert (res.imported, res.updated) == (0, 1)
    assert table_rows(con, "SELECT status, replied_on FROM petitions WHERE id='P2'") == [
        ("replied", dt.date(2026, 10, 12))
    ]


HOSTILE = [
    "<script>alert('x')</script>",
    "'; DROP TABLE staff;--",
    'say "hi" and \'bye\'',
    "名" * 40,
    "Robert'); DELETE FROM households; --",
    "  前后空格  ".strip(),
    "a,b;c、d",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_stored_byte_identical(tiny, tmp_path, name):
    con, _ = tiny
    path = write_csv(tmp_path / "hh.csv", ["户编号", "户主", "地址", "网格编码"], [["HX", name, name, G111]])
    assert load(con, "households", path).imported == 1
    assert table_rows(con, "SELECT head_name, address FROM households WHERE code = 'HX'") == [(name, name)]
    path = write_csv(tmp_path / "s.csv", ["工号", "姓名"], [["SX", name]])
    assert load(con, "staff", path).imported == 1
    assert table_rows(con, "SELECT name FROM staff WHERE id = 'SX'") == [(name,)]
    assert table_rows(con, "SELECT count(*) FROM staff") == [(5,)]


def test_households_outside_every_grid_kept_and_listed(tiny, tmp_path):
    con, _ = tiny
    path = write_csv(
        tmp_path / "hh.csv",
        ["户编号", "户主", "经度", "纬度"],
        [["O1", "界外一", "110.0", "35.0"], ["O2", "界内", "107.25", "30.15"], ["O3", "界外二", "106.9", "30.1"]],
    )
    res = load(con, "households", path)
    assert res.imported == 3 and res.unassigned == 2 and res.unassigned_codes == ["O1", "O3"]
    assert "unassigned 2" in res.summary()
    assert table_rows(con, "SELECT code, grid_code FROM households WHERE code LIKE 'O%' ORDER BY 1") == [
        ("O1", None),
        ("O2", G211),
        ("O3", None),
    ]


def test_coordinates_gcj02_converted(tiny, tmp_path):
    from gis.datum import wgs84_to_gcj02

    con, _ = tiny
    glon, glat = wgs84_to_gcj02(107.05, 30.05)
    path = write_csv(
        tmp_path / "hh.csv", ["户编号", "户主", "经度", "纬度"], [["C1", "甲", repr(float(glon)), repr(float(glat))]]
    )
    load(con, "households", path, coords="gcj02")
    lon, lat = table_rows(con, "SELECT lon, lat FROM households WHERE code='C1'")[0]
    assert abs(lon - 107.05) < 1e-5 and abs(lat - 30.05) < 1e-5


def test_round_trip_export_reimport_changes_nothing(tiny, tmp_path):
    con, _ = tiny
    before = snapshot(con)
    out = tmp_path / "export.csv"
    df = con.execute("""
        SELECT code, head_name, phone, address, members, lon, lat,
               CASE WHEN grid_given THEN grid_code END AS grid_code,
               array_to_string(tags, '、') AS tags, status
        FROM households ORDER BY code""").df()
    df.to_csv(out, index=False, encoding="utf-8-sig", float_format="%.15g")
    res = load(con, "households", out)
    assert (res.imported, res.updated, res.rejected) == (0, 0, 0), res.errors
    assert res.skipped == len(df)
    assert snapshot(con) == before


def test_missing_file_and_wrong_type(tiny_ro, tmp_path):
    con, _ = tiny_ro
    with pytest.raises(ImportFailed) as e:
        load(con, "households", tmp_path / "nope.csv")
    assert e.value.key == "ingest.error.no_file"
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(ImportFailed) as e:
        load(con, "households", tmp_path / "x.pdf")
    assert e.value.key == "ingest.error.table_type" and e.value.params == {
        "suffix": ".pdf",
        "allowed": ".csv、.txt、.xlsx、.xlsm、.xls",
    }
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ImportFailed, match="Excel"):
        load(con, "households", tmp_path / "broken.xlsx")


def test_progress_and_audit_called(tiny, tmp_path):
    con, _ = tiny
    steps, audited = [], []
    path = write_csv(tmp_path / "hh.csv", ["户编号", "户主", "网格编码"], [["PR1", "甲", G111]])
    load(con, "households", path, progress=lambda f, m: steps.append(f), audit=lambda c, counts: audited.append(counts))
    assert steps[-1] == 1.0 and steps == sorted(steps)
    assert audited == [
        {
            "kind": "households",
            "file": "hh.csv",
            "imported": 1,
            "updated": 0,
            "skipped": 0,
            "rejected": 0,
            "unassigned": 0,
        }
    ]


# ----------------------------------------------------------------------------- one transaction per import


def _big_visits(path: Path, n: int) -> Path:
    hh = [f"H0{i}" for i in range(1, 10)]
    staff = ["S1", "S2", "S3", "S4"]
    start = dt.date(2000, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["户编号", "工号", "走访日期", "走访方式", "民情记录"])
        for i in range(n):
            d = start + dt.timedelta(days=i // 36)
            w.writerow([hh[i % 9], staff[(i // 9) % 4], d.isoformat(), "入户走访", f"记录{i}"])
    return path


CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from store import db
    from ingest.tables import load
    con = db.connect({db!r})
    def die(c, counts):
        # inside the transaction, after every row was written: the hardest place to die
        assert c.execute("SELECT count(*) FROM visits").fetchone()[0] > {n_before}
        print("dying", flush=True)
        os.kill(os.getpid(), 9)
    load(con, "visits", {csv!r}, audit=die)
    print("survived", flush=True)
""")


def test_crash_inside_the_transaction_leaves_the_database_as_before(tiny, tmp_path):
    con, path = tiny
    before = snapshot(con)
    con.close()
    big = _big_visits(tmp_path / "BIG.csv", 20_000)
    script = CHILD.format(root=str(ROOT), db=str(path), csv=str(big), n_before=len(before["visits"]))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr
    assert "dying" in proc.stdout and "survived" not in proc.stdout
    con2 = db.connect(path)
    try:
        assert snapshot(con2) == before
    finally:
        con2.close()


@pytest.mark.skipif(
    on_postgres(),
    reason="watches the DuckDB file grow; on PostgreSQL "
    "tests/test_postgres.py cuts the server connection in the middle of an import instead",
)
def test_sigkill_of_the_cli_during_a_large_import(tiny, tmp_path):
    con, path = tiny
    before = snapshot(con)
    con.close()
    big = _big_visits(tmp_path / "BIG.csv", 150_000)
    env = {**os.environ, "LIANXIN_DB": str(path)}
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "import", "visits", str(big)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # poll until the process is well into its run: the database file starts to grow (DuckDB writes
    # the new row groups of a large insert before COMMIT), then kill it there
    import time

    db_file, wal = Path(path), Path(str(path) + ".wal")
    size0 = db_file.stat().st_size
    t0 = time.monotonic()
    killed = False
    while proc.poll() is None and time.monotonic() - t0 < 240:
        if db_file.stat().st_size != size0 or wal.exists():
            os.kill(proc.pid, 9)
            killed = True
            break
        time.sleep(0.005)
    proc.wait(timeout=60)
    print("cli killed during the write:", killed)
    con2 = db.connect(path)
    try:
        after = snapshot(con2)
    finally:
        con2.close()
    if killed:
        assert after == before
    else:  # the machine was fast enough to finish: then the whole file is in
        assert len(after["visits"]) == len(before["visits"]) + 150_000


# --------------------------------------------------------------------------- forms clerks write


@pytest.mark.parametrize(
    "raw,expected",
    [("138-1234-5678", "13812345678"), ("+86 138 1234 5678", "13812345678"), ("023-12345678", "023-12345678")],
)
def test_phone_forms_accepted(raw, expected):
    from ingest import values as V

    assert V.parse_phone(raw) == expected


@pytest.mark.parametrize("raw,expected", [("3", 3), ("3人", 3), ("4 口", 4), ("2.0", 2)])
def test_member_counts_with_units(raw, expected):
    from ingest import values as V

    assert V.parse_int(raw, 1) == expected


@pytest.mark.parametrize("header", ["户主姓名（必填）", "户主姓名(必填)", "*户主姓名", "户主姓名【必填】"])
def test_header_with_a_note_in_brackets_still_matches(header):
    from ingest.reader import match_header
    from ingest.spec import SPECS

    assert match_header(["户编号", header], SPECS["households"]) == {"code": 0, "head_name": 1}


def test_an_import_that_lost_a_race_is_written_again_whole(tiny, tmp_path, monkeypatch):
    """Two clerks importing overlapping household files at once: on PostgreSQL the one that loses a
    deadlock is rolled back by the server (as CI once saw). The import is then written again whole:
    stored once, counted once, one audit entry."""
    from tests.factories import lost_race, write_csv

    con, _ = tiny
    execute, raised = db.execute, []

    def racing(c, name, **params):
        if name == "households_upsert" and not raised:
            raised.append(name)
            raise lost_race()
        return execute(c, name, **params)

    monkeypatch.setattr(db, "execute", racing)
    audits = []
    path = write_csv(tmp_path / "h.csv", ["户编号", "户主", "网格编码"], [("X1", "甲", G111), ("H01", "改名", G111)])
    res = load(con, "households", path, audit=lambda c, entry: audits.append(entry))
    assert raised == ["households_upsert"]  # the first write did lose
    assert res.written and (res.imported, res.updated, res.skipped) == (1, 1, 0)
    assert [(a["imported"], a["updated"], a["skipped"]) for a in audits] == [(1, 1, 0)]
    got = dict(con.execute("SELECT code, head_name FROM households WHERE code IN ('X1', 'H01')").fetchall())
    assert got == {"X1": "甲", "H01": "改名"}
