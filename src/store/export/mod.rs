//! The whole dataset as one Frictionless Data Package: `datapackage.json` (a table schema per
//! resource, with primary and foreign keys) and one UTF-8 CSV per table, zipped. Big tables are
//! read in keyset batches, so memory stays flat whatever the size; what is read is whatever the
//! connection sees (a snapshot, or a rewound vintage).

use std::io::{Seek, Write};

use diesel::prelude::*;
use serde::Serialize;
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
use tables::{descriptor, TABLES};

mod tables;

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
