"""SQL shared by the DuckDB and PostgreSQL backends (portable: ``?`` parameters)."""

from __future__ import annotations

FILES = """
SELECT f.file_id, f.dataset, f.kind, f.name, f.sha256, f.force, f.month_from, f.month_to,
       f.rows_in, f.accepted, f.rejected, f.loaded_at,
       (EXISTS (SELECT 1 FROM snapshots s WHERE s.file_id = f.file_id)
        OR EXISTS (SELECT 1 FROM boundaries b WHERE b.file_id = f.file_id)) AS current
FROM load_files f
ORDER BY f.file_id
"""

#: The latest outcome event per crime among the crimes a file touches.
APPLY_OUTCOMES = """
UPDATE incidents SET outcome = e.outcome, outcome_month = e.month
FROM (
    SELECT DISTINCT ON (crime_id) crime_id, outcome, month
    FROM outcome_events
    WHERE crime_id IN (SELECT crime_id FROM outcome_events WHERE file_id IN ({file_ids}))
    ORDER BY crime_id, month DESC, file_id DESC, line DESC
) AS e
WHERE incidents.crime_id = e.crime_id
  AND incidents.source = 'police-uk-street'
  AND (incidents.outcome_month IS NULL OR incidents.outcome_month <= e.month)
"""

#: After a street snapshot is replaced, dated outcome events still apply to its crimes.
REAPPLY_OUTCOMES_FOR_FILES = """
UPDATE incidents SET outcome = e.outcome, outcome_month = e.month
FROM (
    SELECT DISTINCT ON (crime_id) crime_id, outcome, month
    FROM outcome_events
    ORDER BY crime_id, month DESC, file_id DESC, line DESC
) AS e
WHERE incidents.crime_id = e.crime_id AND incidents.file_id BETWEEN ? AND ?
"""

AREA_COLUMN = {"council": "council_code", "force": "force", "lsoa": "lsoa_code"}

#: Files whose data is still in the store, by dataset and SHA-256 of their bytes.
CURRENT_CHECKSUMS = """
SELECT f.dataset, f.sha256, MAX(f.file_id)
FROM load_files f JOIN snapshots s ON s.file_id = f.file_id
GROUP BY f.dataset, f.sha256
"""
