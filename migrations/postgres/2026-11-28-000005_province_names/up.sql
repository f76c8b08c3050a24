-- A unit's earlier names and kinds: Thừa Thiên Huế was a province until 2024-12-31 and is the
-- city of Huế since; the `provinces` row holds today's name and kind, this table what held
-- before, so a date can be answered with the name then.
CREATE TABLE province_names (
    province_id TEXT NOT NULL REFERENCES provinces (id) ON DELETE CASCADE,
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('province', 'municipality')),
    valid_from  DATE,
    valid_to    DATE NOT NULL,
    PRIMARY KEY (province_id, valid_to)
);
