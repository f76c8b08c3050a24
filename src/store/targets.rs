//! Targets: a province's goal for an indicator in a period.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::targets;
use crate::db::{DbConnection, MultiBackend};

/// A stored target; it also reads back from the audit trail's images (see `Observation`).
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Deserialize, serde::Serialize,
)]
#[diesel(table_name = targets)]
pub struct Target {
    pub id: i32,
    pub province_id: String,
    pub indicator_code: String,
    pub period_id: String,
    #[serde(default)]
    pub period_start: NaiveDate,
    #[serde(default)]
    pub period_end: NaiveDate,
    pub comparator: String,
    pub target_value: f64,
    pub value_text: Option<String>,
    pub unit: String,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

/// A target to insert or replace, keyed by (province, indicator, period).
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, serde::Serialize)]
#[diesel(table_name = targets)]
#[diesel(treat_none_as_null = true)]
pub struct NewTarget {
    pub province_id: String,
    pub indicator_code: String,
    pub period_id: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub comparator: String,
    pub target_value: f64,
    pub value_text: Option<String>,
    pub unit: String,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TargetFilter {
    pub province_ids: Vec<String>,
    pub indicator_codes: Vec<String>,
    pub period_ids: Vec<String>,
    pub starts_from: Option<NaiveDate>,
    pub ends_by: Option<NaiveDate>,
    /// `met`, `not_met`, `pending`: compared with the observation of the same natural key.
    pub statuses: Vec<String>,
}

/// The target's actual: the observation with its province, indicator and period.
const ACTUAL: &str =
    "SELECT 1 FROM observations actual WHERE actual.province_id = targets.province_id \
    AND actual.indicator_code = targets.indicator_code AND actual.period_id = targets.period_id";
const MET: &str = "((targets.comparator = 'at_least' AND actual.value >= targets.target_value) \
    OR (targets.comparator = 'at_most' AND actual.value <= targets.target_value) \
    OR (targets.comparator = 'equal' AND actual.value = targets.target_value))";

fn status_condition(status: &str) -> String {
    match status {
        "pending" => format!("NOT EXISTS ({ACTUAL})"),
        "met" => format!("EXISTS ({ACTUAL} AND {MET})"),
        _ => format!("EXISTS ({ACTUAL} AND NOT {MET})"),
    }
}

fn filtered(filter: &TargetFilter) -> targets::BoxedQuery<'_, MultiBackend> {
    let mut query = targets::table.into_boxed();
    filter_any!(query, targets::province_id, filter.province_ids);
    filter_any!(query, targets::indicator_code, filter.indicator_codes);
    filter_any!(query, targets::period_id, filter.period_ids);
    if let Some(date) = filter.starts_from {
        query = query.filter(targets::period_start.ge(date));
    }
    if let Some(date) = filter.ends_by {
        query = query.filter(targets::period_end.le(date));
    }
    if !filter.statuses.is_empty() {
        // Statuses come from a closed vocabulary, checked by the caller: no user text in the SQL.
        let any = filter
            .statuses
            .iter()
            .map(|s| status_condition(s))
            .collect::<Vec<_>>()
            .join(" OR ");
        query = query.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "({any})"
        )));
    }
    query
}

keyset_list!(targets, id: i32, Target, TargetFilter);
keyed_by_id!(Targets, targets, Target, NewTarget);

pub fn find_by_key(
    conn: &mut DbConnection,
    province: &str,
    indicator: &str,
    period: &str,
) -> QueryResult<Option<i32>> {
    targets::table
        .filter(targets::province_id.eq(province))
        .filter(targets::indicator_code.eq(indicator))
        .filter(targets::period_id.eq(period))
        .select(targets::id)
        .first(conn)
        .optional()
}
