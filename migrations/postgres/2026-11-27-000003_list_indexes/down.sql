DROP INDEX targets_province_id;
DROP INDEX observations_province_indicator_id;
DROP INDEX observations_indicator_id;
DROP INDEX observations_province_id;
