-- A series is one province and indicator over a range of periods: this index answers its count
-- and its rows from the index alone, where the (province_id, indicator_code, id) one had to
-- visit every row of the pair to test its dates.
CREATE INDEX observations_series ON observations (province_id, indicator_code, period_start, period_end, id);
