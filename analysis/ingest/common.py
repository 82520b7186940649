"""Pieces every importer shares: reading a delimited file row by row with its row numbers,
encoding detection, file hashes, header comparison (``header_key``), ids derived from row
content for files without an id column (``content_ids``), the import report, and the errors
an import raises."""
from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
import re
import unicodedata
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable

from charset_normalizer import from_bytes

from analysis.ingest.reasons import Refusal, reason

def import_time() -> datetime:
    """``meta_imports.imported_at`` of an import recorded now: the clock's UTC time, without a
    zone. Not the transaction's ``now()``: files imported by one command share one transaction,
    and their order (which came later, ``same_file_import``) must show."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def latest_date() -> date:
    """The latest calendar date anywhere now (at UTC+14, the easternmost time zone): a date in
    a file is "in the future" only after it. The server's own date (UTC here) would refuse a
    complaint filed in Beijing after 16:00 UTC that day (a hostile-input test found one filed 35
    minutes before, quarantined)."""
    return (datetime.now(timezone.utc) + timedelta(hours=14)).date()


def same_file_import(con, file_sha256: str, fmt: str, settings: str | None = None) -> tuple | None:
    """The earlier import of the same file bytes in format ``fmt`` read with the same
    ``settings`` (``meta_imports.read_settings``: sheets and mapping; None for CFPB files),
    when it is the latest import of that format: ``(import_id, row_count, quarantined_count)``,
    else None. An import of the format since then may have changed what the file had set (an
    older export read after it), and a removed import of the same source may have taken
    complaints the file's rows had gone into (an intake complaint rebuilt by a correction that
    was then removed), so the file is then read again rather than skipped: reading again only
    costs time, skipping would report rows "already present" that are gone."""
    rows = con.execute("""
        SELECT m.import_id, m.row_count, m.quarantined_count FROM meta_imports m
        WHERE m.file_sha256 = ? AND m.format = ? AND m.status = 'imported'
          AND m.read_settings IS NOT DISTINCT FROM ?
          AND NOT EXISTS (SELECT 1 FROM meta_imports later WHERE later.format = m.format
                          AND later.status = 'imported' AND later.imported_at > m.imported_at)
          AND NOT EXISTS (SELECT 1 FROM meta_imports gone WHERE gone.source = m.source
                          AND gone.status = 'deleted')
        ORDER BY m.imported_at LIMIT 1""", [file_sha256, fmt, settings]).fetchall()
    return rows[0] if rows else None  # (fetchone would leave the result open: DuckDB refuses the next statement)


#: The first bytes of a ZIP archive (an .xlsx workbook is one too), of an empty one, and of an
#: Office 97-2003 file (an old .xls workbook).
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def decode_refusal(err: UnicodeDecodeError, file_name: str) -> ImportRefused:
    """The refusal of a file whose bytes stopped decoding midway (a UTF-16 file cut off in a
    character): ``refused_decode`` with the codec and what it said."""
    return ImportRefused("refused_decode", file=file_name, encoding=err.encoding, error=err.reason)


def zipped_csv(stream, file_name: str) -> tuple[str, int] | None:
    """The one CSV file inside the ZIP archive ``stream`` (a seekable binary file, left at its
    start) as ``(member name, uncompressed size)``, as consumerfinance.gov offers its complaint
    database (``complaints.csv.zip``); None when the archive is a workbook (.xlsx). Raises
    ``ImportRefused`` (``refused_zip_members``) for an archive that holds no CSV or several
    files, and (``refused_not_zip``) for a damaged one (a damaged .xlsx by its name: None)."""
    try:
        with zipfile.ZipFile(stream) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as err:
        if file_name.lower().endswith((".xlsx", ".xlsm")):
            return None  # a damaged workbook: the workbook reader says so
        raise ImportRefused("refused_not_zip", file=file_name, error=str(err)) from None
    finally:
        stream.seek(0)
    names = [i.filename for i in infos]
    if "[Content_Types].xml" in names:
        return None
    csvs = [i for i in infos if i.filename.lower().endswith((".csv", ".txt")) and not i.filename.startswith("__MACOSX")]
    if len(csvs) != 1:
        raise ImportRefused("refused_zip_members", file=file_name, members=", ".join(names[:10]) or "-")
    if csvs[0].flag_bits & 0x1 or csvs[0].compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED,
                                                                zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        raise ImportRefused("refused_zip_unreadable", file=file_name, member=csvs[0].filename)
    return csvs[0].filename, csvs[0].file_size


#: Progress callback: ``progress(fraction_done: float, message: str)``.
Progress = Callable[[float, str], None]


class ImportRefused(Refusal):
    """The file cannot be imported at all (e.g. required columns missing, unreadable file).

    Nothing is written when this is raised. Raised as ``ImportRefused(key, **params)`` with an
    entry ``key`` of the reasons catalogue (``analysis.ingest.reasons``, the ``refused_*``
    entries) and its parameters: ``str(err)`` is the English text (what was expected, what
    was found, and what to do), ``in_language(lang)`` the same in the user's language
    (``reasons.Refusal``).
    """


class ImportUnbalanced(ImportRefused):
    """An import's rows do not add up (read ≠ accepted + quarantined + already present); the
    import is refused and rolled back rather than lose a row silently."""


@dataclass
class ImportReport:
    """What one import did. Counts are rows of the source file (data rows, header excluded)."""

    import_id: str
    source_file: str
    file_sha256: str
    encoding: str
    status: str = "imported"  # imported | already_imported
    row_count: int = 0
    accepted_count: int = 0
    quarantined_count: int = 0
    unchanged_count: int = 0
    updated_count: int = 0
    qa_issue_count: int = 0
    reopened_count: int = 0  # reviewed complaints whose evidence this import changed (back in the queue)
    notes: list[str] = field(default_factory=list)

    def balance(self) -> str:
        """The row equation of the import: ``"N rows read = A accepted + Q quarantined + U already
        present"``. Raises ``ImportUnbalanced`` when the counts do not add up (some row was
        neither written, set aside nor found present): importers call this before recording
        the import, so such an import fails and writes nothing."""
        text = (f"{self.row_count:,} rows read = {self.accepted_count:,} accepted + {self.quarantined_count:,} "
                f"quarantined + {self.unchanged_count:,} already present")
        if self.row_count != self.accepted_count + self.quarantined_count + self.unchanged_count:
            raise ImportUnbalanced("refused_unbalanced", file=self.source_file, equation=text)
        return text

    def summary(self) -> str:
        """One line for the console: file, the row equation (``balance``), updates, values
        noted (not coded, or not used: ``core_qa_issues``) and the encoding."""
        if self.status == "already_imported":
            return (f"{self.source_file}: already imported (same file bytes); nothing added "
                    f"[{self.balance()}]")
        return (f"{self.source_file}: {self.balance()} ({self.updated_count:,} of the accepted updated), "
                f"{self.qa_issue_count:,} values noted, not coded or not used (see core_qa_issues) "
                f"[encoding {self.encoding}]")


@dataclass
class DelimitedFile:
    """A decoded delimited file: ``header`` (list[str]), ``records`` (list of
    ``(row_number, fields)``: the row as a spreadsheet program numbers it, the header being row
    1 and blank rows counted), ``bad_records`` (list of
    ``(row_number, fields_or_text, reason)``), the detected ``encoding`` and
    ``encoding_guess`` (``EncodingGuess``; None when the encoding was given)."""

    header: list[str]
    records: list[tuple[int, list[str]]]
    bad_records: list[tuple[int, list[str], str]]
    encoding: str
    encoding_guess: EncodingGuess | None = None
    #: title rows above the header, skipped (``title_row_count``), as text
    title_rows: list[str] = field(default_factory=list)


def new_import_id() -> str:
    """Import id: UTC timestamp plus a short random suffix, e.g. ``20261129T180102Z-1a2b3c``."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def current_user() -> str:
    """OS user name running the import (recorded in meta_imports)."""
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - containers without a passwd entry
        return "unknown"


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


#: Encodings the files of our users come in (CFPB exports, Chinese complaint platforms,
#: spreadsheets saved on Windows): the only candidates ``guess_encoding`` weighs, so a
#: Latin-1 file is no longer read as Baltic cp775 or cp1257.
ENCODING_CANDIDATES = ("utf_8", "gb18030", "big5", "cp1252", "utf_16", "shift_jis")
#: Share of a file's non-ASCII characters that may be invalid UTF-8 for the file to stay
#: UTF-8 (its rows holding the bad bytes are quarantined) rather than be re-read, wholly
#: garbled, in another encoding.
UTF8_INVALID_SHARE_MAX = 0.01
#: charset-normalizer's "chaos" (0 = clean text) above which a guess is reported as unsure.
CHAOS_UNSURE = 0.05


#: The first bytes of files that are no text, and what to call them in the refusal.
BINARY_MAGIC = ((b"\x1f\x8b", "a gzip archive"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
                (b"%PDF", "a PDF document"), (OLE_MAGIC, "an Office 97-2003 file (an old .xls workbook?)"),
                (ZIP_MAGIC, "a ZIP archive"), (EMPTY_ZIP_MAGIC, "an empty ZIP archive"),
                (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"))


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf_16_le`` / ``utf_16_be`` when ``sample`` looks like UTF-16 text saved without a
    byte-order mark (mostly ASCII characters: a zero byte in every other position), else None."""
    half = len(sample) // 2
    if half < 8:
        return None
    zeros_even = sample[0:2 * half:2].count(0)
    zeros_odd = sample[1:2 * half:2].count(0)
    if zeros_odd >= 0.3 * half and zeros_even <= 0.02 * half:
        return "utf_16_le"
    if zeros_even >= 0.3 * half and zeros_odd <= 0.02 * half:
        return "utf_16_be"
    return None


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_RUN = re.compile(f"[{_CJK}]{{2,}}")


def _reads_as_chinese(text: str) -> bool:
    """``text`` (a sample decoded as GB18030) reads as Chinese: nearly all its non-ASCII
    characters are CJK, and nearly all of those stand beside another one. A Western text
    decoded so gives single ideographs between Latin letters ("Crédit" → "Cr閐it")."""
    wide = sum(1 for ch in text if ord(ch) > 127)
    cjk = len(re.findall(f"[{_CJK}]", text))
    in_runs = sum(len(m) for m in _CJK_RUN.findall(text))
    return bool(wide) and cjk >= 0.9 * wide and in_runs >= 0.9 * cjk


@dataclass(frozen=True)
class EncodingGuess:
    """``encoding`` (a Python codec name), ``sure`` (False: say so to the person importing),
    ``invalid_bytes`` (bytes not valid in ``encoding``: their rows are quarantined),
    ``damaged_chars`` (U+FFFD replacement characters written into the file itself) and
    ``note`` (one English sentence for the import report and the command line, or None)."""

    encoding: str
    sure: bool = True
    note: str | None = None
    invalid_bytes: int = 0
    damaged_chars: int = 0


def guess_encoding(data: bytes) -> EncodingGuess:
    """The text encoding of ``data`` (its first ``ENCODING_SAMPLE_BYTES`` are read).

    - A byte-order mark decides (``utf_8_sig``, ``utf_16``).
    - UTF-8 when the bytes are UTF-8, and also when only a few are not (at most
      ``UTF8_INVALID_SHARE_MAX`` of the non-ASCII characters): those rows are quarantined
      with their reason, and the note says how many bytes are invalid.
    - Otherwise charset-normalizer chooses among ``ENCODING_CANDIDATES``; GBK-family results
      are widened to ``gb18030``. The guess is unsure (and the note says which encoding was
      taken and how to override it) when the decoded text looks noisy (chaos above
      ``CHAOS_UNSURE``) or when the sample is mostly ASCII with few other bytes to go on.

    Raises ``ImportRefused`` when no candidate decodes the bytes (a binary file)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return EncodingGuess("utf_8_sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return EncodingGuess("utf_16")
    kind = next((k for magic, k in BINARY_MAGIC if data.startswith(magic)), None)
    if kind is not None:
        raise ImportRefused("refused_binary", kind=kind)
    sample = data[:ENCODING_SAMPLE_BYTES]
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None:
        return EncodingGuess(utf16, False, reason("enc_guess", encoding=utf16))
    cut = len(data) > len(sample)
    text = sample.decode("utf-8", errors="replace")
    damaged = sample.decode("utf-8", errors="ignore").count("\ufffd")  # U+FFFD written into the file itself
    invalid = text.count("\ufffd") - damaged
    if cut and invalid and text.endswith("\ufffd"):  # a character cut by the sample's end
        invalid -= len(text) - len(text.rstrip("\ufffd"))
    said = reason("enc_replacement_chars", damaged=damaged) if damaged > 0 else ""
    if invalid <= 0:
        return EncodingGuess("utf_8", not said, reason("enc_damaged", tail=said) if said else None, 0, max(0, damaged))
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if invalid <= UTF8_INVALID_SHARE_MAX * non_ascii:
        return EncodingGuess("utf_8", False, reason("enc_invalid_utf8", invalid=invalid, tail=said), invalid,
                             max(0, damaged))
    best = from_bytes(sample, cp_isolation=list(ENCODING_CANDIDATES)).best()
    if best is None:
        if non_ascii > invalid:  # some of it is UTF-8 (valid multi-byte characters), the rest not
            raise ImportRefused("refused_mixed_encoding", invalid=invalid, non_ascii=non_ascii)
        raise ImportRefused("refused_not_text")
    enc = best.encoding.lower()
    if enc in ("gbk", "gb2312", "hz", "gb18030", "cp936"):
        enc = "gb18030"
    evidence = sum(1 for b in sample if b > 127)
    if enc != "gb18030" and (best.chaos > CHAOS_UNSURE or evidence < 20):
        # too few bytes to tell: Chinese text that decodes cleanly as GB18030 is taken as such
        # (the users' files are GBK far more often than cp1252; "某贷公司" was stored as "Ä³´û¹«Ë¾")
        try:
            as_gb = sample.decode("gb18030")
        except UnicodeDecodeError:
            as_gb = None
        if as_gb is not None and _reads_as_chinese(as_gb):
            enc = "gb18030"
    if best.chaos > CHAOS_UNSURE or evidence < 20:
        return EncodingGuess(enc, False, reason("enc_guess", encoding=enc))
    return EncodingGuess(enc, True, reason("enc_read_as", encoding=enc))


def detect_encoding(data: bytes) -> str:
    """``guess_encoding(data).encoding``. Raises ``ImportRefused`` for a binary file."""
    return guess_encoding(data).encoding


def read_delimited(data: bytes, *, encoding: str | None = None) -> DelimitedFile:
    """Decode and split a CSV file held in memory, keeping every record with its row number.

    Handles LF and CRLF line ends and quoted fields with embedded newlines. A record whose
    field count differs from the header's, or that holds bytes not valid in the detected
    encoding, is returned in ``bad_records`` with the reason instead of being dropped.
    Raises ``ImportRefused`` for an empty file or one without a header. (Large files:
    ``DelimitedReader`` reads the same way a chunk at a time.)
    """
    reader = DelimitedReader(io.BytesIO(data), encoding=encoding)
    records: list[tuple[int, list[str]]] = []
    bad: list[tuple[int, list[str], str]] = []
    for chunk_records, chunk_bad in reader.chunks():
        records.extend(chunk_records)
        bad.extend(chunk_bad)
    return DelimitedFile(reader.header, records, bad, reader.encoding, reader.encoding_guess, reader.title_rows)


#: Bytes read from the start of a file to detect its encoding (``detect_encoding``).
ENCODING_SAMPLE_BYTES = 2_000_000


#: The csv module's limit on one field's characters (its default, 131,072, is smaller than
#: a long narrative: a 200 KB cell stopped the whole file). A field longer than this, or a
#: record running over more than ``MAX_RECORD_LINES`` lines, is treated as a quote that was
#: never closed (see ``DelimitedReader``).
MAX_FIELD_CHARS = 64 * 1024 * 1024
#: Lines one record may span (a quoted narrative with line breaks); more means a quote
#: that was never closed is swallowing the rows after it. High enough for any narrative a
#: person writes (a pasted letter of 6,000 short lines was split into 6,000 quarantined rows at
#: 5,000); a runaway is also stopped by ``MAX_FIELD_CHARS`` and, far sooner in practice, by the
#: next quote in the file (``DelimitedReader._well_formed``).
MAX_RECORD_LINES = 100_000
#: Characters of a quarantined line kept as its raw record.
MAX_RAW_CHARS = 1_000_000
csv.field_size_limit(MAX_FIELD_CHARS)


class _RecordTooLong(Exception):
    """A record ran over ``MAX_RECORD_LINES`` lines (raised through the csv reader)."""


class _Lines:
    """The file's lines for ``csv.reader``, remembering the raw lines of the record being
    read (``taken``) and taking lines back (``push_back``) to read them again."""

    def __init__(self, text):
        self._text = text
        self._back: list[str] = []
        self.taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._back.pop() if self._back else next(self._text)
        self.taken.append(line)
        if len(self.taken) > MAX_RECORD_LINES:
            raise _RecordTooLong
        return line

    def push_back(self, lines: list[str]) -> None:
        self._back.extend(reversed(lines))


#: Field separators besides the comma that exports use (tab-separated .txt, the semicolon of
#: spreadsheet programs in locales with a decimal comma, bars).
OTHER_DELIMITERS = ("\t", ";", "|")


def sniff_delimiter(header_line: str) -> str:
    """The field separator of a file from its header line: ``","`` unless the line has none
    and one of ``OTHER_DELIMITERS`` is there (the most frequent of them)."""
    if "," in header_line:
        return ","
    counts = {d: header_line.count(d) for d in OTHER_DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


#: Rows above the header (a title, a date line, blank rows) that ``title_row_count`` looks
#: through for the header.
MAX_TITLE_ROWS = 5


def _has_text(cell: str) -> bool:
    """The cell shows something: a character that is neither a space nor a control character
    (a cell of NUL bytes or tabs is empty to a reader)."""
    return any(ch.isprintable() and not ch.isspace() for ch in cell)


def title_row_count(rows: list[list[str]]) -> int:
    """How many of the first ``rows`` (each a list of cell texts, as read) stand above the
    header: the header is the first row with two or more cells showing text (``_has_text``), when it comes
    within ``MAX_TITLE_ROWS`` rows and every row before it holds at most one (a title such
    as "某协会投诉登记表 2024年12月", a date line, a blank row). 0 when the first row is the
    header, or when no row of the first ones has two cells (a file of one column)."""
    for k, cells in enumerate(rows[:MAX_TITLE_ROWS + 1]):
        if sum(1 for c in cells if _has_text(c)) >= 2:
            return k
    return 0


def title_text(rows: list[list[str]]) -> list[str]:
    """The non-empty title rows of ``rows`` (those ``title_row_count`` counted), each as its
    cells' text joined by spaces, for the import notes."""
    return [" ".join(c.strip() for c in cells if c.strip()) for cells in rows if any(c.strip() for c in cells)]


def _records_ahead(lines: list[str], delimiter: str) -> list[tuple[list[str], int]]:
    """The records of the first ``lines`` of a file, each with the number of lines read up to
    its end (a quoted cell may span lines; a record cut off by the end of ``lines`` comes last)."""
    reader, out = csv.reader(iter(lines), delimiter=delimiter), []
    try:
        for record in reader:
            out.append((record, reader.line_num))
    except csv.Error:
        pass
    return out


class DelimitedReader:
    """A CSV file read a chunk of records at a time, so memory stays flat for any size.

    ``stream``: a binary file object (a file opened ``rb``, or ``io.BytesIO``); ``encoding``:
    as ``detect_encoding`` says (pass ``None`` to detect it from the first
    ``ENCODING_SAMPLE_BYTES``). ``header`` is read on construction (raises ``ImportRefused``
    for an empty file). ``chunks(rows)`` yields ``(records, bad_records)`` lists as in
    ``DelimitedFile``; row numbers are a spreadsheet's (the header is row 1, blank lines are
    counted but are not records). Fields are separated by commas, or by tabs, semicolons or
    bars when the header line is (``sniff_delimiter``).
    ``bytes_read`` tells how far the stream is (for progress).

    Nothing is dropped: every record is returned, good or bad. A quote that is opened and
    never closed where it should be makes the csv module read on across line ends, so that
    one "record" swallows the rows after it. A record spanning several lines is taken to be
    such a runaway when its field count differs from the header's, when its lines break the
    csv module's strict rules (``_well_formed``: the file ended inside the quote, or a quote in
    a later row closed it mid-field), when a field passes
    ``MAX_FIELD_CHARS`` or the record passes ``MAX_RECORD_LINES`` lines: then its first
    line alone is a bad record (raw text kept, reason given) and the lines after it are
    read again as rows of their own.
    """

    def __init__(self, stream, *, encoding: str | None = None):
        self._raw = stream
        self.encoding_guess: EncodingGuess | None = None
        if encoding is None:
            pos = stream.tell()
            self.encoding_guess = guess_encoding(stream.read(ENCODING_SAMPLE_BYTES + 4))
            encoding = self.encoding_guess.encoding
            stream.seek(pos)
        pos = stream.tell()
        if stream.read(3) == b"\xef\xbb\xbf" and encoding.replace("-", "_").lower() in ("utf_8", "utf8"):
            encoding = "utf_8_sig"  # the byte-order mark is not part of the first header
        stream.seek(pos)
        self.encoding = encoding
        self._text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
        self._lines = _Lines(self._text)
        try:
            first = next(self._lines)
        except StopIteration:
            first = ""
        #: the separator an Excel ``sep=;`` first line names (the line is skipped: Excel does
        #: not show it, so the header stays row 1), or None
        self.sep_line = None
        if (hint := _SEP_LINE.fullmatch(first)) is not None:
            self.sep_line = hint.group(1)
            try:
                first = next(self._lines)
            except StopIteration:
                first = ""
        # title rows above the header (``title_row_count``): the first lines read ahead as records
        # (a quoted cell may span lines), with each separator the file may use
        ahead = [first] if first else []
        while len(ahead) <= MAX_TITLE_ROWS and (line := next(self._lines, None)) is not None:
            ahead.append(line)
        n_lines, titles = 0, []
        own = self.sep_line or sniff_delimiter(first)
        best = None  # (number of title rows, records) with the fewest titles over the separators tried
        for delim in [own] + ([] if self.sep_line else [d for d in (",",) + OTHER_DELIMITERS if d != own]):
            records = _records_ahead(ahead, delim)
            if delim == own and records and sum(1 for c in records[0][0] if _has_text(c)) >= 2:
                break  # the first row is the header: no titles
            if delim == own and all(len(r) <= 1 for r, _ in records):
                # a file of one column by its first line's separator stays one (its values may
                # hold a tab: '0<TAB>x' is no header under a title 'c0')
                break
            k = title_row_count([r for r, _ in records])
            # the header found must be one with this separator by its own line
            if k and records[k - 1][1] < len(ahead) and (
                    self.sep_line or sniff_delimiter(ahead[records[k - 1][1]]) == delim) and (
                    best is None or k < best[0]):
                best = (k, records)
        if best is not None:
            k, records = best
            n_lines, titles = records[k - 1][1], [r for r, _ in records[:k]]
        #: the text of title rows above the header (skipped, named in the import notes)
        self.title_rows = title_text(titles)
        first = ahead[n_lines] if n_lines < len(ahead) else ""
        self._lines.push_back(ahead[n_lines:])
        self._lines.taken = []
        #: the field separator: the ``sep=`` line's, or from the header line (``sniff_delimiter``)
        self.delimiter = self.sep_line or sniff_delimiter(first)
        self._reader = csv.reader(self._lines, delimiter=self.delimiter)
        try:
            self.header = [h.strip() for h in next(self._reader)]
        except StopIteration:
            raise ImportRefused("refused_empty") from None
        except (csv.Error, _RecordTooLong):
            raise ImportRefused("refused_header_quote") from None
        self._lines.taken = []
        # the header's row: records are numbered as a spreadsheet program shows them
        self._row_number = 1 + n_lines

    @property
    def last_row(self) -> int:
        """The row number (as ``chunks`` numbers rows) of the last row read so far; 1 (the
        header) before any."""
        return self._row_number

    @property
    def bytes_read(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def _next_record(self) -> tuple[list[str] | None, str | None]:
        """``(fields, None)`` for a record as the csv module read it, ``([raw line], reason)``
        for the first line of a runaway quote (the rest is pushed back), ``(None, None)`` at
        the end of the file."""
        lines = self._lines
        lines.taken = []
        try:
            fields = next(self._reader)
        except StopIteration:
            return None, None
        except (csv.Error, _RecordTooLong) as err:
            why = (reason("runaway_long_field", limit=MAX_FIELD_CHARS) if isinstance(err, csv.Error)
                   else reason("runaway_many_lines", limit=MAX_RECORD_LINES))
            self._reader = csv.reader(lines, delimiter=self.delimiter)  # a fresh parser state for the lines read again
            return self._runaway(why)
        taken = lines.taken
        if len(taken) > 1 and (len(fields) != len(self.header) or not self._well_formed(taken)):
            return self._runaway(reason("runaway_quote"))
        return fields, None

    def _well_formed(self, taken: list[str]) -> bool:
        """Whether the lines of a multi-line record close every quoted field they open, each
        closing quote followed (after any spaces) by the delimiter or the line's end: the csv
        module's strict rules, except for the spaces some tools write after a closing quote. A
        quote opened by mistake and closed by a quote somewhere in a later row ("5\" Collections")
        or by the end of the file breaks them; a quote inside an unquoted field (Joe's 5"
        Collections) and a quoted narrative over several lines do not. Linear in the record's
        length."""
        text, d = "".join(taken), self.delimiter
        ends = re.compile(f"[{re.escape(d)}\r\n]")  # where an unquoted field ends
        n, i = len(text), 0
        while i < n:
            if text[i] == '"':  # i is always a field's start here
                i += 1
                while True:  # inside a quoted field
                    k = text.find('"', i)
                    if k < 0:
                        return False  # the file ended inside the quote
                    if k + 1 < n and text[k + 1] == '"':
                        i = k + 2  # an escaped quote
                        continue
                    i = k + 1
                    while i < n and text[i] in " \t":
                        i += 1
                    if i < n and text[i] not in (d, "\r", "\n"):
                        return False  # text after the closing quote: it closed mid-field
                    break
            m = ends.search(text, i)
            if m is None:
                break
            i = m.end()
        return True

    def _runaway(self, why: str) -> tuple[list[str], str]:
        taken = self._lines.taken
        first, rest = taken[0], taken[1:]
        self._lines.push_back(rest)
        raw = first.rstrip("\r\n")
        if len(raw) > MAX_RAW_CHARS:
            raw = raw[:MAX_RAW_CHARS] + f"… [{len(raw) - MAX_RAW_CHARS:,} more characters not kept]"
        return [_visible(raw)], reason("csv_runaway", why=why, lines=len(rest))

    def chunks(self, rows: int = 100_000):
        """Yield ``(records, bad_records)`` of up to ``rows`` records each until the end."""
        n = len(self.header)
        records: list[tuple[int, list[str]]] = []
        bad: list[tuple[int, list[str], str]] = []
        while True:
            fields, problem = self._next_record()
            if fields is None:
                break
            self._row_number += 1
            if problem is None and not "".join(fields).strip():
                continue  # a blank line, or a row of empty cells (",,,,"), is not a record
            if problem is not None:
                bad.append((self._row_number, fields, problem))
            elif len(fields) != n:
                bad.append((self._row_number, fields, reason("csv_field_count", expected=n, found=len(fields))))
            elif not (row := "".join(fields)).isascii() and _SURROGATE.search(row) is not None:
                bad.append((self._row_number, [_visible(f) for f in fields],
                            reason("invalid_bytes", encoding=self.encoding)))
            else:
                records.append((self._row_number, fields))
            if len(records) + len(bad) >= rows:
                yield records, bad
                records, bad = [], []
        if records or bad:
            yield records, bad


_SURROGATE = re.compile("[\udc80-\udcff]")
#: Excel's separator hint, a first line such as ``sep=;`` (any one character).
_SEP_LINE = re.compile(r"\ufeff?sep=(.)\r?\n?", re.IGNORECASE)


def _visible(s: str) -> str:
    return s.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


@lru_cache(maxsize=100_000)  # also every coded value of a profile import (parse.lookup_code)
def header_key(name: str) -> str:
    """A column header as every importer compares it (CFPB headers, profile aliases).

    NFKC-folded (full-width letters become ASCII), case-folded, and stripped of everything
    that is not a letter or a digit (spaces, underscores, hyphens, ``?``, brackets, other
    punctuation and symbols). So ``Date received``, ``date_received``, ``DATE RECEIVED``,
    ``Date_Received`` and ``dateReceived`` all give ``datereceived``; ``Consumer consent
    provided?`` and ``consumer_consent_provided`` give ``consumerconsentprovided``; ``投诉编号``
    stays ``投诉编号``. Returns ``str`` (empty for a header of punctuation only).
    """
    folded = unicodedata.normalize("NFKC", str(name or "")).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LNM")


#: Prefix of ids derived from row content: never a CFPB Complaint ID (digits only).
CONTENT_ID_PREFIX = "h"


def content_ids(keys: Iterable[str]) -> list[str]:
    """Stable ids for the rows of a file that has no id column, one per row, in order.

    ``keys``: one text per row holding its normalised content (the importer decides the
    normalisation: cleaned values named by column, dates as ISO dates). The id is ``h`` +
    the first 16 hex digits of the key's SHA-256; the 2nd, 3rd… row with the same key in the
    file gets ``-2``, ``-3``… (occurrence number among identical rows), so identical rows stay
    apart and a re-import of the same rows, in any order, gives the same ids. Returns
    ``list[str]``.
    """
    seen: Counter = Counter()
    out = []
    for key in keys:
        seen[key] += 1
        base = CONTENT_ID_PREFIX + hashlib.sha256(key.encode("utf-8", errors="surrogateescape")).hexdigest()[:16]
        out.append(base if seen[key] == 1 else f"{base}-{seen[key]}")
    return out


def content_id_warning(id_column: str, n_repeats: int, each_row_alone: bool = False) -> str:
    """The report note of an import whose ids were derived from content (``content_ids``), the
    catalogue's ``content_ids`` (``analysis.ingest.reasons``).

    ``id_column``: what the missing column is called (e.g. ``Complaint ID``); ``n_repeats``:
    rows identical to an earlier row of the file (kept apart as -2, -3…); ``each_row_alone``:
    add that rows without ids cannot be grouped (incident-grain profiles)."""
    tail = reason("content_ids_repeats", n=n_repeats) if n_repeats else ""
    if each_row_alone:
        tail += reason("content_ids_alone")
    return reason("content_ids", column=id_column, tail=tail)


def record_json(header: list[str], fields: list[str]) -> str:
    """A source record as JSON text: ``{header: value}``, or a list when the field count
    does not match the header."""
    if len(fields) == len(header):
        return json.dumps(dict(zip(header, fields)), ensure_ascii=False)
    return json.dumps(fields, ensure_ascii=False)


def upgrade_schema(con) -> list[str]:
    """Add columns that ``analysis.schema`` gained after a database file was created (the
    schema only ever appends columns), so older files accept new imports. Rows already there
    get NULL in an added column: e.g. ``core_incidents.import_id`` (import unknown), so an
    incident written before that column goes only with its complaint. Returns the
    ``table.column`` names added."""
    from analysis.schema import TABLES
    added = []
    for t in TABLES:
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main'",
            [t.name]).fetchall()}
        if not have:
            con.execute(t.ddl())
            continue
        for c in t.columns:
            if c.name not in have:
                con.execute(f"ALTER TABLE {t.name} ADD COLUMN {c.name} {c.type}")
                added.append(f"{t.name}.{c.name}")
    return added


def reopen_reviewed(con, rep: ImportReport, before: dict[str, str], imported_by: str) -> None:
    """Put the reviewed complaints whose evidence import ``rep`` changed (``before``: their
    ``analysis.reviews.evidence_fingerprints`` before it wrote) back in the review queue
    (``reopen_if_changed``, the note naming the file and import), count them in
    ``rep.reopened_count`` and say so in one note of ``rep`` (kept up to date when a large file
    is written in several batches)."""
    from analysis.reviews import reopen_if_changed
    n = reopen_if_changed(con, before, imported_by, f"{rep.source_file} ({rep.import_id})")
    if not n:
        return
    old = reason("reopened_reviewed", n=rep.reopened_count)
    rep.reopened_count += n
    new = reason("reopened_reviewed", n=rep.reopened_count)
    if old in rep.notes:
        rep.notes[rep.notes.index(old)] = new
    else:
        rep.notes.append(new)
