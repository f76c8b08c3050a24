//! Sources: the articles every figure is cited from.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{Page, PageRequest};
use crate::db::schema::sources;
use crate::db::{DbConnection, MultiBackend};

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
#[diesel(table_name = sources)]
#[diesel(treat_none_as_null = true)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub url: Option<String>,
    pub language: String,
    pub seed_file: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SourceFilter {
    pub languages: Vec<String>,
    pub published_from: Option<NaiveDate>,
    pub published_to: Option<NaiveDate>,
}

fn filtered(filter: &SourceFilter) -> sources::BoxedQuery<'_, MultiBackend> {
    let mut query = sources::table.into_boxed();
    filter_any!(query, sources::language, filter.languages);
    if let Some(date) = filter.published_from {
        query = query.filter(sources::published_on.ge(date));
    }
    if let Some(date) = filter.published_to {
        query = query.filter(sources::published_on.le(date));
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &SourceFilter,
    page: &PageRequest<String>,
    known_total: Option<i64>,
) -> QueryResult<Page<Source, String>> {
    let total = match known_total {
        Some(total) => total,
        None => filtered(filter).count().get_result(conn)?,
    };
    let mut query = filtered(filter);
    if let Some(after) = &page.after {
        query = query.filter(sources::id.gt(after));
    }
    let rows = query
        .order(sources::id.asc())
        .limit(page.limit + 1)
        .select(Source::as_select())
        .load(conn)?;
    Ok(Page::from_overfetch(rows, page.limit, total, |s| {
        s.id.clone()
    }))
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Source>> {
    sources::table
        .find(id)
        .select(Source::as_select())
        .first(conn)
        .optional()
}

/// The titles of these sources, by id, in one query.
pub fn titles(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    Ok(sources::table
        .filter(sources::id.eq_any(ids))
        .select((sources::id, sources::title))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn upsert(conn: &mut DbConnection, row: &Source) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(sources::table)
        .values(row)
        .on_conflict(sources::id)
        .do_update()
        .set(row)
        .execute(c))
}

pub fn insert(conn: &mut DbConnection, row: &Source) -> QueryResult<usize> {
    diesel::insert_into(sources::table)
        .values(row)
        .execute(conn)
}

pub fn update(conn: &mut DbConnection, id: &str, row: &Source) -> QueryResult<usize> {
    diesel::update(sources::table.find(id))
        .set(row)
        .execute(conn)
}

pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(sources::table.find(id)).execute(conn)
}
