-- A series read (one province and indicator between two dates) found its rows in
-- observations_series, then fetched each from the table: a series' months lie on pages far
-- apart. With every column in the index (INCLUDE) the read is an index-only scan. Measured on
-- 1M rows, the cold series went from 6,697 and 6,160 to 7,250 and 7,696 requests/s, and
-- PostgreSQL's CPU per read from 120-133 to 92-99 µs (BENCHMARKS.md, 2026-12-04).
--
-- A B-tree entry holds at most 2,704 bytes. Writes now bound the free text in it (quote 1,500
-- bytes, value_text 200, the indicator's unit 100: `input::MAX_QUOTE_BYTES` and its neighbours),
-- so no write can fail on this index. Rows stored before those bounds may exceed them: then the
-- migration stops here, naming them, rather than build an index some rows cannot enter.
DO $$
DECLARE
    too_long TEXT;
BEGIN
    SELECT string_agg(id::TEXT, ', ' ORDER BY id) INTO too_long
      FROM (SELECT id FROM observations
             WHERE octet_length(quote) > 1500 OR octet_length(value_text) > 200
                OR octet_length(unit) > 100
             ORDER BY id LIMIT 20) AS over;
    IF too_long IS NOT NULL THEN
        RAISE EXCEPTION 'observations % have a quote over 1,500 bytes, a value_text over 200 or a unit over 100: shorten those fields in the database, then start chiso again', too_long;
    END IF;
END $$;
DROP INDEX observations_series;
CREATE INDEX observations_series ON observations (province_id, indicator_code, period_start, period_end, id)
    INCLUDE (period_id, value, value_text, unit, status, qualifier, rank_of, denominator, source_id, quote);
