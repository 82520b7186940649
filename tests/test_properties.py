"""Property-based tests (hypothesis) of the input paths (issue 11): the CSV reader, every
importer profile, the classifier, personal-data masking and URL parsing. Each property holds
for every input hypothesis makes up, not only the examples written by hand."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis import codes, pii
from analysis.classify import classify_narrative
from analysis.filters import DATE_MAX, DATE_MIN, FIELDS, MAX_VALUE_LENGTH, Filter, FilterError, from_url, to_url
from analysis.ingest import ImportRefused, run_import
from analysis.ingest.common import read_delimited
from analysis.ingest.profiles import list_profiles, load_profile
from analysis.store import live_replica

#: Text hypothesis draws cells and narratives from: any character but surrogates, with the
#: awkward ones (quotes, separators, line ends, NUL, right-to-left marks, full-width) likely.
AWKWARD = st.sampled_from(['"', ",", "\n", "\r", "\r\n", "\x00", "\u202e", "\u200f", "，", "＝", "\t", " ", "\ufeff"])
TEXT = st.lists(st.one_of(AWKWARD, st.characters(blacklist_categories=("Cs",))), max_size=40).map("".join)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- the CSV reader ---------------------------------------------------------------------------

@FAST
@given(st.integers(1, 5).flatmap(lambda n: st.lists(st.lists(TEXT, min_size=n, max_size=n), min_size=1,
                                                      max_size=12)))
@example([['\n"","']])  # a one-column file whose quoted cell's lines, read alone, looked like a header under a title
@example([["0\t\x00"]])  # a one-column file whose value holds a tab looked like a title and a header
@example([["0\tx"], ["y"]])
@example([[""], ["\n\n\n"], ["0\t\x00"]])
@example([["0\t0"], ["\t"]])
@example([["a\tb"], ["c\td"]])  # every value with one tab: still one column, as its first line says
def test_every_record_written_by_csv_comes_back_exactly(rows):
    """Whatever the cells hold, a file csv.writer wrote is read back record for record, each
    numbered with the row a spreadsheet shows (the header is row 1); a row whose cells are all
    empty or spaces is a blank row, numbered but not a record."""
    header = [f"c{i}" for i in range(len(rows[0]))]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header] + rows)
    parsed = read_delimited(buf.getvalue().encode("utf-8"), encoding="utf_8")
    expected = [(i + 2, r) for i, r in enumerate(rows) if any(c.strip() for c in r)]
    assert [(n, f) for n, f in parsed.records] == expected and not parsed.bad_records


@FAST
@given(st.binary(max_size=600))
def test_any_bytes_are_read_or_refused_and_every_record_is_counted(data):
    """Arbitrary bytes: either refused with a reason (ImportRefused) or read with every record
    numbered once, good or bad, by the row a spreadsheet shows (after the header, row 1)."""
    try:
        parsed = read_delimited(b"a,b,c\n" + data)
    except ImportRefused:
        return
    numbers = sorted([n for n, _ in parsed.records] + [n for n, _, _ in parsed.bad_records])
    assert numbers == sorted(set(numbers)) and all(n >= 2 for n in numbers)
    assert len(numbers) <= data.count(b"\n") + data.count(b"\r") + 1


# ---- every importer profile -------------------------------------------------------------------

PROFILES = [p for p in list_profiles() if load_profile(p).grain != "call"]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_accounts_for_every_row_of_any_file(profile, tmp_path_factory):
    prof = load_profile(profile)
    header = [aliases[0] for aliases in prof.columns.values() if aliases]

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
    @given(st.lists(st.lists(st.one_of(TEXT, st.dates(date(1850, 1, 1), date(2100, 1, 1)).map(str)),
                             min_size=len(header), max_size=len(header)), min_size=1, max_size=8))
    def check(rows):
        base = tmp_path_factory.mktemp(profile)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows([header] + rows)
        path = base / f"{profile}.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        try:
            [rep] = run_import([path], profile, base / "p.duckdb")
        except ImportRefused:
            return  # refused whole, with its reason: nothing written
        assert rep.row_count == rep.accepted_count + rep.quarantined_count + rep.unchanged_count
        with duckdb.connect(str(live_replica(base / "p.duckdb")), read_only=True) as con:
            quarantined = con.execute("SELECT count(*) FROM core_quarantine").fetchone()[0]
        assert quarantined == rep.quarantined_count
    check()


# ---- the classifier --------------------------------------------------------------------------

NARRATIVE_BITS = st.sampled_from(["催收员晚上11点打电话", "爆通讯录", "骂我", "威胁要起诉", "不是我", "没有",
                                  "They called me at 11pm", "threatened to arrest me", "called my employer",
                                  "did not", "XX/XX/XXXX", "{$400.00}", "10 times a day", " ", "。", ".", "\n"])


@FAST
@given(st.lists(st.one_of(NARRATIVE_BITS, TEXT), max_size=25).map("".join))
def test_the_classifier_reads_any_text_and_its_evidence_points_into_it(text):
    result = classify_narrative(text)
    for ev in result.evidence:
        assert 0 <= ev.start <= ev.end <= len(text) and text[ev.start:ev.end] == ev.text
    assert set(result.conducts) <= set(codes.codes("conduct"))
    assert set(result.methods) <= set(codes.codes("method"))
    for tm in result.times:
        assert tm.hour is None or 0 <= tm.hour <= 23


# ---- personal-data masking ---------------------------------------------------------------------

def _resident_id(body17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]


MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
RESIDENT = st.tuples(st.integers(11, 65), st.integers(1000, 9999), st.dates(date(1950, 1, 1), date(2005, 12, 31)),
                     st.integers(100, 999)).map(lambda t: _resident_id(f"{t[0]}{t[1]}{t[2]:%Y%m%d}{t[3]}"))
EMAIL = st.from_regex(r"[a-z]{3,8}\.[a-z]{2,6}@[a-z]{3,8}\.(com|org|cn)", fullmatch=True)
FILLER = st.sampled_from(["我的电话是", "联系我", "call me at ", "身份证", "email: ", "，", " ", "谢谢", "ok"])


@FAST
@given(st.lists(st.one_of(FILLER, TEXT.filter(lambda s: not any(ch.isdigit() for ch in s))), max_size=6),
       st.lists(st.one_of(MOBILE, RESIDENT, EMAIL), min_size=1, max_size=3))
def test_masking_removes_every_planted_identifier_and_is_idempotent(filler, secrets_):
    parts = []
    for i, s in enumerate(secrets_):
        parts += filler[i:i + 2] + [" ", s, " "]
    text = "".join(parts)
    masked = pii.mask_text(text)
    for s in secrets_:
        assert s not in masked, (s, masked)
    assert pii.mask_text(masked) == masked


# ---- URL parsing ---------------------------------------------------------------------------------

def _field_values(f):
    if f.kind == "date":
        return st.one_of(st.none(), st.dates(DATE_MIN, DATE_MAX))
    if f.kind == "choice":
        return st.sampled_from(list(f.choices))
    if f.code_list:
        return st.lists(st.sampled_from(codes.codes(f.code_list)), unique=True, max_size=3).map(tuple)
    return st.lists(TEXT.filter(lambda v: v.strip() and len(v) <= MAX_VALUE_LENGTH), unique=True,
                    max_size=3).map(tuple)


FILTERS = st.fixed_dictionaries({f.name: _field_values(f) for f in FIELDS}).map(lambda kw: Filter(**kw)).filter(
    lambda flt: not (flt.date_from and flt.date_to and flt.date_from > flt.date_to))


@FAST
@given(FILTERS)
def test_every_filter_survives_its_url(flt):
    assert from_url(to_url(flt)) == flt


@FAST
@given(st.dictionaries(st.sampled_from([f.name for f in FIELDS] + ["lang", "x"]), st.lists(TEXT, max_size=3),
                       max_size=6))
def test_any_url_gives_a_filter_or_the_filter_message(params):
    try:
        flt = from_url(params)
    except FilterError as err:
        assert err.message("en") and err.message("zh")
        return
    assert isinstance(flt, Filter)
