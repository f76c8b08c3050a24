//! Awards: certificates of merit and commendations handed out at the conferences.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{Page, PageRequest};
use crate::db::schema::awards;
use crate::db::{DbConnection, MultiBackend};

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Deserialize, serde::Serialize,
)]
#[diesel(table_name = awards)]
pub struct Award {
    pub id: i32,
    pub province_id: String,
    pub period_id: Option<String>,
    pub awarded_on: Option<NaiveDate>,
    pub award_type: String,
    pub award_name_vi: String,
    pub conferred_by: Option<String>,
    pub recipient: Option<String>,
    pub recipient_kind: String,
    pub recipient_count: Option<i32>,
    pub reason: Option<String>,
    pub source_id: String,
    pub quote: String,
}

/// An award to insert or replace, keyed by (source, quote, recipient kind).
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, serde::Serialize)]
#[diesel(table_name = awards)]
#[diesel(treat_none_as_null = true)]
pub struct NewAward {
    pub province_id: String,
    pub period_id: Option<String>,
    pub awarded_on: Option<NaiveDate>,
    pub award_type: String,
    pub award_name_vi: String,
    pub conferred_by: Option<String>,
    pub recipient: Option<String>,
    pub recipient_kind: String,
    pub recipient_count: Option<i32>,
    pub reason: Option<String>,
    pub source_id: String,
    pub quote: String,
}

#[derive(Debug, Clone, Default)]
pub struct AwardFilter {
    pub province_ids: Vec<String>,
    pub period_ids: Vec<String>,
    pub award_types: Vec<String>,
    pub source_ids: Vec<String>,
}

fn filtered(filter: &AwardFilter) -> awards::BoxedQuery<'_, MultiBackend> {
    let mut query = awards::table.into_boxed();
    filter_any!(query, awards::province_id, filter.province_ids);
    filter_any!(query, awards::period_id, filter.period_ids);
    filter_any!(query, awards::award_type, filter.award_types);
    filter_any!(query, awards::source_id, filter.source_ids);
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &AwardFilter,
    page: &PageRequest<i32>,
    known_total: Option<i64>,
) -> QueryResult<Page<Award, i32>> {
    let total = match known_total {
        Some(total) => total,
        None => filtered(filter).count().get_result(conn)?,
    };
    let mut query = filtered(filter);
    if let Some(after) = page.after {
        query = query.filter(awards::id.gt(after));
    }
    let rows = query
        .order(awards::id.asc())
        .limit(page.limit + 1)
        .select(Award::as_select())
        .load(conn)?;
    Ok(Page::from_overfetch(rows, page.limit, total, |a| a.id))
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Award>> {
    awards::table
        .find(id)
        .select(Award::as_select())
        .first(conn)
        .optional()
}

pub fn upsert(conn: &mut DbConnection, row: &NewAward) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(awards::table)
        .values(row)
        .on_conflict((awards::source_id, awards::quote, awards::recipient_kind))
        .do_update()
        .set(row)
        .execute(c))
}

pub fn find_by_key(
    conn: &mut DbConnection,
    source: &str,
    quote: &str,
    recipient_kind: &str,
) -> QueryResult<Option<i32>> {
    awards::table
        .filter(awards::source_id.eq(source))
        .filter(awards::quote.eq(quote))
        .filter(awards::recipient_kind.eq(recipient_kind))
        .select(awards::id)
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &NewAward) -> QueryResult<i32> {
    crate::with_backend!(conn, c => diesel::insert_into(awards::table)
        .values(row)
        .returning(awards::id)
        .get_result(c))
}

pub fn update(conn: &mut DbConnection, id: i32, row: &NewAward) -> QueryResult<usize> {
    diesel::update(awards::table.find(id))
        .set(row)
        .execute(conn)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(awards::table.find(id)).execute(conn)
}
