//! The whole dataset as one Frictionless Data Package: `datapackage.json` (a table schema per
//! resource, with primary and foreign keys) and one UTF-8 CSV per table, zipped. Big tables are
//! read in keyset batches, so memory stays flat whatever the size; what is read is whatever the
//! connection sees (a snapshot, or a rewound vintage).

use std::io::{Seek, Write};

use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::awards::Award;
use super::indicators::Indicator;
use super::observations::Observation;
use super::periods::Period;
use super::provinces::{FormerName, LineageLink, Province};
use super::sources::Source;
use super::targets::Target;
use crate::db::schema::{
    awards, indicators, observations, periods, province_lineage, province_names, provinces,
    sources, targets,
};
use crate::db::DbConnection;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Storage(#[from] diesel::result::Error),
    #[error("writing the package: {0}")]
    Write(String),
}

impl From<super::vintage::RewindError> for ExportError {
    fn from(e: super::vintage::RewindError) -> Self {
        match e {
            super::vintage::RewindError::Storage(e) => ExportError::Storage(e),
            other => ExportError::Write(other.to_string()),
        }
    }
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Write(e.to_string())
    }
}

impl From<zip::result::ZipError> for ExportError {
    fn from(e: zip::result::ZipError) -> Self {
        ExportError::Write(e.to_string())
    }
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        ExportError::Write(e.to_string())
    }
}

/// A column: its name and Frictionless type (`string`, `integer`, `number`, `date`,
/// `boolean`), and whether it is always filled.
struct Field(&'static str, &'static str, bool);

/// A table of the package, described once: the CSV's header is the fields, in order.
struct Table {
    name: &'static str,
    title: &'static str,
    fields: &'static [Field],
    primary_key: &'static [&'static str],
    /// (field, resource, field it references).
    foreign_keys: &'static [(&'static str, &'static str, &'static str)],
}

const BY_PROVINCE: (&str, &str, &str) = ("province_id", "provinces", "id");
const BY_INDICATOR: (&str, &str, &str) = ("indicator_code", "indicators", "code");
const BY_PERIOD: (&str, &str, &str) = ("period_id", "periods", "id");
const BY_SOURCE: (&str, &str, &str) = ("source_id", "sources", "id");

/// The tables, in an order where each references only those before it.
const TABLES: &[Table] = &[
    Table {
        name: "provinces",
        title: "Provinces and centrally-run cities of both eras (63 before 1 July 2025, 34 after)",
        fields: &[
            Field("id", "string", true),
            Field("gso_code", "string", true),
            Field("iso_code", "string", false),
            Field("name_vi", "string", true),
            Field("name_en", "string", true),
            Field("kind", "string", true),
            Field("region", "string", true),
            Field("valid_from", "date", false),
            Field("valid_to", "date", false),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Table {
        name: "province_names",
        title: "Names and kinds units bore before their present ones",
        fields: &[
            Field("province_id", "string", true),
            Field("name_vi", "string", true),
            Field("name_en", "string", true),
            Field("kind", "string", true),
            Field("valid_from", "date", false),
            Field("valid_to", "date", true),
        ],
        primary_key: &["province_id", "valid_to"],
        foreign_keys: &[BY_PROVINCE],
    },
    Table {
        name: "province_lineage",
        title: "The 2025 merger: which units each unit became",
        fields: &[
            Field("predecessor_id", "string", true),
            Field("successor_id", "string", true),
            Field("effective_date", "date", true),
        ],
        primary_key: &["predecessor_id", "successor_id"],
        foreign_keys: &[
            ("predecessor_id", "provinces", "id"),
            ("successor_id", "provinces", "id"),
        ],
    },
    Table {
        name: "indicators",
        title: "The indicator catalogue, in Vietnamese and English",
        fields: &[
            Field("code", "string", true),
            Field("name_vi", "string", true),
            Field("name_en", "string", true),
            Field("description_vi", "string", true),
            Field("description_en", "string", true),
            Field("unit", "string", true),
            Field("category", "string", true),
            Field("direction", "string", true),
            Field("additive", "boolean", true),
        ],
        primary_key: &["code"],
        foreign_keys: &[],
    },
    Table {
        name: "periods",
        title: "Reporting periods: years, halves, quarters, months and first-N-months",
        fields: &[
            Field("id", "string", true),
            Field("kind", "string", true),
            Field("year", "integer", true),
            Field("start_date", "date", true),
            Field("end_date", "date", true),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Table {
        name: "sources",
        title: "The articles every figure is cited from",
        fields: &[
            Field("id", "string", true),
            Field("title", "string", true),
            Field("publisher", "string", false),
            Field("published_on", "date", false),
            Field("url", "string", false),
            Field("language", "string", true),
            Field("seed_file", "string", false),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Table {
        name: "observations",
        title: "An indicator's value for a province and a period, with the sentence it came from",
        fields: &[
            Field("id", "integer", true),
            Field("province_id", "string", true),
            Field("indicator_code", "string", true),
            Field("period_id", "string", true),
            Field("period_start", "date", true),
            Field("period_end", "date", true),
            Field("value", "number", true),
            Field("value_text", "string", false),
            Field("unit", "string", true),
            Field("status", "string", true),
            Field("qualifier", "string", false),
            Field("rank_of", "integer", false),
            Field("denominator", "integer", false),
            Field("source_id", "string", false),
            Field("quote", "string", false),
        ],
        primary_key: &["id"],
        foreign_keys: &[BY_PROVINCE, BY_INDICATOR, BY_PERIOD, BY_SOURCE],
    },
    Table {
        name: "targets",
        title: "Provinces' goals for an indicator in a period",
        fields: &[
            Field("id", "integer", true),
            Field("province_id", "string", true),
            Field("indicator_code", "string", true),
            Field("period_id", "string", true),
            Field("period_start", "date", true),
            Field("period_end", "date", true),
            Field("comparator", "string", true),
            Field("target_value", "number", true),
            Field("value_text", "string", false),
            Field("unit", "string", true),
            Field("source_id", "string", false),
            Field("quote", "string", false),
        ],
        primary_key: &["id"],
        foreign_keys: &[BY_PROVINCE, BY_INDICATOR, BY_PERIOD, BY_SOURCE],
    },
    Table {
        name: "awards",
        title: "Certificates of merit and commendations handed out at the conferences",
        fields: &[
            Field("id", "integer", true),
            Field("province_id", "string", true),
            Field("period_id", "string", false),
            Field("awarded_on", "date", false),
            Field("award_type", "string", true),
            Field("award_name_vi", "string", true),
            Field("conferred_by", "string", false),
            Field("recipient", "string", false),
            Field("recipient_kind", "string", true),
            Field("recipient_count", "integer", false),
            Field("reason", "string", false),
            Field("source_id", "string", true),
            Field("quote", "string", true),
        ],
        primary_key: &["id"],
        foreign_keys: &[BY_PROVINCE, BY_PERIOD, BY_SOURCE],
    },
];

/// Every row of a small table, in its key's order.
macro_rules! every {
    ($conn:expr, $table:ident, $row:ty, $order:expr) => {
        $table::table
            .order($order)
            .select(<$row>::as_select())
            .load($conn)?
    };
}

/// A big table in batches of ids, so memory stays flat.
macro_rules! in_batches {
    ($csv:expr, $conn:expr, $table:ident, $row:ty) => {
        batched(
            $csv,
            |after| {
                $table::table
                    .filter($table::id.gt(after))
                    .order($table::id)
                    .limit(BATCH)
                    .select(<$row>::as_select())
                    .load($conn)
            },
            |row: &$row| row.id,
        )
    };
}

/// Rows read per query from the big tables.
const BATCH: i64 = 5_000;

/// How many rows each table of a package holds.
pub type Counts = Vec<(&'static str, usize)>;

/// Writes the package of the data as of `version` (a checked vintage), or of the present in one
/// snapshot, to `out`: the version written and the rows of each table.
pub fn export<W: Write + Seek>(
    conn: &mut DbConnection,
    version: Option<i32>,
    out: W,
) -> Result<(i32, Counts), ExportError> {
    match version {
        Some(version) => crate::db::rolled_back(conn, |conn| {
            super::vintage::rewind(conn, version)?;
            Ok((version, write_package(conn, version, out)?))
        }),
        None => crate::db::read_snapshot(conn, |conn| {
            let version = super::changes::latest_id(conn)?;
            Ok((version, write_package(conn, version, out)?))
        }),
    }
}

/// Writes the package of the data `conn` sees, labelled with `version`, to `out`.
pub fn write_package<W: Write + Seek>(
    conn: &mut DbConnection,
    version: i32,
    out: W,
) -> Result<Counts, ExportError> {
    let mut zip = ZipWriter::new(out);
    // A fixed timestamp: the same data makes the same bytes.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("datapackage.json", options)?;
    let descriptor = serde_json::to_vec_pretty(&descriptor(version)).expect("JSON serializes");
    zip.write_all(&descriptor)?;
    let mut counts = Vec::new();
    for table in TABLES {
        zip.start_file(format!("data/{}.csv", table.name), options)?;
        // The header comes from the rows' own field names, so it cannot drift from the values
        // (a test checks it against the schema); an empty table gets the schema's.
        let mut csv = csv::Writer::from_writer(&mut zip);
        let rows = match table.name {
            "provinces" => all(&mut csv, every!(conn, provinces, Province, provinces::id))?,
            "province_names" => all(
                &mut csv,
                every!(
                    conn,
                    province_names,
                    FormerName,
                    (province_names::province_id, province_names::valid_to)
                ),
            )?,
            "province_lineage" => all(
                &mut csv,
                every!(
                    conn,
                    province_lineage,
                    LineageLink,
                    (
                        province_lineage::predecessor_id,
                        province_lineage::successor_id
                    )
                ),
            )?,
            "indicators" => all(
                &mut csv,
                every!(conn, indicators, Indicator, indicators::code),
            )?,
            "periods" => all(&mut csv, every!(conn, periods, Period, periods::id))?,
            "sources" => all(&mut csv, every!(conn, sources, Source, sources::id))?,
            "observations" => in_batches!(&mut csv, conn, observations, Observation)?,
            "targets" => in_batches!(&mut csv, conn, targets, Target)?,
            "awards" => in_batches!(&mut csv, conn, awards, Award)?,
            other => unreachable!("table {other} has no reader"),
        };
        if rows == 0 {
            csv.write_record(table.fields.iter().map(|f| f.0))?;
        }
        csv.flush()?;
        drop(csv);
        counts.push((table.name, rows));
    }
    zip.finish()?;
    Ok(counts)
}

fn all<W: Write, T: Serialize>(
    csv: &mut csv::Writer<W>,
    rows: Vec<T>,
) -> Result<usize, ExportError> {
    for row in &rows {
        csv.serialize(row)?;
    }
    Ok(rows.len())
}

fn batched<W: Write, T: Serialize>(
    csv: &mut csv::Writer<W>,
    mut next: impl FnMut(i32) -> QueryResult<Vec<T>>,
    id: impl Fn(&T) -> i32,
) -> Result<usize, ExportError> {
    let mut after = i32::MIN;
    let mut written = 0;
    loop {
        let rows = next(after)?;
        for row in &rows {
            csv.serialize(row)?;
        }
        written += rows.len();
        match rows.last() {
            Some(last) if rows.len() as i64 == BATCH => after = id(last),
            _ => return Ok(written),
        }
    }
}

/// `datapackage.json`.
fn descriptor(version: i32) -> Value {
    let resources: Vec<Value> = TABLES
        .iter()
        .map(|table| {
            let fields: Vec<Value> = table
                .fields
                .iter()
                .map(|Field(name, kind, required)| {
                    let mut field = json!({"name": name, "type": kind});
                    if *required {
                        field["constraints"] = json!({"required": true});
                    }
                    field
                })
                .collect();
            let foreign_keys: Vec<Value> = table
                .foreign_keys
                .iter()
                .map(|(field, resource, reference)| {
                    json!({"fields": [field], "reference": {"resource": resource, "fields": [reference]}})
                })
                .collect();
            json!({
                "name": table.name,
                "title": table.title,
                "path": format!("data/{}.csv", table.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields,
                    "primaryKey": table.primary_key,
                    "foreignKeys": foreign_keys,
                    "missingValues": [""],
                },
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": "chiso",
        "title": "chiso: Vietnam's provincial ICT and digital-transformation statistics",
        "description": "Every figure with the article and sentence it came from. This package holds the data as it stood right after change `version` of chiso's audit trail (0: before any change); GET /api/v1/export?as_of_version=N gives the same package again.",
        "version": version.to_string(),
        // As the OpenAPI document states: data CC BY 4.0.
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_fields_of_their_tables() {
        for table in TABLES {
            let has = |t: &Table, f: &str| t.fields.iter().any(|Field(n, _, _)| *n == f);
            for key in table.primary_key {
                assert!(has(table, key), "{}.{key}", table.name);
            }
            for (field, resource, reference) in table.foreign_keys {
                assert!(has(table, field), "{}.{field}", table.name);
                let target = TABLES.iter().find(|t| t.name == *resource).unwrap();
                assert!(has(target, reference), "{resource}.{reference}");
            }
        }
    }
}
