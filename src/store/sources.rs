//! Sources: the articles every figure is cited from.

use chrono::NaiveDate;
use diesel::prelude::*;

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

keyset_list!(sources, id: String, Source, SourceFilter);
keyed_by_text!(Sources, sources, id, Source);

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

pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(sources::table.find(id)).execute(conn)
}
