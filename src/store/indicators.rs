//! The indicator catalogue.

use diesel::prelude::*;

use super::{Page, PageRequest};
use crate::db::schema::indicators;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::text::like_contains;

/// An indicator; it also reads back from the audit trail's images, without `search_text`.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Deserialize,
    serde::Serialize,
)]
#[diesel(table_name = indicators)]
pub struct Indicator {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub description_vi: String,
    pub description_en: String,
    pub unit: String,
    pub category: String,
    pub direction: String,
    pub additive: bool,
    #[serde(default, skip_serializing)]
    pub search_text: String,
}

/// What a search matches an indicator by: its code (as words) and both names, folded.
pub fn search_text(code: &str, name_vi: &str, name_en: &str) -> String {
    [&code.replace('_', " "), name_vi, name_en]
        .map(crate::domain::text::fold)
        .join(" | ")
}

#[derive(Debug, Clone, Default)]
pub struct IndicatorFilter {
    pub q: Option<String>,
    pub categories: Vec<String>,
    pub units: Vec<String>,
}

fn filtered(filter: &IndicatorFilter) -> indicators::BoxedQuery<'_, MultiBackend> {
    let mut query = indicators::table.into_boxed();
    if let Some(q) = &filter.q {
        query = query.filter(indicators::search_text.like(like_contains(q)).escape('\\'));
    }
    filter_any!(query, indicators::category, filter.categories);
    filter_any!(query, indicators::unit, filter.units);
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &IndicatorFilter,
    page: &PageRequest<String>,
    known_total: Option<i64>,
) -> QueryResult<Page<Indicator, String>> {
    let total = match known_total {
        Some(total) => total,
        None => filtered(filter).count().get_result(conn)?,
    };
    let mut query = filtered(filter);
    if let Some(after) = &page.after {
        query = query.filter(indicators::code.gt(after));
    }
    let rows = query
        .order(indicators::code.asc())
        .limit(page.limit + 1)
        .select(Indicator::as_select())
        .load(conn)?;
    Ok(Page::from_overfetch(rows, page.limit, total, |i| {
        i.code.clone()
    }))
}

pub fn find(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Indicator>> {
    indicators::table
        .find(code)
        .select(Indicator::as_select())
        .first(conn)
        .optional()
}

/// Which of `codes` exist.
pub fn upsert(conn: &mut DbConnection, row: &Indicator) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(indicators::table)
        .values(row)
        .on_conflict(indicators::code)
        .do_update()
        .set(row)
        .execute(c))
}

pub fn insert(conn: &mut DbConnection, row: &Indicator) -> QueryResult<usize> {
    diesel::insert_into(indicators::table)
        .values(row)
        .execute(conn)
}

pub fn update(conn: &mut DbConnection, code: &str, row: &Indicator) -> QueryResult<usize> {
    diesel::update(indicators::table.find(code))
        .set(row)
        .execute(conn)
}

pub fn delete(conn: &mut DbConnection, code: &str) -> QueryResult<usize> {
    diesel::delete(indicators::table.find(code)).execute(conn)
}
