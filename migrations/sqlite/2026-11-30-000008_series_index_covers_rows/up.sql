-- A series read (one province and indicator between two dates) found its 40 rows in
-- observations_series, then fetched each from the table by rowid: 40 seeks to rows that lie
-- far apart (a series' months are imported among every other province's), 14% of a cold read.
-- With every column in the index a series is one range of adjacent index entries, and no row
-- is fetched: the cold series went from 12,574 and 13,016 to 15,852 and 17,159 requests/s at
-- 1M rows (BENCHMARKS.md). At 1M synthetic rows the index grew from 107 to 109 MB; with real
-- quotes it grows by about their size, as the table does.
DROP INDEX observations_series;
CREATE INDEX observations_series ON observations (
    province_id, indicator_code, period_start, period_end, id,
    period_id, value, value_text, unit, status, qualifier, rank_of, denominator, source_id, quote
);
