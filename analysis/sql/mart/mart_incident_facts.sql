-- mart_incident_facts: one row per incident with its complaint's dimensions, so the same
-- filter works at incident grain. Needs mart_complaint_facts.
-- is_in_all_view: when labels from all sources are shown, a contact reported both by a
-- structured field / issue code and by the narrative must count once. Per complaint and
-- method, the origin whose time is more precise is kept (structured wins ties).
-- {scope}: the complaints to build (TRUE for all, or a change set; see mart_complaint_facts).
-- Incidents a reviewer rejected are left out; those a reviewer entered count as narrative ones.
WITH reviews AS (
    SELECT * FROM current_label_reviews WHERE {scope}
), counted_incidents AS (
    {counted_incidents}
), incidents AS (
    SELECT *,
        CASE WHEN time_source IN ('narrative', 'review') THEN 'narrative' ELSE 'structured' END AS origin,
        CASE time_precision WHEN 'exact' THEN 4 WHEN 'daypart' THEN 3 WHEN 'outside_window_only' THEN 2
                            WHEN 'date_only' THEN 1 ELSE 0 END AS precision_rank
    FROM counted_incidents
), best AS (
    SELECT complaint_id, method_code,
        max(precision_rank) FILTER (WHERE origin = 'structured') AS structured_rank,
        max(precision_rank) FILTER (WHERE origin = 'narrative') AS narrative_rank
    FROM incidents GROUP BY ALL
), complaint_facts AS (
    SELECT * FROM mart_complaint_facts WHERE {scope}
)
SELECT
    i.incident_id,
    i.complaint_id,
    i.occurred_date,
    i.occurred_at,
    i.occurred_hour,
    isodow(i.occurred_date) AS occurred_weekday,
    date_trunc('month', i.occurred_date)::DATE AS occurred_month,
    i.time_precision,
    i.time_source,
    i.daypart_code,
    i.method_code,
    i.recipient_code,
    i.is_outside_permitted_hours,
    i.time_rule_status,
    i.time_rule_id,
    CASE WHEN i.origin = 'structured' THEN b.narrative_rank IS NULL OR b.structured_rank >= b.narrative_rank
         ELSE b.structured_rank IS NULL OR b.narrative_rank > b.structured_rank END AS is_in_all_view,
    f.source,
    f.jurisdiction,
    f.received_date,
    f.received_month,
    f.product,
    f.creditor_name,
    f.collector_name,
    f.company_name,
    f.region,
    f.filed_with,
    f.submission_medium,
    f.outcome_code,
    f.conduct_codes,
    f.conduct_codes_structured,
    f.conduct_codes_narrative,
    f.conduct_codes_with_model
FROM incidents i
JOIN best b ON b.complaint_id = i.complaint_id AND b.method_code IS NOT DISTINCT FROM i.method_code
JOIN complaint_facts f ON f.complaint_id = i.complaint_id
ORDER BY f.received_date, i.incident_id
