"""Encodings of imported files (issue 11): Western files decode correctly, one bad byte does
not switch a UTF-8 file to another encoding, and an unsure guess or damaged text is said in
the preview, the import report and the command line."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import duckdb
import pytest

from analysis.ingest import preview_file, run_import
from analysis.ingest.common import guess_encoding
from benchmarks.gen_cfpb import HEADER, write_cfpb_csv
from tests.helpers import REPO

COMPANY = HEADER.index("Company")
WESTERN = ["Société Générale", "Crédit Agricole", "Banco Santander España", "Müller Inkasso GmbH", "Ørsted Finans"]


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> list[list[str]]:
    path = tmp_path_factory.mktemp("enc") / "clean.csv"
    write_cfpb_csv(path, 300, seed=3)
    with open(path, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    for i, row in enumerate(table[1:]):
        row[COMPANY] = WESTERN[i % len(WESTERN)]
    return table


def _text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def _companies(db) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0] for r in con.execute("SELECT DISTINCT coalesce(collector_name, creditor_name) FROM core_complaints").fetchall()}


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_a_western_file_decodes_correctly(rows, tmp_path, codec):
    """It used to be read as cp775 / cp1250 ("Sociķtķ Gķnķrale") without a word."""
    text = _text(rows)
    if codec == "latin-1":  # no cp1252-only characters (quotes, euro sign) in a Latin-1 file
        text = "".join(ch for ch in text if ord(ch) < 256)
    path = tmp_path / f"{codec}.csv"
    path.write_bytes(text.encode(codec))
    [rep] = run_import([path], "cfpb", tmp_path / "w.duckdb", classify="none")
    assert rep.encoding == "cp1252" and rep.accepted_count == 300
    assert _companies(tmp_path / "w.duckdb") == set(WESTERN)


def test_one_invalid_byte_keeps_the_file_utf8_and_quarantines_its_row(rows, tmp_path):
    """One byte 0xFF used to switch the whole file to cp1257."""
    text = _text(rows).replace("Müller Inkasso GmbH", "MARKER", 1)
    data = text.encode("utf-8").replace(b"MARKER", b"M\xfcller Inkasso GmbH", 1)  # a Latin-1 ü in UTF-8
    path = tmp_path / "one_bad_byte.csv"
    path.write_bytes(data)
    [rep] = run_import([path], "cfpb", tmp_path / "u.duckdb", classify="none")
    assert rep.encoding == "utf_8"
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (300, 299, 1)
    assert any("1 byte(s) are not valid UTF-8" in n for n in rep.notes)
    assert _companies(tmp_path / "u.duckdb") == set(WESTERN)  # every other row decoded right
    with duckdb.connect(str(tmp_path / "u.duckdb"), read_only=True) as con:
        [(reason, raw)] = con.execute("SELECT reason, raw_record FROM core_quarantine").fetchall()
    assert "not valid utf_8" in reason and "M\ufffdller" in raw


def test_guesses_say_how_sure_they_are():
    chinese = "投诉编号,被投诉方\n" + "\n".join(f"{i},速借花有限公司" for i in range(40))
    assert guess_encoding(chinese.encode("gb18030")).encoding == "gb18030"
    assert guess_encoding(chinese.encode("gbk")).encoding == "gb18030"
    sure = guess_encoding(("a,b\n" + "\n".join(f"{i},Crédit Agricole" for i in range(40))).encode("latin-1"))
    assert (sure.encoding, sure.sure) == ("cp1252", True)
    thin = guess_encoding("a,b\n1,Café\n".encode("latin-1"))  # one non-ASCII byte to go on
    assert (thin.encoding, thin.sure) == ("cp1252", False) and "the encoding is a guess" in thin.note
    damaged = guess_encoding("a,b\n1,Caf\ufffd\n".encode("utf-8"))
    assert (damaged.encoding, damaged.sure, damaged.damaged_chars) == ("utf_8", False, 1)
    assert guess_encoding(b"a,b\n1,2\n").note is None and guess_encoding(b"a,b\n1,2\n").sure
    # a multi-byte character cut by the sample's end is not an invalid byte
    from analysis.ingest import common
    long = ("a,b\n" + "1,速借花\n" * (common.ENCODING_SAMPLE_BYTES // 11 + 5)).encode("utf-8")
    assert guess_encoding(long[: common.ENCODING_SAMPLE_BYTES + 2] + long[-20:]).sure


def test_preview_and_command_line_say_an_unsure_guess(tmp_path):
    data = "Complaint ID,Company,Date received\nX1,Café Crédit,2024-01-02\n".encode("latin-1")
    pv = preview_file(data, "few.csv")
    assert pv.encoding_guess is not None and not pv.encoding_guess.sure
    path = tmp_path / "few.csv"
    path.write_bytes("Complaint ID,Date received,Product,Issue,Company\n1,2024-01-02,Debt collection,x,Café\n"
                     .encode("latin-1"))
    out = subprocess.run([sys.executable, "-m", "analysis.ingest", "--format", "cfpb", "--db",
                          str(tmp_path / "c.duckdb"), str(path)], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert "note: encoding: the encoding is a guess: read as cp1252" in out.stdout


def test_a_file_mixing_utf8_and_gbk_is_refused_saying_so(tmp_path):
    """Rows pasted from a UTF-8 file into a GBK one: too many bytes are not UTF-8 to quarantine
    their rows, and no one encoding reads the whole: refused, saying the file mixes encodings
    (not that it is no text at all), in both languages; nothing is written."""
    from analysis.ingest import ImportRefused, run_import
    head = "投诉编号,投诉对象,发起时间,正文\n".encode("utf-8")
    utf8 = "".join(f"1737000{i:04d},某花,2024-12-04 09:58,凌晨打电话骂人\n" for i in range(40)).encode("utf-8")
    gbk = "".join(f"1737100{i:04d},某贷,2024-12-04 10:00,爆通讯录威胁家人\n" for i in range(40)).encode("gbk")
    src = tmp_path / "mixed.csv"
    src.write_bytes(head + utf8 + gbk)
    with pytest.raises(ImportRefused) as got:
        run_import([src], "heimao", tmp_path / "m.duckdb")
    assert str(got.value).startswith("the file mixes text encodings: ")
    assert "save the whole file in one encoding (UTF-8)" in str(got.value)
    assert got.value.in_language("zh").startswith("文件混用了多种文本编码")
    assert not (tmp_path / "m.duckdb").exists()


def test_a_workbook_given_as_cfpb_is_refused_saying_to_use_csv(tmp_path):
    from openpyxl import Workbook

    from analysis.ingest import ImportRefused, run_import
    wb = Workbook()
    wb.active.append(["Date received", "Product", "Complaint ID"])
    src = tmp_path / "complaints.xlsx"
    wb.save(src)
    with pytest.raises(ImportRefused) as got:
        run_import([src], "cfpb", tmp_path / "c.duckdb")
    assert str(got.value) == ("complaints.xlsx: a spreadsheet workbook; CFPB complaints are imported from the CSV that "
                              "consumerfinance.gov exports (or save the sheet as CSV, UTF-8)")


@pytest.mark.parametrize("codec", ["utf_16_le", "utf_16_be"])
def test_utf16_without_a_byte_order_mark_is_read(rows, tmp_path, codec):
    """UTF-16 saved without its byte-order mark was refused as "the file mixes text encodings"."""
    path = tmp_path / "u16.csv"
    path.write_bytes(_text(rows[:51]).encode(codec))
    [rep] = run_import([path], "cfpb", tmp_path / "w.duckdb", classify="none")
    assert (rep.encoding, rep.accepted_count) == (codec, 50)
    assert _companies(tmp_path / "w.duckdb") == set(WESTERN)


@pytest.mark.parametrize("head,kind", [(b"\x1f\x8b\x08\x00", "a gzip archive"), (b"\x89PNG\r\n\x1a\n", "a PNG image"),
                                       (b"%PDF-1.7\n", "a PDF document"), (b"PK\x05\x06", "an empty ZIP archive")])
def test_a_binary_file_is_refused_saying_what_it_looks_like(tmp_path, head, kind):
    """A gzip, an image or a PDF given as a CSV was refused as "the file mixes text encodings"."""
    from analysis.ingest import ImportRefused
    path = tmp_path / "complaints.csv"
    path.write_bytes(head + bytes(range(256)) * 40)
    with pytest.raises(ImportRefused) as got:
        run_import([path], "cfpb", tmp_path / "w.duckdb")
    assert str(got.value).startswith(f"the file is no text table: its first bytes are those of {kind}. ")


def test_a_short_chinese_file_is_read_as_gb18030_not_cp1252(tmp_path):
    """Two rows of GBK text are too few bytes for the detector to be sure; it took them as cp1252
    and stored "某贷公司" as "Ä³´û¹«Ë¾". Text that decodes cleanly as Chinese is read as GB18030."""
    row = ["2024-12-04", "Debt collection", "", "Communication tactics", "", "某贷公司天天打电话", "", "某贷公司",
           "", "", "", "", "Web", "2024-12-05", "In progress", "Yes", "", "9900001"]
    path = tmp_path / "gbk.csv"
    path.write_bytes(_text([HEADER, row]).encode("gbk"))
    [rep] = run_import([path], "cfpb", tmp_path / "w.duckdb", classify="none")
    assert (rep.encoding, rep.accepted_count) == ("gb18030", 1)
    assert _companies(tmp_path / "w.duckdb") == {"某贷公司"}


def test_a_short_western_file_stays_cp1252(tmp_path):
    """The GB18030 preference for short files must not take a Western one: "Crédit" read as
    GB18030 is "Cr閐it" (é and d make one ideograph), a single character between Latin letters,
    where Chinese text runs on."""
    row = ["2024-12-04", "Debt collection", "", "Communication tactics", "", "Mr. Muñoz of Peña Collections called",
           "", "Crédit Agricole", "", "", "", "", "Web", "2024-12-05", "In progress", "Yes", "", "9900002"]
    path = tmp_path / "western.csv"
    path.write_bytes(_text([HEADER, row]).encode("cp1252"))
    [rep] = run_import([path], "cfpb", tmp_path / "w.duckdb", classify="none")
    assert (rep.encoding, rep.accepted_count) == ("cp1252", 1)
    assert _companies(tmp_path / "w.duckdb") == {"Crédit Agricole"}


def test_utf16_cut_off_mid_character_is_refused_in_words(rows, tmp_path):
    """A UTF-16 file missing its last byte gave a UnicodeDecodeError traceback."""
    from analysis.ingest import ImportRefused
    path = tmp_path / "cut.csv"
    path.write_bytes(_text(rows[:11]).encode("utf_16_le")[:-1])
    with pytest.raises(ImportRefused) as got:
        run_import([path], "cfpb", tmp_path / "w.duckdb")
    assert str(got.value) == ("cut.csv: cannot be read as utf-16-le (truncated data): the file may be cut off or not "
                              "in one encoding; save it again as UTF-8")
    with pytest.raises(ImportRefused):
        preview_file(path.read_bytes(), "cut.csv")
