//! Writing validated rows in one transaction, upserting by natural key, with the audit trail.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

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
                    Some(old) => {
                        let new = stored(old.id, row);
                        if *old == new {
                            report.unchanged += 1;
                            continue;
                        }
                        crate::store::observations::update(conn, old.id, row)?;
                        audit.push(change("update", old.id, Some(old), Some(&new)));
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
