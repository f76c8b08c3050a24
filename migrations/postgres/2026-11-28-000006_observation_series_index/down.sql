DROP INDEX observations_series;
