//! Bulk import of observations from CSV or JSON, shared by `POST /api/v1/imports` and
//! `chiso import`. All rows or none: every row is validated first (errors name the row and the
//! column), then everything is written in one transaction, upserting by natural key, so running
//! the same import twice changes nothing. Values may be plain numbers or Vietnamese text.

mod read;
mod write;

use std::collections::hash_map::{Entry, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

pub use read::read;
pub use write::write;

use crate::db::DbConnection;
use crate::error::{Error, FieldError, Result};
use crate::input::observation::{validate_observation, ObservationInput};
use crate::store::catalogue::Catalogue;
use crate::store::observations::NewObservation;

/// The columns an import may have; the first four are required. Short aliases are accepted.
pub const COLUMNS: &[&str] = &[
    "province_id",
    "indicator_code",
    "period_id",
    "value",
    "unit",
    "status",
    "qualifier",
    "rank_of",
    "denominator",
    "value_text",
    "source_id",
    "quote",
];
const REQUIRED: &[&str] = &["province_id", "indicator_code", "period_id", "value"];
const ALIASES: &[(&str, &str)] = &[
    ("province", "province_id"),
    ("indicator", "indicator_code"),
    ("period", "period_id"),
    ("source", "source_id"),
];

/// At most this many errors are listed; `detail` gives the total.
pub const MAX_REPORTED_ERRORS: usize = 1000;
/// Rows written per statement batch.
const CHUNK: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Csv,
    Json,
}

/// What an import did, or would do (`dry_run`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    #[schema(example = 10000)]
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Rows identical to what the database already holds.
    pub unchanged: usize,
}

fn column_of(pointer: &str) -> String {
    let name = pointer.trim_start_matches('/');
    if name.is_empty() {
        "(row)".to_owned()
    } else {
        name.to_owned()
    }
}

/// Validates every row against the catalogue. Duplicate natural keys in one file are errors.
/// Errors are listed in row order.
pub fn validate(
    catalogue: &Catalogue,
    rows: Vec<(usize, ObservationInput)>,
) -> Result<Vec<NewObservation>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut valid = Vec::with_capacity(rows.len());
    let mut valid_rows = Vec::with_capacity(rows.len());
    for (row, input) in rows {
        match validate_observation(catalogue, input) {
            Ok(obs) => {
                valid.push(obs);
                valid_rows.push(row);
            }
            Err(field_errors) => errors.extend(field_errors.into_iter().map(|e| {
                FieldError::cell(row, column_of(e.pointer.as_deref().unwrap_or("")), e.detail)
            })),
        }
    }
    errors.extend(repeated_keys(&valid, &valid_rows));
    if errors.is_empty() {
        Ok(valid)
    } else {
        // Stable: a row's own errors keep their order.
        errors.sort_by_key(|e| e.row);
        Err(errors)
    }
}

/// An error for each row whose natural key an earlier row has, naming the first such row. The
/// keys are borrowed from the rows once all are read: owned copies kept three more strings a row
/// alive through the whole validation.
fn repeated_keys(valid: &[NewObservation], rows: &[usize]) -> Vec<FieldError> {
    let mut first_row = HashMap::with_capacity(valid.len());
    valid
        .iter()
        .zip(rows)
        .filter_map(
            |(obs, &row)| match first_row.entry(write::natural_key(obs)) {
                Entry::Occupied(first) => Some(FieldError::cell(
                    row,
                    "(row)",
                    format!("same province, indicator and period as row {}", first.get()),
                )),
                Entry::Vacant(slot) => {
                    slot.insert(row);
                    None
                }
            },
        )
        .collect()
}

/// A failed import: the first errors, and how many there were.
pub fn failure(mut errors: Vec<FieldError>) -> Error {
    let total = errors.len();
    errors.truncate(MAX_REPORTED_ERRORS);
    let shown = if total > errors.len() {
        format!(" (the first {} are listed)", errors.len())
    } else {
        String::new()
    };
    Error::Invalid {
        detail: format!("{total} error(s): nothing was imported{shown}"),
        errors,
    }
}

/// Reads, validates and writes: the whole import.
pub fn run(
    conn: &mut DbConnection,
    format: ImportFormat,
    body: &[u8],
    actor: &str,
    reason: Option<&str>,
    dry_run: bool,
    progress: &mut dyn FnMut(usize),
) -> Result<ImportReport> {
    let rows = read(format, body).map_err(failure)?;
    let catalogue = Catalogue::load_current(conn)?;
    let valid = validate(&catalogue, rows).map_err(failure)?;
    write(conn, &valid, actor, reason, dry_run, progress)
}
