-- Lists filtered by province or indicator are ordered by id: these indexes serve the filter
-- and the order together, so a page reads its rows in order instead of sorting every match.
CREATE INDEX observations_province_id ON observations (province_id, id);
CREATE INDEX observations_indicator_id ON observations (indicator_code, id);
CREATE INDEX observations_province_indicator_id ON observations (province_id, indicator_code, id);
CREATE INDEX targets_province_id ON targets (province_id, id);
