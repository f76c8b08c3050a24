//! Writing validated rows in one transaction, upserting by natural key, with the audit trail.

use std::collections::{HashMap, HashSet};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Integer;

use super::{ImportReport, CHUNK};
use crate::db::schema::observations;
use crate::db::DbConnection;
use crate::error::{Error, Result};
use crate::store::changes::{self, NewChange};
use crate::store::observations::{NewObservation, Observation};

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

/// Province, indicator and period: what identifies an observation.
pub(super) fn natural_key(o: &NewObservation) -> (&str, &str, &str) {
    (&o.province_id, &o.indicator_code, &o.period_id)
}

/// Inserts new rows, returning them as stored, in order. On SQLite one statement per row: inside
/// a transaction a multi-row insert first copies every page it touches to a statement journal
/// (to undo that statement alone), which took 40% of an import; a one-row insert needs none, and
/// its prepared statement is reused. PostgreSQL takes them by `COPY`: a multi-row `INSERT` of
/// 7,500 parameters was parsed and planned anew for each chunk, 13% of PostgreSQL's CPU in an
/// import. `COPY` returns no ids, so the rows take theirs from the table's sequence first.
fn insert(conn: &mut DbConnection, rows: &[&NewObservation]) -> QueryResult<Vec<Observation>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    match conn {
        DbConnection::Sqlite(c) => rows
            .iter()
            .map(|&row| {
                diesel::insert_into(observations::table)
                    .values(row)
                    .returning(observations::id)
                    .get_result(c)
                    .map(|id| stored(id, row))
            })
            .collect(),
        DbConnection::Pg(c) => {
            let count = i32::try_from(rows.len()).expect("a chunk's rows fit an i32");
            let mut ids: Vec<i32> = diesel::sql_query(
                "SELECT nextval(pg_get_serial_sequence('observations', 'id'))::integer AS id \
                 FROM generate_series(1, $1)",
            )
            .bind::<Integer, _>(count)
            .load::<NewId>(c)?
            .into_iter()
            .map(|new| new.id)
            .collect();
            ids.sort_unstable();
            let stored: Vec<Observation> = ids
                .into_iter()
                .zip(rows)
                .map(|(id, row)| stored(id, row))
                .collect();
            diesel::copy_from(observations::table)
                .from_insertable(&stored)
                .execute(c)?;
            Ok(stored)
        }
    }
}

/// An id taken from the observations' sequence.
#[derive(QueryableByName)]
struct NewId {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// The stored rows with a natural key among `chunk`'s provinces, indicators and periods.
fn stored_of(conn: &mut DbConnection, chunk: &[NewObservation]) -> QueryResult<Vec<Observation>> {
    let provinces: HashSet<&str> = chunk.iter().map(|r| r.province_id.as_str()).collect();
    let indicators: HashSet<&str> = chunk.iter().map(|r| r.indicator_code.as_str()).collect();
    let periods: HashSet<&str> = chunk.iter().map(|r| r.period_id.as_str()).collect();
    // After five runs PostgreSQL may plan a prepared statement once for any parameters. This
    // lookup got such a plan while the table was nearly empty (every row of the chunk's provinces
    // ANDed with every row of its indicator) and kept it as the table grew inside the import's
    // transaction: half of a million-row import went there. So it is planned for its own keys on
    // each run. Only it: set for the whole transaction, the foreign-key checks of every inserted
    // row were planned anew too, 29% of PostgreSQL's CPU in an import.
    plan_cache_mode(conn, "force_custom_plan")?;
    let stored = observations::table
        .filter(observations::province_id.eq_any(provinces))
        .filter(observations::indicator_code.eq_any(indicators))
        .filter(observations::period_id.eq_any(periods))
        .select(Observation::as_select())
        .load(conn)?;
    plan_cache_mode(conn, "DEFAULT")?;
    Ok(stored)
}

/// Sets PostgreSQL's `plan_cache_mode` until the transaction ends; SQLite has no such setting.
fn plan_cache_mode(conn: &mut DbConnection, mode: &str) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(c) => c.batch_execute(&format!("SET LOCAL plan_cache_mode = {mode}")),
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// Rows an import must create or update for the tables to be vacuumed and analysed after it
/// (PostgreSQL, [`crate::db::tidy_after_bulk_write`]): autovacuum's own threshold is 1,000
/// inserted rows plus a fifth of the table, and an import does not wait for it.
const TIDIED_AFTER: usize = 1_000;

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
            let existing = stored_of(conn, chunk)?;
            let existing: HashMap<(&str, &str, &str), &Observation> = existing
                .iter()
                .map(|o| ((&*o.province_id, &*o.indicator_code, &*o.period_id), o))
                .collect();
            let mut audit = Vec::new();
            let mut fresh = Vec::new();
            for row in chunk {
                match existing.get(&natural_key(row)) {
                    Some(&old) => {
                        let new = stored(old.id, row);
                        if *old == new {
                            report.unchanged += 1;
                            continue;
                        }
                        crate::store::observations::update(conn, old.id, row)?;
                        audit.push(change("update", old.id, Some(old), Some(&new)));
                        report.updated += 1;
                    }
                    None => fresh.push(row),
                }
            }
            for new in insert(conn, &fresh)? {
                audit.push(change("create", new.id, None, Some(&new)));
            }
            report.created += fresh.len();
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
        Ok(report) => {
            if report.created + report.updated >= TIDIED_AFTER {
                crate::db::tidy_after_bulk_write(conn, &["observations", "changes"]);
            }
            Ok(report)
        }
        Err(Abort::DryRun(report)) => Ok(report),
        Err(Abort::Failed(e)) => Err(e),
    }
}
