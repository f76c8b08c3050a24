//! Reporting periods. The table is generated from `domain::PeriodId` for
//! `PeriodId::TABLE_YEARS`, so every valid period of those years exists.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{Page, PageRequest};
use crate::db::schema::periods;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::PeriodId;

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = periods)]
pub struct Period {
    pub id: String,
    pub kind: String,
    pub year: i32,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

impl From<PeriodId> for Period {
    fn from(id: PeriodId) -> Self {
        Period {
            id: id.to_string(),
            kind: id.kind().as_str().to_owned(),
            year: id.year_number(),
            start_date: id.start_date(),
            end_date: id.end_date(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PeriodFilter {
    pub kinds: Vec<String>,
    pub years: Vec<i32>,
    /// Periods starting on or after this date.
    pub starts_from: Option<NaiveDate>,
    /// Periods ending on or before this date.
    pub ends_by: Option<NaiveDate>,
}

fn filtered(filter: &PeriodFilter) -> periods::BoxedQuery<'_, MultiBackend> {
    let mut query = periods::table.into_boxed();
    filter_any!(query, periods::kind, filter.kinds);
    filter_any!(query, periods::year, filter.years);
    if let Some(date) = filter.starts_from {
        query = query.filter(periods::start_date.ge(date));
    }
    if let Some(date) = filter.ends_by {
        query = query.filter(periods::end_date.le(date));
    }
    query
}

/// Periods are listed by start date, then id; the key is that pair.
pub type PeriodKey = (NaiveDate, String);

pub fn list(
    conn: &mut DbConnection,
    filter: &PeriodFilter,
    page: &PageRequest<PeriodKey>,
    known_total: Option<i64>,
) -> QueryResult<Page<Period, PeriodKey>> {
    let mut query = filtered(filter);
    if let Some((start, id)) = &page.after {
        query = query.filter(
            periods::start_date
                .gt(*start)
                .or(periods::start_date.eq(*start).and(periods::id.gt(id))),
        );
    }
    let rows = query
        .order((periods::start_date.asc(), periods::id.asc()))
        .limit(page.limit + 1)
        .select(Period::as_select())
        .load(conn)?;
    let total = match page.total_without_count(&rows, known_total) {
        Some(total) => total,
        None => filtered(filter).count().get_result(conn)?,
    };
    Ok(Page::from_overfetch(rows, page.limit, total, |p| {
        (p.start_date, p.id.clone())
    }))
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Period>> {
    periods::table
        .find(id)
        .select(Period::as_select())
        .first(conn)
        .optional()
}

pub fn upsert(conn: &mut DbConnection, row: &Period) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(periods::table)
        .values(row)
        .on_conflict(periods::id)
        .do_update()
        .set(row)
        .execute(c))
}
