-- The audit trail (every write through the API or an import, in the write's transaction)
-- and revoked token ids (checked on every write, so running servers honour a revocation).

CREATE TABLE changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    resource    TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    actor       TEXT NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    reason      TEXT,
    before      TEXT,
    after       TEXT
);
CREATE INDEX changes_resource ON changes (resource, resource_id, id);

CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY NOT NULL,
    revoked_at TIMESTAMP NOT NULL,
    revoked_by TEXT NOT NULL,
    reason     TEXT
);
