-- Nothing on SQLite: its observations_series has held every column since migration 8. The
-- PostgreSQL migration of this name does the same there.
SELECT 1;
