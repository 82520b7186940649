-- mart_incident_facts: one row per incident with its complaint's dimensions, so the same
-- filter works at incident grain. Needs mart_complaint_facts.
WITH incidents AS (
    SELECT * FROM core_incidents
), complaint_facts AS (
    SELECT * FROM mart_complaint_facts
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
    f.conduct_codes_narrative
FROM incidents i
JOIN complaint_facts f USING (complaint_id)
ORDER BY f.received_date, i.incident_id
