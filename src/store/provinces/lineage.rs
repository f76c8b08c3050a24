//! The 2025 merger's links from each unit to the units it became, and the names and kinds
//! units bore before their present ones.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{province_lineage, province_names};
use crate::db::DbConnection;

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = province_lineage)]
pub struct LineageLink {
    pub predecessor_id: String,
    pub successor_id: String,
    pub effective_date: NaiveDate,
}

/// A name and kind a unit bore before today's (Thừa Thiên Huế, a province, to 2024-12-31).
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = province_names)]
#[diesel(treat_none_as_null = true)]
pub struct FormerName {
    pub province_id: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: NaiveDate,
}

impl FormerName {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && date <= self.valid_to
    }
}

/// The earlier names of the units `ids` (all units when `ids` is None), oldest first.
pub fn former_names(
    conn: &mut DbConnection,
    ids: Option<&[String]>,
) -> QueryResult<Vec<FormerName>> {
    let mut query = province_names::table.into_boxed();
    if let Some(ids) = ids {
        query = query.filter(province_names::province_id.eq_any(ids));
    }
    query
        .order((
            province_names::province_id.asc(),
            province_names::valid_to.asc(),
        ))
        .select(FormerName::as_select())
        .load(conn)
}

pub fn upsert_former_name(conn: &mut DbConnection, row: &FormerName) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(province_names::table)
        .values(row)
        .on_conflict((province_names::province_id, province_names::valid_to))
        .do_update()
        .set(row)
        .execute(c))
}

/// Lineage links touching any of `ids`, as predecessor or successor.
pub fn lineage_of(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<LineageLink>> {
    province_lineage::table
        .filter(
            province_lineage::predecessor_id
                .eq_any(ids)
                .or(province_lineage::successor_id.eq_any(ids)),
        )
        .order((
            province_lineage::successor_id.asc(),
            province_lineage::predecessor_id.asc(),
        ))
        .select(LineageLink::as_select())
        .load(conn)
}

pub fn upsert_lineage(conn: &mut DbConnection, row: &LineageLink) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(province_lineage::table)
        .values(row)
        .on_conflict((province_lineage::predecessor_id, province_lineage::successor_id))
        .do_update()
        .set(province_lineage::effective_date.eq(row.effective_date))
        .execute(c))
}
