"""Every row of a hostile file is accounted for (issue 11): rows read = accepted +
quarantined + already present, for huge cells, unclosed quotes, NUL bytes, control
characters and right-to-left marks, through the CFPB importer and a profile importer.

The files are made here: a synthetic CFPB export (``benchmarks.gen_cfpb``, deterministic)
and the repository's intake fixture, each damaged in one place; the expected counts come
from the same file imported undamaged."""
from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from analysis.ingest import run_import
from analysis.ingest.common import (MAX_RECORD_LINES, DelimitedReader, ImportReport, ImportUnbalanced,
                                    read_delimited)
from benchmarks.gen_cfpb import HEADER, write_cfpb_csv
from tests.helpers import REPO

ROWS = 3000
NARRATIVE = HEADER.index("Consumer complaint narrative")
COMPANY = HEADER.index("Company")
ID = HEADER.index("Complaint ID")


@pytest.fixture(scope="module")
def cfpb_rows(tmp_path_factory) -> list[list[str]]:
    """The synthetic file's records (header first)."""
    path = tmp_path_factory.mktemp("hostile") / "clean.csv"
    write_cfpb_csv(path, ROWS, seed=11)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _write(path, rows: list[list[str]], *, damage=None) -> bytes:
    """Write ``rows`` as CSV (CRLF, quoted where needed); ``damage(text) -> text`` edits the
    finished text (for damage csv.writer would quote away)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    text = damage(buf.getvalue()) if damage else buf.getvalue()
    data = text.encode("utf-8")
    path.write_bytes(data)
    return data


def _import(path, fmt: str = "cfpb"):
    db = path.with_suffix(".duckdb")
    [rep] = run_import([path], fmt, db, classify="none") if fmt == "cfpb" else run_import([path], fmt, db)
    return rep, db


def _equation(rep: ImportReport) -> tuple[int, int, int, int]:
    assert rep.row_count == rep.accepted_count + rep.quarantined_count + rep.unchanged_count, rep.summary()
    return rep.row_count, rep.accepted_count, rep.quarantined_count, rep.unchanged_count


@pytest.fixture(scope="module")
def baseline(cfpb_rows, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "baseline.csv"
    _write(path, cfpb_rows)
    rep, _ = _import(path)
    return _equation(rep)


def test_baseline_file_imports_whole(baseline):
    assert baseline == (ROWS, ROWS, 0, 0)


def test_a_200_kb_narrative_cell_is_one_accepted_row_and_loses_no_other(cfpb_rows, baseline, tmp_path):
    """The csv module's default field limit (131,072 characters) used to stop the file at this
    cell: 6 rows read, 1 quarantined, the other 2,994 gone with exit code 0."""
    rows = [list(r) for r in cfpb_rows]
    huge = ("The collector called me again. " * 6500)[:200_000]
    rows[6][NARRATIVE] = huge
    _write(tmp_path / "huge_cell.csv", rows)
    rep, db = _import(tmp_path / "huge_cell.csv")
    assert _equation(rep) == baseline
    with duckdb.connect(str(db), read_only=True) as con:
        n, longest = con.execute("SELECT count(*), max(length(narrative)) FROM core_complaints").fetchone()
    assert n == baseline[1]
    assert longest >= 199_000  # the cell itself is kept (masking may shorten a number in it, not drop it)


@pytest.mark.parametrize("where", [10, ROWS - 1])
def test_an_unclosed_quote_sets_aside_its_line_and_reads_every_row_after_it(cfpb_rows, baseline, tmp_path, where):
    """A company cell opening a quote it never closes: the csv module reads on into the next
    rows. That line alone is quarantined (its text kept as the raw record, with the reason);
    every row after it is read again and imported."""
    rows = [list(r) for r in cfpb_rows]
    marker = f"UNCLOSED-{where}"
    rows[where][COMPANY] = marker
    bad_id = rows[where][ID]
    _write(tmp_path / "unclosed.csv", rows, damage=lambda s: s.replace(marker, '"Acme ' + marker))
    rep, db = _import(tmp_path / "unclosed.csv")
    read, accepted, quarantined, present = _equation(rep)
    assert accepted == baseline[1] - 1 and present == 0
    # The damaged row is set aside; when its narrative spans several lines, the lines before
    # and from the stray quote are two pieces (both quarantined, with their text), so
    # ``read`` can exceed the file's rows by one, never fall short of them.
    assert quarantined - baseline[2] == read - ROWS + 1 and read - ROWS in (0, 1)
    with duckdb.connect(str(db), read_only=True) as con:
        pieces = con.execute("SELECT raw_record, reason FROM core_quarantine WHERE reason LIKE '%not closed%'"
                             ).fetchall()
        ids = {r[0] for r in con.execute("SELECT source_record_id FROM core_complaints").fetchall()}
    assert len(pieces) == read - ROWS + 1
    assert any(marker in json.loads(raw)[0] for raw, _ in pieces)
    assert bad_id not in ids
    every = {r[ID] for r in cfpb_rows[1:]}
    assert len(ids) == accepted and ids == every - {bad_id}


def test_nul_bytes_control_characters_and_rtl_marks_are_rows_like_any_other(cfpb_rows, baseline, tmp_path):
    rows = [list(r) for r in cfpb_rows]
    rows[3][COMPANY] = "Acme\x00 Collect\x07ion"
    rows[4][COMPANY] = "\u202eSNART\u202c Credit \u200f"
    rows[5][NARRATIVE] = "They called\x1b[31m at night\x00 again."
    _write(tmp_path / "control.csv", rows)
    rep, _ = _import(tmp_path / "control.csv")
    assert _equation(rep) == baseline


def test_profile_import_keeps_the_equation_on_a_damaged_file(tmp_path):
    """The intake profile (a staff spreadsheet export) with a huge cell and an unclosed quote."""
    clean = (REPO / "tests" / "fixtures" / "import" / "intake.csv").read_bytes()
    path = tmp_path / "intake_clean.csv"
    path.write_bytes(clean)
    base = _equation(_import(path, "intake")[0])
    table = list(csv.reader(io.StringIO(clean.decode("utf-8-sig"))))
    header, body = table[0], table[1:]
    text_col = next(i for i, h in enumerate(header) if h.strip() in ("投诉内容", "narrative", "内容", "诉求"))
    body[0][text_col] = "催收员每天打电话。" * 30_000  # 270,000 characters
    body[1][0] = "UNCLOSED"
    damaged = tmp_path / "intake_damaged.csv"
    _write(damaged, [header] + body, damage=lambda s: s.replace("UNCLOSED", '"UNCLOSED', 1))
    read, accepted, quarantined, present = _equation(_import(damaged, "intake")[0])
    assert read == base[0]
    assert (accepted, quarantined) == (base[1] - 1, base[2] + 1)


def test_runaway_record_rules_in_the_reader():
    def parse(text: str):
        d = read_delimited(text.encode("utf-8"))
        return [(n, f) for n, f in d.records], [(n, why.split(";")[0]) for n, _, why in d.bad_records]

    # a multi-line quoted cell is one record, one spreadsheet row (the header is row 1)
    assert parse('a,b\n1,"two\nlines"\n2,x\n') == ([(2, ["1", "two\nlines"]), (3, ["2", "x"])], [])
    # a quote still open at the end of the file: its line set aside, the rows after it kept
    assert parse('a,b\n1,"x\n2,y\n3,z\n') == (
        [(3, ["2", "y"]), (4, ["3", "z"])],
        [(2, "unreadable CSV (a quote opened on this line is not closed before the next row)")])
    # closed later, giving the wrong field count
    good, bad = parse('a,b,c\n1,"x,2\n3,4,5\n6,"y",7\n')
    assert good == [(3, ["3", "4", "5"]), (4, ["6", "y", "7"])] and [n for n, _ in bad] == [2]
    # escaped quotes inside a quoted multi-line cell are not a runaway
    assert parse('a,b\n1,"say ""hi""\nthen go"\n')[1] == []
    # a quote inside an unquoted cell of a multi-line record is a character (the total of
    # quotes is odd, and Python's csv module and spreadsheet programs read two records)
    assert parse('a,b,c\n1,"two\nlines",Joe\'s 5" Collections\n2,x,y\n') == (
        [(2, ["1", "two\nlines", 'Joe\'s 5" Collections']), (3, ["2", "x", "y"])], [])
    # a space after the closing quote of a multi-line cell, as some tools write it: still closed
    assert parse('a,b,c\n1,"two\nlines" ,x\n2,y,"z\nw" \n') == (
        [(2, ["1", "two\nlines ", "x"]), (3, ["2", "y", "z\nw "])], [])
    # a quote opened by mistake and closed mid-cell by a quote of a later row, giving the
    # right field count by chance: the closing quote is not followed by a comma
    good, bad = parse('a,b,c\n1,x,"open\n2,y,5" Co\n3,z,w\n')
    assert good == [(3, ["2", "y", '5" Co']), (4, ["3", "z", "w"])] and [n for n, _ in bad] == [2]


@pytest.mark.parametrize("data", [b"sep=;\r\na;b\r\n1;2\r\n", b"\xef\xbb\xbfSEP=,\na,b\n1,2\n"])
def test_an_excel_separator_line_names_the_separator_and_is_skipped(data):
    d = read_delimited(data)
    assert (d.header, [(n, f) for n, f in d.records], d.bad_records) == (["a", "b"], [(2, ["1", "2"])], [])


def test_a_title_above_a_tab_separated_header_whose_rows_hold_commas():
    """The header is the first row with two cells by its own separator: a tab header under a
    title is found even when a data row has a comma (read with commas it looked like a header)."""
    d = read_delimited("Title\n投诉编号\t投诉对象\t时间\n1\tAcme, Inc\t2024\n".encode("utf-8"))
    assert (d.header, [(n, f) for n, f in d.records], d.title_rows) == (
        ["投诉编号", "投诉对象", "时间"], [(3, ["1", "Acme, Inc", "2024"])], ["Title"])
    d = read_delimited("投诉编号\t投诉对象\n1\tAcme, Inc\n".encode("utf-8"))
    assert (d.header, d.title_rows) == (["投诉编号", "投诉对象"], [])


def test_a_long_quoted_narrative_is_one_record():
    """6,000 line breaks in one quoted cell (a pasted letter) make one record, not 6,000
    quarantined rows."""
    letter = "\n".join(f"line {i}" for i in range(6_000))
    d = read_delimited(f'a,b\n1,"{letter}"\n2,x\n'.encode("utf-8"))
    assert [(n, f[0], len(f[1])) for n, f in d.records] == [(2, "1", len(letter)), (3, "2", 1)]
    assert d.bad_records == []


def test_a_record_over_the_line_limit_is_a_runaway():
    lines = "\n".join(f"{i},row" for i in range(MAX_RECORD_LINES + 10))
    d = read_delimited(f'a,b\nx,"open\n{lines}\n'.encode("utf-8"))
    assert len(d.records) + len(d.bad_records) == MAX_RECORD_LINES + 11
    assert d.bad_records[0][0] == 2 and d.bad_records[0][1] == ['x,"open']
    assert len(d.records) == MAX_RECORD_LINES + 10


def test_a_header_with_an_unclosed_quote_is_refused():
    from analysis.ingest import ImportRefused
    with pytest.raises(ImportRefused, match="header row is unreadable"):
        DelimitedReader(io.BytesIO(b'a,"b\n' + b"1,2\n" * (MAX_RECORD_LINES + 5)))


def test_rows_that_do_not_add_up_refuse_the_import():
    rep = ImportReport("i", "f.csv", "0" * 64, "utf_8", row_count=10, accepted_count=7, quarantined_count=2)
    with pytest.raises(ImportUnbalanced, match=r"f.csv: rows do not add up \(10 rows read = 7 accepted"):
        rep.balance()
    rep.unchanged_count = 1
    assert rep.balance() == "10 rows read = 7 accepted + 2 quarantined + 1 already present"


def test_cfpb_ids_with_tabs_or_wide_spaces_around_them_are_read_as_the_complaint(tmp_path):
    """A tab, a no-break space or an ideographic space beside a Complaint ID (a re-saved
    export) is not part of it: the same complaint as the plain id, not a quarantined row."""
    header = ("Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,Company public response,"
              "Company,State,ZIP code,Tags,Consumer consent provided?,Submitted via,Date sent to company,"
              "Company response to consumer,Timely response?,Consumer disputed?,Complaint ID")
    row = "2024-01-03,Debt collection,,Written notification about debt,,,,Acme,CA,,,,Web,2024-01-04,Closed,Yes,N/A,{i}"
    path = tmp_path / "ids.csv"
    path.write_text("\n".join([header] + [row.format(i=i) for i in ("\t101", "102\u00a0", "\u3000103\u200b", "104")])
                    + "\n", encoding="utf-8")
    rep, db = _import(path)
    assert _equation(rep) == (4, 4, 0, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT complaint_id FROM core_complaints ORDER BY 1").fetchall() == [
            ("cfpb:101",), ("cfpb:102",), ("cfpb:103",), ("cfpb:104",)]


def test_implausible_dates_and_clock_times_are_quarantined_with_the_reason(tmp_path):
    """Issue 11: a received date of 1899-12-31 (an empty Excel date cell) and 25:00 were
    accepted. CFPB and a profile (intake) file; the reason names the value and the rule."""
    header = ("Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,Company public response,"
              "Company,State,ZIP code,Tags,Consumer consent provided?,Submitted via,Date sent to company,"
              "Company response to consumer,Timely response?,Consumer disputed?,Complaint ID")
    row = "{d},Debt collection,,Written notification about debt,,,,Acme,CA,,,,Web,2024-01-02,Closed,Yes,N/A,{i}"
    path = tmp_path / "dates.csv"
    path.write_text("\n".join([header, row.format(d="1899-12-31", i=1), row.format(d="2024-01-03 25:00", i=2),
                               row.format(d="1990-01-01", i=3), row.format(d="2024-01-03 23:59", i=4)]) + "\n")
    rep, db = _import(path)
    assert _equation(rep) == (4, 2, 2, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = dict(con.execute("SELECT raw_value, reason FROM core_quarantine").fetchall())
        kept = sorted(r[0] for r in con.execute("SELECT received_date::VARCHAR FROM core_complaints").fetchall())
    assert reasons["1899-12-31"].startswith("Date received 1899-12-31 is before 1990-01-01: not a plausible date")
    assert "the time in it is not a clock time" in reasons["2024-01-03 25:00"]
    assert kept == ["1990-01-01", "2024-01-03"]

    intake = tmp_path / "intake_dates.csv"
    intake.write_text("投诉编号,受理日期,被投诉方,催收日期,催收时刻,内容\n"
                      "X1,1899-12-31,速借花,2024-12-03,22:00,骂我\n"
                      "X2,2024-12-05,速借花,1899-12-30,23:10,骂我\n"
                      "X3,2024-12-05,速借花,2024-12-03,25:00,骂我\n"
                      "X4,2024-12-05,速借花,2024-12-03,23:10,骂我\n", encoding="utf-8")
    rep, db = _import(intake, "intake")
    assert _equation(rep) == (4, 1, 3, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        got = sorted(con.execute("SELECT column_name, raw_value, reason FROM core_quarantine").fetchall())
    assert [(c, v) for c, v, _ in got] == [("催收日期", "1899-12-30"), ("催收时刻", "25:00"), ("受理日期", "1899-12-31")]
    assert "before 1990-01-01" in got[0][2] and "time out of range" in got[1][2] and "before 1990-01-01" in got[2][2]
