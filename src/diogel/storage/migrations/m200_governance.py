"""Migrations 200-201: the governance register (bodies, duties, seats) and the review tracker.

Every table is keyed by ``region`` (one register per region) and keeps ``seq``, the
order entries had in the file, so a register reads back exactly as it was written.
Which body discharges which duty is one row per council area.
"""

from __future__ import annotations

from diogel.storage.migrations.base import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        200,
        "governance register and review tracker",
        (
            """CREATE TABLE gov_registers (
                region TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                name_cy TEXT,
                source TEXT,
                note TEXT,
                loaded_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE gov_councils (
                region TEXT NOT NULL,
                seq INTEGER NOT NULL,
                council_code TEXT NOT NULL,
                PRIMARY KEY (region, council_code)
            )""",
            """CREATE TABLE gov_organisations (
                region TEXT NOT NULL,
                seq INTEGER NOT NULL,
                org_id TEXT NOT NULL,
                name TEXT NOT NULL,
                name_cy TEXT,
                kind TEXT NOT NULL,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, org_id)
            )""",
            """CREATE TABLE gov_people (
                region TEXT NOT NULL,
                seq INTEGER NOT NULL,
                person_id TEXT NOT NULL,
                name TEXT NOT NULL,
                name_cy TEXT,
                org_id TEXT NOT NULL,
                role TEXT,
                role_cy TEXT,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, person_id)
            )""",
            """CREATE TABLE gov_bodies (
                region TEXT NOT NULL,
                seq INTEGER NOT NULL,
                body_id TEXT NOT NULL,
                name TEXT NOT NULL,
                name_cy TEXT,
                kind TEXT NOT NULL,
                parent_id TEXT,
                legal_basis TEXT,
                chair_org TEXT,
                secretariat_org TEXT,
                meetings_per_year DOUBLE PRECISION,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, body_id)
            )""",
            """CREATE TABLE gov_body_areas (
                region TEXT NOT NULL,
                body_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                council_code TEXT NOT NULL,
                PRIMARY KEY (region, body_id, council_code)
            )""",
            """CREATE TABLE gov_body_themes (
                region TEXT NOT NULL,
                body_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                theme TEXT NOT NULL,
                PRIMARY KEY (region, body_id, theme)
            )""",
            """CREATE TABLE gov_duties (
                region TEXT NOT NULL,
                seq INTEGER NOT NULL,
                duty_id TEXT NOT NULL,
                title TEXT NOT NULL,
                title_cy TEXT,
                legislation TEXT NOT NULL,
                section_ref TEXT NOT NULL,
                holders TEXT NOT NULL,
                requires TEXT,
                frequency TEXT,
                note TEXT,
                PRIMARY KEY (region, duty_id)
            )""",
            """CREATE TABLE gov_discharges (
                region TEXT NOT NULL,
                seq INTEGER NOT NULL,
                duty_id TEXT NOT NULL,
                body_id TEXT NOT NULL,
                council_code TEXT NOT NULL,
                area_seq INTEGER NOT NULL,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, duty_id, body_id, council_code)
            )""",
            """CREATE TABLE gov_seats (
                region TEXT NOT NULL,
                seq INTEGER NOT NULL,
                person_id TEXT NOT NULL,
                body_id TEXT NOT NULL,
                role TEXT NOT NULL,
                hours_per_year DOUBLE PRECISION,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, person_id, body_id)
            )""",
            """CREATE TABLE gov_reviews (
                region TEXT NOT NULL,
                seq INTEGER NOT NULL,
                review_id TEXT NOT NULL,
                title TEXT NOT NULL,
                title_cy TEXT,
                commissioned_by TEXT NOT NULL,
                agreed_on DATE,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, review_id)
            )""",
            """CREATE TABLE gov_meetings (
                region TEXT NOT NULL,
                review_id TEXT NOT NULL,
                meeting_date DATE NOT NULL,
                PRIMARY KEY (region, review_id, meeting_date)
            )""",
            """CREATE TABLE gov_workstreams (
                region TEXT NOT NULL,
                review_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                workstream_id TEXT NOT NULL,
                title TEXT NOT NULL,
                title_cy TEXT,
                lead_id TEXT,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, review_id, workstream_id)
            )""",
            """CREATE TABLE gov_recommendations (
                region TEXT NOT NULL,
                review_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                recommendation_id TEXT NOT NULL,
                text_en TEXT NOT NULL,
                text_cy TEXT,
                workstream_id TEXT,
                decision TEXT NOT NULL,
                decided_on DATE,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, review_id, recommendation_id)
            )""",
            """CREATE TABLE gov_actions (
                region TEXT NOT NULL,
                review_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                action_id TEXT NOT NULL,
                title TEXT NOT NULL,
                title_cy TEXT,
                recommendation_id TEXT,
                workstream_id TEXT,
                owner_id TEXT,
                due DATE,
                status TEXT NOT NULL,
                rag TEXT,
                decision TEXT,
                decision_cy TEXT,
                created_on DATE,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, review_id, action_id)
            )""",
            """CREATE TABLE gov_action_dependencies (
                region TEXT NOT NULL,
                review_id TEXT NOT NULL,
                action_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                depends_on TEXT NOT NULL,
                PRIMARY KEY (region, review_id, action_id, depends_on)
            )""",
            """CREATE TABLE gov_milestones (
                region TEXT NOT NULL,
                review_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                milestone_id TEXT NOT NULL,
                title TEXT NOT NULL,
                title_cy TEXT,
                workstream_id TEXT,
                due DATE NOT NULL,
                done_on DATE,
                illustrative BOOLEAN NOT NULL,
                note TEXT,
                PRIMARY KEY (region, review_id, milestone_id)
            )""",
            """CREATE TABLE gov_history (
                region TEXT NOT NULL,
                review_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                action_id TEXT NOT NULL,
                field_name TEXT NOT NULL,
                old_value TEXT,
                new_value TEXT,
                changed_on DATE NOT NULL,
                note TEXT,
                note_cy TEXT,
                illustrative BOOLEAN NOT NULL,
                PRIMARY KEY (region, review_id, seq)
            )""",
        ),
    ),
    Migration(
        201,
        "Welsh titles of the legislation behind each duty",
        (
            "ALTER TABLE gov_duties ADD COLUMN legislation_cy TEXT",
            "ALTER TABLE gov_duties ADD COLUMN section_cy TEXT",
        ),
    ),
)
