CREATE INDEX observations_province_indicator_id ON observations (province_id, indicator_code, id);
