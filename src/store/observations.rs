//! Observations: an indicator's value for a province and a period, with its citation.

use chrono::NaiveDate;
use diesel::prelude::*;

use serde::{Deserialize, Serialize};

use super::version::DataState;
use super::{Page, PageRequest};
use crate::db::schema::{indicators, observations, periods};
use crate::db::{DbConnection, MultiBackend};

/// A stored observation; it also reads back from the audit trail's images (its API view), whose
/// period dates are derived from `period_id`.
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Deserialize, serde::Serialize,
)]
#[diesel(table_name = observations)]
// Every column is sent, nulls as nulls: what PostgreSQL's `COPY` (an import's inserts) needs.
#[diesel(treat_none_as_default_value = false)]
pub struct Observation {
    pub id: i32,
    pub province_id: String,
    pub indicator_code: String,
    pub period_id: String,
    #[serde(default)]
    #[diesel(deserialize_as = crate::db::StoredDate)]
    pub period_start: NaiveDate,
    #[serde(default)]
    #[diesel(deserialize_as = crate::db::StoredDate)]
    pub period_end: NaiveDate,
    pub value: f64,
    pub value_text: Option<String>,
    pub unit: String,
    pub status: String,
    pub qualifier: Option<String>,
    pub rank_of: Option<i32>,
    pub denominator: Option<i32>,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

/// An observation of a series known to the reader: what a page of it shows, without the
/// columns every row of the series shares (province, indicator) or that the page does not show
/// (the period's dates). PostgreSQL's series reads select these: each column costs it a buffer
/// and a send, and chiso a decode and, for text, an allocation.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = observations)]
pub struct SeriesRow {
    pub id: i32,
    pub period_id: String,
    pub value: f64,
    pub value_text: Option<String>,
    pub unit: String,
    pub status: String,
    pub qualifier: Option<String>,
    pub rank_of: Option<i32>,
    pub denominator: Option<i32>,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

/// An observation to insert or replace, keyed by (province, indicator, period).
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, serde::Serialize)]
#[diesel(table_name = observations)]
#[diesel(treat_none_as_null = true)]
pub struct NewObservation {
    pub province_id: String,
    pub indicator_code: String,
    pub period_id: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub value: f64,
    pub value_text: Option<String>,
    pub unit: String,
    pub status: String,
    pub qualifier: Option<String>,
    pub rank_of: Option<i32>,
    pub denominator: Option<i32>,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ObservationFilter {
    pub province_ids: Vec<String>,
    pub indicator_codes: Vec<String>,
    pub period_ids: Vec<String>,
    /// Periods starting on or after this date.
    pub starts_from: Option<NaiveDate>,
    /// Periods ending on or before this date.
    pub ends_by: Option<NaiveDate>,
    pub categories: Vec<String>,
    pub statuses: Vec<String>,
    pub source_ids: Vec<String>,
    /// `year`, `half`, ... : periods of these kinds only.
    pub period_kinds: Vec<String>,
    /// Keep the most recent N periods of each kind per province and indicator.
    pub latest: Option<i32>,
}

crate::domain::vocab::vocabulary! {
    /// The orders a list of observations can come in; each is total, ending in `id`.
    pub enum ObservationSort {
        Id = "id",
        Value = "value",
        ValueDescending = "-value",
        Period = "period",
        PeriodDescending = "-period",
    }
}

/// Where a page of observations ends, in the terms of its sort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ObservationKey {
    Id(i32),
    Value(f64, i32),
    Period(NaiveDate, i32),
}

fn filtered(filter: &ObservationFilter) -> observations::BoxedQuery<'_, MultiBackend> {
    let mut query = observations::table.into_boxed();
    filter_any!(query, observations::province_id, filter.province_ids);
    filter_any!(query, observations::indicator_code, filter.indicator_codes);
    filter_any!(query, observations::period_id, filter.period_ids);
    if let Some(date) = filter.starts_from {
        query = query.filter(observations::period_start.ge(date));
    }
    if let Some(date) = filter.ends_by {
        query = query.filter(observations::period_end.le(date));
    }
    if !filter.categories.is_empty() {
        let in_categories = indicators::table
            .filter(indicators::category.eq_any(&filter.categories))
            .select(indicators::code);
        query = query.filter(observations::indicator_code.eq_any(in_categories));
    }
    filter_any!(query, observations::status, filter.statuses);
    filter_any!(query, observations::source_id, filter.source_ids);
    if !filter.period_kinds.is_empty() {
        let of_kinds = periods::table
            .filter(periods::kind.eq_any(&filter.period_kinds))
            .select(periods::id);
        query = query.filter(observations::period_id.eq_any(of_kinds));
    }
    if let Some(n) = filter.latest {
        // Fewer than N later periods of the same kind for the same province and indicator.
        // Plain SQL both backends accept: Diesel has no correlated-subquery DSL for this.
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>(
                "(SELECT COUNT(*) FROM observations later \
                   JOIN periods later_period ON later_period.id = later.period_id \
                  WHERE later.province_id = observations.province_id \
                    AND later.indicator_code = observations.indicator_code \
                    AND later.period_start > observations.period_start \
                    AND later_period.kind = (SELECT kind FROM periods WHERE periods.id = observations.period_id)) < ",
            )
            .bind::<diesel::sql_types::Integer, _>(n),
        );
    }
    query
}

/// Every observation matching `filter`, by period then province: for bounded analyses
/// (rankings, series, profiles) that need all of them at once.
pub fn matching(
    conn: &mut DbConnection,
    filter: &ObservationFilter,
) -> QueryResult<Vec<Observation>> {
    filtered(filter)
        .order((
            observations::period_start.asc(),
            observations::province_id.asc(),
            observations::id.asc(),
        ))
        .select(Observation::as_select())
        .load(conn)
}

/// The indicator's latest period with a value: the latest end, then the latest start.
pub fn latest_period(conn: &mut DbConnection, indicator: &str) -> QueryResult<Option<String>> {
    observations::table
        .filter(observations::indicator_code.eq(indicator))
        .order((
            observations::period_end.desc(),
            observations::period_start.desc(),
        ))
        .select(observations::period_id)
        .first(conn)
        .optional()
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ObservationFilter,
    sort: ObservationSort,
    page: &PageRequest<ObservationKey>,
    known_total: Option<i64>,
) -> QueryResult<Page<Observation, ObservationKey>> {
    if let Some(series) = OneSeries::of(filter, sort, page) {
        return series.read(conn, known_total);
    }
    let rows = rows_of(conn, filter, sort, page)?;
    let total = match page.total_without_count(&rows, known_total) {
        Some(total) => total,
        None => filtered(filter).count().get_result(conn)?,
    };
    Ok(Page::from_overfetch(rows, page.limit, total, |o| {
        key_of(o, sort)
    }))
}

/// Where `o` is in a list in `sort` order.
fn key_of(o: &Observation, sort: ObservationSort) -> ObservationKey {
    match sort {
        ObservationSort::Id => ObservationKey::Id(o.id),
        ObservationSort::Value | ObservationSort::ValueDescending => {
            ObservationKey::Value(o.value, o.id)
        }
        ObservationSort::Period | ObservationSort::PeriodDescending => {
            ObservationKey::Period(o.period_start, o.id)
        }
    }
}

/// The commonest read, one province's figures for one indicator between two dates in id
/// order, as a statement of one fixed shape: Diesel finds it in its statement cache by type,
/// where a boxed query's SQL is rendered on every request to find it. It runs on the backend's
/// own connection: through `DbConnection` (Diesel's `MultiConnection`) every statement's SQL is
/// rendered again on each run, and each value decoded through `MultiBackend`. On PostgreSQL it
/// also runs asynchronously ([`OneSeries::read_async`]).
#[derive(Debug, Clone)]
pub struct OneSeries {
    province: String,
    indicator: String,
    starts_from: NaiveDate,
    ends_by: NaiveDate,
    /// The last id of the page before (a cursor), or less than any id.
    after: i32,
    /// The page's size.
    limit: i64,
}

// `+id`: the id, as an expression no index can serve. With a plain `id > ?` SQLite walks the
// whole indicator in id order (`observations_indicator_id`, 12,000 rows at 1M) to find one
// province's page; hidden from it, the series index finds the series' rows (a few hundred at
// most) and they are sorted by id.
diesel::prefix_operator!(Unindexed, " +", diesel::sql_types::Integer);

/// All the series' rows (to count them); with `page` one page of them in id order (one row
/// more, which says whether there is a next page); with `unordered` the same rows in the
/// index's order, which are the page only when they are all the rows there are. Each is a query
/// of the same type on every call.
macro_rules! series_query {
    ($series:expr) => {{
        use observations::{indicator_code, period_end, period_start, province_id};
        observations::table
            .filter(province_id.eq(&$series.province))
            .filter(indicator_code.eq(&$series.indicator))
            .filter(period_start.ge($series.starts_from))
            .filter(period_end.le($series.ends_by))
    }};
    ($series:expr, page) => {{
        series_query!($series, unordered).order(observations::id.asc())
    }};
    ($series:expr, unordered) => {{
        series_query!($series)
            .filter(Unindexed::new(observations::id).gt($series.after))
            .limit($series.limit + 1)
    }};
}

impl OneSeries {
    /// `filter` as a series, when it is one (and only one) province and indicator, with dates
    /// at most, in id order.
    pub fn of(
        filter: &ObservationFilter,
        sort: ObservationSort,
        page: &PageRequest<ObservationKey>,
    ) -> Option<OneSeries> {
        let ObservationFilter {
            province_ids,
            indicator_codes,
            period_ids,
            starts_from,
            ends_by,
            categories,
            statuses,
            source_ids,
            period_kinds,
            latest,
        } = filter;
        let ([province], [indicator]) = (province_ids.as_slice(), indicator_codes.as_slice())
        else {
            return None;
        };
        let unfiltered = period_ids.is_empty()
            && categories.is_empty()
            && statuses.is_empty()
            && source_ids.is_empty()
            && period_kinds.is_empty()
            && latest.is_none();
        let after = match page.after {
            None => i32::MIN,
            Some(ObservationKey::Id(after)) => after,
            Some(_) => return None,
        };
        (unfiltered && sort == ObservationSort::Id).then(|| OneSeries {
            province: province.clone(),
            indicator: indicator.clone(),
            // Dates no period reaches, so that the statement keeps its shape without them.
            starts_from: starts_from.unwrap_or(NaiveDate::from_ymd_opt(1, 1, 1).expect("a date")),
            ends_by: ends_by.unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date")),
            after,
            limit: page.limit,
        })
    }

    /// Province, indicator, first start, last end, the id the page follows and its size.
    pub fn parts(&self) -> (&str, &str, NaiveDate, NaiveDate, i32, i64) {
        (
            &self.province,
            &self.indicator,
            self.starts_from,
            self.ends_by,
            self.after,
            self.limit,
        )
    }

    /// [`parts`](Self::parts), owned.
    pub fn into_parts(self) -> (String, String, NaiveDate, NaiveDate, i32, i64) {
        let OneSeries {
            province,
            indicator,
            starts_from,
            ends_by,
            after,
            limit,
        } = self;
        (province, indicator, starts_from, ends_by, after, limit)
    }

    /// Whether the first page may hold the whole series, and so be read without `ORDER BY`:
    /// sorting its rows by id here costs less than the database's sort, which builds a
    /// temporary B-tree (SQLite). Not when the series is known to be longer than a page.
    fn may_be_whole(&self, known_total: Option<i64>) -> bool {
        self.after == i32::MIN && known_total.is_none_or(|total| total <= self.limit)
    }

    /// The page of `rows` (overfetched by one), in id order.
    fn page<T: HasId>(&self, rows: Vec<T>, total: i64) -> Page<T, ObservationKey> {
        Page::from_overfetch(rows, self.limit, total, |o| ObservationKey::Id(o.id()))
    }

    /// `rows` as the page, sorted by id, when they are the whole series (no overfetched row).
    fn whole<T: HasId>(&self, mut rows: Vec<T>) -> Option<Page<T, ObservationKey>> {
        if rows.len() as i64 > self.limit {
            return None;
        }
        rows.sort_unstable_by_key(T::id);
        let total = rows.len() as i64;
        Some(self.page(rows, total))
    }

    /// [`list`] of this series: whole when it fits its first page, else sorted by the database
    /// and counted unless `known_total` tells the total.
    fn read(
        self,
        conn: &mut DbConnection,
        known_total: Option<i64>,
    ) -> QueryResult<Page<Observation, ObservationKey>> {
        // `as_select` names the backend, so each statement is written out in each arm.
        if self.may_be_whole(known_total) {
            let query = series_query!(self, unordered);
            let rows =
                crate::with_backend!(conn, c => query.select(Observation::as_select()).load(c))?;
            if let Some(page) = self.whole(rows) {
                return Ok(page);
            }
        }
        let query = series_query!(self, page);
        let rows = crate::with_backend!(conn, c => query.select(Observation::as_select()).load(c))?;
        // Longer than a page, or a later page: the total is known or counted.
        let total = match known_total {
            Some(total) => total,
            None => crate::with_backend!(conn, c => series_query!(self).count().get_result(c))?,
        };
        Ok(self.page(rows, total))
    }

    /// [`read`](Self::read) on PostgreSQL's asynchronous connection. A first page is read
    /// together with those the worker's other requests ask meanwhile ([`SeriesReads`]), with
    /// the state of the data it reflects; the rest's queries are pipelined with those of other
    /// requests sharing the connection, and tell no state (`None`).
    ///
    /// [`SeriesReads`]: super::series_reads::SeriesReads
    pub async fn read_async(
        &self,
        reads: &std::rc::Rc<super::series_reads::SeriesReads>,
        conn: &diesel_async::AsyncPgConnection,
        known_total: Option<i64>,
    ) -> QueryResult<(Page<SeriesRow, ObservationKey>, Option<DataState>)> {
        // Named in full: Diesel's blocking `RunQueryDsl` is in scope too.
        use diesel_async::RunQueryDsl as Async;
        if self.may_be_whole(known_total) {
            let (rows, state) = reads.first_page(self.clone()).await?;
            if let Some(page) = self.whole(rows) {
                return Ok((page, Some(state)));
            }
        }
        let query = series_query!(self, page).select(SeriesRow::as_select());
        let rows = Async::load(query, &mut &*conn).await?;
        let total = match known_total {
            Some(total) => total,
            None => Async::get_result(series_query!(self).count(), &mut &*conn).await?,
        };
        Ok((self.page(rows, total), None))
    }
}

/// A row of a page in id order.
trait HasId {
    fn id(&self) -> i32;
}

impl HasId for Observation {
    fn id(&self) -> i32 {
        self.id
    }
}

impl HasId for SeriesRow {
    fn id(&self) -> i32 {
        self.id
    }
}

/// A page of any filter and sort, by a query built for it.
fn rows_of(
    conn: &mut DbConnection,
    filter: &ObservationFilter,
    sort: ObservationSort,
    page: &PageRequest<ObservationKey>,
) -> QueryResult<Vec<Observation>> {
    use observations::{id, period_start, value};
    let mut query = filtered(filter);
    query = match (sort, &page.after) {
        (_, None) => query,
        (ObservationSort::Id, Some(ObservationKey::Id(after))) => query.filter(id.gt(*after)),
        (ObservationSort::Value, Some(ObservationKey::Value(v, i))) => {
            query.filter(value.gt(*v).or(value.eq(*v).and(id.gt(*i))))
        }
        (ObservationSort::ValueDescending, Some(ObservationKey::Value(v, i))) => {
            query.filter(value.lt(*v).or(value.eq(*v).and(id.lt(*i))))
        }
        (ObservationSort::Period, Some(ObservationKey::Period(d, i))) => {
            query.filter(period_start.gt(*d).or(period_start.eq(*d).and(id.gt(*i))))
        }
        (ObservationSort::PeriodDescending, Some(ObservationKey::Period(d, i))) => {
            query.filter(period_start.lt(*d).or(period_start.eq(*d).and(id.lt(*i))))
        }
        // The API layer only builds keys that match the sort; a mismatch reads from the start.
        (_, Some(_)) => query,
    };
    query = match sort {
        ObservationSort::Id => query.order(id.asc()),
        ObservationSort::Value => query.order((value.asc(), id.asc())),
        ObservationSort::ValueDescending => query.order((value.desc(), id.desc())),
        ObservationSort::Period => query.order((period_start.asc(), id.asc())),
        ObservationSort::PeriodDescending => query.order((period_start.desc(), id.desc())),
    };
    query
        .limit(page.limit + 1)
        .select(Observation::as_select())
        .load(conn)
}

keyed_by_id!(Observations, observations, Observation, NewObservation);

/// The id of the observation holding this natural key.
pub fn find_by_key(
    conn: &mut DbConnection,
    province: &str,
    indicator: &str,
    period: &str,
) -> QueryResult<Option<i32>> {
    observations::table
        .filter(observations::province_id.eq(province))
        .filter(observations::indicator_code.eq(indicator))
        .filter(observations::period_id.eq(period))
        .select(observations::id)
        .first(conn)
        .optional()
}

/// The distinct units the observations of an indicator use.
pub fn units_in_use(conn: &mut DbConnection, indicator: &str) -> QueryResult<Vec<String>> {
    observations::table
        .filter(observations::indicator_code.eq(indicator))
        .select(observations::unit)
        .distinct()
        .load(conn)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::connection::InstrumentationEvent;
    use diesel::sql_types::Text;

    use super::*;

    #[derive(QueryableByName)]
    struct PlanStep {
        #[diesel(sql_type = Text)]
        detail: String,
    }

    /// The statements `list` prepares for a page of a shipped series, on a fresh SQLite
    /// database, and the page.
    fn series_statements(
        page: PageRequest<ObservationKey>,
    ) -> (
        Vec<String>,
        diesel::SqliteConnection,
        Page<Observation, ObservationKey>,
    ) {
        let prepared = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut sqlite = diesel::SqliteConnection::establish(":memory:").unwrap();
        let seen = prepared.clone();
        sqlite.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().unwrap().push(sql.to_owned());
            }
        });
        let mut conn = DbConnection::Sqlite(sqlite);
        crate::db::run_migrations(&mut conn).unwrap();
        let shipped = crate::dataset::Dataset::embedded().unwrap();
        crate::dataset::load(&mut conn, &shipped).unwrap();
        prepared.lock().unwrap().clear();

        let filter = ObservationFilter {
            // Five years, whose ids are not in the order of their periods.
            province_ids: vec!["da-nang".into()],
            indicator_codes: vec!["dti_score".into()],
            starts_from: NaiveDate::from_ymd_opt(2015, 1, 1),
            ends_by: NaiveDate::from_ymd_opt(2024, 12, 31),
            ..Default::default()
        };
        let listed = list(&mut conn, &filter, ObservationSort::Id, &page, None).unwrap();
        let statements = prepared.lock().unwrap().clone();
        let DbConnection::Sqlite(sqlite) = conn else {
            unreachable!()
        };
        (statements, sqlite, listed)
    }

    fn plan(sqlite: &mut diesel::SqliteConnection, statement: &str) -> Vec<String> {
        diesel::sql_query(format!("EXPLAIN QUERY PLAN {statement}"))
            .load::<PlanStep>(sqlite)
            .unwrap()
            .into_iter()
            .map(|step| step.detail)
            .collect()
    }

    /// SQLite answers a series from `observations_series` alone (migration 8). A column added
    /// to `Observation` but not to that index would bring back a seek into the table per row.
    /// A first page that holds the whole series is one statement that needs no sort, with the
    /// total counted from its rows; a later page, one statement sorted by id and a count.
    #[test]
    fn a_series_is_read_from_its_index_alone_on_sqlite() {
        let first = PageRequest {
            limit: 100,
            after: None,
        };
        let (statements, mut sqlite, page) = series_statements(first);
        let [whole] = statements.as_slice() else {
            panic!("one statement expected for a whole series, prepared: {statements:?}");
        };
        let steps = plan(&mut sqlite, whole);
        assert!(
            steps
                .iter()
                .any(|step| step.contains("USING COVERING INDEX observations_series"))
                && !steps.iter().any(|step| step.contains("TEMP B-TREE")),
            "{whole}\nplan: {steps:?}"
        );
        assert!(page.rows.len() > 1, "the seeded series has rows: {page:?}");
        assert_eq!(page.total, page.rows.len() as i64);
        assert!(page.rows.windows(2).all(|w| w[0].id < w[1].id), "{page:?}");

        let later = PageRequest {
            limit: 1,
            after: Some(ObservationKey::Id(page.rows[0].id)),
        };
        let (statements, mut sqlite, next) = series_statements(later);
        let [series, count] = statements.as_slice() else {
            panic!("a page and a count expected, prepared: {statements:?}");
        };
        let steps = plan(&mut sqlite, series);
        assert!(
            steps
                .iter()
                .any(|step| step.contains("USING COVERING INDEX observations_series")),
            "{series}\nplan: {steps:?}"
        );
        assert!(count.contains("COUNT"), "{count}");
        assert_eq!(next.rows[0].id, page.rows[1].id);
        assert_eq!(next.total, page.total);
    }
}
