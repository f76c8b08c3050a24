DROP INDEX observations_series;
CREATE INDEX observations_series ON observations (province_id, indicator_code, period_start, period_end, id);
