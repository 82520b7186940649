"""CSV for Excel: BOM, CRLF, Chinese text, formulas neutralised."""
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
