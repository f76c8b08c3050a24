//! Storage plumbing: one connection type over SQLite and PostgreSQL, the pool, per-connection
//! SQLite settings and the embedded migrations. Queries live in `crate::store`.

mod date;
pub mod pg_async;
pub mod schema;

pub use date::StoredDate;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::InstrumentationEvent;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// A live database connection; the variant is chosen from the URL scheme.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

/// Runs the same expression against whichever concrete connection is inside, for the few
/// statements (upserts, pragmas) that Diesel cannot express over `MultiBackend`.
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Pg($c) => $body,
        }
    };
}

/// A pooled connection, and whether it was lost: a PostgreSQL connection the server closed (a
/// restart, a failover, an administrator) fails every query after, so the pool must replace it
/// rather than hand it out again. Diesel's own check only sees broken transactions; `lost` is
/// set by the connection's instrumentation when a query fails that way.
pub struct ManagedConnection {
    conn: DbConnection,
    lost: Arc<AtomicBool>,
    /// The manager's [`ConnectionManager::losses`] when this connection was last known good.
    checked_at: u64,
}

impl std::ops::Deref for ManagedConnection {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for ManagedConnection {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// Whether `err` says the connection is gone, rather than that one statement failed.
pub fn is_connection_lost(err: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        err,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    )
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Where the data lives, parsed from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path (`chiso.db`, `sqlite://chiso.db`, `sqlite:///var/lib/chiso/chiso.db`).
    Sqlite(String),
    /// A libpq connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err("DATABASE_URL has no SQLite file path after `sqlite://`".into());
            }
            return Ok(Self::Sqlite(path.to_owned()));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(format!(
                "DATABASE_URL scheme `{scheme}` is not supported: use `sqlite://PATH` or `postgres://...`"
            ));
        }
        Ok(Self::Sqlite(url.to_owned()))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// An r2d2 manager that opens the backend the URL names, and applies SQLite's per-connection
/// settings. (Diesel's own manager would try every backend in turn with the same string.)
///
/// When one of its connections is lost, the others were probably cut at the same moment (the
/// server restarted): each is then checked with a query before it is next handed out, and
/// replaced if it fails. Otherwise the check on checkout costs one atomic load.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    /// Connections found lost so far.
    losses: Arc<AtomicU64>,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self {
            url,
            losses: Arc::new(AtomicU64::new(0)),
        }
    }
}

/// WAL lets readers run beside a writer; foreign keys are off by default in SQLite; the busy
/// timeout turns lock contention into a short wait instead of an error. Reads go through a
/// memory map and a larger page cache: with the default 2 MB cache and read() calls, a cold read
/// at a million rows spent most of its time copying pages out of the kernel. Temporary storage
/// is memory: a statement journal (the pages a statement inside a transaction touches, kept to
/// undo that statement alone) written to a temporary file cost 42% of an import in write() calls.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
     PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;";

impl ManageConnection for ConnectionManager {
    type Connection = ManagedConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<ManagedConnection, r2d2::Error> {
        let lost = Arc::new(AtomicBool::new(false));
        let checked_at = self.losses.load(Ordering::Relaxed);
        let conn = match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path)
                    .map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                DbConnection::Sqlite(conn)
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = establish_postgres(url).map_err(r2d2::Error::ConnectionError)?;
                let (seen, losses) = (lost.clone(), self.losses.clone());
                conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                    if let InstrumentationEvent::FinishQuery {
                        error: Some(err), ..
                    } = event
                    {
                        if is_connection_lost(err) && !seen.swap(true, Ordering::Relaxed) {
                            losses.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
                DbConnection::Pg(conn)
            }
        };
        Ok(ManagedConnection {
            conn,
            lost,
            checked_at,
        })
    }

    /// Runs on every checkout: a query only when a connection was lost since this one was last
    /// known good.
    fn is_valid(&self, conn: &mut ManagedConnection) -> Result<(), r2d2::Error> {
        let losses = self.losses.load(Ordering::Relaxed);
        if conn.checked_at == losses {
            return Ok(());
        }
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)?;
        conn.checked_at = losses;
        Ok(())
    }

    fn has_broken(&self, conn: &mut ManagedConnection) -> bool {
        conn.lost.load(Ordering::Relaxed)
    }
}

/// Opens a PostgreSQL connection; every one the program opens comes through here.
///
/// OpenSSL, which libpq uses for TLS, is first initialized without its exit handler. That handler
/// frees OpenSSL's global state when the process exits, while other threads (the pool opening a
/// connection, say) may still be using it: the process then dies with SIGSEGV after its work is
/// done (diesel-rs/diesel#3441). The first initialization decides, so it must precede libpq's.
pub fn establish_postgres(url: &str) -> ConnectionResult<diesel::PgConnection> {
    openssl_sys::init();
    diesel::PgConnection::establish(url)
}

/// r2d2 logs a connection that failed to open or failed its check at ERROR level by default.
/// After a PostgreSQL restart that is expected and the pool recovers (see
/// [`ConnectionManager`]); a request that cannot be served logs its own error.
#[derive(Debug)]
struct LogAsWarning;

impl r2d2::HandleError<r2d2::Error> for LogAsWarning {
    fn handle_error(&self, error: r2d2::Error) {
        log::warn!("database connection failed: {error}");
    }
}

/// Builds the pool. Connections are opened lazily except the first, so a wrong URL fails here.
pub fn build_pool(url: &DatabaseUrl, size: u32) -> anyhow::Result<Pool> {
    let pool = r2d2::Pool::builder()
        .max_size(size.max(1))
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        // Costs a query only after a connection was lost (see `ConnectionManager`).
        .test_on_check_out(true)
        .error_handler(Box::new(LogAsWarning))
        .build(ConnectionManager::new(url.clone()))?;
    Ok(pool)
}

/// How a transaction opens on each backend, and how it ends.
struct Transaction {
    sqlite: &'static str,
    postgres: &'static str,
    keep: bool,
}

impl Transaction {
    fn run<T, E, F>(self, conn: &mut DbConnection, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        type Manager = <DbConnection as Connection>::TransactionManager;
        match conn {
            DbConnection::Sqlite(c) => {
                AnsiTransactionManager::begin_transaction_sql(c, self.sqlite)?
            }
            DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction_sql(c, self.postgres)?,
        }
        let result = f(conn);
        match (result, self.keep) {
            (Ok(value), true) => {
                Manager::commit_transaction(conn)?;
                Ok(value)
            }
            (result, _) => {
                Manager::rollback_transaction(conn)?;
                result
            }
        }
    }
}

/// Runs `f` in a transaction that will write. On SQLite it opens with `BEGIN IMMEDIATE`, taking
/// the write lock up front, where the busy timeout can wait for it: a deferred transaction that
/// reads first and writes later cannot wait at that upgrade and fails with "database is locked".
/// PostgreSQL takes row locks as it goes, so a plain transaction is right there.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    Transaction {
        sqlite: "BEGIN IMMEDIATE",
        postgres: "BEGIN",
        keep: true,
    }
    .run(conn, f)
}

/// Runs `f` in one read-only snapshot, so every query it makes (and the version it reads) sees
/// the same state of the data, whoever commits meanwhile. On SQLite a deferred transaction: the
/// snapshot starts at its first read and blocks no writer.
pub fn read_snapshot<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    Transaction {
        sqlite: "BEGIN",
        postgres: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        keep: false,
    }
    .run(conn, f)
}

/// After a bulk write has committed, on PostgreSQL: `VACUUM (ANALYZE)` the tables it filled.
/// A series is read by an index-only scan of `observations_series`, which still visits the
/// table for each row on a page not yet marked all-visible, and VACUUM makes that mark: until
/// autovacuum comes round (never, where it is off) every freshly imported row costs a heap
/// fetch on every read. At a million rows that was a third of PostgreSQL's CPU for a series
/// read from the database. ANALYZE tells the planner the tables' new sizes. SQLite needs
/// neither: its covering index holds the rows themselves.
///
/// The write is already committed, so a failure here is logged, not returned.
pub fn tidy_after_bulk_write(conn: &mut DbConnection, tables: &[&str]) {
    if let DbConnection::Pg(c) = conn {
        let sql = format!("VACUUM (ANALYZE) {}", tables.join(", "));
        if let Err(e) = c.batch_execute(&sql) {
            log::warn!("{sql} after a bulk write: {e}");
        }
    }
}

/// Runs `f` in a transaction that is always rolled back: for reading a rewound past
/// (`store::vintage`) that nobody else may see. On SQLite it takes the write lock, as a write.
pub fn rolled_back<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    Transaction {
        sqlite: "BEGIN IMMEDIATE",
        postgres: "BEGIN",
        keep: false,
    }
    .run(conn, f)
}

/// Whether a storage error means "another writer holds the lock, try again": SQLite's busy
/// timeout ran out, or PostgreSQL chose this transaction as a deadlock or serialization victim.
pub fn is_contention(err: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match err {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            message.contains("database is locked")
                || message.contains("database table is locked")
                || message.contains("deadlock detected")
        }
        _ => false,
    }
}

/// The connections writes take. SQLite has one writer at a time: writers queue here for a
/// single connection, so a writer waiting for the lock (another process may hold it) never
/// holds a connection that readers need. PostgreSQL writes share the read pool.
#[derive(Clone)]
pub struct WritePool(pub Pool);

impl WritePool {
    pub fn for_url(url: &DatabaseUrl, read_pool: &Pool) -> anyhow::Result<Self> {
        Ok(match url {
            DatabaseUrl::Sqlite(_) => WritePool(
                r2d2::Pool::builder()
                    .max_size(1)
                    .min_idle(Some(0))
                    // Queued writers wait their turn up to this long, then get a 503.
                    .connection_timeout(Duration::from_secs(10))
                    .test_on_check_out(true)
                    .error_handler(Box::new(LogAsWarning))
                    .build(ConnectionManager::new(url.clone()))?,
            ),
            DatabaseUrl::Postgres(_) => WritePool(read_pool.clone()),
        })
    }
}

/// Applies every pending migration of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.len())
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn parses_database_urls() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://chiso.db"),
            Ok(DatabaseUrl::Sqlite("chiso.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///data/c.db"),
            Ok(DatabaseUrl::Sqlite("/data/c.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("data/c.db"),
            Ok(DatabaseUrl::Sqlite("data/c.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://u@h/db").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }
}
