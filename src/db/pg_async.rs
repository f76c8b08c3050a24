//! PostgreSQL reads on the worker itself: one asynchronous connection (diesel-async over
//! tokio-postgres) per actix worker, shared by that worker's requests. Queries of concurrent
//! requests are pipelined on it, and nothing changes thread: through libpq a read hops to the
//! blocking pool and back, and that hop and its wakeups cost more CPU than the query (see
//! BENCHMARKS.md, "the case for an asynchronous driver"). Writes and long reads stay on libpq.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;

use diesel::{ConnectionResult, QueryResult};
use diesel_async::AsyncPgConnection;
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use postgres_openssl::MakeTlsConnector;
use tokio::sync::oneshot;

use crate::store::version::DataState;

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
    /// Requests waiting for the next read of the data's state, and whether one is under way.
    waiting: RefCell<Vec<StateWaiter>>,
    reading: Cell<bool>,
}

type StateWaiter = oneshot::Sender<Result<DataState, String>>;

impl WorkerPgConnection {
    pub fn new(settings: AsyncPgSettings) -> Self {
        Self {
            settings,
            current: tokio::sync::Mutex::new(None),
            waiting: RefCell::new(Vec::new()),
            reading: Cell::new(false),
        }
    }

    /// The state of the data now, as [`VersionWatch`] tells it, read on this worker's
    /// connection: by a read that begins after this call, so it includes every write committed
    /// before it. Requests that ask while a read is under way share the next one, so a busy
    /// worker makes one read for many requests, and none of them leaves the thread.
    ///
    /// [`VersionWatch`]: crate::store::version::VersionWatch
    pub async fn data_state(self: &Rc<Self>) -> Result<DataState, String> {
        let (waiter, answer) = oneshot::channel();
        self.waiting.borrow_mut().push(waiter);
        if !self.reading.replace(true) {
            // A task of its own, so that a request that goes away does not strand the others.
            tokio::task::spawn_local(self.clone().read_states());
        }
        answer
            .await
            .map_err(|_| "the data version read stopped".to_owned())?
    }

    async fn read_states(self: Rc<Self>) {
        loop {
            let batch = std::mem::take(&mut *self.waiting.borrow_mut());
            if batch.is_empty() {
                self.reading.set(false);
                return;
            }
            let state = match self.get().await {
                Ok(conn) => crate::store::version::read_state_async(&conn)
                    .await
                    .map_err(|e| {
                        self.forget(&conn);
                        format!("cannot read the data version: {e}")
                    }),
                Err(e) => Err(format!("cannot connect to read the data version: {e}")),
            };
            for waiter in batch {
                let _ = waiter.send(state.clone());
            }
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
