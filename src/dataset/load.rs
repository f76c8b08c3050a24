//! Writing a parsed [`Dataset`] into a database by natural key, in one transaction, so loading
//! twice changes nothing.

use std::fmt;

use super::Dataset;
use crate::db::DbConnection;

/// What a load did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub provinces: usize,
    pub former_names: usize,
    pub lineage: usize,
    pub indicators: usize,
    pub sources: usize,
    pub periods: usize,
    pub observations: usize,
    pub targets: usize,
    pub awards: usize,
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "loaded {} provinces, {} former names, {} lineage links, {} indicators, {} sources, {} periods, {} observations, {} targets, {} awards",
            self.provinces, self.former_names, self.lineage, self.indicators, self.sources, self.periods, self.observations, self.targets, self.awards
        )
    }
}

/// Writes the whole dataset in one transaction, all of it or nothing: inserts what is missing,
/// updates what differs, leaves the rest. The first load, into an empty database, is version 0
/// of the data; any later one (`chiso seed` refreshing shipped figures) records each change in
/// the audit trail like any write, so vintages and permalinks stay true across it.
pub fn load(conn: &mut DbConnection, data: &Dataset) -> diesel::QueryResult<LoadReport> {
    use crate::store::{awards, indicators, observations, periods, provinces, sources, targets};
    crate::db::write_transaction(conn, |conn| {
        crate::store::version::bump(conn)?;
        let first = provinces::count(conn)? == 0;
        let mut seeding = crate::store::seed::Seeding::new(first);
        let mut report = LoadReport::default();
        for row in &data.provinces {
            let old = provinces::find(conn, &row.id)?.map(|p| (p.id.clone(), p));
            report.provinces += seeding.put(
                conn,
                "province",
                old,
                row,
                |c| provinces::insert(c, row).map(|_| row.id.clone()),
                |c, id| provinces::update(c, id, row),
            )?;
        }
        for row in &data.former_names {
            report.former_names += provinces::upsert_former_name(conn, row)?;
        }
        for row in &data.lineage {
            report.lineage += provinces::upsert_lineage(conn, row)?;
        }
        for row in &data.indicators {
            let old = indicators::find(conn, &row.code)?.map(|i| (i.code.clone(), i));
            report.indicators += seeding.put(
                conn,
                "indicator",
                old,
                row,
                |c| indicators::insert(c, row).map(|_| row.code.clone()),
                |c, code| indicators::update(c, code, row),
            )?;
        }
        for row in &data.sources {
            let old = sources::find(conn, &row.id)?.map(|s| (s.id.clone(), s));
            report.sources += seeding.put(
                conn,
                "source",
                old,
                row,
                |c| sources::insert(c, row).map(|_| row.id.clone()),
                |c, id| sources::update(c, id, row),
            )?;
        }
        for row in &data.periods {
            report.periods += periods::upsert(conn, row)?;
        }
        for row in &data.observations {
            let key = (&row.province_id, &row.indicator_code, &row.period_id);
            let id = observations::find_by_key(conn, key.0, key.1, key.2)?;
            let old = id
                .map(|id| observations::find(conn, id))
                .transpose()?
                .flatten();
            report.observations += seeding.put(
                conn,
                "observation",
                old.map(|o| (o.id, o)),
                row,
                |c| observations::insert(c, row),
                |c, id| observations::update(c, *id, row),
            )?;
        }
        for row in &data.targets {
            let key = (&row.province_id, &row.indicator_code, &row.period_id);
            let id = targets::find_by_key(conn, key.0, key.1, key.2)?;
            let old = id.map(|id| targets::find(conn, id)).transpose()?.flatten();
            report.targets += seeding.put(
                conn,
                "target",
                old.map(|t| (t.id, t)),
                row,
                |c| targets::insert(c, row),
                |c, id| targets::update(c, *id, row),
            )?;
        }
        for row in &data.awards {
            let id = awards::find_by_key(conn, &row.source_id, &row.quote, &row.recipient_kind)?;
            let old = id.map(|id| awards::find(conn, id)).transpose()?.flatten();
            report.awards += seeding.put(
                conn,
                "award",
                old.map(|a| (a.id, a)),
                row,
                |c| awards::insert(c, row),
                |c, id| awards::update(c, *id, row),
            )?;
        }
        seeding.record(conn)?;
        Ok(report)
    })
}
