"""The mart build on Apache Spark: the lake's core Parquet → the two mart tables as Parquet.

Same tables as ``analysis.build.build_marts`` (DuckDB), column for column and value for
value; ``tests/test_spark_marts.py`` checks that on the tiny test database, an edge-case one
and the demonstration database.
Each builder below follows one SQL file of ``analysis/sql/mart/`` CTE by CTE, with the SQL
it mirrors in comments; **change the SQL file and the function together.** The SQL files'
``WHERE {scope}`` (a change set for DuckDB's incremental writes) is always ``TRUE`` here:
Spark builds the marts in full. Where Spark spells a DuckDB function differently:

=====================================================  =============================================
DuckDB (analysis/sql/mart/*.sql)                       Spark here
=====================================================  =============================================
``list_sort(list_distinct(list(x) FILTER (WHERE p)))``  ``array_sort(collect_set(x) FILTER (WHERE p))``
   (NULL for no rows, [] for only NULLs)                   ([] in both cases; both coalesce to [])
``coalesce(l, []::VARCHAR[])``                          ``coalesce(l, CAST(array() AS ARRAY<STRING>))``
``date_trunc('month', d)::DATE``                        ``trunc(d, 'MM')`` (DATE, no time zone)
``isodow(d)`` (BIGINT, Monday = 1)                      ``CAST(extract(DAYOFWEEK_ISO FROM d) AS BIGINT)``
``a IS NOT DISTINCT FROM b``                            ``a <=> b`` (``eqNullSafe``)
``count(*)`` (BIGINT)                                   ``count(*)`` (BIGINT)
``GROUP BY ALL``                                        the grouping columns named
=====================================================  =============================================

Reading: the core tables' schemas come from the lake manifests (``analysis.lake``), mapped
to Spark types (``TIMESTAMP`` → ``TIMESTAMP_NTZ``, so no time zone is ever applied);
partition columns are read as strings. Writing: ``out_dir/<mart>/source=<s>/
received_month=<YYYY-MM>/part-*.parquet`` (one file per partition, rows sorted by key) with
a ``_table.json`` manifest, staged and swapped in like ``analysis.lake.export_parquet``.

Spark runs in local mode: ``local[2]``, 1 GiB driver memory, 2 shuffle partitions, no UI,
bound to 127.0.0.1 and with no packages to fetch (no network). It needs Java 17 or later
(Debian: ``openjdk-17-jre-headless``) and ``pyspark`` (requirements.txt).
"""
from __future__ import annotations

import os
import shutil
import time
import warnings
from pathlib import Path
from typing import Callable

from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.window import Window

from analysis import lake

Progress = Callable[[str], None]

#: Spark settings of :func:`spark_session` (small: the machine has 2 cores shared with others).
SPARK_CONF = {
    "spark.master": "local[2]",
    "spark.driver.memory": "1g",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
    # small local data: adaptive execution (coalescing, skew joins) only adds jobs here; a
    # cluster build would turn it back on
    "spark.sql.adaptive.enabled": "false",
    # list partition directories on the driver (a cluster reading object storage would keep
    # the default, 32, and list with a Spark job)
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "4096",
}

# DuckDB type (lake manifest) → Spark SQL type, for reading the core tables.
_SPARK_TYPE = {
    "VARCHAR": "STRING", "BOOLEAN": "BOOLEAN", "TINYINT": "TINYINT", "SMALLINT": "SMALLINT",
    "INTEGER": "INT", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "FLOAT": "FLOAT", "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP_NTZ", "VARCHAR[]": "ARRAY<STRING>",
}
# Spark type → DuckDB type, for the manifests of the marts written here.
_DUCK_TYPE = {
    T.StringType: "VARCHAR", T.BooleanType: "BOOLEAN", T.ByteType: "TINYINT", T.ShortType: "SMALLINT",
    T.IntegerType: "INTEGER", T.LongType: "BIGINT", T.DoubleType: "DOUBLE", T.FloatType: "FLOAT",
    T.DateType: "DATE", T.TimestampNTZType: "TIMESTAMP",
}


#: Extra settings for short runs on small data (the tests): the JVM compiles with its quick
#: C1 compiler only, which halves start-up and small builds (about 25 s instead of 45-55 s
#: for the test module's three builds) but would slow a long build.
QUICK_START_CONF = {"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1"}


def spark_session(app_name: str = "collection-watch-marts", conf: dict[str, str] | None = None) -> SparkSession:
    """A local SparkSession with ``SPARK_CONF`` updated by ``conf`` (or the already running one,
    whose settings then stay as they are).

    Starts a JVM (about 10 s); stop it with ``.stop()``. Raises whatever pyspark raises when
    Java is missing (``PySparkRuntimeError``: "Java gateway process exited").
    """
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with warnings.catch_warnings():
        # pyspark's py4j converters import pyspark.testing.utils on first use, which warns that
        # pandas >= 3 is not fully supported. This module never moves data through pandas, so
        # import it once here with that warning silenced (later imports are cached).
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
        import pyspark.testing.utils  # noqa: F401
    builder = SparkSession.builder.appName(app_name)
    for key, value in {**SPARK_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read_core(spark: SparkSession, lake_dir: str | os.PathLike, table: str) -> DataFrame:
    """``lake_dir/table`` as a DataFrame with the manifest's columns (partition columns as
    STRING). Raises ``FileNotFoundError`` if the table is not in the lake, ``ValueError``
    for a column type with no Spark mapping."""
    man = lake.read_manifest(lake_dir, table)
    fields = []
    for c in man["columns"]:
        typ = "STRING" if c["name"] in man["partition_by"] else _SPARK_TYPE.get(c["type"])
        if typ is None:
            raise ValueError(f"{table}.{c['name']}: no Spark type for DuckDB {c['type']}")
        fields.append(f"`{c['name']}` {typ}")
    return spark.read.schema(", ".join(fields)).parquet(str(Path(lake_dir) / table))


def _sorted_set(column: str, where: str | None = None):
    """DuckDB ``list_sort(list_distinct(list(column) [FILTER (WHERE where)]))``."""
    agg = f"collect_set({column})" + (f" FILTER (WHERE {where})" if where else "")
    return F.expr(f"array_sort({agg})")


def _empty_list():
    """DuckDB ``[]::VARCHAR[]``."""
    return F.expr("CAST(array() AS ARRAY<STRING>)")


def current_reviews(core_label_reviews: DataFrame) -> DataFrame:
    """``analysis.schema.CURRENT_REVIEWS_SQL``: the latest review of each label or incident."""
    w = Window.partitionBy("complaint_id", "label_kind", "label_code").orderBy(
        F.col("reviewed_at").desc(), F.col("review_id").desc())
    return core_label_reviews.withColumn("_rn", F.row_number().over(w)).where("_rn = 1").drop("_rn")


def counted_incidents(core_incidents: DataFrame, reviews: DataFrame) -> DataFrame:
    """``analysis/sql/mart/_counted_incidents.sql``: incidents but those a current review rejects."""
    rejected = reviews.where("label_kind = 'incident' AND decision = 'reject'").select(
        "complaint_id", F.col("label_code").alias("_incident_id"), F.col("method_code").alias("_method"),
        F.col("recipient_code").alias("_recipient"))
    cond = ((core_incidents["complaint_id"] == rejected["complaint_id"])
            & (core_incidents["incident_id"] == rejected["_incident_id"])
            & core_incidents["method_code"].eqNullSafe(rejected["_method"])
            & core_incidents["recipient_code"].eqNullSafe(rejected["_recipient"]))
    return core_incidents.join(rejected, cond, "left_anti")


def counted_labels(core_complaint_labels: DataFrame, reviews: DataFrame) -> DataFrame:
    """``analysis.schema.COUNTED_LABELS_SQL`` (``reviews``: ``current_reviews``): labels but
    those a current review rejects, plus confirmed or added conducts and debt issues as 'review'."""
    keys = ["complaint_id", "label_kind", "label_code"]
    rejected = reviews.where("decision = 'reject'").select(*keys)
    return (core_complaint_labels.select(*keys, "label_source", "rule_id").join(rejected, keys, "left_anti")
            .unionByName(reviews.where("decision IN ('confirm', 'add') AND label_kind IN ('conduct', 'debt_issue')")
                         .select(*keys, F.lit("review").alias("label_source"),
                                 F.lit(None).cast("string").alias("rule_id"))))


def complaint_facts(core_complaints: DataFrame, core_complaint_labels: DataFrame,
                    core_incidents: DataFrame, core_label_reviews: DataFrame) -> DataFrame:
    """``analysis/sql/mart/mart_complaint_facts.sql``: one row per complaint."""
    # WITH complaints AS (SELECT * FROM core_complaints WHERE {scope})   -- {scope} = TRUE
    complaints = core_complaints
    # reviews AS (SELECT * FROM current_label_reviews WHERE {scope})
    reviews = current_reviews(core_label_reviews)
    # reviewed_labels AS (SELECT ... FROM counted_complaint_labels WHERE {scope})
    reviewed_labels = counted_labels(core_complaint_labels, reviews)
    # labels AS (SELECT complaint_id, list_sort(list_distinct(list(label_code) FILTER (...))) ...
    #            FROM reviewed_labels GROUP BY complaint_id)
    labels = reviewed_labels.groupBy("complaint_id").agg(
        _sorted_set("label_code", "label_kind = 'conduct' AND label_source <> 'model'").alias("conduct_codes"),
        _sorted_set("label_code", "label_kind = 'conduct' AND label_source IN ('issue_code', 'field')")
        .alias("conduct_codes_structured"),
        _sorted_set("label_code", "label_kind = 'conduct' AND label_source IN ('narrative', 'review')")
        .alias("conduct_codes_narrative"),
        _sorted_set("label_code", "label_kind = 'conduct'").alias("conduct_codes_with_model"),
        _sorted_set("label_code", "label_kind = 'debt_issue' AND label_source <> 'model'").alias("debt_issue_codes"),
        _sorted_set("label_code", "label_kind = 'demand'").alias("demand_codes"),
    )
    # incidents AS (SELECT complaint_id, count(*) AS incident_count, list_sort(list_distinct(...)) ...
    #               FROM counted_incidents GROUP BY complaint_id)
    incidents = counted_incidents(core_incidents, reviews).groupBy("complaint_id").agg(
        F.count(F.lit(1)).alias("incident_count"),
        _sorted_set("method_code").alias("method_codes"),
        _sorted_set("method_code", "time_source IN ('issue_code', 'field')").alias("method_codes_structured"),
        _sorted_set("method_code", "time_source IN ('narrative', 'review')").alias("method_codes_narrative"),
    )
    c, lab, inc = complaints.alias("c"), labels.alias("l"), incidents.alias("i")
    # FROM complaints c LEFT JOIN labels l USING (complaint_id) LEFT JOIN incidents i USING (complaint_id)
    joined = c.join(lab, "complaint_id", "left").join(inc, "complaint_id", "left")
    return joined.select(
        "complaint_id",
        F.col("c.source"),
        F.col("c.jurisdiction"),
        F.col("c.received_date"),
        F.trunc("c.received_date", "MM").alias("received_month"),  # date_trunc('month', ...)::DATE
        F.coalesce(F.col("c.product"), F.lit("(not recorded)")).alias("product"),
        F.col("c.creditor_name"),
        F.col("c.collector_name"),
        F.coalesce(F.col("c.collector_name"), F.col("c.creditor_name")).alias("company_name"),
        F.col("c.region"),
        F.col("c.filed_with"),
        F.col("c.submission_medium"),
        F.col("c.outcome_code"),
        F.col("c.is_timely_response"),
        F.col("c.response_days"),
        F.col("c.has_narrative"),
        *[F.coalesce(F.col(f"l.{n}"), _empty_list()).alias(n) for n in (
            "conduct_codes", "conduct_codes_structured", "conduct_codes_narrative", "debt_issue_codes",
            "demand_codes")],
        F.coalesce(F.col("i.incident_count"), F.lit(0).cast("bigint")).alias("incident_count"),
        *[F.coalesce(F.col(f"i.{n}"), _empty_list()).alias(n) for n in (
            "method_codes", "method_codes_structured", "method_codes_narrative")],
        F.coalesce(F.col("l.conduct_codes_with_model"), _empty_list()).alias("conduct_codes_with_model"),
    )
    # ORDER BY c.received_date, c.complaint_id: row order is not kept by the mart's Parquet
    # partitions; the writer sorts each partition by key instead.


def incident_facts(core_incidents: DataFrame, mart_complaint_facts: DataFrame,
                   core_label_reviews: DataFrame) -> DataFrame:
    """``analysis/sql/mart/mart_incident_facts.sql``: one row per incident with its complaint's
    dimensions and ``is_in_all_view``."""
    # WITH reviews AS (...), counted_incidents AS (...),
    #      incidents AS (SELECT *, CASE ... END AS origin, CASE time_precision ... END AS precision_rank
    #                    FROM counted_incidents)
    incidents = counted_incidents(core_incidents, current_reviews(core_label_reviews)).select(
        "*",
        F.expr("CASE WHEN time_source IN ('narrative', 'review') THEN 'narrative' ELSE 'structured' END")
        .alias("origin"),
        F.expr("CASE time_precision WHEN 'exact' THEN 4 WHEN 'daypart' THEN 3 WHEN 'outside_window_only' THEN 2 "
               "WHEN 'date_only' THEN 1 ELSE 0 END").alias("precision_rank"),
    )
    # best AS (SELECT complaint_id, method_code, max(precision_rank) FILTER (...) AS structured_rank,
    #          max(precision_rank) FILTER (...) AS narrative_rank FROM incidents GROUP BY ALL)
    best = incidents.groupBy("complaint_id", "method_code").agg(
        F.expr("max(precision_rank) FILTER (WHERE origin = 'structured')").alias("structured_rank"),
        F.expr("max(precision_rank) FILTER (WHERE origin = 'narrative')").alias("narrative_rank"),
    )
    # complaint_facts AS (SELECT * FROM mart_complaint_facts WHERE {scope})   -- {scope} = TRUE
    i, b, f = incidents.alias("i"), best.alias("b"), mart_complaint_facts.alias("f")
    # FROM incidents i
    # JOIN best b ON b.complaint_id = i.complaint_id AND b.method_code IS NOT DISTINCT FROM i.method_code
    # JOIN complaint_facts f ON f.complaint_id = i.complaint_id
    joined = (i.join(b, (F.col("b.complaint_id") == F.col("i.complaint_id"))
                     & F.col("b.method_code").eqNullSafe(F.col("i.method_code")))
               .join(f, F.col("f.complaint_id") == F.col("i.complaint_id")))
    return joined.select(
        F.col("i.incident_id"),
        F.col("i.complaint_id"),
        F.col("i.occurred_date"),
        F.col("i.occurred_at"),
        F.col("i.occurred_hour"),
        F.expr("CAST(extract(DAYOFWEEK_ISO FROM i.occurred_date) AS BIGINT)").alias("occurred_weekday"),  # isodow
        F.trunc("i.occurred_date", "MM").alias("occurred_month"),  # date_trunc('month', ...)::DATE
        F.col("i.time_precision"),
        F.col("i.time_source"),
        F.col("i.daypart_code"),
        F.col("i.method_code"),
        F.col("i.recipient_code"),
        F.col("i.is_outside_permitted_hours"),
        F.col("i.time_rule_status"),
        F.col("i.time_rule_id"),
        F.expr("CASE WHEN i.origin = 'structured' THEN b.narrative_rank IS NULL OR b.structured_rank >= b.narrative_rank "
               "ELSE b.structured_rank IS NULL OR b.narrative_rank > b.structured_rank END").alias("is_in_all_view"),
        *[F.col(f"f.{n}") for n in (
            "source", "jurisdiction", "received_date", "received_month", "product", "creditor_name",
            "collector_name", "company_name", "region", "filed_with", "submission_medium", "outcome_code",
            "conduct_codes", "conduct_codes_structured", "conduct_codes_narrative", "conduct_codes_with_model")],
    )
    # ORDER BY f.received_date, i.incident_id: see complaint_facts.


def _manifest_columns(df: DataFrame) -> list[dict]:
    cols = []
    for field in df.schema.fields:
        dt = field.dataType
        if isinstance(dt, T.ArrayType) and isinstance(dt.elementType, T.StringType):
            typ = "VARCHAR[]"
        else:
            typ = _DUCK_TYPE.get(type(dt))
            if typ is None:
                raise ValueError(f"{field.name}: no DuckDB type for Spark {dt.simpleString()}")
        cols.append({"name": field.name, "type": typ, "added": False})
    return cols


def write_mart(df: DataFrame, table_dir: Path, table: str, key: str, written_by: str) -> int:
    """Write ``df`` (a mart with ``source`` and DATE ``received_month``) to ``table_dir`` as
    hive-partitioned Parquet like ``analysis.lake`` (``received_month`` stored as ``YYYY-MM``),
    one file per partition with rows sorted by ``key``, plus the manifest. Returns the row
    count. ``table_dir`` must not exist."""
    parts = list(lake.PARTITION_BY)
    counted = Observation(f"{table}_rows")  # counts the rows while writing (no second pass)
    (df.observe(counted, F.count(F.lit(1)).alias("rows"))
       .withColumn("received_month", F.date_format("received_month", "yyyy-MM"))
       .repartition(*parts)
       .sortWithinPartitions(*parts, key)
       .write.mode("errorifexists").partitionBy(*parts).parquet(str(table_dir)))
    rows = int(counted.get["rows"])
    lake.write_manifest(table_dir, table, rows, _manifest_columns(df), written_by)
    return rows


def build_marts_spark(lake_dir: str | os.PathLike, out_dir: str | os.PathLike, *,
                      spark: SparkSession | None = None, progress: Progress | None = None) -> dict[str, int]:
    """Build ``mart_complaint_facts`` and ``mart_incident_facts`` with Spark from the core
    tables of the lake at ``lake_dir`` (written by ``analysis.lake.export_parquet``) and write
    them as hive-partitioned Parquet under ``out_dir`` (``out_dir`` may be ``lake_dir``
    itself: the marts there are then replaced, the core tables left as they are).

    Columns, types (DuckDB names in the manifests: VARCHAR, DATE, TIMESTAMP, TINYINT, BIGINT,
    INTEGER, BOOLEAN, VARCHAR[]) and values equal those of ``analysis.build.build_marts``.
    Staged and swapped in per table (``analysis.lake.swap_in``): on error ``out_dir`` is
    unchanged. ``spark``: a session to use (default: the active one, else a new one from
    :func:`spark_session`, stopped at the end). ``progress`` receives one line per table.

    Returns ``{table: rows}``. Raises ``FileNotFoundError`` if a core table is missing from
    the lake; Spark errors (``pyspark.errors.PySparkException``) propagate.
    """
    for table in lake.CORE_TABLES:
        lake.read_manifest(lake_dir, table)  # fail early, naming the missing table
    own = spark is None and SparkSession.getActiveSession() is None
    spark = spark or SparkSession.getActiveSession() or spark_session()
    written_by = f"spark {spark.version}"
    staging = lake.staging_dir(out_dir)
    counts: dict[str, int] = {}
    try:
        core = {t: read_core(spark, lake_dir, t) for t in lake.CORE_TABLES}
        t0 = time.perf_counter()
        cf = complaint_facts(core["core_complaints"], core["core_complaint_labels"], core["core_incidents"],
                             core["core_label_reviews"])
        cf = cf.persist()  # read again by mart_incident_facts, as the DuckDB build reads the table
        counts["mart_complaint_facts"] = write_mart(
            cf, staging / "mart_complaint_facts", "mart_complaint_facts", "complaint_id", written_by)
        if progress:
            progress(f"mart_complaint_facts: {counts['mart_complaint_facts']:,} rows, "
                     f"{time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        inc = incident_facts(core["core_incidents"], cf, core["core_label_reviews"])
        counts["mart_incident_facts"] = write_mart(
            inc, staging / "mart_incident_facts", "mart_incident_facts", "incident_id", written_by)
        if progress:
            progress(f"mart_incident_facts: {counts['mart_incident_facts']:,} rows, "
                     f"{time.perf_counter() - t0:.1f} s")
        cf.unpersist()
        lake.swap_in(staging, Path(out_dir), lake.MART_TABLES)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if own:
            spark.stop()
    return counts
