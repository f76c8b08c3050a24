//! The indicator catalogue.

use diesel::prelude::*;

use crate::db::schema::indicators;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::text::like_contains;

/// An indicator; it also reads back from the audit trail's images, without `search_text`.
#[derive(
    Debug,
    Clone,
    Default,
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

keyset_list!(indicators, code: String, Indicator, IndicatorFilter);
keyed_by_text!(Indicators, indicators, code, Indicator);

pub fn delete(conn: &mut DbConnection, code: &str) -> QueryResult<usize> {
    diesel::delete(indicators::table.find(code)).execute(conn)
}
