"""Personal data: each identifier kind masked; the raw values never in the database file."""
from pathlib import Path

import duckdb

from analysis.ingest import run_import
from analysis.pii import hash_number, is_first_generation_id, is_luhn_valid, is_valid_resident_id, mask_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
RAW_VALUES = ["13812345678", "11010519491231002X", "6222021234567890128", "zhang.san@example.com", "12345678",
              "010-12345678", "张三", "13900001111", "139-0000-1111", "13900002222", "13900003333"]


def test_pii__each_kind_masked():
    assert mask_text("催收员从13812345678打来") == "催收员从【手机号】打来"
    assert mask_text("+86 138 1234 5678 又打来") == "【手机号】 又打来"
    assert mask_text("座机010-12345678和0755-1234567") == "座机【电话号码】和【电话号码】"
    assert mask_text("call (805) 210-3404 or +44 20 7946 0958") == "call [PHONE] or [PHONE]"
    assert mask_text("身份证11010519491231002X") == "身份证【身份证号】"
    assert mask_text("身份证110105194912310021") == "身份证110105194912310021"  # bad check digit
    assert mask_text("旧身份证号110105491231002，") == "旧身份证号【身份证号】，"  # 15-digit, first generation
    assert mask_text("My old ID 320102750101123 was on it") == "My old ID [ID] was on it"
    assert mask_text("订单号999999491231002") == "订单号999999491231002"  # no province 99
    assert mask_text("编号110105491331002") == "编号110105491331002"  # no month 13
    assert mask_text("卡号6222 0212 3456 7890 128。") == "卡号【银行卡号】。"
    assert mask_text("邮箱zhang.san@example.com，") == "邮箱【邮箱】，"
    assert mask_text("QQ号：12345678") == "QQ号：【QQ】"
    assert mask_text("扣扣 55667788") == "扣扣 【QQ】"
    assert mask_text("我叫张三，") == "我叫【姓名】，"
    assert mask_text("姓名：李四 投诉") == "姓名：【姓名】 投诉"
    assert mask_text("本人王小明，于2024年借款") == "本人【姓名】，于2024年借款"
    assert mask_text("本人借了钱，还了5000元") == "本人借了钱，还了5000元"
    assert mask_text("My name is John Smith.") == "My name is [NAME]."
    assert mask_text("2024-12-04 09:58:32 金额 12000") == "2024-12-04 09:58:32 金额 12000"


def test_pii__checks_and_hash():
    assert is_valid_resident_id("11010519491231002X") and not is_valid_resident_id("110105194912310021")
    assert is_first_generation_id("110105480229002") and not is_first_generation_id("110105490229002")
    assert is_luhn_valid("6222021234567890128") and not is_luhn_valid("6222021234567890127")
    assert hash_number("138-1234-5678", "s") == hash_number("+86 13812345678", "s")
    assert hash_number("13812345678", "s") != hash_number("13812345678", "t")
    assert len(hash_number("13812345678", "s")) == 64


def test_pii__raw_values_never_in_database_file(tmp_path):
    path = tmp_path / "p.duckdb"
    run_import([FIXTURES / "heimao.csv"], "heimao", path)
    run_import([FIXTURES / "intake.csv"], "intake", path)
    run_import([FIXTURES / "call_log.csv"], "call_log", path, complaint_id="intake:IN001")
    con = duckdb.connect(str(path))
    con.execute("CHECKPOINT")
    narrative = con.execute("SELECT narrative FROM core_complaints WHERE complaint_id = 'heimao:17370123456'").fetchall()[0][0]
    assert narrative == ("催收员从【手机号】打来，我叫【姓名】，身份证【身份证号】，卡号【银行卡号】已还款，邮箱【邮箱】，"
                         "QQ号：【QQ】，座机【电话号码】")
    text = "\n".join(str(v) for t in ("raw_generic__rows", "core_complaints", "core_incidents", "core_quarantine",
                                      "core_qa_issues", "core_complaint_labels")
                     for row in con.execute(f"SELECT * FROM {t}").fetchall() for v in row)
    n_hashes = con.execute("SELECT count(DISTINCT collector_number_hash) FROM core_incidents").fetchall()[0][0]
    con.close()
    assert n_hashes == 3  # 13900001111 (intake, twice), 13900002222, 13900003333
    data = path.read_bytes()
    for raw in RAW_VALUES:
        if raw in ("张三", "12345678"):
            assert f"我叫{raw}" not in text and f"QQ号：{raw}" not in text
            assert f"我叫{raw}".encode() not in data
        else:
            assert raw not in text, raw
            assert raw.encode() not in data, raw


# ---- personal data in every field, not only narratives (issue 11) -------------------------------

SECRETS = {"mobile_id": "13912345678", "resident_id": "110101199003071233", "email": "zhang.san@example.com",
           "card": "6222021234567890128", "phone_in_date": "13812345678"}


def test_personal_data_is_masked_in_every_field_table_and_file_byte(tmp_path):
    """An intake file with a phone number as the record id, a resident ID as the company, an
    e-mail as the region, a bank card in an unmapped column, a phone number in a date cell
    (quarantined) and a resident ID written in groups in the narrative: none of them is in
    any table of the database, nor anywhere in its files' bytes."""
    from analysis.ingest import run_import
    from analysis.store import store_dir
    header = "投诉编号,受理日期,省份,被投诉方,催收方,催收日期,催收时刻,催收方式,内容,备注"
    rows = [f"{SECRETS['mobile_id']},2024-12-05,{SECRETS['email']},{SECRETS['resident_id']},某催收公司,2024-12-03,"
            f"23:10,电话,身份证 110101 19900307 1233 被他们知道了,卡号 {SECRETS['card']}",
            f"X2,2024-12-05,广东,速借花,某催收公司,{SECRETS['phone_in_date']},23:10,电话,骂我,无"]
    path = tmp_path / "intake_pii.csv"
    path.write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    db_path = tmp_path / "pii.duckdb"
    [rep] = run_import([path], "intake", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (2, 1, 1)
    needles = list(SECRETS.values()) + ["110101 19900307 1233"]
    assert _found_anywhere(db_path, needles) == []
    with duckdb.connect(str(db_path), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT complaint_id FROM core_complaints").fetchall()]
    assert len(ids) == 1 and ids[0].startswith("intake:p") and len(ids[0]) == len("intake:p") + 16
    # the same file again: the hashed id is stable, so nothing is doubled
    [again] = run_import([path], "intake", db_path)
    assert again.status == "already_imported"


def _found_anywhere(db_path, needles: list[str]) -> list[tuple[str, str, str]]:
    """``(table, column, needle)`` for every text column of the database holding a needle, and
    ``(file, "bytes", needle)`` for every store file whose bytes hold one (empty: none)."""
    from analysis.store import store_dir
    found = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        for table, column in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR' "
                "AND table_schema = 'main'").fetchall():
            for needle in needles:
                n = con.execute(f'SELECT count(*) FROM "{table}" WHERE contains("{column}", ?)', [needle]).fetchone()[0]
                if n:
                    found.append((table, column, needle))
    for f in [p for p in store_dir(db_path).rglob("*") if p.is_file()]:
        data = f.read_bytes()
        found += [(f.name, "bytes", n) for n in needles if n.encode() in data]
    return found


def test_personal_data_is_masked_in_every_column_of_a_cfpb_file(tmp_path):
    """A file in the CFPB's format from elsewhere (not scrubbed): a resident ID as the company,
    an e-mail as the state, a phone number as a Complaint ID (masked, so quarantined), a bank
    card in the tags, a US phone number and a grouped resident ID in the narrative, and a
    phone number in a row with too few fields: none of them anywhere in the store."""
    import csv
    from analysis.schema import CFPB_HEADER_TO_RAW
    header = list(CFPB_HEADER_TO_RAW)
    col = {raw: i for i, raw in enumerate(CFPB_HEADER_TO_RAW.values())}

    def row(**values):
        r = [""] * len(header)
        base = dict(date_received="2024-03-01", product="Debt collection", issue="Communication tactics",
                    company="Some Collector LLC", state="TX", submitted_via="Web", complaint_id="5000001")
        for k, v in {**base, **values}.items():
            r[col[k]] = v
        return r
    rows = [row(company=SECRETS["resident_id"], state=SECRETS["email"], tags=f"card {SECRETS['card']}",
                sub_issue="Call (212) 736-5000", sub_product="１３９１２３４５６７８",
                company_public_response="Call 212.736.5000",
                consumer_complaint_narrative="They called me at (214) 555-0187 and said my ID 110101 19900307 1233 "
                                             "would be given to my employer. My wife got calls at 138.1234.5678, "
                                             "card 6222.0212.3456.7890.128."),
            row(complaint_id=SECRETS["mobile_id"]),
            ["2024-03-01", "Debt collection", f"call {SECRETS['phone_in_date']}"]]
    path = tmp_path / "cfpb_pii.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header] + rows)
    db_path = tmp_path / "pii.duckdb"
    [rep] = run_import([path], "cfpb", db_path)
    assert (rep.row_count, rep.accepted_count, rep.quarantined_count) == (3, 1, 2)
    with duckdb.connect(str(db_path), read_only=True) as con:
        narrative, company = con.execute("SELECT narrative, collector_name FROM core_complaints").fetchone()
        reasons = [r[0] for r in con.execute("SELECT reason FROM core_quarantine ORDER BY source_row_number").fetchall()]
    assert narrative == ("They called me at [PHONE] and said my ID [ID] would be given to my employer. "
                         "My wife got calls at [PHONE], card [CARD].")
    assert company == "[ID]"
    assert reasons[0] == "Complaint ID is not a whole number" and reasons[1].startswith("expected 18 fields")
    assert _found_anywhere(db_path, list(SECRETS.values()) + [
        "110101 19900307 1233", "555-0187", "736-5000", "736.5000", "1234.5678", "3456.7890", "１３９１２３４５６７８"]) == []


def test_email__found_after_a_long_run_and_the_run_read_once():
    """An e-mail after 200,000 characters of a run the local part could hold (dashes) is
    still masked, and the run is not an address; a local part over 64 characters is no
    address (RFC 5321). (The unbounded pattern scanned such a run once per character: a
    300 KB narrative took 143 s; bench: the hostile-input note of 2026-12-07.)"""
    from analysis.pii import _EMAIL
    text = "My account number is 12345. " + "-" * 200_000 + " write to jane.doe@mail.example.org today"
    out = mask_text(text)
    assert out.endswith(" write to [EMAIL] today") and out.count("-") == 200_000
    assert _EMAIL.fullmatch("a" * 64 + "@example.com") and not _EMAIL.search("a" * 65 + "@example.com")
    assert mask_text("邮箱abc_1@qq.com，电话见下") == "邮箱【邮箱】，电话见下"
