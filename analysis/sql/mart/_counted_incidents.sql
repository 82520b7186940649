-- Fragment (not a mart): the incidents of the {scope} complaints that count, i.e. all but those
-- whose current review rejects them (matched by incident id, method and recipient as the
-- reviewer saw them, so a re-read incident that differs is not covered). Included by both facts
-- marts as "{counted_incidents}" (analysis.build.mart_sql); needs a CTE "reviews".
SELECT i.* FROM (SELECT * FROM core_incidents WHERE {scope}) i
ANTI JOIN (SELECT complaint_id, label_code, method_code, recipient_code FROM reviews
           WHERE label_kind = 'incident' AND decision = 'reject') r
    ON r.complaint_id = i.complaint_id AND r.label_code = i.incident_id
    AND r.method_code IS NOT DISTINCT FROM i.method_code AND r.recipient_code IS NOT DISTINCT FROM i.recipient_code
