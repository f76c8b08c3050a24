DROP TABLE awards;
DROP TABLE targets;
DROP TABLE observations;
DROP TABLE sources;
DROP TABLE indicators;
DROP TABLE periods;
DROP TABLE province_lineage;
DROP TABLE provinces;
