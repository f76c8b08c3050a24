-- A counter every write transaction increments (API writes, imports, dataset loads), so a
-- server can cache what depends on the data, such as list totals, and know when it is stale,
-- even when another process wrote.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
