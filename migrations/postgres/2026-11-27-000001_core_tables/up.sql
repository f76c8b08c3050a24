-- chiso core tables (PostgreSQL). Keep in step with migrations/sqlite: a test compares the two folders.
-- Same tables, columns and constraints as the SQLite migration, in PostgreSQL types.

CREATE TABLE provinces (
    id          TEXT PRIMARY KEY NOT NULL,
    gso_code    TEXT NOT NULL,
    iso_code    TEXT UNIQUE,
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('province', 'municipality')),
    region      TEXT NOT NULL,
    valid_from  DATE,
    valid_to    DATE,
    search_text TEXT NOT NULL
);
CREATE INDEX provinces_gso_code ON provinces (gso_code);

CREATE TABLE province_lineage (
    predecessor_id TEXT NOT NULL REFERENCES provinces (id),
    successor_id   TEXT NOT NULL REFERENCES provinces (id),
    effective_date DATE NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX province_lineage_successor ON province_lineage (successor_id);

CREATE TABLE periods (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('year', 'half', 'quarter', 'month', 'year_to_date')),
    year       INTEGER NOT NULL,
    start_date DATE NOT NULL,
    end_date   DATE NOT NULL
);
CREATE INDEX periods_start_date ON periods (start_date, id);

CREATE TABLE indicators (
    code           TEXT PRIMARY KEY NOT NULL,
    name_vi        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_vi TEXT NOT NULL,
    description_en TEXT NOT NULL,
    unit           TEXT NOT NULL,
    category       TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    additive       BOOLEAN NOT NULL,
    search_text    TEXT NOT NULL
);
CREATE INDEX indicators_category ON indicators (category, code);

CREATE TABLE sources (
    id           TEXT PRIMARY KEY NOT NULL,
    title        TEXT NOT NULL,
    publisher    TEXT,
    published_on DATE,
    url          TEXT,
    language     TEXT NOT NULL,
    seed_file    TEXT
);

CREATE TABLE observations (
    id             SERIAL PRIMARY KEY,
    province_id    TEXT NOT NULL REFERENCES provinces (id),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    period_id      TEXT NOT NULL REFERENCES periods (id),
    period_start   DATE NOT NULL,
    period_end     DATE NOT NULL,
    value          DOUBLE PRECISION NOT NULL,
    value_text     TEXT,
    unit           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('final', 'estimated', 'provisional')),
    qualifier      TEXT CHECK (qualifier IN ('over', 'about', 'nearly')),
    rank_of        INTEGER,
    denominator    INTEGER,
    source_id      TEXT REFERENCES sources (id),
    quote          TEXT,
    UNIQUE (province_id, indicator_code, period_id)
);
CREATE INDEX observations_indicator_period ON observations (indicator_code, period_id, value);
CREATE INDEX observations_period_start ON observations (period_start, id);
CREATE INDEX observations_value ON observations (value, id);
CREATE INDEX observations_source ON observations (source_id);

CREATE TABLE targets (
    id             SERIAL PRIMARY KEY,
    province_id    TEXT NOT NULL REFERENCES provinces (id),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    period_id      TEXT NOT NULL REFERENCES periods (id),
    period_start   DATE NOT NULL,
    period_end     DATE NOT NULL,
    comparator     TEXT NOT NULL CHECK (comparator IN ('at_least', 'at_most', 'equal')),
    target_value   DOUBLE PRECISION NOT NULL,
    value_text     TEXT,
    unit           TEXT NOT NULL,
    source_id      TEXT REFERENCES sources (id),
    quote          TEXT,
    UNIQUE (province_id, indicator_code, period_id)
);
CREATE INDEX targets_indicator_period ON targets (indicator_code, period_id);

CREATE TABLE awards (
    id              SERIAL PRIMARY KEY,
    province_id     TEXT NOT NULL REFERENCES provinces (id),
    period_id       TEXT REFERENCES periods (id),
    awarded_on      DATE,
    award_type      TEXT NOT NULL,
    award_name_vi   TEXT NOT NULL,
    conferred_by    TEXT,
    recipient       TEXT,
    recipient_kind  TEXT NOT NULL,
    recipient_count INTEGER,
    reason          TEXT,
    source_id       TEXT NOT NULL REFERENCES sources (id),
    quote           TEXT NOT NULL,
    UNIQUE (source_id, quote, recipient_kind)
);
CREATE INDEX awards_province ON awards (province_id, id);
