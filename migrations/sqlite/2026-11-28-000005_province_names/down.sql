DROP TABLE province_names;
