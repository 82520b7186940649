"""Places: complaints by US state and Chinese province, as counts and per million inhabitants.

Regions are stored as the source gave them (``region`` in the marts: CFPB's two-letter
``State``, a Chinese platform's 广东 / 广东省 / 粤 ...). They are turned into one code per
place only here, over the *distinct* stored values of the filtered complaints, so the cost
of the mapping grows with the number of distinct values, not with the number of rows. The
place list is data: ``analysis/maps/regions.csv`` (codes, names in both languages, aliases,
population with its source and year, tile-grid position); :func:`region_code` reads it.

Codes are ISO 3166-2 style: ``US-`` + the USPS two-letter code (``US-CA``; also ``US-DC``,
``US-PR``, the Island Areas ``US-GU`` ``US-VI`` ``US-AS`` ``US-MP`` and the military mail
codes ``US-AA`` ``US-AE`` ``US-AP``, which are no place and have no population) and the ISO
3166-2:CN codes (``CN-GD``; ``CN-HK``, ``CN-MO``, ``CN-TW`` separately).

Rates are complaints in the filtered view per million inhabitants (not per year): US – U.S.
Census Bureau, 2020 Census resident population (April 1, 2020; Island Areas: 2020 Island
Areas Censuses); CN – 国家统计局 第七次全国人口普查 (2020-11-01; Hong Kong, Macao, Taiwan:
the end-2020 figures the census communiqué gives). A place without a population figure has
no rate ("—"), never a guessed one.

The map is a **tile grid** (one square per place, drawn with plotly heatmaps and text), not
a plotly geo map: geo maps fetch their topojson from a CDN at render time, which fails
offline and in the static export with kaleido; a tile grid needs nothing outside plotly and
gives every place the same visual weight whatever its area.
"""
from __future__ import annotations

import functools
import re
import textwrap
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import drill
from analysis.figures import _layout
from analysis.filters import Filter, conduct_column
from analysis.i18n import t
from analysis.queries import relation

REGIONS_CSV = Path(__file__).resolve().parent / "maps" / "regions.csv"
#: Jurisdictions with a place list (and a map).
MAP_JURISDICTIONS = ("US", "CN")
#: What a map colours: complaint counts or complaints per million inhabitants.
MEASURES = ("complaints", "rate")
#: ``region_status`` values, in the order rows are listed.
REGION_STATUSES = ("mapped", "not_mapped", "not_recorded")
#: Catalogue charts of the Places page: chart name → (jurisdiction, measure).
MAP_CHARTS: dict[str, tuple[str, str]] = {
    "places_map_us_complaints": ("US", "complaints"),
    "places_map_us_rate": ("US", "rate"),
    "places_map_cn_complaints": ("CN", "complaints"),
    "places_map_cn_rate": ("CN", "rate"),
}
#: Columns of :func:`query_region_counts` (and :func:`summarise_region_groups`), in order.
COLUMNS = ("jurisdiction", "region_code", "name_en", "name_zh", "region_status", "region", "complaint_count",
           "improper_complaint_count", "population", "rate_per_million", "share_pct", "population_source")
NO_VALUE = "—"

# Suffixes and prefixes dropped when a value is looked up (longest first), per jurisdiction.
_SUFFIXES = {
    "US": ("州", " state"),
    "CN": ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "地区", "省", "市",
           " special administrative region", " autonomous region", " municipality", " province", " sar"),
}
_PREFIXES = {"US": (), "CN": ("中国", "china ")}
_DROP = re.compile(r"[.,'’‘ʻ`·•()\[\]]")
_SPACES = re.compile(r"[\s\-_/]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


def normalise_region(raw: str) -> str:
    """The lookup key of a region value: NFKC (full-width → half-width), case-folded,
    punctuation ``. , ' ( )`` dropped, runs of spaces / hyphens / underscores / slashes as
    one space, trimmed; no spaces at all in a value with Chinese characters.
    ``"Calif."`` → ``"calif"``; ``"ＣＡ"`` → ``"ca"``; ``"广东 省"`` → ``"广东省"``."""
    s = unicodedata.normalize("NFKC", raw).casefold()
    s = _SPACES.sub(" ", _DROP.sub("", s)).strip()
    return s.replace(" ", "") if _CJK.search(s) else s


def _variants(key: str, jurisdiction: str) -> list[str]:
    """``key`` and the forms without the jurisdiction's prefix and one suffix (广东省 → 广东,
    中国香港 → 香港); a stripped form keeps at least two characters."""
    out = [key]
    for p in _PREFIXES[jurisdiction]:
        if key.startswith(p) and len(key) - len(p) >= 2:
            out.append(key[len(p):])
    for base in list(out):
        for suf in _SUFFIXES[jurisdiction]:
            if base.endswith(suf) and len(base) - len(suf) >= 2:
                out.append(base[: -len(suf)].strip())
                break
    return out


@functools.cache
def load_regions() -> pd.DataFrame:
    """``analysis/maps/regions.csv`` as a frame, one row per place.

    Columns: ``region_code`` (``US-CA``, ``CN-GD``), ``jurisdiction`` (``US`` / ``CN``),
    ``kind`` (state, district, territory, military_mail, province, municipality,
    autonomous_region, special_administrative_region), ``name_en``, ``name_zh``,
    ``tile_label_en``, ``tile_label_zh`` (text of the map tile; ``<br>`` breaks a line),
    ``aliases`` (``|``-separated), ``population`` (Int64; <NA> when no figure),
    ``population_year`` (Int64), ``population_source`` (str), ``tile_row``, ``tile_col``
    (Int64 grid position, row 0 at the top; <NA> for places not on the map). Cached;
    treat as read-only.
    """
    df = pd.read_csv(REGIONS_CSV, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("population", "population_year", "tile_row", "tile_col"):
        df[col] = pd.to_numeric(df[col].replace("", None)).astype("Int64")
    return df


@functools.cache
def _alias_index() -> dict[str, dict[str, str]]:
    """Jurisdiction → {lookup key → region code} from codes, names and aliases (and their
    forms without suffixes). Raises ``ValueError`` when a key would name two places of one
    jurisdiction."""
    index: dict[str, dict[str, str]] = {j: {} for j in MAP_JURISDICTIONS}
    for r in load_regions().itertuples():
        names = [r.region_code, r.region_code.split("-", 1)[1], r.name_en, r.name_zh] + r.aliases.split("|")
        for name in filter(None, names):
            for key in _variants(normalise_region(name), r.jurisdiction):
                have = index[r.jurisdiction].setdefault(key, r.region_code)
                if have != r.region_code:
                    raise ValueError(f"region alias {name!r} ({key!r}) names both {have} and {r.region_code}")
    return index


@functools.lru_cache(maxsize=8192)
def region_code(raw: str | None, jurisdiction: str | None) -> str | None:
    """The place code of a stored region value, or None when it names no known place.

    ``raw``: a region as stored (a USPS code, a name or abbreviation in English or Chinese,
    full-width or not, with or without 省 / 市 / 自治区 / 特别行政区 / 州 / "Province").
    ``jurisdiction``: ``US`` or ``CN`` looks only among that jurisdiction's places (``GA``
    is Georgia in the US and nothing in CN; ``SC`` is South Carolina in the US, Sichuan in
    CN); another jurisdiction (``UK``) gives None; None (or blank) looks in both and gives
    None when the value names places in both (``SC``). A blank or None ``raw`` → None.
    """
    if raw is None or not isinstance(raw, str):
        return None
    key = normalise_region(raw)
    if not key:
        return None
    given = jurisdiction.strip().upper() if isinstance(jurisdiction, str) else ""
    jurs = (given,) if given else MAP_JURISDICTIONS
    index = _alias_index()
    found = {index[j].get(v) for j in jurs if j in index for v in _variants(key, j)} - {None}
    return found.pop() if len(found) == 1 else None


def query_region_counts(con, flt: Filter, measure: str = "complaints") -> pd.DataFrame:
    """Complaints per place (stored region mapped to a code), with rates per million.

    Counts are summed in SQL by ``(jurisdiction, region)`` from
    ``analysis.queries.relation(flt, "complaint", ...)`` (``sum(n)``), then the distinct
    stored values are mapped with :func:`region_code` (see :func:`summarise_region_groups`
    for the frame returned). ``measure`` (``complaints`` or ``rate``) only orders the rows.
    No cube holds ``region`` today, so ``relation`` answers from the facts mart (one pass
    over the filtered complaints); a cube keyed by region would let it read one row per
    group. The mapping itself runs once per distinct stored value. Raises ``ValueError``
    for another measure, ``FilterError`` for an invalid filter.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    ccol = conduct_column(flt.label_source)
    rel, params = relation(flt, "complaint", ["jurisdiction", "region", ccol])
    groups = con.execute(f"""
        SELECT jurisdiction, region, sum(n)::BIGINT AS complaint_count,
               coalesce(sum(n) FILTER (WHERE len({ccol}) > 0), 0)::BIGINT AS improper_complaint_count
        FROM {rel} f GROUP BY ALL ORDER BY jurisdiction, region NULLS LAST""", params).df()
    return summarise_region_groups(groups, measure)


def summarise_region_groups(groups: pd.DataFrame, measure: str = "complaints") -> pd.DataFrame:
    """Places from complaint counts per stored region.

    ``groups``: one row per distinct ``(jurisdiction, region)`` with ``complaint_count``
    and ``improper_complaint_count`` (complaints with at least one conduct label).

    Returns the columns of :data:`COLUMNS`:

    - ``jurisdiction`` (str), ``region_code`` (str; None unless mapped), ``name_en``,
      ``name_zh`` (None unless mapped);
    - ``region_status``: ``mapped``, ``not_mapped`` (a stored value that names no known
      place: listed with its count, never dropped) or ``not_recorded`` (no region stored);
    - ``region``: the stored value(s) (``" | "``-joined when several map to one place;
      None for a place without complaints and for ``not_recorded``);
    - ``complaint_count``, ``improper_complaint_count`` (int64);
    - ``population`` (Int64, <NA> when no figure), ``rate_per_million`` (float64:
      complaints / population × 1,000,000; NaN without a population figure or unmapped),
      ``share_pct`` (float64, % of the jurisdiction's complaints in the view, every status
      included), ``population_source`` (str; None unless mapped).

    Rows: every place on the map of each jurisdiction present (US / CN), 0 when it has no
    complaints, plus any other mapped place with complaints (territories without a tile,
    military mail), then ``not_mapped`` values, then ``not_recorded``. Within a
    jurisdiction (CN first, then US, then others) places are ordered by ``measure``
    (``complaints``: count; ``rate``: rate, NaN last) descending, then count descending,
    then code; unmapped values by count descending, then value.
    Raises ``ValueError`` for an unknown measure.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    regions = load_regions()
    g = groups[["jurisdiction", "region", "complaint_count", "improper_complaint_count"]].copy()
    g["region"] = [None if pd.isna(r) or not str(r).strip() else str(r) for r in g["region"]]
    g["region_code"] = [region_code(r, j) if r is not None else None for r, j in zip(g["region"], g["jurisdiction"])]
    g["region_status"] = np.where(g["region"].isna(), "not_recorded",
                                  np.where(g["region_code"].isna(), "not_mapped", "mapped"))
    by_code: dict[str, dict] = {}
    for r in g[g["region_status"] == "mapped"].itertuples():
        a = by_code.setdefault(r.region_code, {"jurisdiction": r.jurisdiction, "region_code": r.region_code,
                                               "complaint_count": 0, "improper_complaint_count": 0, "values": set()})
        a["complaint_count"] += int(r.complaint_count)
        a["improper_complaint_count"] += int(r.improper_complaint_count)
        a["values"].add(r.region)
    mapped = pd.DataFrame([{**{k: v for k, v in a.items() if k != "values"}, "region": " | ".join(sorted(a["values"]))}
                           for a in by_code.values()],
                          columns=["jurisdiction", "region_code", "complaint_count", "improper_complaint_count",
                                   "region"], dtype=object)
    present = [j for j in MAP_JURISDICTIONS if (g["jurisdiction"] == j).any()]
    on_map = regions["jurisdiction"].isin(present) & regions["tile_row"].notna()
    tiles = regions.loc[on_map, ["jurisdiction", "region_code"]]
    places = pd.concat([tiles, mapped[["jurisdiction", "region_code"]]]).drop_duplicates("region_code")
    places = places.merge(mapped.drop(columns="jurisdiction"), on="region_code", how="left")
    places = places.merge(regions[["region_code", "name_en", "name_zh", "population", "population_source"]],
                          on="region_code", how="left")
    places["region_status"] = "mapped"
    other = g[g["region_status"] != "mapped"].copy()
    out = pd.concat([places, other], ignore_index=True)
    for col in ("complaint_count", "improper_complaint_count"):
        out[col] = out[col].fillna(0).astype("int64")
    out["population"] = out["population"].astype("Int64")
    totals = out.groupby("jurisdiction")["complaint_count"].transform("sum")
    out["share_pct"] = (100.0 * out["complaint_count"] / totals.where(totals > 0)).astype("float64").fillna(0.0)
    pop = out["population"].astype("float64")
    out["rate_per_million"] = (out["complaint_count"] / pop.where(pop > 0) * 1_000_000).astype("float64")
    out["_status"] = out["region_status"].map({s: i for i, s in enumerate(REGION_STATUSES)})
    out["_jur"] = out["jurisdiction"].map({"CN": 0, "US": 1}).fillna(2)
    key = "complaint_count" if measure == "complaints" else "rate_per_million"
    out["_key"] = -out[key].where(out["region_status"] == "mapped", out["complaint_count"]).astype("float64")
    out = out.sort_values(["_jur", "jurisdiction", "_status", "_key", "complaint_count", "region_code", "region"],
                          ascending=[True, True, True, True, False, True, True], na_position="last", kind="mergesort")
    out = out.reset_index(drop=True)[list(COLUMNS)]
    for col in ("region_code", "name_en", "name_zh", "region", "population_source"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


# ---- figure --------------------------------------------------------------------------------

_GREY = "#d9d9d9"       # no complaints / no population figure
_SUPPRESSED = "#f4f4f4"  # a count from 1 to k-1 in an export with suppression
_DARK_TEXT = "#1f2d3d"


def map_title(jurisdiction: str, measure: str, lang: str) -> str:
    """The title of the map of ``jurisdiction`` coloured by ``measure`` in ``lang``."""
    return t("places_title_rate" if measure == "rate" else "places_title_count", lang,
             place=t(f"places_place_{jurisdiction.lower()}", lang))


def format_rate(v) -> str:
    """A rate per million for people: ``12.3`` from 10 up, else two decimals (``0.08``);
    ``—`` when there is none."""
    if v is None or pd.isna(v):
        return NO_VALUE
    return f"{v:,.1f}" if v >= 10 else f"{v:.2f}"


def _count_text(n: int, k: int | None) -> str:
    return f"<{k}" if k and 0 < n < k else f"{int(n):,}"


def make_region_tile_map(df: pd.DataFrame, jurisdiction: str, measure: str = "complaints", lang: str = "en",
                         k: int | None = None) -> go.Figure:
    """Tile-grid choropleth of one jurisdiction from :func:`query_region_counts` rows.

    One tile per place with a tile position (``regions.csv``), coloured on a single-hue
    sequential scale (Blues, from 0) by ``measure``: ``complaints`` (count) or ``rate``
    (complaints per million inhabitants); each tile shows the place's short label and
    value. Grey tiles: no complaints, or (rate) no population figure ("—"). The colour bar
    is titled with the unit; a note under the map says what grey means, the population
    source and year (rate maps) and how many complaints are not on the map (region not
    recorded, not recognised, or a place without a tile). A click on a tile with complaints
    filters the view to its stored region values (``analysis.drill``). ``k``: suppress
    counts 1..k-1 (exports): such a tile is pale and reads ``<k``, also on rate maps.
    Traces: grey/pale background heatmap, colour heatmap, one text-and-hover scatter.
    Raises ``ValueError`` for an unknown jurisdiction or measure.
    """
    if jurisdiction not in MAP_JURISDICTIONS or measure not in MEASURES:
        raise ValueError(f"no map for {jurisdiction!r} / {measure!r}")
    zh = lang == "zh"
    regions = load_regions()
    tiles = regions[(regions["jurisdiction"] == jurisdiction) & regions["tile_row"].notna()]
    sub = df[df["jurisdiction"] == jurisdiction]
    mapped = sub[sub["region_status"] == "mapped"].set_index("region_code")
    n_rows, n_cols = int(tiles["tile_row"].max()) + 1, int(tiles["tile_col"].max()) + 1
    value = np.full((n_rows, n_cols), np.nan)  # coloured tiles
    back = np.full((n_rows, n_cols), np.nan)   # 0: grey (no complaints / no population), 1: pale (suppressed)
    cells = []
    for r in tiles.itertuples():
        row = mapped.loc[r.region_code] if r.region_code in mapped.index else None
        n = int(row["complaint_count"]) if row is not None else 0
        rate = float(row["rate_per_million"]) if row is not None and pd.notna(row["rate_per_million"]) else np.nan
        stored = row["region"] if row is not None and row["region"] else None
        cells.append((r, n, rate, bool(k) and 0 < n < k, float(n) if measure == "complaints" else rate, stored))
    vmax = max([v for *_, small, v, _ in cells if not small and not np.isnan(v) and v > 0] + [0.0])
    xs, ys, texts, colours, custom, targets = [], [], [], [], [], []
    for r, n, rate, small, v, stored in cells:
        i, j = int(r.tile_row), int(r.tile_col)
        colour = _DARK_TEXT
        if small:
            back[i, j], shown = 1, f"<{k}"
        elif np.isnan(v) or v <= 0:
            back[i, j] = 0
            shown = f"{n:,}" if measure == "complaints" or n == 0 else NO_VALUE
        else:
            value[i, j] = v
            shown = f"{n:,}" if measure == "complaints" else format_rate(v)
            colour = "white" if v / vmax > 0.55 else _DARK_TEXT
        xs.append(j)
        ys.append(i)
        texts.append(f"<b>{r.tile_label_zh if zh else r.tile_label_en}</b><br>{shown}")
        colours.append(colour)
        custom.append([r.name_zh if zh else r.name_en, _count_text(n, k), "–" if small else format_rate(rate)])
        targets.append({"region": stored.split(" | ")} if stored and n > 0 else None)
    grid = {"x": list(range(n_cols)), "y": list(range(n_rows)), "xgap": 3, "ygap": 3, "hoverinfo": "skip"}
    fig = go.Figure()
    fig.add_heatmap(z=np.where(np.isnan(back), None, back).tolist(), colorscale=[[0, _GREY], [1, _SUPPRESSED]],
                    zmin=0, zmax=1, showscale=False, **grid)
    unit = t("places_unit_rate" if measure == "rate" else "places_unit_count", lang)
    fig.add_heatmap(z=np.where(np.isnan(value), None, value).tolist(), colorscale="Blues", zmin=0, zmax=vmax or 1,
                    colorbar={"title": {"text": unit, "side": "top"}, "thickness": 14, "len": 0.75,
                              "tickformat": ",d" if measure == "complaints" else ",.2~f"}, **grid)
    longest = max(len(part) for lab in tiles["tile_label_zh" if zh else "tile_label_en"] for part in lab.split("<br>"))
    text_trace = go.Scatter(
        x=xs, y=ys, mode="markers+text", text=texts, textfont={"color": colours, "size": 10 if longest > 7 else 11},
        marker={"symbol": "square", "size": 34, "opacity": 0}, customdata=custom, showlegend=False,
        hovertemplate=("%{customdata[0]}<br>" + t("places_col_complaints", lang) + ": %{customdata[1]}<br>"
                       + t("places_col_rate", lang) + ": %{customdata[2]}<extra></extra>"))
    fig.add_trace(drill.tag(text_trace, targets))
    fig.update_xaxes(visible=False, range=[-0.5, n_cols - 0.5], constrain="domain", fixedrange=True)
    fig.update_yaxes(visible=False, range=[n_rows - 0.5, -0.5], scaleanchor="x", scaleratio=0.8, constrain="domain",
                     fixedrange=True)
    notes = [t("places_grey_rate" if measure == "rate" else "places_grey_count", lang)]
    if measure == "rate":
        notes.append(t(f"places_pop_{jurisdiction.lower()}", lang))
    off = _off_map_counts(sub, _tile_codes(jurisdiction))
    if any(off.values()):
        parts = [t(f"places_off_{key}", lang, n=_count_text(v, k)) for key, v in off.items() if v]
        notes.append(t("places_off_map", lang, parts=("；" if zh else "; ").join(parts)))
    lines = [line for note in notes for line in _wrap(note, lang)]
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=-0.02, xanchor="left",
                       yanchor="top", showarrow=False, align="left", font={"size": 11, "color": "#555"})
    fig = _layout(fig, map_title(jurisdiction, measure, lang), height=560, legend=False)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 16 + 15 * len(lines)}, meta={"places_lang": lang})
    return fig


def _wrap(text: str, lang: str, width_en: int = 90, width_zh: int = 46) -> list[str]:
    """Lines of a note under the map (plotly does not wrap text): at spaces in English; in
    Chinese after punctuation once a line is long, or at ``width_zh + 6`` characters."""
    if lang != "zh":
        return textwrap.wrap(text, width_en) or [""]
    lines, cur = [], ""
    for ch in text:
        cur += ch
        if (len(cur) >= width_zh and ch in "，；。）") or len(cur) >= width_zh + 6:
            lines.append(cur)
            cur = ""
    return [line.strip() for line in lines + [cur] if line.strip()]


def _tile_codes(jurisdiction: str) -> set[str]:
    regions = load_regions()
    return set(regions.loc[(regions["jurisdiction"] == jurisdiction) & regions["tile_row"].notna(), "region_code"])


def _off_map_counts(sub: pd.DataFrame, on_map: set[str]) -> dict[str, int]:
    """Complaints of one jurisdiction that no tile shows: ``not_recorded``, ``not_mapped``
    and ``no_tile`` (mapped to a place without a tile, e.g. military mail)."""
    status = sub["region_status"]
    no_tile = (status == "mapped") & ~sub["region_code"].isin(on_map)
    return {"not_recorded": int(sub.loc[status == "not_recorded", "complaint_count"].sum()),
            "not_mapped": int(sub.loc[status == "not_mapped", "complaint_count"].sum()),
            "no_tile": int(sub.loc[no_tile, "complaint_count"].sum())}


def suppress_region_tile_map(fig: go.Figure, frame: pd.DataFrame, k: int, name: str) -> None:
    """Suppress counts 1..k-1 in ``fig`` (catalogue chart ``name`` drawn from ``frame``) in
    place: the map is redrawn with ``k`` (pale tile reading ``<k``; its rate is not shown,
    since rate × population gives the count back; notes read ``<k``)."""
    jur, measure = MAP_CHARTS[name]
    new = make_region_tile_map(frame, jur, measure, (fig.layout.meta or {}).get("places_lang", "en"), k=k)
    fig.data = ()
    fig.add_traces(list(new.data))
    fig.layout = new.layout


#: Export suppressors (``analysis.export.figure.SUPPRESSORS`` form: ``(fig, frame, k)``).
SUPPRESSORS = {name: functools.partial(suppress_region_tile_map, name=name) for name in MAP_CHARTS}


# ---- tables and text for people -------------------------------------------------------------

def region_table(df: pd.DataFrame, jurisdiction: str, lang: str) -> pd.DataFrame:
    """The table beside the map: places of ``jurisdiction`` (rows in the frame's order,
    i.e. by the chosen measure) then its unmapped values and the not-recorded count.

    Columns (headers in ``lang``): place (name; the stored value for an unmapped one, in
    quotes; "region not recorded"), complaints (int64), rate per million (text, ``—``
    without a population figure), share (text, ``12.3%``).
    """
    sub = df[df["jurisdiction"] == jurisdiction]
    zh = lang == "zh"
    names = []
    for r in sub.itertuples():
        if r.region_status == "mapped":
            names.append(r.name_zh if zh else r.name_en)
        elif r.region_status == "not_mapped":
            names.append(t("places_not_mapped_value", lang, value=r.region))
        else:
            names.append(t("places_off_not_recorded_label", lang))
    return pd.DataFrame({
        t("places_col_place", lang): names,
        t("places_col_complaints", lang): sub["complaint_count"].astype("int64").to_numpy(),
        t("places_col_rate", lang): [format_rate(v) for v in sub["rate_per_million"]],
        t("places_col_share", lang): [f"{v:.1f}%" for v in sub["share_pct"]],
    })


def unmapped_values(df: pd.DataFrame, jurisdiction: str | None = None) -> pd.DataFrame:
    """Stored region values that name no known place: ``jurisdiction``, ``region``,
    ``complaint_count``, descending by count (all jurisdictions when None)."""
    sub = df[df["region_status"] == "not_mapped"]
    if jurisdiction is not None:
        sub = sub[sub["jurisdiction"] == jurisdiction]
    return sub[["jurisdiction", "region", "complaint_count"]].reset_index(drop=True)


def unmapped_table(df: pd.DataFrame, jurisdiction: str, lang: str) -> pd.DataFrame:
    """:func:`unmapped_values` of ``jurisdiction`` for people: stored value and complaints,
    headers in ``lang``."""
    sub = unmapped_values(df, jurisdiction)
    return pd.DataFrame({t("col_region", lang): sub["region"].astype(object),
                         t("places_col_complaints", lang): sub["complaint_count"].astype("int64")})


def default_jurisdiction(df: pd.DataFrame) -> str:
    """The map shown first: the jurisdiction of :data:`MAP_JURISDICTIONS` with most
    complaints in ``df`` (rows of :func:`query_region_counts`); the first on a tie or when
    there are none."""
    totals = {j: int(df.loc[df["jurisdiction"] == j, "complaint_count"].sum()) for j in MAP_JURISDICTIONS}
    return max(MAP_JURISDICTIONS, key=lambda j: (totals[j], -MAP_JURISDICTIONS.index(j)))


def describe_region_map(built, lang: str, opts, args: tuple = ()) -> str:
    """One-sentence description of a Places chart for exports (``DESCRIBERS`` form): the
    three places with most complaints (or highest rate), and how many complaints are not on
    the map. Counts 1..k-1 read ``<k`` when ``opts.suppress``; their rates are not written.
    ``args``: the chart's query arguments (unused: the chart name says what it shows)."""
    jur, measure = MAP_CHARTS[built.spec.name]
    k = opts.k if opts.suppress else None
    sub = built.frame[built.frame["jurisdiction"] == jur]
    top = sub[(sub["region_status"] == "mapped") & (sub["complaint_count"] > 0)].head(3)
    zh = lang == "zh"
    parts = []
    for r in top.itertuples():
        name = r.name_zh if zh else r.name_en
        small = bool(k) and r.complaint_count < k
        if measure == "rate":
            parts.append(f"{name} {'–' if small else format_rate(r.rate_per_million)}")
        else:
            parts.append(f"{name} {_count_text(r.complaint_count, k)} ({'–' if small else f'{r.share_pct:.1f}%'})")
    off = sum(_off_map_counts(sub, _tile_codes(jur)).values())
    return t("places_describe_rate" if measure == "rate" else "places_describe_count", lang,
             top=("、" if zh else "; ").join(parts) or NO_VALUE, off=_count_text(off, k))


def chart_specs(spec_cls) -> tuple:
    """The Places charts for ``analysis.charts.CHARTS`` (``spec_cls`` is ``ChartSpec``,
    passed in so this module need not import the catalogue): one per :data:`MAP_CHARTS`
    entry, each reading ``query_region_counts(con, flt, measure)`` and keeping its
    jurisdiction's rows; ``n`` = the jurisdiction's complaints in the view."""
    def spec(name: str, jur: str, measure: str):
        return spec_cls(
            name, "places", "analysis.places:query_region_counts",
            lambda d, lang: make_region_tile_map(d, jur, measure, lang), "complaints",
            lambda d, kpis: int(d["complaint_count"].sum()) if len(d) else 0,
            args=(measure,), select=lambda d: d[d["jurisdiction"] == jur].reset_index(drop=True),
            title_key="places_title_rate" if measure == "rate" else "places_title_count",
            title_values=lambda lang: {"place": t(f"places_place_{jur.lower()}", lang)})
    return tuple(spec(name, jur, measure) for name, (jur, measure) in MAP_CHARTS.items())


#: Export descriptions (``analysis.export.describe.DESCRIBERS`` form).
DESCRIBERS = {name: describe_region_map for name in MAP_CHARTS}
