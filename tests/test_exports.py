"""CSV for Excel: BOM, CRLF, Chinese text, formulas neutralised."""
import io

import pandas as pd

from analysis.exports import neutralise_formulas, to_csv_bytes


def test_to_csv_bytes__bom_crlf_chinese_and_lists():
    df = pd.DataFrame({"conduct": ["爆通讯录", "=1+1"], "n": [3, -2], "codes": [["A", "B"], []]})
    data = to_csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "conduct,n,codes\r\n爆通讯录,3,A;B\r\n'=1+1,-2,\r\n"


def test_neutralise_formulas__only_text_cells():
    df = pd.DataFrame({"a": ["+cmd", "-x", "@SUM(A1)", "ok", None], "b": [-1, 2, 3, 4, 5]})
    out = neutralise_formulas(df)
    assert out["a"].tolist()[:4] == ["'+cmd", "'-x", "'@SUM(A1)", "ok"]
    assert out["b"].tolist() == [-1, 2, 3, 4, 5]
    assert df["a"].tolist()[0] == "+cmd"  # input untouched


def test_to_csv_bytes__pandas_reads_it_back_without_clean_up():
    df = pd.DataFrame({"conduct_code": ["CONTACT_LIST_BLAST", "TIME_INCONVENIENT"], "conduct": ["爆通讯录", "不当时间催收"],
                       "complaint_count": [12, 3], "share_pct": [66.7, 16.7]})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df)))
    assert list(back.columns) == list(df.columns)  # the BOM is not part of the first header
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    assert back["complaint_count"].dtype == "int64" and back["share_pct"].dtype == "float64"


def test_neutralise_formulas__lists_spaces_and_full_width_signs():
    """Issue 11: lists joined after the check (=x;y), a leading space and the full-width ＝
    slipped through."""
    from analysis.export.tables import neutralise_value
    df = pd.DataFrame({"codes": [["=x", "y"], ["a", "=b"], []], "name": [" =1+1", "＝HYPERLINK(\"u\")", "\u3000＠x"]})
    out = neutralise_formulas(df)
    assert out["codes"].tolist() == ["'=x;y", "a;=b", ""]
    assert out["name"].tolist() == ["' =1+1", "'＝HYPERLINK(\"u\")", "'\u3000＠x"]
    assert [neutralise_value(v) for v in ["\tx", "\rx", "-", "ok -1", "", 5, None]] == \
        ["'\tx", "'\rx", "'-", "ok -1", "", 5, None]
    data = to_csv_bytes(df).decode("utf-8-sig")
    assert "'=x;y" in data and "' =1+1" in data


def test_xlsx_cells_are_guarded_after_joining_lists():
    from openpyxl import load_workbook

    from analysis.export.tables import to_xlsx_bytes
    df = pd.DataFrame({"codes": [["=x", "y"]], "name": ["＋1"]})
    ws = load_workbook(io.BytesIO(to_xlsx_bytes([("t", df)]))).active
    assert [ws.cell(row=2, column=j).value for j in (1, 2)] == ["=x;y", "＋1"]
    assert [(ws.cell(row=2, column=j).data_type, ws.cell(row=2, column=j).quotePrefix) for j in (1, 2)] == \
        [("s", True), ("s", True)]
