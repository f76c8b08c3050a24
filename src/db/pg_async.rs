//! PostgreSQL reads on the worker itself: one asynchronous connection (diesel-async over
//! tokio-postgres) per actix worker, shared by that worker's requests. Queries of concurrent
//! requests are pipelined on it, and nothing changes thread: through libpq a read hops to the
//! blocking pool and back, and that hop and its wakeups cost more CPU than the query (see
//! BENCHMARKS.md, "the case for an asynchronous driver"). Writes and long reads stay on libpq.

use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;

use diesel::{ConnectionResult, QueryResult};
use diesel_async::AsyncPgConnection;
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use postgres_openssl::MakeTlsConnector;

/// How to open the asynchronous connections: the URL as tokio-postgres reads it, and TLS.
#[derive(Clone)]
pub struct AsyncPgSettings {
    config: Arc<tokio_postgres::Config>,
    tls: MakeTlsConnector,
}

impl AsyncPgSettings {
    /// The settings for `url`, when tokio-postgres can connect as libpq would. It reads the
    /// URL's `sslmode` as libpq does (`prefer` by default), and like libpq in those modes it
    /// encrypts without checking the server's certificate. It does not know libpq's
    /// certificate options (`sslrootcert`, `sslmode=verify-full`...), which reads then keep
    /// going through libpq: `Err` says why.
    pub fn for_url(url: &str) -> Result<Self, String> {
        let config = tokio_postgres::Config::from_str(url).map_err(|e| e.to_string())?;
        let mut builder =
            SslConnector::builder(SslMethod::tls_client()).map_err(|e| e.to_string())?;
        builder.set_verify(SslVerifyMode::NONE);
        Ok(Self {
            config: Arc::new(config),
            tls: MakeTlsConnector::new(builder.build()),
        })
    }

    /// Opens a connection, whose I/O runs as a task of the current thread's runtime.
    pub async fn connect(&self) -> ConnectionResult<AsyncPgConnection> {
        let (client, connection) = self
            .config
            .connect(self.tls.clone())
            .await
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
        AsyncPgConnection::try_from_client_and_connection(client, connection).await
    }
}

/// One worker's connection, opened on first use and again after a failure. Requests take a
/// shared reference to it ([`diesel_async`] pipelines queries made through `&AsyncPgConnection`).
/// It is app data of each worker's app (`Rc<WorkerPgConnection>`), present only on PostgreSQL
/// when these settings could be made.
pub struct WorkerPgConnection {
    settings: AsyncPgSettings,
    /// Behind an async lock so that requests arriving together open one connection, not one each.
    current: tokio::sync::Mutex<Option<Rc<AsyncPgConnection>>>,
}

impl WorkerPgConnection {
    pub fn new(settings: AsyncPgSettings) -> Self {
        Self {
            settings,
            current: tokio::sync::Mutex::new(None),
        }
    }

    pub async fn get(&self) -> ConnectionResult<Rc<AsyncPgConnection>> {
        let mut current = self.current.lock().await;
        if let Some(conn) = &*current {
            return Ok(conn.clone());
        }
        let conn = Rc::new(self.settings.connect().await?);
        *current = Some(conn.clone());
        Ok(conn)
    }

    /// Whether the worker's connection answers a query (for `/readyz`).
    pub async fn check(&self) -> Result<(), String> {
        use diesel::dsl::sql;
        use diesel::sql_types::Integer;
        use diesel_async::RunQueryDsl;
        let conn = self.get().await.map_err(|e| e.to_string())?;
        let answer: QueryResult<i32> = diesel::select(sql::<Integer>("1"))
            .get_result(&mut &*conn)
            .await;
        answer.map(drop).map_err(|e| {
            self.forget(&conn);
            e.to_string()
        })
    }

    /// Drops `failed` after a query on it failed, so the next request opens a new connection
    /// (the server may have closed this one). Requests still using it keep it until they end.
    pub fn forget(&self, failed: &Rc<AsyncPgConnection>) {
        if let Ok(mut current) = self.current.try_lock() {
            if current.as_ref().is_some_and(|c| Rc::ptr_eq(c, failed)) {
                *current = None;
            }
        }
    }
}
