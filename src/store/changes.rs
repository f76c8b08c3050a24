//! The audit trail: one row per create, update or delete, written in the same transaction as
//! the change it records.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::changes;
use crate::db::{DbConnection, MultiBackend};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = changes)]
pub struct Change {
    pub id: i32,
    pub resource: String,
    pub resource_id: String,
    pub action: String,
    pub actor: String,
    pub changed_at: NaiveDateTime,
    pub reason: Option<String>,
    /// The resource's JSON before the change (null on create).
    pub before: Option<String>,
    /// The resource's JSON after the change (null on delete).
    pub after: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = changes)]
// Every column is sent, nulls as nulls: what PostgreSQL's `COPY` (`record_all`) needs.
#[diesel(treat_none_as_default_value = false)]
pub struct NewChange {
    pub resource: String,
    pub resource_id: String,
    pub action: String,
    pub actor: String,
    pub changed_at: NaiveDateTime,
    pub reason: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    pub resources: Vec<String>,
    pub resource_id: Option<String>,
    /// Changes after this id.
    pub since: Option<i32>,
    /// Changes up to this id (a vintage's audit trail).
    pub until: Option<i32>,
}

fn filtered(filter: &ChangeFilter) -> changes::BoxedQuery<'_, MultiBackend> {
    let mut query = changes::table.into_boxed();
    filter_any!(query, changes::resource, filter.resources);
    if let Some(id) = &filter.resource_id {
        query = query.filter(changes::resource_id.eq(id));
    }
    if let Some(since) = filter.since {
        query = query.filter(changes::id.gt(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(changes::id.le(until));
    }
    query
}

keyset_list!(changes, id: i32, Change, ChangeFilter);

pub fn record(conn: &mut DbConnection, change: &NewChange) -> QueryResult<usize> {
    diesel::insert_into(changes::table)
        .values(change)
        .execute(conn)
}

pub fn record_all(conn: &mut DbConnection, batch: &[NewChange]) -> QueryResult<usize> {
    if batch.is_empty() {
        return Ok(0);
    }
    match conn {
        // An import records a change per row: `COPY` streams them, binary, in one statement.
        DbConnection::Pg(c) => diesel::copy_from(changes::table)
            .from_insertable(batch)
            .execute(c),
        DbConnection::Sqlite(c) => {
            let mut written = 0;
            // SQLite caps bound parameters per statement; 8 columns x 500 rows stays well under.
            for chunk in batch.chunks(500) {
                written += diesel::insert_into(changes::table)
                    .values(chunk)
                    .execute(c)?;
            }
            Ok(written)
        }
    }
}

/// The newest change id, or 0: a version number for everything the API serves.
pub fn latest_id(conn: &mut DbConnection) -> QueryResult<i32> {
    changes::table
        .select(diesel::dsl::max(changes::id))
        .first::<Option<i32>>(conn)
        .map(|id| id.unwrap_or(0))
}
