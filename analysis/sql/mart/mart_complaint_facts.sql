-- mart_complaint_facts: one row per complaint with every dimension the filters use,
-- conduct / method codes as sorted lists. Pages query this table (never raw).
-- {scope}: the complaints to build (TRUE for all; a change set for incremental writes,
-- see analysis.build.update_marts). A complaint's row depends on that complaint's rows only.
-- Reviewed labels win in every count (analysis/reviews.py): labels are read from the view
-- counted_complaint_labels (analysis.schema.COUNTED_LABELS_SQL: rejected ones left out, confirmed
-- or added ones with label_source 'review'); an incident whose current review is 'reject' is
-- left out (the counted_incidents fragment, _counted_incidents.sql).
WITH complaints AS (
    SELECT * FROM core_complaints WHERE {scope}
), reviews AS (
    SELECT * FROM current_label_reviews WHERE {scope}
), reviewed_labels AS (
    SELECT complaint_id, label_kind, label_code, label_source FROM counted_complaint_labels WHERE {scope}
), labels AS (
    SELECT
        complaint_id,
        -- model labels are suggestions: counted only in the "rules + model" column
        -- (analysis/classify/model.py), or once a reviewer confirms them
        list_sort(list_distinct(list(label_code) FILTER (
            WHERE label_kind = 'conduct' AND label_source <> 'model'))) AS conduct_codes,
        list_sort(list_distinct(list(label_code) FILTER (
            WHERE label_kind = 'conduct' AND label_source IN ('issue_code', 'field')))) AS conduct_codes_structured,
        list_sort(list_distinct(list(label_code) FILTER (
            WHERE label_kind = 'conduct' AND label_source IN ('narrative', 'review')))) AS conduct_codes_narrative,
        list_sort(list_distinct(list(label_code) FILTER (WHERE label_kind = 'conduct'))) AS conduct_codes_with_model,
        list_sort(list_distinct(list(label_code) FILTER (WHERE label_kind = 'debt_issue'
            AND label_source <> 'model'))) AS debt_issue_codes,
        list_sort(list_distinct(list(label_code) FILTER (WHERE label_kind = 'demand'))) AS demand_codes
    FROM reviewed_labels
    GROUP BY complaint_id
), counted_incidents AS (
    {counted_incidents}
), incidents AS (
    SELECT
        complaint_id,
        count(*) AS incident_count,
        list_sort(list_distinct(list(method_code))) AS method_codes,
        list_sort(list_distinct(list(method_code) FILTER (WHERE time_source IN ('issue_code', 'field')))) AS method_codes_structured,
        list_sort(list_distinct(list(method_code) FILTER (WHERE time_source IN ('narrative', 'review')))) AS method_codes_narrative
    FROM counted_incidents
    GROUP BY complaint_id
)
SELECT
    c.complaint_id,
    c.source,
    c.jurisdiction,
    c.received_date,
    date_trunc('month', c.received_date)::DATE AS received_month,
    -- a source without products (intake logs, platform exports) gets an explicit value, so the
    -- product filter can select it: see analysis.filters.PRODUCT_NOT_RECORDED
    coalesce(c.product, '(not recorded)') AS product,
    c.creditor_name,
    c.collector_name,
    coalesce(c.collector_name, c.creditor_name) AS company_name,
    c.region,
    c.filed_with,
    c.submission_medium,
    c.outcome_code,
    c.is_timely_response,
    c.response_days,
    c.has_narrative,
    coalesce(l.conduct_codes, []::VARCHAR[]) AS conduct_codes,
    coalesce(l.conduct_codes_structured, []::VARCHAR[]) AS conduct_codes_structured,
    coalesce(l.conduct_codes_narrative, []::VARCHAR[]) AS conduct_codes_narrative,
    coalesce(l.debt_issue_codes, []::VARCHAR[]) AS debt_issue_codes,
    coalesce(l.demand_codes, []::VARCHAR[]) AS demand_codes,
    coalesce(i.incident_count, 0) AS incident_count,
    coalesce(i.method_codes, []::VARCHAR[]) AS method_codes,
    coalesce(i.method_codes_structured, []::VARCHAR[]) AS method_codes_structured,
    coalesce(i.method_codes_narrative, []::VARCHAR[]) AS method_codes_narrative,
    coalesce(l.conduct_codes_with_model, []::VARCHAR[]) AS conduct_codes_with_model
FROM complaints c
LEFT JOIN labels l USING (complaint_id)
LEFT JOIN incidents i USING (complaint_id)
ORDER BY c.received_date, c.complaint_id
