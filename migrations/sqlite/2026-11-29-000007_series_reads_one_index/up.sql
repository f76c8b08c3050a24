-- Reads of one province and indicator use observations_series. With this second index beside
-- it, PostgreSQL's generic plan for the prepared series query (chosen after five runs, once the
-- table is analyzed) walked the whole series in id order and filtered the dates: 192 rows read
-- to keep 40, a third of the cold series' throughput. A series is a few hundred rows at most,
-- so sorting it by id is cheap.
DROP INDEX observations_province_indicator_id;
