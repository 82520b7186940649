"""The default scope: what the dashboard's sidebar and the command-line export show when
nobody has chosen sources or products. Defined once here, so the headline figures of the
dashboard and of ``python -m analysis.export`` agree.

The rule (issue 10):

* sources: the real (non-synthetic) sources that hold complaints; only when no real source
  holds any, the synthetic demonstration sources that do;
* products: the debt-collection products (``analysis.ingest.cfpb.COLLECTION_PRODUCTS``,
  every CFPB wording), complaints without a product (``PRODUCT_NOT_RECORDED``) and, when
  the default sources include demonstration data, the demonstration products (names
  containing "演示" or starting with "demo", as ``analysis.demo`` names them);
* everything else unrestricted.

An empty list means "no restriction" (as an empty sidebar multiselect): a database whose
products are all outside the list is shown whole.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analysis.filters import PRODUCT_NOT_RECORDED, Filter
from analysis.ingest.cfpb import COLLECTION_PRODUCTS


def default_sources(sources: pd.DataFrame) -> list[str]:
    """Source codes of the default scope, in the order of ``sources``.

    ``sources``: a frame like ``analysis.queries.query_sources`` with at least ``source``
    (str), ``is_synthetic`` (bool) and ``complaint_count`` (int). Returns the real sources
    with complaints, else every source with complaints (the demonstration data), else []."""
    has_rows = sources["complaint_count"] > 0
    real = sources[~sources["is_synthetic"].astype(bool) & has_rows]["source"].tolist()
    return real or sources[has_rows]["source"].tolist()


def is_demo_product(product: str) -> bool:
    """True for a demonstration product name (contains "演示" or starts with "demo",
    case-insensitive), as ``analysis.demo`` names its CN products ("网络贷款 (演示)")."""
    return "演示" in product or product.lower().startswith("demo")


def scope_products(sources: pd.DataFrame, chosen: list[str], product_options: list[str]) -> list[str]:
    """The default products (list of str, in the order of ``product_options``) for the source
    codes ``chosen`` (``[]``: every source): the debt-collection products, "not recorded" and,
    when a chosen source is demonstration data, the demonstration products. ``sources`` as
    for ``default_sources``. The sidebar uses it again when the analyst changes the sources
    without having changed the products, so demonstration data added back is shown whole."""
    picked = sources if not chosen else sources[sources["source"].isin(chosen)]
    with_demo = bool(picked["is_synthetic"].astype(bool).any())
    return [p for p in product_options
            if p in COLLECTION_PRODUCTS or p == PRODUCT_NOT_RECORDED or (with_demo and is_demo_product(p))]


def default_scope(sources: pd.DataFrame, product_options: list[str]) -> dict[str, list[str]]:
    """The default ``{"source": [...], "product": [...]}`` (lists of str, as stored).

    ``sources``: ``analysis.queries.query_sources`` (columns ``source``, ``is_synthetic``,
    ``complaint_count``). ``product_options``: the products offered by the filters
    (``query_filter_options(con)["product"]``); the product list keeps their order. The
    rule is in the module docstring."""
    srcs = default_sources(sources)
    return {"source": srcs, "product": scope_products(sources, srcs, product_options)}


def default_filter(con: duckdb.DuckDBPyConnection) -> Filter:
    """The ``Filter`` of the default scope for the database behind ``con`` (reads
    ``query_sources`` and ``query_filter_options``; every other field unrestricted)."""
    from analysis import queries

    scope = default_scope(queries.query_sources(con), queries.query_filter_options(con)["product"])
    return Filter(source=tuple(scope["source"]), product=tuple(scope["product"]))
