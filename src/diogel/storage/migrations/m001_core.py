"""Migrations 1 to 5: loaded files, police.uk incidents, rejects, boundary layers."""

from __future__ import annotations

from diogel.storage.migrations.base import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "loaded files, snapshots, incidents, outcomes, stop and search, rejects",
        (
            "CREATE SEQUENCE load_file_seq START 1",
            """CREATE TABLE load_files (
                file_id BIGINT PRIMARY KEY,
                dataset TEXT NOT NULL,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                force TEXT,
                month_from DATE,
                month_to DATE,
                rows_in BIGINT NOT NULL,
                accepted BIGINT NOT NULL,
                rejected BIGINT NOT NULL,
                loaded_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE snapshots (
                dataset TEXT NOT NULL,
                force TEXT NOT NULL,
                month DATE NOT NULL,
                file_id BIGINT NOT NULL,
                PRIMARY KEY (dataset, force, month)
            )""",
            """CREATE TABLE incidents (
                source TEXT NOT NULL,
                crime_id TEXT,
                force TEXT NOT NULL,
                month DATE NOT NULL,
                reported_by TEXT,
                category TEXT NOT NULL,
                location TEXT,
                lon DOUBLE PRECISION,
                lat DOUBLE PRECISION,
                x DOUBLE PRECISION,
                y DOUBLE PRECISION,
                has_location BOOLEAN NOT NULL,
                lsoa_code TEXT,
                lsoa_code_published TEXT,
                lsoa_method TEXT,
                council_code TEXT,
                outcome TEXT,
                outcome_month DATE,
                context TEXT,
                file_id BIGINT NOT NULL,
                line BIGINT NOT NULL
            )""",
            """CREATE TABLE outcome_events (
                crime_id TEXT NOT NULL,
                force TEXT NOT NULL,
                month DATE NOT NULL,
                outcome TEXT NOT NULL,
                lsoa_code_published TEXT,
                file_id BIGINT NOT NULL,
                line BIGINT NOT NULL
            )""",
            """CREATE TABLE stop_searches (
                force TEXT NOT NULL,
                month DATE NOT NULL,
                occurred_at TIMESTAMP,
                search_type TEXT,
                lon DOUBLE PRECISION,
                lat DOUBLE PRECISION,
                x DOUBLE PRECISION,
                y DOUBLE PRECISION,
                has_location BOOLEAN NOT NULL,
                lsoa_code TEXT,
                council_code TEXT,
                gender TEXT,
                age_range TEXT,
                self_defined_ethnicity TEXT,
                officer_defined_ethnicity TEXT,
                legislation TEXT,
                object_of_search TEXT,
                outcome TEXT,
                outcome_linked TEXT,
                removal_of_clothing TEXT,
                policing_operation TEXT,
                file_id BIGINT NOT NULL,
                line BIGINT NOT NULL
            )""",
            """CREATE TABLE rejects (
                file_id BIGINT NOT NULL,
                line BIGINT NOT NULL,
                reason TEXT NOT NULL,
                raw TEXT
            )""",
        ),
        server_statements=(
            "CREATE INDEX load_files_sha ON load_files (dataset, sha256)",
            "CREATE INDEX incidents_force_month ON incidents (source, force, month)",
            "CREATE INDEX incidents_council_month ON incidents (council_code, month)",
            "CREATE INDEX incidents_crime_id ON incidents (crime_id)",
            "CREATE INDEX outcome_events_force_month ON outcome_events (force, month)",
            "CREATE INDEX outcome_events_crime_id ON outcome_events (crime_id)",
            "CREATE INDEX stop_searches_force_month ON stop_searches (force, month)",
            "CREATE INDEX rejects_file ON rejects (file_id)",
        ),
    ),
    Migration(
        2,
        "boundary layers loaded by users",
        (
            """CREATE TABLE boundaries (
                layer TEXT NOT NULL,
                code TEXT NOT NULL,
                name TEXT,
                name_cy TEXT,
                geometry_wkb BYTEA NOT NULL,
                file_id BIGINT NOT NULL,
                PRIMARY KEY (layer, code)
            )""",
        ),
    ),
    Migration(
        3,
        "server indexes that keep bulk loads fast",
        (),
        server_statements=(
            # A B-tree over random 64-character crime ids made every COPY into incidents
            # twice as slow; outcome matching joins a whole load's events in one hash join.
            "DROP INDEX incidents_crime_id",
            "CREATE INDEX incidents_file ON incidents (file_id)",
        ),
    ),
    Migration(
        4,
        "block-range indexes for force-months and files of incidents",
        (),
        server_statements=(
            # A load stores each file's rows together, and a force-month is replaced as
            # a whole, so the table is laid out by file and by force-month: a BRIN index
            # (the range of values in each block of pages) finds them as well as a B-tree
            # and costs almost nothing to keep up during a COPY. Two B-trees updated for
            # every row wrote a third of a load's WAL and made loads 40% slower.
            "DROP INDEX IF EXISTS incidents_force_month",
            "CREATE INDEX incidents_force_month ON incidents USING brin (force, month) "
            "WITH (autosummarize = on)",
            "DROP INDEX IF EXISTS incidents_file",
            "CREATE INDEX incidents_file ON incidents USING brin (file_id) "
            "WITH (autosummarize = on)",
        ),
    ),
    Migration(
        5,
        "crimes and searches without a location hold NULL coordinates",
        (
            "UPDATE incidents SET lon = NULL, lat = NULL "
            "WHERE NOT has_location AND lon IS NOT NULL",
            "UPDATE stop_searches SET lon = NULL, lat = NULL "
            "WHERE NOT has_location AND lon IS NOT NULL",
        ),
    ),
)
