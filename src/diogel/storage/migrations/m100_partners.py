"""Migrations 100-199: partner events (A&E, council, fire...), files, places, noise keys."""

from __future__ import annotations

from diogel.storage.migrations.base import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        100,
        "partner events, partner files and place matches for review",
        (
            """CREATE TABLE partner_events (
                dataset TEXT NOT NULL,
                agency TEXT NOT NULL,
                theme TEXT NOT NULL,
                category TEXT,
                occurred_on DATE NOT NULL,
                occurred_at TIMESTAMP,
                has_time BOOLEAN NOT NULL,
                month DATE NOT NULL,
                reported_on DATE,
                reported_at TIMESTAMP,
                record_key TEXT,
                person_key TEXT,
                location TEXT,
                place TEXT,
                location_method TEXT NOT NULL,
                match_score DOUBLE PRECISION,
                x DOUBLE PRECISION,
                y DOUBLE PRECISION,
                has_location BOOLEAN NOT NULL,
                lsoa_code TEXT,
                council_code TEXT,
                area_code TEXT,
                weapon TEXT,
                location_type TEXT,
                property_type TEXT,
                site TEXT,
                repeat_flag BOOLEAN,
                synthetic BOOLEAN NOT NULL,
                file_id BIGINT NOT NULL,
                line BIGINT NOT NULL
            )""",
            """CREATE TABLE partner_files (
                file_id BIGINT PRIMARY KEY,
                dataset TEXT NOT NULL,
                mapping TEXT NOT NULL,
                mapping_sha256 TEXT NOT NULL,
                agency TEXT NOT NULL,
                key_id TEXT,
                area_code TEXT,
                matched BIGINT NOT NULL,
                review BIGINT NOT NULL,
                unmatched BIGINT NOT NULL,
                replaced BIGINT NOT NULL
            )""",
            """CREATE TABLE place_reviews (
                file_id BIGINT NOT NULL,
                line BIGINT NOT NULL,
                text TEXT,
                candidate TEXT,
                score DOUBLE PRECISION,
                reason TEXT NOT NULL
            )""",
        ),
        server_statements=(
            "CREATE INDEX partner_events_dataset_month ON partner_events (dataset, month)",
            "CREATE INDEX partner_events_council_month ON partner_events (council_code, month)",
            "CREATE INDEX partner_events_record ON partner_events (dataset, record_key)",
            "CREATE INDEX partner_events_file ON partner_events (file_id)",
            "CREATE INDEX place_reviews_file ON place_reviews (file_id)",
        ),
    ),
    Migration(
        101,
        "a secret random noise key for every partner event (cell-key perturbation)",
        (
            # Special category counts are perturbed by the sum of their records' keys
            # (diogel.analysis.cell_key). Loads draw each row's key; the default gives
            # rows stored before this migration, and rows written any other way, a key
            # of their own, drawn per row, from 0 to 255.
            "ALTER TABLE partner_events ADD COLUMN noise_key SMALLINT "
            "DEFAULT CAST(FLOOR(random() * 256) AS SMALLINT)",
        ),
    ),
)
