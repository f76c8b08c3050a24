//! The first pages of series read together on PostgreSQL: the series one worker's requests ask
//! for while a read is under way share the next statement, one index-only scan per series
//! joined laterally to the list of series asked. A statement of its own costs PostgreSQL a
//! third of a 40-row series' CPU besides the scan and the rows (the round trip, the
//! transaction, the executor's set-up): a series alone cost it 95-100 µs, in one statement
//! with fifteen others 64-66 µs (`pgbench`, BENCHMARKS.md, fifteenth session).
//!
//! The statement also reads the data's state, in the same snapshot as the rows: a request
//! whose state before the read is the same knows what its rows reflect without another check.

use std::rc::Rc;

use chrono::NaiveDate;
use diesel::dsl::{AsSelect, SqlTypeOf};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::{DatabaseErrorKind, Error};
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text};

use super::batched::{self, BatchedRead, Queue};
use super::observations::{OneSeries, SeriesRow};
use super::version::DataState;
use crate::db::pg_async::WorkerPgConnection;

type Rows = Result<(Vec<SeriesRow>, DataState), SharedError>;

/// One worker's batched series reads, on its asynchronous connection. App data of each worker's
/// app (`Rc<SeriesReads>`), present only where [`WorkerPgConnection`] is.
pub struct SeriesReads {
    conn: Rc<WorkerPgConnection>,
    queue: Queue<OneSeries, Rows>,
}

impl SeriesReads {
    pub fn new(conn: Rc<WorkerPgConnection>) -> Self {
        Self {
            conn,
            queue: Queue::default(),
        }
    }

    /// The rows of the first page of `series` (up to its size and one more), in the index's
    /// order, read by a statement that began after this call, and the state of the data they
    /// reflect.
    pub async fn first_page(
        self: &Rc<Self>,
        series: OneSeries,
    ) -> QueryResult<(Vec<SeriesRow>, DataState)> {
        match batched::ask(self, series).await {
            Some(rows) => rows.map_err(SharedError::into_error),
            None => Err(SharedError::stopped().into_error()),
        }
    }

    /// Each series' rows, in the order asked, and the state of the data they reflect.
    async fn read_together(
        &self,
        batch: SeriesBatch,
    ) -> Result<(Vec<Vec<SeriesRow>>, DataState), SharedError> {
        let asked = batch.provinces.len();
        let conn = self.conn.get().await.map_err(|e| SharedError {
            kind: DatabaseErrorKind::ClosedConnection,
            message: format!("cannot connect to read series: {e}"),
        })?;
        let rows: Vec<BatchRow> = diesel_async::RunQueryDsl::load(batch, &mut &*conn)
            .await
            .map_err(|e| {
                self.conn.forget(&conn);
                SharedError::from(e)
            })?;
        // Every series asked has a row at least (an empty one, none of its own).
        let Some(&(version, latest_change, ..)) = rows.first() else {
            return Err(SharedError::unexpected("no row, not even the data's state"));
        };
        // `WITH ORDINALITY` counts from 1.
        let index = |ordinal: i64| usize::try_from(ordinal - 1).ok();
        // Each series' vector sized for its rows: growing them moved every row again.
        let mut lengths = vec![0; asked];
        for (_, _, ordinal, row) in &rows {
            if let (Some(length), Some(_)) = (index(*ordinal).and_then(|i| lengths.get_mut(i)), row)
            {
                *length += 1;
            }
        }
        let mut series: Vec<Vec<SeriesRow>> = lengths.into_iter().map(Vec::with_capacity).collect();
        for (_, _, ordinal, row) in rows {
            match (index(ordinal).and_then(|i| series.get_mut(i)), row) {
                (Some(slot), Some(row)) => slot.push(row),
                (Some(_), None) => {}
                (None, _) => return Err(SharedError::unexpected("a row of a series not asked")),
            }
        }
        let state = DataState {
            version,
            latest_change,
        };
        Ok((series, state))
    }
}

impl BatchedRead for SeriesReads {
    type Ask = OneSeries;
    type Answer = Rows;
    /// Bounds a statement's rows (a page is 1,000 rows at most) while a worker's requests fit
    /// in one or two statements.
    const MOST: usize = 32;

    fn queue(&self) -> &Queue<OneSeries, Rows> {
        &self.queue
    }

    async fn read(&self, series: Vec<OneSeries>) -> Vec<Rows> {
        let asked = series.len();
        match self.read_together(SeriesBatch::of(series)).await {
            Ok((rows, state)) => rows.into_iter().map(|rows| Ok((rows, state))).collect(),
            Err(err) => vec![Err(err); asked],
        }
    }
}

/// A row of [`SeriesBatch`]: the data's state, which series (from 1), and one of its rows
/// (`None` for a series with none).
type BatchRow = (i64, i32, i64, Option<SeriesRow>);

/// The series asked, column by column, as the arrays the statement unnests.
struct SeriesBatch {
    provinces: Vec<String>,
    indicators: Vec<String>,
    starts_from: Vec<NaiveDate>,
    ends_by: Vec<NaiveDate>,
    after: Vec<i32>,
    sizes: Vec<i64>,
    /// The observation's columns, as the series' own statement selects them.
    columns: AsSelect<SeriesRow, Pg>,
}

impl SeriesBatch {
    fn of(series: Vec<OneSeries>) -> Self {
        let mut batch = SeriesBatch {
            provinces: Vec::with_capacity(series.len()),
            indicators: Vec::with_capacity(series.len()),
            starts_from: Vec::with_capacity(series.len()),
            ends_by: Vec::with_capacity(series.len()),
            after: Vec::with_capacity(series.len()),
            sizes: Vec::with_capacity(series.len()),
            columns: SeriesRow::as_select(),
        };
        for one in series {
            let (province, indicator, starts_from, ends_by, after, limit) = one.into_parts();
            batch.provinces.push(province);
            batch.indicators.push(indicator);
            batch.starts_from.push(starts_from);
            batch.ends_by.push(ends_by);
            batch.after.push(after);
            // One row more than the page, which says whether the page holds the whole series.
            batch.sizes.push(limit + 1);
        }
        batch
    }
}

// The statement has the same text whatever the number of series (they are arrays), so Diesel
// prepares it once per connection and finds it again by this type.
impl QueryId for SeriesBatch {
    type QueryId = SeriesBatch;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for SeriesBatch {
    type SqlType = (
        BigInt,
        Integer,
        BigInt,
        // The columns' own types: Diesel reads no `Nullable` of a `Selectable`.
        Nullable<SqlTypeOf<<SeriesRow as Selectable<Pg>>::SelectExpression>>,
    );
}

impl QueryFragment<Pg> for SeriesBatch {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // The data's state as `version::ReadState` reads it, then the series.
        out.push_sql(
            "SELECT s.version, s.latest_change, k.n, o.* FROM (SELECT version, \
             (SELECT COALESCE(MAX(id), 0) FROM changes) AS latest_change \
             FROM data_version WHERE id = 1) AS s CROSS JOIN unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.provinces)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.indicators)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Date>, _>(&self.starts_from)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Date>, _>(&self.ends_by)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.after)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.sizes)?;
        out.push_sql(
            ") WITH ORDINALITY AS k (province, indicator, starts_from, ends_by, after, size, n) \
             LEFT JOIN LATERAL (SELECT ",
        );
        self.columns.walk_ast(out.reborrow())?;
        // The series' first statement (`OneSeries`'s `unordered`): `+id` keeps the scan on the
        // series index.
        out.push_sql(
            " FROM observations WHERE observations.province_id = k.province \
             AND observations.indicator_code = k.indicator \
             AND observations.period_start >= k.starts_from \
             AND observations.period_end <= k.ends_by \
             AND +observations.id > k.after LIMIT k.size) AS o ON TRUE",
        );
        Ok(())
    }
}

/// A batch's failure, told to each request of the batch (Diesel's error is not `Clone`).
#[derive(Debug, Clone)]
pub(crate) struct SharedError {
    kind: DatabaseErrorKind,
    message: String,
}

impl SharedError {
    fn stopped() -> Self {
        Self {
            kind: DatabaseErrorKind::Unknown,
            message: "the series read stopped".to_owned(),
        }
    }

    fn unexpected(what: &str) -> Self {
        Self {
            kind: DatabaseErrorKind::Unknown,
            message: format!("a batch of series read {what}"),
        }
    }

    fn into_error(self) -> Error {
        Error::DatabaseError(self.kind, Box::new(self.message))
    }
}

impl From<Error> for SharedError {
    fn from(err: Error) -> Self {
        match err {
            Error::DatabaseError(kind, info) => Self {
                kind,
                message: info.message().to_owned(),
            },
            other => Self {
                kind: DatabaseErrorKind::Unknown,
                message: other.to_string(),
            },
        }
    }
}
