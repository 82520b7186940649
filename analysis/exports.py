"""Files for people: the data behind a chart as CSV that Excel opens correctly.

CSV is UTF-8 with a byte-order mark (Excel then reads Chinese text correctly), CRLF line
ends, and text cells that start with ``=``, ``+``, ``-`` or ``@`` are prefixed with an
apostrophe so a spreadsheet never runs them as formulas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose text cells starting with = + - @ (or tab / CR) get a leading
    apostrophe. Numbers are untouched (a negative number is not a formula)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as CSV bytes: UTF-8 with BOM, CRLF, no index, formulas neutralised.
    List cells (e.g. conduct_codes) are written joined with ``;``."""
    out = neutralise_formulas(df)
    for col in out.columns:
        if out[col].dtype == object and any(isinstance(v, (list, tuple, np.ndarray)) for v in out[col]):
            out[col] = out[col].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
