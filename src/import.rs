//! Bulk import of observations from CSV or JSON, shared by `POST /api/v1/imports` and
//! `chiso import`. All rows or none: every row is validated first (errors name the row and the
//! column), then everything is written in one transaction, upserting by natural key, so running
//! the same import twice changes nothing. Values may be plain numbers or Vietnamese text.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::observations;
use crate::db::DbConnection;
use crate::error::{Error, FieldError, Result};
use crate::input::observation::{validate_observation, ObservationInput};
use crate::input::refs::NumberInput;
use crate::store::catalogue::Catalogue;
use crate::store::changes::{self, NewChange};
use crate::store::observations::{NewObservation, Observation};

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

fn canonical_column(name: &str) -> Option<&'static str> {
    let name = name.trim().trim_start_matches('\u{feff}');
    COLUMNS.iter().copied().find(|c| *c == name).or_else(|| {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, c)| *c)
    })
}

fn column_of(pointer: &str) -> String {
    let name = pointer.trim_start_matches('/');
    if name.is_empty() {
        "(row)".to_owned()
    } else {
        name.to_owned()
    }
}

/// Reads the rows into inputs. Row numbers count the CSV header as row 1, and the first JSON
/// element as row 1.
pub fn read(
    format: ImportFormat,
    body: &[u8],
) -> Result<Vec<(usize, ObservationInput)>, Vec<FieldError>> {
    match format {
        ImportFormat::Csv => read_csv(body),
        ImportFormat::Json => read_json(body),
    }
}

fn read_csv(body: &[u8]) -> Result<Vec<(usize, ObservationInput)>, Vec<FieldError>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| vec![FieldError::cell(1, "(header)", e.to_string())])?
        .clone();
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for name in headers.iter() {
        match canonical_column(name) {
            Some(c) if columns.contains(&Some(c)) => {
                errors.push(FieldError::cell(1, name, "repeated column"))
            }
            Some(c) => columns.push(Some(c)),
            None => {
                errors.push(FieldError::cell(
                    1,
                    name,
                    format!("unknown column; the columns are {}", COLUMNS.join(", ")),
                ));
                columns.push(None);
            }
        }
    }
    for required in REQUIRED {
        if !columns.contains(&Some(*required)) {
            errors.push(FieldError::cell(1, *required, "required column is missing"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError::cell(row, "(row)", e.to_string()));
                continue;
            }
        };
        let mut cells: HashMap<&str, String> = HashMap::new();
        for (column, cell) in columns.iter().zip(record.iter()) {
            let cell = cell.trim();
            if let Some(column) = column {
                let multiline = crate::domain::text::MULTILINE_FIELDS.contains(column);
                if let Some(reason) = crate::domain::text::control_character(cell, multiline) {
                    errors.push(FieldError::cell(row, *column, reason));
                } else if !cell.is_empty() {
                    cells.insert(column, cell.to_owned());
                }
            }
        }
        let mut integer = |name: &str| -> Option<i32> {
            let text = cells.get(name)?;
            match text.parse::<i32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError::cell(
                        row,
                        name,
                        format!("`{text}` is not an integer"),
                    ));
                    None
                }
            }
        };
        let rank_of = integer("rank_of");
        let denominator = integer("denominator");
        let mut missing = false;
        for required in REQUIRED {
            if !cells.contains_key(required) {
                errors.push(FieldError::cell(row, *required, "empty"));
                missing = true;
            }
        }
        if missing {
            continue;
        }
        let mut take = |name: &str| cells.remove(name);
        rows.push((
            row,
            ObservationInput {
                province_id: take("province_id").unwrap_or_default(),
                indicator_code: take("indicator_code").unwrap_or_default(),
                period_id: take("period_id").unwrap_or_default(),
                value: NumberInput::Text(take("value").unwrap_or_default()),
                unit: take("unit"),
                status: take("status"),
                qualifier: take("qualifier"),
                rank_of,
                denominator,
                value_text: take("value_text"),
                source_id: take("source_id"),
                quote: take("quote"),
            },
        ));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn read_json(body: &[u8]) -> Result<Vec<(usize, ObservationInput)>, Vec<FieldError>> {
    let items: Vec<serde_json::Value> = serde_json::from_slice(body).map_err(|e| {
        vec![FieldError::cell(
            0,
            "(body)",
            format!("the body must be a JSON array of observations: {e}"),
        )]
    })?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let row = index + 1;
        let item = match item {
            serde_json::Value::Object(mut map) => {
                for (alias, column) in ALIASES {
                    if let Some(v) = map.remove(*alias) {
                        map.entry(column.to_string()).or_insert(v);
                    }
                }
                serde_json::Value::Object(map)
            }
            _ => {
                errors.push(FieldError::cell(
                    row,
                    "(row)",
                    "each element must be an object",
                ));
                continue;
            }
        };
        let refused = crate::domain::text::control_characters_in(&item);
        if !refused.is_empty() {
            for (pointer, reason) in refused {
                errors.push(FieldError::cell(row, column_of(&pointer), reason));
            }
            continue;
        }
        match serde_path_to_error::deserialize::<_, ObservationInput>(item) {
            Ok(input) => rows.push((row, input)),
            Err(e) => errors.push(FieldError::cell(
                row,
                column_of(&format!("/{}", e.path())),
                e.inner().to_string(),
            )),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Validates every row against the catalogue. Duplicate natural keys in one file are errors.
pub fn validate(
    catalogue: &Catalogue,
    rows: Vec<(usize, ObservationInput)>,
) -> Result<Vec<NewObservation>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut valid = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    for (row, input) in rows {
        match validate_observation(catalogue, input) {
            Ok(obs) => {
                let key = (
                    obs.province_id.clone(),
                    obs.indicator_code.clone(),
                    obs.period_id.clone(),
                );
                if let Some(first) = seen.insert(key, row) {
                    errors.push(FieldError::cell(
                        row,
                        "(row)",
                        format!("same province, indicator and period as row {first}"),
                    ));
                }
                valid.push(obs);
            }
            Err(field_errors) => errors.extend(field_errors.into_iter().map(|e| {
                FieldError::cell(row, column_of(e.pointer.as_deref().unwrap_or("")), e.detail)
            })),
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(errors)
    }
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

fn same(o: &Observation, n: &NewObservation) -> bool {
    o.province_id == n.province_id
        && o.indicator_code == n.indicator_code
        && o.period_id == n.period_id
        && o.value == n.value
        && o.value_text == n.value_text
        && o.unit == n.unit
        && o.status == n.status
        && o.qualifier == n.qualifier
        && o.rank_of == n.rank_of
        && o.denominator == n.denominator
        && o.source_id == n.source_id
        && o.quote == n.quote
}

fn stored(id: i32, n: &NewObservation) -> Observation {
    Observation {
        id,
        province_id: n.province_id.clone(),
        indicator_code: n.indicator_code.clone(),
        period_id: n.period_id.clone(),
        period_start: n.period_start,
        period_end: n.period_end,
        value: n.value,
        value_text: n.value_text.clone(),
        unit: n.unit.clone(),
        status: n.status.clone(),
        qualifier: n.qualifier.clone(),
        rank_of: n.rank_of,
        denominator: n.denominator,
        source_id: n.source_id.clone(),
        quote: n.quote.clone(),
    }
}

/// Why the transaction ended without committing.
enum Abort {
    DryRun(ImportReport),
    Failed(Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Failed(e.into())
    }
}

/// Writes validated rows in one transaction, recording each change in the audit trail; a dry
/// run does the same work and rolls it back. `progress` is told how many rows are done.
pub fn write(
    conn: &mut DbConnection,
    rows: &[NewObservation],
    actor: &str,
    reason: Option<&str>,
    dry_run: bool,
    progress: &mut dyn FnMut(usize),
) -> Result<ImportReport> {
    let result = crate::db::write_transaction::<ImportReport, Abort, _>(conn, |conn| {
        let mut report = ImportReport {
            dry_run,
            rows: rows.len(),
            ..Default::default()
        };
        let now = chrono::Utc::now().naive_utc();
        let change = |action: &str,
                      id: i32,
                      before: Option<&Observation>,
                      after: Option<&Observation>| NewChange {
            resource: "observation".into(),
            resource_id: id.to_string(),
            action: action.into(),
            actor: actor.to_owned(),
            changed_at: now,
            reason: reason.map(str::to_owned),
            // The stored row, as `chiso seed` records it.
            before: before.map(|o| serde_json::to_string(o).expect("rows serialize")),
            after: after.map(|o| serde_json::to_string(o).expect("rows serialize")),
        };
        crate::store::version::bump(conn)?;
        let mut done = 0;
        for chunk in rows.chunks(CHUNK) {
            let provinces: HashSet<&str> = chunk.iter().map(|r| r.province_id.as_str()).collect();
            let indicators: HashSet<&str> =
                chunk.iter().map(|r| r.indicator_code.as_str()).collect();
            let periods: HashSet<&str> = chunk.iter().map(|r| r.period_id.as_str()).collect();
            let existing: HashMap<(String, String, String), Observation> = observations::table
                .filter(observations::province_id.eq_any(provinces))
                .filter(observations::indicator_code.eq_any(indicators))
                .filter(observations::period_id.eq_any(periods))
                .select(Observation::as_select())
                .load(conn)?
                .into_iter()
                .map(|o| {
                    (
                        (
                            o.province_id.clone(),
                            o.indicator_code.clone(),
                            o.period_id.clone(),
                        ),
                        o,
                    )
                })
                .collect();
            let mut audit = Vec::new();
            let mut fresh = Vec::new();
            for row in chunk {
                match existing.get(&(
                    row.province_id.clone(),
                    row.indicator_code.clone(),
                    row.period_id.clone(),
                )) {
                    Some(old) if same(old, row) => report.unchanged += 1,
                    Some(old) => {
                        crate::store::observations::update(conn, old.id, row)?;
                        audit.push(change(
                            "update",
                            old.id,
                            Some(old),
                            Some(&stored(old.id, row)),
                        ));
                        report.updated += 1;
                    }
                    None => fresh.push(row.clone()),
                }
            }
            if !fresh.is_empty() {
                let ids: Vec<i32> = crate::with_backend!(conn, c => diesel::insert_into(observations::table)
                    .values(&fresh)
                    .returning(observations::id)
                    .get_results(c))?;
                for (id, row) in ids.into_iter().zip(&fresh) {
                    audit.push(change("create", id, None, Some(&stored(id, row))));
                }
                report.created += fresh.len();
            }
            changes::record_all(conn, &audit)?;
            done += chunk.len();
            progress(done);
        }
        if dry_run {
            Err(Abort::DryRun(report))
        } else {
            Ok(report)
        }
    });
    match result {
        Ok(report) | Err(Abort::DryRun(report)) => Ok(report),
        Err(Abort::Failed(e)) => Err(e),
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
