//! The observations in memory, by series, for the commonest read: one province's figures for
//! one indicator ([`OneSeries`]). A [`Snapshot`] holds every observation as of one state of the
//! data and is never changed; it answers only requests that saw exactly that state, so it can
//! never serve an answer older (or newer) than the database's. When the data moves, the next
//! snapshot is made from the old one and the audit trail: the series the changes since touched
//! are read again, the rest are shared. That relies on what vintages rely on: every write chiso
//! makes to an observation records its change in the same transaction (the first load of the
//! shipped data, into an empty database, is before any server holds a snapshot).
//!
//! A row takes about 55 bytes (its low-cardinality strings are shared, its printed figure and
//! quote kept in one buffer per series), so a million observations hold about 52 MB (measured).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::observations::{Observation, ObservationKey, OneSeries};
use super::version::DataState;
use super::Page;
use crate::db::schema::{changes, observations};
use crate::db::{DbConnection, Pool};

/// More changes than this since a snapshot, and the next one is loaded whole rather than
/// patched: reading the audit trail of an import of a million rows costs more than the rows.
const MOST_CHANGES_PATCHED: i64 = 20_000;

/// The replica a server keeps, and how it catches up.
pub struct Replica {
    /// The latest snapshot, or none while a whole load is under way (or the data outgrew
    /// `max_rows`): requests then read the database.
    latest: RwLock<Option<Arc<Snapshot>>>,
    /// Set while one request (or a background load) brings the replica up to date: the others
    /// read the database meanwhile rather than wait or repeat the work.
    updating: Arc<AtomicBool>,
    /// More observations than this are not held.
    max_rows: i64,
    /// More changes than this since the snapshot held, and the next is loaded whole.
    most_changes_patched: i64,
    /// The state at which the observations could not be held (more than `max_rows`): no load
    /// is tried again until the data moves.
    refused_at: RwLock<Option<DataState>>,
}

/// Every observation as of one state of the data.
pub struct Snapshot {
    pub state: DataState,
    series: SeriesMap,
    words: Arc<Words>,
    rows: i64,
}

/// Series by province, then indicator.
type SeriesMap = HashMap<Box<str>, HashMap<Box<str>, Arc<Series>>>;

/// One province's observations of one indicator, in id order.
struct Series {
    rows: Vec<Row>,
    /// The rows' printed figures and quotes, one after another.
    text: String,
}

/// An observation, its strings as indexes into [`Words`] and its series' text.
/// 40 bytes: the rows are most of what a replica holds.
#[derive(Debug, Clone, Copy)]
struct Row {
    value: f64,
    id: i32,
    source: u32,
    rank_of: i32,
    denominator: i32,
    /// Where the printed figure starts in the series' text; the quote follows it.
    text_at: u32,
    quote_len: u32,
    period: u16,
    value_text_len: u16,
    unit: u8,
    status: u8,
    qualifier: u8,
}

const _: () = assert!(std::mem::size_of::<Row>() == 40);

/// No value, in a [`Row`]'s compact fields.
const NONE: u32 = u32::MAX;
const NONE_SHORT: u16 = u16::MAX;
const NONE_INT: i32 = i32::MIN;
const NONE_WORD: u8 = u8::MAX;

/// The strings many rows share: periods (with their dates), units, statuses, qualifiers and
/// sources, each stored once.
#[derive(Clone, Default)]
struct Words {
    periods: Vec<(Box<str>, NaiveDate, NaiveDate)>,
    period_index: HashMap<Box<str>, u32>,
    sources: Table,
    /// Units, statuses and qualifiers: each vocabulary is small.
    small: Table,
}

#[derive(Clone, Default)]
struct Table {
    words: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl Table {
    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&i) = self.index.get(word) {
            return i;
        }
        let i = self.words.len() as u32;
        self.words.push(word.into());
        self.index.insert(word.into(), i);
        i
    }
}

impl Words {
    /// The period's index; `None` past 65,535 periods, which no replica holds.
    fn period(&mut self, o: &Observation) -> Option<u16> {
        if let Some(&i) = self.period_index.get(o.period_id.as_str()) {
            return u16::try_from(i).ok();
        }
        let i = self.periods.len() as u32;
        self.periods
            .push((o.period_id.as_str().into(), o.period_start, o.period_end));
        self.period_index.insert(o.period_id.as_str().into(), i);
        u16::try_from(i).ok().filter(|&i| i != NONE_SHORT)
    }

    /// A word of a small vocabulary (units, statuses, qualifiers), as a byte; `None` past 254
    /// words.
    fn small(&mut self, word: &str) -> Option<u8> {
        u8::try_from(self.small.intern(word))
            .ok()
            .filter(|&w| w != NONE_WORD)
    }
}

/// A row of a snapshot, with what it needs to be read.
#[derive(Clone, Copy)]
pub struct HeldObservation<'a> {
    pub province_id: &'a str,
    pub indicator_code: &'a str,
    row: &'a Row,
    series: &'a Series,
    words: &'a Words,
}

impl<'a> HeldObservation<'a> {
    pub fn id(&self) -> i32 {
        self.row.id
    }
    pub fn period_id(&self) -> &'a str {
        &self.words.periods[self.row.period as usize].0
    }
    pub fn value(&self) -> f64 {
        self.row.value
    }
    pub fn value_text(&self) -> Option<&'a str> {
        let start = self.row.text_at as usize;
        (self.row.value_text_len != NONE_SHORT)
            .then(|| &self.series.text[start..start + self.row.value_text_len as usize])
    }
    pub fn unit(&self) -> &'a str {
        &self.words.small.words[self.row.unit as usize]
    }
    pub fn status(&self) -> &'a str {
        &self.words.small.words[self.row.status as usize]
    }
    pub fn qualifier(&self) -> Option<&'a str> {
        (self.row.qualifier != NONE_WORD)
            .then(|| &*self.words.small.words[self.row.qualifier as usize])
    }
    pub fn rank_of(&self) -> Option<i32> {
        (self.row.rank_of != NONE_INT).then_some(self.row.rank_of)
    }
    pub fn denominator(&self) -> Option<i32> {
        (self.row.denominator != NONE_INT).then_some(self.row.denominator)
    }
    pub fn source_id(&self) -> Option<&'a str> {
        (self.row.source != NONE).then(|| &*self.words.sources.words[self.row.source as usize])
    }
    pub fn quote(&self) -> Option<&'a str> {
        let value_text = if self.row.value_text_len == NONE_SHORT {
            0
        } else {
            self.row.value_text_len as usize
        };
        let start = self.row.text_at as usize + value_text;
        (self.row.quote_len != NONE)
            .then(|| &self.series.text[start..start + self.row.quote_len as usize])
    }
}

impl Snapshot {
    /// The page of `wanted` (see [`OneSeries`]): what `observations::list` answers for it.
    pub fn page<'a>(&'a self, wanted: &OneSeries) -> Page<HeldObservation<'a>, ObservationKey> {
        let (province, indicator, starts_from, ends_by, after, limit) = wanted.parts();
        let Some((province_id, indicator_code, series)) = self
            .series
            .get_key_value(province)
            .and_then(|(p, by_indicator)| {
                let (i, series) = by_indicator.get_key_value(indicator)?;
                Some((&**p, &**i, series))
            })
        else {
            return Page {
                rows: Vec::new(),
                total: 0,
                next: None,
            };
        };
        let words = &*self.words;
        let mut total = 0;
        let mut rows = Vec::with_capacity((limit + 1).min(series.rows.len() as i64) as usize);
        for row in &series.rows {
            let (_, start, end) = &words.periods[row.period as usize];
            if *start < starts_from || *end > ends_by {
                continue;
            }
            total += 1;
            if row.id > after && (rows.len() as i64) <= limit {
                rows.push(HeldObservation {
                    province_id,
                    indicator_code,
                    row,
                    series,
                    words,
                });
            }
        }
        Page::from_overfetch(rows, limit, total, |o| ObservationKey::Id(o.id()))
    }

    pub fn rows(&self) -> i64 {
        self.rows
    }
}

/// Builds the series of a snapshot from observations.
#[derive(Default)]
struct Builder {
    words: Words,
    /// By province, then indicator.
    series: HashMap<String, HashMap<String, Series>>,
    rows: i64,
    /// Why an observation could not be held, if one could not.
    unholdable: Option<String>,
}

impl Builder {
    fn on(words: Words) -> Self {
        Builder {
            words,
            ..Default::default()
        }
    }

    /// Room for a series' `rows` up front: grown as they come, a million rows' vectors would
    /// leave a fifth more memory behind.
    fn expect(&mut self, province: String, indicator: String, rows: i64) {
        let rows = rows as usize;
        self.series.entry(province).or_default().insert(
            indicator,
            Series {
                rows: Vec::with_capacity(rows),
                text: String::with_capacity(rows * 8),
            },
        );
    }

    fn add(&mut self, o: Observation) {
        if self.unholdable.is_some() {
            return;
        }
        match self.row(&o) {
            Some(()) => self.rows += 1,
            None => self.unholdable = Some(format!("observation {} does not fit", o.id)),
        }
    }

    /// Adds `o` to its series; `None` when its strings do not fit a row's compact fields.
    fn row(&mut self, o: &Observation) -> Option<()> {
        let words = &mut self.words;
        let period = words.period(o)?;
        let source = match &o.source_id {
            Some(s) => words.sources.intern(s),
            None => NONE,
        };
        let unit = words.small(&o.unit)?;
        let status = words.small(&o.status)?;
        let qualifier = match &o.qualifier {
            Some(q) => words.small(q)?,
            None => NONE_WORD,
        };
        let series = match self.series.get_mut(o.province_id.as_str()) {
            Some(by_indicator) => by_indicator.get_mut(o.indicator_code.as_str()),
            None => None,
        };
        let series = match series {
            Some(series) => series,
            None => self
                .series
                .entry(o.province_id.clone())
                .or_default()
                .entry(o.indicator_code.clone())
                .or_insert_with(|| Series {
                    rows: Vec::new(),
                    text: String::new(),
                }),
        };
        let text_at = u32::try_from(series.text.len()).ok()?;
        let value_text_len = match &o.value_text {
            Some(text) => u16::try_from(text.len())
                .ok()
                .filter(|&n| n != NONE_SHORT)?,
            None => NONE_SHORT,
        };
        let quote_len = match &o.quote {
            Some(quote) => u32::try_from(quote.len()).ok().filter(|&n| n != NONE)?,
            None => NONE,
        };
        series.text.push_str(o.value_text.as_deref().unwrap_or(""));
        series.text.push_str(o.quote.as_deref().unwrap_or(""));
        series.rows.push(Row {
            value: o.value,
            id: o.id,
            source,
            rank_of: o.rank_of.unwrap_or(NONE_INT),
            denominator: o.denominator.unwrap_or(NONE_INT),
            text_at,
            quote_len,
            period,
            value_text_len,
            unit,
            status,
            qualifier,
        });
        Some(())
    }

    /// Files the series built into `held`, each in id order and without spare capacity, and
    /// gives the words and the number of rows; an error when an observation could not be held.
    fn finish_into(self, held: &mut SeriesMap) -> Result<(Words, i64), String> {
        if let Some(why) = self.unholdable {
            return Err(why);
        }
        for (province, by_indicator) in self.series {
            let held = held.entry(province.into()).or_default();
            for (indicator, mut series) in by_indicator {
                series.rows.sort_unstable_by_key(|r| r.id);
                series.rows.shrink_to_fit();
                series.text.shrink_to_fit();
                held.insert(indicator.into(), Arc::new(series));
            }
        }
        Ok((self.words, self.rows))
    }
}

/// Calls `$each` with every observation `$query` selects, one at a time, without holding them
/// all: PostgreSQL sends them row by row rather than as one result.
macro_rules! each_observation {
    ($conn:expr, $query:expr, $each:expr) => {{
        use diesel::connection::DefaultLoadingMode;
        use diesel::pg::PgRowByRowLoadingMode;
        match $conn {
            DbConnection::Sqlite(c) => {
                let query = $query.select(Observation::as_select());
                for o in query.load_iter::<Observation, DefaultLoadingMode>(c)? {
                    $each(o?);
                }
            }
            DbConnection::Pg(c) => {
                let query = $query.select(Observation::as_select());
                for o in query.load_iter::<Observation, PgRowByRowLoadingMode>(c)? {
                    $each(o?);
                }
            }
        }
    }};
}

/// The province and indicator of an observation's image in the audit trail.
#[derive(Deserialize)]
struct SeriesOf {
    province_id: String,
    indicator_code: String,
}

/// Why a snapshot could not be patched, so must be loaded whole.
enum Patch {
    Done(Snapshot),
    LoadWhole,
}

impl Snapshot {
    /// Every observation, as of the state `conn`'s snapshot sees (call inside a read
    /// snapshot); `Err` with the reason when one cannot be held.
    fn load(conn: &mut DbConnection, state: DataState) -> QueryResult<Result<Snapshot, String>> {
        use observations::{indicator_code, province_id};
        let mut builder = Builder::default();
        let sizes: Vec<(String, String, i64)> = observations::table
            .group_by((province_id, indicator_code))
            .select((province_id, indicator_code, diesel::dsl::count_star()))
            .load(conn)?;
        for (province, indicator, rows) in sizes {
            builder.expect(province, indicator, rows);
        }
        each_observation!(conn, observations::table, |o| builder.add(o));
        let mut series = SeriesMap::new();
        let (words, rows) = match builder.finish_into(&mut series) {
            Ok(built) => built,
            Err(why) => return Ok(Err(why)),
        };
        Ok(Ok(Snapshot {
            state,
            series,
            words: Arc::new(words),
            rows,
        }))
    }

    /// The next snapshot, as of `state` (call inside a read snapshot): the series touched by
    /// the changes since this one read again, the rest shared.
    fn patched(
        &self,
        conn: &mut DbConnection,
        state: DataState,
        most_changes: i64,
    ) -> QueryResult<Patch> {
        let since = changes::table.filter(changes::id.gt(self.state.latest_change));
        let count: i64 = since.count().get_result(conn)?;
        if count > most_changes {
            return Ok(Patch::LoadWhole);
        }
        // Filtered here: with `resource = ?` in the statement SQLite walks the index on
        // `resource`, every observation change there is, rather than the ids since.
        let since: Vec<(String, Option<String>, Option<String>)> = since
            .select((changes::resource, changes::before, changes::after))
            .load(conn)?;
        let images = since
            .iter()
            .filter(|(resource, _, _)| resource == "observation")
            .flat_map(|(_, before, after)| [before, after])
            .flatten();
        let mut touched = HashSet::new();
        for image in images {
            match serde_json::from_str::<SeriesOf>(image) {
                Ok(s) => touched.insert((s.province_id, s.indicator_code)),
                Err(_) => return Ok(Patch::LoadWhole),
            };
        }
        let mut builder = Builder::on((*self.words).clone());
        for (province, indicator) in &touched {
            let one = observations::table
                .filter(observations::province_id.eq(province))
                .filter(observations::indicator_code.eq(indicator));
            each_observation!(conn, one, |o| builder.add(o));
        }
        let mut series = self.series.clone();
        let mut rows = self.rows;
        for (province, indicator) in &touched {
            let old = series
                .get_mut(province.as_str())
                .and_then(|by_indicator| by_indicator.remove(indicator.as_str()));
            rows -= old.map_or(0, |s| s.rows.len() as i64);
        }
        let Ok((words, read_again)) = builder.finish_into(&mut series) else {
            return Ok(Patch::LoadWhole);
        };
        rows += read_again;
        Ok(Patch::Done(Snapshot {
            state,
            series,
            words: Arc::new(words),
            rows,
        }))
    }
}

impl Replica {
    /// A replica holding up to `max_rows` observations, loaded now: `None` (every read from the
    /// database) when there are more, or `max_rows` is 0.
    pub fn load(pool: &Pool, max_rows: i64) -> anyhow::Result<Replica> {
        let replica = Replica {
            latest: RwLock::new(None),
            updating: Arc::new(AtomicBool::new(false)),
            max_rows,
            most_changes_patched: MOST_CHANGES_PATCHED,
            refused_at: RwLock::new(None),
        };
        if max_rows > 0 {
            let mut conn = pool.get()?;
            *replica.latest.write().unwrap_or_else(|p| p.into_inner()) =
                replica.load_whole(&mut conn)?.map(Arc::new);
        }
        Ok(replica)
    }

    /// The snapshot of exactly `state`, if held.
    pub fn at(&self, state: DataState) -> Option<Arc<Snapshot>> {
        let latest = self.latest.read().unwrap_or_else(|p| p.into_inner());
        latest.as_ref().filter(|s| s.state == state).cloned()
    }

    /// Whether [`catch_up`](Self::catch_up) to `state` could give a snapshot: not while another
    /// call is at it, nor when there were too many observations at that state.
    pub fn may_catch_up(&self, state: DataState) -> bool {
        self.max_rows > 0
            && !self.updating.load(Ordering::Acquire)
            && *self.refused_at.read().unwrap_or_else(|p| p.into_inner()) != Some(state)
    }

    /// Brings the replica up to the data's state now, and gives the snapshot of `state` if that
    /// is it. A few changes are patched in here; many (an import) are loaded whole on a thread of
    /// their own while the database serves. Nothing happens while another call is at it.
    pub fn catch_up(
        self: &Arc<Self>,
        pool: &Pool,
        state: DataState,
    ) -> anyhow::Result<Option<Arc<Snapshot>>> {
        if !self.may_catch_up(state) {
            return Ok(None);
        }
        let Some(updating) = Updating::claim(&self.updating) else {
            return Ok(None);
        };
        let held = self
            .latest
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some(held) = held.as_ref().filter(|s| s.state == state) {
            return Ok(Some(held.clone()));
        }
        let patched = match &held {
            Some(held) => crate::db::read_snapshot(&mut *pool.get()?, |conn| {
                let now = super::version::state(conn)?;
                Ok::<_, diesel::result::Error>(
                    match held.patched(conn, now, self.most_changes_patched)? {
                        Patch::Done(next) => Some(next),
                        Patch::LoadWhole => None,
                    },
                )
            })?,
            None => None,
        };
        match patched {
            Some(next) => {
                let next = Arc::new(next);
                self.replace(Some(next.clone()));
                Ok((next.state == state).then_some(next))
            }
            None => {
                // Dropped first: the old snapshot and the new would otherwise be in memory at
                // once.
                self.replace(None);
                let (replica, pool) = (self.clone(), pool.clone());
                std::thread::Builder::new()
                    .name("chiso-replica".into())
                    .spawn(move || {
                        let _updating = updating;
                        let loaded = pool
                            .get()
                            .map_err(anyhow::Error::from)
                            .and_then(|mut conn| Ok(replica.load_whole(&mut conn)?));
                        match loaded {
                            Ok(snapshot) => replica.replace(snapshot.map(Arc::new)),
                            Err(e) => log::warn!("cannot load the observations into memory: {e:#}"),
                        }
                    })?;
                Ok(None)
            }
        }
    }

    /// Every observation, in one read snapshot with its state; `None` when there are more than
    /// `max_rows`, or one cannot be held (no attempt is made again until the data moves).
    fn load_whole(&self, conn: &mut DbConnection) -> QueryResult<Option<Snapshot>> {
        crate::db::read_snapshot(conn, |conn| {
            let state = super::version::state(conn)?;
            let stored: i64 = observations::table.count().get_result(conn)?;
            let refused = if stored > self.max_rows {
                format!("{stored} observations, more than {}", self.max_rows)
            } else {
                match Snapshot::load(conn, state)? {
                    Ok(snapshot) => {
                        log::info!(
                            "{} observations in memory, as of change {}",
                            snapshot.rows,
                            state.latest_change
                        );
                        return Ok(Some(snapshot));
                    }
                    Err(why) => why,
                }
            };
            *self.refused_at.write().unwrap_or_else(|p| p.into_inner()) = Some(state);
            log::info!("series are read from the database, none held in memory: {refused}");
            Ok(None)
        })
    }

    /// Installs `snapshot` (only the holder of [`Updating`] calls this, or `load`).
    fn replace(&self, snapshot: Option<Arc<Snapshot>>) {
        let mut latest = self.latest.write().unwrap_or_else(|p| p.into_inner());
        *latest = snapshot;
    }
}

/// The claim on bringing a replica up to date, released when dropped.
struct Updating(Arc<AtomicBool>);

impl Updating {
    fn claim(flag: &Arc<AtomicBool>) -> Option<Updating> {
        flag.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| Updating(flag.clone()))
    }
}

impl Drop for Updating {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::db::DatabaseUrl;
    use crate::store::observations::{
        self as stored_observations, ObservationFilter, ObservationSort,
    };
    use crate::store::PageRequest;

    /// What a reader sees of an observation, from either side.
    #[derive(Debug, PartialEq)]
    struct Seen(
        i32,
        String,
        String,
        String,
        f64,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<i32>,
        Option<i32>,
        Option<String>,
        Option<String>,
    );

    fn held(o: &HeldObservation<'_>) -> Seen {
        let own = |s: Option<&str>| s.map(str::to_owned);
        Seen(
            o.id(),
            o.province_id.into(),
            o.indicator_code.into(),
            o.period_id().into(),
            o.value(),
            own(o.value_text()),
            o.unit().into(),
            o.status().into(),
            own(o.qualifier()),
            o.rank_of(),
            o.denominator(),
            own(o.source_id()),
            own(o.quote()),
        )
    }

    fn stored(o: &Observation) -> Seen {
        Seen(
            o.id,
            o.province_id.clone(),
            o.indicator_code.clone(),
            o.period_id.clone(),
            o.value,
            o.value_text.clone(),
            o.unit.clone(),
            o.status.clone(),
            o.qualifier.clone(),
            o.rank_of,
            o.denominator,
            o.source_id.clone(),
            o.quote.clone(),
        )
    }

    /// A pool on a fresh SQLite file holding the shipped dataset.
    fn shipped() -> (tempfile::TempDir, Pool) {
        let dir = tempfile::tempdir().unwrap();
        let url =
            DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("t.db").display())).unwrap();
        let pool = crate::db::build_pool(&url, 2).unwrap();
        let mut conn = pool.get().unwrap();
        crate::db::run_migrations(&mut conn).unwrap();
        crate::dataset::load(&mut conn, &crate::dataset::Dataset::embedded().unwrap()).unwrap();
        drop(conn);
        (dir, pool)
    }

    fn import(pool: &Pool, csv: &str) {
        let mut conn = pool.get().unwrap();
        crate::import::run(
            &mut conn,
            crate::import::ImportFormat::Csv,
            csv.as_bytes(),
            "test",
            None,
            false,
            &mut |_| {},
        )
        .unwrap();
    }

    fn state(pool: &Pool) -> DataState {
        crate::store::version::state(&mut pool.get().unwrap()).unwrap()
    }

    /// Every series the snapshot holds answers every page as the database does: the same rows,
    /// total and cursor, over date windows that cut through series and pages of 1, 2 and 1000.
    fn assert_pages_as_stored(pool: &Pool, snapshot: &Snapshot) {
        let mut conn = pool.get().unwrap();
        let pairs: Vec<(String, String)> = observations::table
            .select((observations::province_id, observations::indicator_code))
            .distinct()
            .load(&mut **conn)
            .unwrap();
        assert!(
            pairs.len() > 20,
            "the shipped dataset has series: {pairs:?}"
        );
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let windows = [
            (None, None),
            (date(2022, 1, 1), date(2023, 12, 31)),
            (date(2024, 7, 1), None),
        ];
        let mut compared = 0;
        for (province, indicator) in pairs {
            for (starts_from, ends_by) in windows {
                let filter = ObservationFilter {
                    province_ids: vec![province.clone()],
                    indicator_codes: vec![indicator.clone()],
                    starts_from,
                    ends_by,
                    ..Default::default()
                };
                for limit in [1, 2, 1000] {
                    let mut after = None;
                    loop {
                        let page = PageRequest { limit, after };
                        let series = OneSeries::of(&filter, ObservationSort::Id, &page).unwrap();
                        let want = stored_observations::list(
                            &mut conn,
                            &filter,
                            ObservationSort::Id,
                            &page,
                            None,
                        )
                        .unwrap();
                        let got = snapshot.page(&series);
                        let want_rows: Vec<Seen> = want.rows.iter().map(stored).collect();
                        let got_rows: Vec<Seen> = got.rows.iter().map(held).collect();
                        assert_eq!(got_rows, want_rows, "{filter:?} {page:?}");
                        assert_eq!(got.total, want.total, "{filter:?} {page:?}");
                        assert_eq!(got.next, want.next, "{filter:?} {page:?}");
                        compared += 1;
                        match want.next {
                            Some(next) => after = Some(next),
                            None => break,
                        }
                    }
                }
            }
        }
        assert!(compared > 100, "{compared} pages compared");
    }

    #[test]
    fn a_snapshot_pages_every_series_as_the_database_does() {
        let (_dir, pool) = shipped();
        let replica = Replica::load(&pool, 1_000_000).unwrap();
        let snapshot = replica
            .at(state(&pool))
            .expect("loaded at the current state");
        assert_eq!(
            snapshot.rows(),
            observations::table
                .count()
                .get_result::<i64>(&mut **pool.get().unwrap())
                .unwrap()
        );
        assert_pages_as_stored(&pool, &snapshot);
    }

    /// After writes, the snapshot patched from the audit trail answers as the database does:
    /// a changed figure, a new one in a held series and a series new to the data.
    #[test]
    fn a_patched_snapshot_follows_the_writes() {
        let (_dir, pool) = shipped();
        let replica = Arc::new(Replica::load(&pool, 1_000_000).unwrap());
        let before = state(&pool);
        let held = replica.at(before).unwrap();
        let shipped = observations::table
            .order(observations::id)
            .select(Observation::as_select())
            .first(&mut **pool.get().unwrap())
            .unwrap();
        import(
            &pool,
            &format!(
                "province,indicator,period,value,status\n\
                 {p},{i},{},9999,estimated\n\
                 {p},{i},2009,1000,final\n\
                 lao-cai,fixed_broadband_subscribers,2019,\"12,5\",final\n",
                shipped.period_id,
                p = shipped.province_id,
                i = shipped.indicator_code,
            ),
        );
        let after = state(&pool);
        assert_ne!(after, before);
        assert!(replica.at(after).is_none(), "not caught up yet");
        assert!(replica.at(before).is_some(), "the old snapshot until then");
        let next = replica.catch_up(&pool, after).unwrap().expect("patched");
        assert_eq!(next.state, after);
        assert!(
            replica.at(before).is_none(),
            "the old state is no longer answered"
        );
        assert_eq!(next.rows(), held.rows() + 2);
        assert_pages_as_stored(&pool, &next);
    }

    /// An observation whose strings do not fit a row (a printed figure of 64 kB) is not
    /// squeezed in: the builder refuses the lot, and the database answers.
    #[test]
    fn what_a_row_cannot_hold_is_refused() {
        let (_dir, pool) = shipped();
        let mut o: Observation = observations::table
            .select(Observation::as_select())
            .first(&mut **pool.get().unwrap())
            .unwrap();
        let mut fits = Builder::default();
        fits.add(o.clone());
        assert!(fits.finish_into(&mut SeriesMap::new()).is_ok());
        o.value_text = Some("9".repeat(70_000));
        let mut too_long = Builder::default();
        too_long.add(o);
        assert!(too_long.finish_into(&mut SeriesMap::new()).is_err());
    }

    /// Past the patch's limit the next snapshot loads whole, on a thread of its own, and
    /// meanwhile none is given; more observations than the replica holds, and none is loaded.
    #[test]
    fn many_changes_load_whole_and_too_many_rows_none() {
        let (_dir, pool) = shipped();
        let mut replica = Replica::load(&pool, 1_000_000).unwrap();
        replica.most_changes_patched = 0;
        let replica = Arc::new(replica);
        import(
            &pool,
            "province,indicator,period,value\nthanh-hoa,bts_stations,2009,1000\n",
        );
        let after = state(&pool);
        assert!(replica.catch_up(&pool, after).unwrap().is_none());
        let deadline = Instant::now() + Duration::from_secs(30);
        let loaded = loop {
            if let Some(snapshot) = replica.at(after) {
                break snapshot;
            }
            assert!(Instant::now() < deadline, "loaded within 30 s");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_pages_as_stored(&pool, &loaded);

        let small = Arc::new(Replica::load(&pool, 10).unwrap());
        assert!(small.at(after).is_none());
        assert!(
            !small.may_catch_up(after),
            "not tried again at the same state"
        );
        assert!(small.catch_up(&pool, after).unwrap().is_none());
        assert_eq!(
            Replica::load(&pool, 0).unwrap().at(after).map(|s| s.rows()),
            None
        );
    }
}
