//! Awards: certificates of merit and commendations handed out at the conferences.

use chrono::NaiveDate;
use diesel::prelude::*;

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

keyset_list!(awards, id: i32, Award, AwardFilter);
keyed_by_id!(Awards, awards, Award, NewAward);

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
