"""Migration 400: agencies, partnerships, memberships, datasets, agreements and the audit log."""

from __future__ import annotations

from diogel.storage.migrations.base import Migration

#: The first entry of the audit chain follows this hash.
GENESIS = "0" * 64

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        400,
        "sharing: agencies, partnerships, memberships, datasets, agreements, audit log",
        (
            """CREATE TABLE share_agencies (
                agency_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE share_partnerships (
                partnership_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                parent_id TEXT,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE share_partnership_areas (
                partnership_id TEXT NOT NULL,
                council_code TEXT NOT NULL,
                PRIMARY KEY (partnership_id, council_code)
            )""",
            """CREATE TABLE share_memberships (
                username TEXT NOT NULL,
                body_kind TEXT NOT NULL,
                body_id TEXT NOT NULL,
                role TEXT NOT NULL,
                PRIMARY KEY (username, body_kind, body_id)
            )""",
            """CREATE TABLE share_datasets (
                dataset TEXT PRIMARY KEY,
                owner_agency TEXT NOT NULL,
                sensitivity TEXT NOT NULL,
                min_count INTEGER NOT NULL,
                description TEXT
            )""",
            """CREATE TABLE share_agreements (
                agreement_id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                purpose TEXT NOT NULL,
                legal_basis TEXT NOT NULL,
                level TEXT NOT NULL,
                starts_on DATE NOT NULL,
                review_on DATE,
                expires_on DATE NOT NULL,
                retention_days INTEGER NOT NULL,
                created_at TIMESTAMP NOT NULL,
                revoked_at TIMESTAMP,
                revoked_by TEXT,
                revoke_reason TEXT
            )""",
            """CREATE TABLE share_agreement_parties (
                agreement_id TEXT NOT NULL,
                party_kind TEXT NOT NULL,
                party_id TEXT NOT NULL,
                party_role TEXT NOT NULL,
                PRIMARY KEY (agreement_id, party_kind, party_id)
            )""",
            """CREATE TABLE share_agreement_datasets (
                agreement_id TEXT NOT NULL,
                dataset TEXT NOT NULL,
                fields TEXT NOT NULL,
                PRIMARY KEY (agreement_id, dataset)
            )""",
            """CREATE TABLE share_agreement_areas (
                agreement_id TEXT NOT NULL,
                council_code TEXT NOT NULL,
                PRIMARY KEY (agreement_id, council_code)
            )""",
            """CREATE TABLE share_agreement_signatories (
                agreement_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                name TEXT NOT NULL,
                agency_id TEXT NOT NULL,
                signed_on DATE NOT NULL,
                PRIMARY KEY (agreement_id, seq)
            )""",
            """CREATE TABLE share_audit (
                seq BIGINT PRIMARY KEY,
                logged_at TIMESTAMP NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                dataset TEXT,
                query TEXT NOT NULL,
                row_count BIGINT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )""",
            # One row: the last entry's number and hash. Appenders update it first, which
            # serialises them (a row lock on PostgreSQL) and lets verify notice a removed tail.
            """CREATE TABLE share_audit_head (
                id INTEGER PRIMARY KEY,
                seq BIGINT NOT NULL,
                hash TEXT NOT NULL
            )""",
            f"INSERT INTO share_audit_head VALUES (1, 0, '{GENESIS}')",
        ),
        server_statements=(
            # The server refuses to change or remove audit entries; only the table's owner
            # can switch this off, and the hash chain still shows what was done.
            """CREATE FUNCTION share_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END;
            $$""",
            """CREATE TRIGGER share_audit_no_change BEFORE UPDATE OR DELETE ON share_audit
            FOR EACH ROW EXECUTE FUNCTION share_audit_append_only()""",
            """CREATE TRIGGER share_audit_no_truncate BEFORE TRUNCATE ON share_audit
            FOR EACH STATEMENT EXECUTE FUNCTION share_audit_append_only()""",
            "CREATE INDEX share_memberships_body ON share_memberships (body_kind, body_id)",
            "CREATE INDEX share_agreement_datasets_ds ON share_agreement_datasets (dataset)",
        ),
    ),
)
