//! The data version: incremented inside every write transaction, read before serving anything
//! cached. Being in the database, it is shared by every process writing to it.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{mpsc, Mutex};

use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::LoadQuery;
use diesel::sql_types::{BigInt, Integer};

use super::batched::{self, BatchedRead, Queue};
use crate::db::pg_async::WorkerPgConnection;
use crate::db::schema::data_version;
use crate::db::{DatabaseUrl, DbConnection};

pub fn current(conn: &mut DbConnection) -> QueryResult<i64> {
    data_version::table
        .find(1)
        .select(data_version::version)
        .first(conn)
}

/// Call inside the write's transaction.
pub fn bump(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::update(data_version::table.find(1))
        .set(data_version::version.eq(data_version::version + 1))
        .execute(conn)
}

/// Sets the version row: only inside a transaction that is rolled back (a rewound vintage, so
/// that what reads the version there sees the vintage's own, see `api::vintage::Pinned`).
pub fn set(conn: &mut DbConnection, version: i64) -> QueryResult<usize> {
    diesel::update(data_version::table.find(1))
        .set(data_version::version.eq(version))
        .execute(conn)
}

/// What a version check sees: the write counter, and the last change of the audit trail (the
/// number answers state as their `Data-Version`). Every write moves both in one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct DataState {
    pub version: i64,
    pub latest_change: i32,
}

/// Declares a statement of fixed text, which Diesel prepares once per connection and finds
/// again by its type: a `sql_query` is parsed anew on every call, and these run for every
/// request (SQLite) or every batch of requests (PostgreSQL).
macro_rules! fixed_statement {
    ($(#[$doc:meta])* $name:ident, $sql:expr, $sql_type:ty) => {
        $(#[$doc])*
        #[derive(QueryId)]
        struct $name;

        impl<DB: Backend> QueryFragment<DB> for $name {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl Query for $name {
            type SqlType = $sql_type;
        }

        impl<C: Connection> RunQueryDsl<C> for $name {}
    };
}

fixed_statement!(
    /// Both numbers in one statement, so from one snapshot.
    ReadState,
    "SELECT version, (SELECT COALESCE(MAX(id), 0) FROM changes) AS latest_change \
     FROM data_version WHERE id = 1",
    (BigInt, Integer)
);

fixed_statement!(
    /// SQLite's count of commits by other connections (see [`VersionWatch`]).
    PragmaDataVersion,
    "PRAGMA data_version",
    BigInt
);

fn read_state<C>(conn: &mut C) -> QueryResult<DataState>
where
    C: Connection,
    for<'a> ReadState: LoadQuery<'a, C, DataState>,
{
    ReadState.get_result(conn)
}

/// The state, read on `conn` (inside a read snapshot, the snapshot's).
pub fn state(conn: &mut DbConnection) -> QueryResult<DataState> {
    crate::with_backend!(conn, c => read_state(c))
}

/// The state, read on an asynchronous PostgreSQL connection (`db::pg_async`).
pub async fn read_state_async(conn: &diesel_async::AsyncPgConnection) -> QueryResult<DataState> {
    diesel_async::RunQueryDsl::get_result(ReadState, &mut &*conn).await
}

/// Tells, on every request and cheaply, which data version the database holds, so cached
/// answers are served only while they are current, whoever wrote (this server, another one,
/// `chiso import`).
///
/// On SQLite a connection of its own asks `PRAGMA data_version`, which changes exactly when
/// another connection has committed (it reads shared memory, not the file); only then is the
/// state read again. PostgreSQL needs a round trip: see [`PostgresWatch`]. The server's
/// workers batch their requests' checks ([`WorkerVersionWatch`]); this one is for the rest, and
/// for when a worker's fails.
pub enum VersionWatch {
    Sqlite {
        path: String,
        watch: Mutex<SqliteWatch>,
    },
    Postgres(PostgresWatch),
}

pub struct SqliteWatch {
    conn: diesel::SqliteConnection,
    /// The last `PRAGMA data_version` seen, and the state read then.
    seen: Option<(i64, DataState)>,
}

impl SqliteWatch {
    fn open(path: &str) -> ConnectionResult<Self> {
        let conn = diesel::SqliteConnection::establish(path)?;
        Ok(SqliteWatch { conn, seen: None })
    }

    fn read(&mut self) -> QueryResult<DataState> {
        let pragma: i64 = PragmaDataVersion.get_result(&mut self.conn)?;
        match self.seen {
            Some((seen, state)) if seen == pragma => Ok(state),
            _ => {
                let state = read_state(&mut self.conn)?;
                self.seen = Some((pragma, state));
                Ok(state)
            }
        }
    }
}

impl VersionWatch {
    pub fn new(url: &DatabaseUrl) -> anyhow::Result<Self> {
        Ok(match url {
            DatabaseUrl::Sqlite(path) => VersionWatch::Sqlite {
                path: path.clone(),
                watch: Mutex::new(SqliteWatch::open(path)?),
            },
            DatabaseUrl::Postgres(url) => VersionWatch::Postgres(PostgresWatch::start(url)?),
        })
    }

    /// Whether the data lives in this process's reach (SQLite), so short reads need no thread.
    pub fn is_local(&self) -> bool {
        matches!(self, VersionWatch::Sqlite { .. })
    }

    /// A worker's batched watch on a SQLite database (PostgreSQL's is made with the worker's
    /// asynchronous connection, see [`WorkerVersionWatch::postgres`]).
    pub fn for_worker(&self) -> Option<WorkerVersionWatch> {
        match self {
            VersionWatch::Sqlite { path, .. } => Some(WorkerVersionWatch::sqlite(path.clone())),
            VersionWatch::Postgres(_) => None,
        }
    }

    /// The state of the data now: read after this call began, so it includes every write
    /// committed before it.
    pub async fn current(&self) -> anyhow::Result<DataState> {
        match self {
            VersionWatch::Sqlite { watch, .. } => {
                let mut watch = watch.lock().unwrap_or_else(|p| p.into_inner());
                Ok(watch.read()?)
            }
            VersionWatch::Postgres(watch) => watch.current().await,
        }
    }
}

type Waiter = tokio::sync::oneshot::Sender<Result<DataState, String>>;

/// The version check of one worker, on a connection of its own: a request gets a read that
/// begins after it asks, so it includes every write committed before, and the requests that
/// ask while one is under way or queued share the next. On PostgreSQL that spares a round trip
/// each; on SQLite, whose check is a read transaction (file locks, two system calls), the
/// requests a worker reads from the network together share one. None of them leaves the
/// worker's thread. App data of each worker's app (`Rc<WorkerVersionWatch>`).
pub struct WorkerVersionWatch {
    source: WorkerSource,
    queue: Queue<(), Result<DataState, String>>,
    #[cfg(test)]
    reads: std::cell::Cell<usize>,
}

enum WorkerSource {
    /// The worker's asynchronous connection ([`WorkerPgConnection`]), which its reads share.
    Postgres(Rc<WorkerPgConnection>),
    /// The database file, and the worker's connection to it, opened at the first check and
    /// again after a failure.
    Sqlite {
        path: String,
        watch: RefCell<Option<SqliteWatch>>,
    },
}

impl WorkerVersionWatch {
    pub fn postgres(conn: Rc<WorkerPgConnection>) -> Self {
        Self::with_source(WorkerSource::Postgres(conn))
    }

    fn sqlite(path: String) -> Self {
        Self::with_source(WorkerSource::Sqlite {
            path,
            watch: RefCell::new(None),
        })
    }

    fn with_source(source: WorkerSource) -> Self {
        Self {
            source,
            queue: Queue::default(),
            #[cfg(test)]
            reads: std::cell::Cell::new(0),
        }
    }

    /// The state of the data now (see [`VersionWatch::current`]).
    pub async fn current(self: &Rc<Self>) -> Result<DataState, String> {
        batched::ask(self, ())
            .await
            .unwrap_or_else(|| Err("the data version read stopped".to_owned()))
    }

    async fn read_postgres(conn: &WorkerPgConnection) -> Result<DataState, String> {
        match conn.get().await {
            Ok(c) => diesel_async::RunQueryDsl::get_result(ReadState, &mut &*c)
                .await
                .map_err(|e| {
                    conn.forget(&c);
                    format!("cannot read the data version: {e}")
                }),
            Err(e) => Err(format!("cannot connect to read the data version: {e}")),
        }
    }

    fn read_sqlite(path: &str, watch: &RefCell<Option<SqliteWatch>>) -> Result<DataState, String> {
        let mut watch = watch.borrow_mut();
        let opened = match &mut *watch {
            Some(opened) => opened,
            None => watch.insert(
                SqliteWatch::open(path)
                    .map_err(|e| format!("cannot open the database to read its version: {e}"))?,
            ),
        };
        let state = opened.read();
        if state.is_err() {
            *watch = None;
        }
        state.map_err(|e| format!("cannot read the data version: {e}"))
    }
}

impl BatchedRead for WorkerVersionWatch {
    type Ask = ();
    type Answer = Result<DataState, String>;
    // Every request waiting shares the read: it is the same whatever their number.
    const MOST: usize = usize::MAX;

    fn queue(&self) -> &Queue<(), Self::Answer> {
        &self.queue
    }

    async fn read(&self, asks: Vec<()>) -> Vec<Self::Answer> {
        #[cfg(test)]
        self.reads.set(self.reads.get() + 1);
        let state = match &self.source {
            WorkerSource::Postgres(conn) => Self::read_postgres(conn).await,
            WorkerSource::Sqlite { path, watch } => Self::read_sqlite(path, watch),
        };
        vec![state; asks.len()]
    }
}

/// PostgreSQL's version check: a thread with a connection of its own reads the state for every
/// request that is waiting when it starts a read. A request thus always gets a read that began
/// after it arrived (so it sees every write committed before it), while many concurrent
/// requests share one round trip instead of taking one each, and none of them holds a pool
/// connection or a blocking-pool thread to wait.
pub struct PostgresWatch {
    requests: mpsc::Sender<Waiter>,
}

impl PostgresWatch {
    fn start(url: &str) -> anyhow::Result<Self> {
        let (requests, waiting) = mpsc::channel::<Waiter>();
        let mut reader = PostgresReader {
            url: url.to_owned(),
            conn: None,
        };
        // A first read now: a wrong URL fails at startup, not on the first request.
        reader.read().map_err(anyhow::Error::msg)?;
        std::thread::Builder::new()
            .name("chiso-version".into())
            .spawn(move || {
                // Ends when the watch (and with it the last sender) is dropped.
                while let Ok(first) = waiting.recv() {
                    let mut batch = vec![first];
                    batch.extend(waiting.try_iter());
                    let state = reader.read();
                    for waiter in batch {
                        let _ = waiter.send(state.clone());
                    }
                }
            })?;
        Ok(Self { requests })
    }

    async fn current(&self) -> anyhow::Result<DataState> {
        let (waiter, answer) = tokio::sync::oneshot::channel();
        self.requests
            .send(waiter)
            .map_err(|_| anyhow::anyhow!("the data version reader has stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the data version reader has stopped"))?
            .map_err(anyhow::Error::msg)
    }
}

/// The reader thread's connection, opened again after a failure.
struct PostgresReader {
    url: String,
    conn: Option<diesel::PgConnection>,
}

impl PostgresReader {
    fn read(&mut self) -> Result<DataState, String> {
        let mut retried = false;
        loop {
            let conn = match &mut self.conn {
                Some(conn) => conn,
                None => self.conn.insert(
                    crate::db::establish_postgres(&self.url)
                        .map_err(|e| format!("cannot connect to read the data version: {e}"))?,
                ),
            };
            match read_state(conn) {
                Ok(state) => return Ok(state),
                Err(e) => {
                    self.conn = None;
                    // The server cut the connection (a restart): a new one, at once.
                    if !retried && crate::db::is_connection_lost(&e) {
                        retried = true;
                        continue;
                    }
                    return Err(format!("cannot read the data version: {e}"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The requests a SQLite worker has in hand when it checks share one read; a request that
    /// asks after another connection committed sees the commit.
    #[test]
    fn a_worker_shares_a_check_and_sees_every_commit() {
        let dir = tempfile::tempdir().unwrap();
        let url =
            DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("t.db").display())).unwrap();
        let pool = crate::db::build_pool(&url, 1).unwrap();
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        let before = state(&mut pool.get().unwrap()).unwrap();
        let watch = Rc::new(VersionWatch::new(&url).unwrap().for_worker().unwrap());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        tokio::task::LocalSet::new().block_on(&runtime, async {
            let asking: Vec<_> = (0..10)
                .map(|_| {
                    let watch = watch.clone();
                    tokio::task::spawn_local(async move { watch.current().await })
                })
                .collect();
            for asked in asking {
                assert_eq!(asked.await.unwrap().unwrap(), before);
            }
            assert_eq!(watch.reads.get(), 1);

            let mut conn = pool.get().unwrap();
            conn.transaction(bump).unwrap();
            let after = watch.current().await.unwrap();
            assert_eq!(after.version, before.version + 1);
            assert_eq!(watch.reads.get(), 2);
        });
    }
}
