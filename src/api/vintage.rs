//! Vintages over HTTP: every GET takes `as_of_version=N` (the data right after change N of the
//! audit trail) or `as_of_time=` (the last change made by then), states the version it reflects
//! (`Data-Version`, and `meta.data_version` in lists) and links to itself pinned to that
//! version (`Link: <...>; rel="memento"`), so a figure quoted today can be fetched again, byte
//! for byte, after any number of corrections.

use std::rc::Rc;
use std::sync::Arc;

use actix_web::dev::ServiceRequest;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::{web, HttpMessage, HttpRequest};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::store::vintage::PinError;
pub use crate::store::vintage::{PinRequest, Vintage};

use crate::api::error::{ApiError, ApiResult};
use crate::db::pg_async::WorkerPgConnection;
use crate::db::{DbConnection, Pool, WritePool};
use crate::store::replica::{Replica, Snapshot};
use crate::store::version::{DataState, VersionWatch, WorkerVersionWatch};
use crate::store::{changes, vintage};

pub const AS_OF_VERSION: &str = "as_of_version";
pub const AS_OF_TIME: &str = "as_of_time";
/// The response header naming the version an answer reflects.
pub const DATA_VERSION: HeaderName = HeaderName::from_static("data-version");

/// Whether answers at `path` depend on the data, so take a vintage and state their version.
pub fn versioned(path: &str) -> bool {
    path.starts_with("/api/v1/") && path != "/api/v1/openapi.json"
}

/// The request asks for the data as it stood right after change N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pinned(pub i32);

impl Pinned {
    /// What the data version reads inside a rewound transaction: negative, so caches keyed by
    /// the data version (list totals, the catalogue) never mix a vintage with the present.
    pub fn data_version(self) -> i64 {
        -i64::from(self.0) - 1
    }
}

/// The state of the data the caching middleware saw before the handler ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeenBefore(pub DataState);

/// The version the answer to this request reflects, set by the read that built it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reflects(pub i32);

/// Takes `as_of_version` and `as_of_time` out of a query string: the pin asked for (if any) and
/// the query without them, which the handlers parse as before.
pub fn take_pin(query: &str) -> ApiResult<(Option<PinRequest>, String)> {
    let mut pin = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name != AS_OF_VERSION && name != AS_OF_TIME {
            rest.push(pair);
            continue;
        }
        if value.is_empty() {
            continue; // an empty parameter is not given
        }
        let value = decode(value);
        let asked = if name == AS_OF_VERSION {
            PinRequest::Version(parse_version(&value)?)
        } else {
            PinRequest::Time(parse_time(&value)?)
        };
        if pin.is_some() {
            return Err(ApiError::invalid(
                name,
                format!("give one of `{AS_OF_VERSION}` and `{AS_OF_TIME}`, once"),
            ));
        }
        pin = Some(asked);
    }
    Ok((pin, rest.join("&")))
}

fn decode(value: &str) -> String {
    let spaced = value.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

fn parse_version(raw: &str) -> ApiResult<i32> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            ApiError::invalid(
                AS_OF_VERSION,
                format!("`{AS_OF_VERSION}` must be a change number (0 or more), got `{raw}`"),
            )
        })
}

fn parse_time(raw: &str) -> ApiResult<NaiveDateTime> {
    // A `+` offset sent unencoded arrives as a space.
    let raw = raw.trim().replace(' ', "+");
    DateTime::parse_from_rfc3339(&raw)
        .map(|t| t.with_timezone(&Utc).naive_utc())
        .map_err(|_| {
            ApiError::invalid(
                AS_OF_TIME,
                format!("`{AS_OF_TIME}` must be an RFC 3339 time such as 2026-11-01T00:00:00Z, got `{raw}`"),
            )
        })
}

/// Checks a pin against the audit trail; what does not exist is a 400 naming the parameter.
pub fn resolve(conn: &mut DbConnection, pin: &PinRequest) -> ApiResult<Vintage> {
    let parameter = match pin {
        PinRequest::Version(_) => AS_OF_VERSION,
        PinRequest::Time(_) => AS_OF_TIME,
    };
    vintage::resolve(conn, pin).map_err(|e| match e {
        PinError::Storage(e) => e.into(),
        refused => ApiError::invalid(parameter, format!("`{parameter}`: {refused}")),
    })
}

/// Resolves the pin of a GET in the middleware: a read-pool query off the async worker.
pub async fn resolve_for(req: &ServiceRequest, pin: PinRequest) -> ApiResult<Vintage> {
    let pool = req
        .app_data::<web::Data<Pool>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database pool configured")))?;
    web::block(move || resolve(&mut *pool.get()?, &pin)).await?
}

/// The pool a rewound read runs on: on SQLite the writer's, since a rewind writes (and is
/// rolled back), and writers queue for one connection.
fn rewind_pool(req: &HttpRequest) -> ApiResult<Pool> {
    match req.app_data::<web::Data<WritePool>>() {
        Some(writes) => Ok(writes.0.clone()),
        None => req
            .app_data::<web::Data<Pool>>()
            .map(|p| p.get_ref().clone())
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database pool configured"))),
    }
}

/// Runs `work` against the data this request asks for: as of its pinned version, rewound in a
/// transaction nobody else sees, or the present. Either way the version is recorded for the
/// answer's `Data-Version` and permalink.
///
/// The present is read without a transaction when the data's state was seen just before (by the
/// caching middleware) and is the same just after: no write committed in between, so every
/// query saw that state, and it costs no `BEGIN`/`COMMIT` round trips. Otherwise (a write
/// landed meanwhile) `work` runs again inside one read snapshot, hence `Clone`.
pub async fn with_read<T, F>(req: &HttpRequest, work: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Clone + Send + 'static,
{
    let Some((before, watch)) = seen_before(req) else {
        return with_long_read(req, work).await;
    };
    let pool = read_pool(req)?;
    let again = work.clone();
    // SQLite reads are short and in process: run them here when a connection is free, rather
    // than hopping to a blocking thread and back.
    let idle = if watch.is_local() {
        pool.try_get()
    } else {
        None
    };
    let value = match idle {
        Some(mut conn) => work(&mut conn)?,
        None => {
            let retry = work.clone();
            match web::block(move || work(&mut *pool.get()?)).await? {
                // Once more, on a connection the pool has checked.
                Err(err) if err.is_connection_lost() => return with_long_read(req, retry).await,
                result => result?,
            }
        }
    };
    unless_changed(req, before, value, again).await
}

/// [`with_read`] for a read that PostgreSQL can also serve asynchronously: with the worker's
/// connection ([`WorkerPgConnection`]), `fast` reads the present on this thread, its queries
/// pipelined with those of other requests. `work` serves everything else (SQLite, a vintage,
/// a write landing meanwhile, a failed asynchronous read), and `None` for `fast` means this
/// request has no such form. When `fast` read the data's state in the same statement as its
/// rows, it returns it: the same state as before the read spares the request a check after.
pub async fn with_read_or_async<T, F, A>(
    req: &HttpRequest,
    work: F,
    fast: Option<A>,
) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Clone + Send + 'static,
    A: AsyncFnOnce(&AsyncPgConnection) -> ApiResult<(T, Option<DataState>)>,
{
    let worker = req.app_data::<Rc<WorkerPgConnection>>().cloned();
    let (Some(fast), Some(worker), Some((before, _))) = (fast, worker, seen_before(req)) else {
        return with_read(req, work).await;
    };
    // A connection that fails (PostgreSQL restarted, a network cut) costs this request the
    // blocking path, not an error; the next one opens a new connection.
    let read = match worker.get().await {
        Ok(conn) => fast(&conn).await.inspect_err(|_| worker.forget(&conn)),
        Err(err) => Err(ApiError::Unavailable(err.into())),
    };
    let (value, seen) = match read {
        Ok(read) => read,
        Err(err) => {
            let err = anyhow::Error::new(err);
            log::warn!("asynchronous PostgreSQL read failed, reading through libpq: {err:#}");
            return with_read(req, work).await;
        }
    };
    match seen {
        Some(state) if state == before => Ok(reflecting(req, before, value)),
        // A write landed between the check before and the read.
        Some(_) => with_long_read(req, work).await,
        None => unless_changed(req, before, value, work).await,
    }
}

/// The observations in memory as this request saw the data (see `store::replica`), when the
/// replica holds that state or can catch up to it now; `None` sends the request to the
/// database. The answer then reflects the snapshot's version.
pub async fn held_snapshot(req: &HttpRequest) -> Option<Arc<Snapshot>> {
    let replica = req.app_data::<web::Data<Replica>>()?;
    let (before, _) = seen_before(req)?;
    let snapshot = match replica.at(before) {
        Some(snapshot) => snapshot,
        None if replica.may_catch_up(before) => {
            let (replica, pool) = (replica.clone().into_inner(), read_pool(req).ok()?);
            match web::block(move || replica.catch_up(&pool, before)).await {
                Ok(Ok(snapshot)) => snapshot?,
                Ok(Err(e)) => {
                    log::warn!("cannot bring the observations in memory up to date: {e:#}");
                    return None;
                }
                Err(_) => return None,
            }
        }
        None => return None,
    };
    req.extensions_mut()
        .insert(Reflects(snapshot.state.latest_change));
    Some(snapshot)
}

/// The state of the data the caching middleware saw before this request's read, and the watch
/// to see it again after: `None` when the read must run in one snapshot instead (a vintage, or
/// no state seen).
fn seen_before(req: &HttpRequest) -> Option<(DataState, web::Data<VersionWatch>)> {
    if req.extensions().get::<Pinned>().is_some() {
        return None;
    }
    let SeenBefore(before) = req.extensions().get::<SeenBefore>().copied()?;
    let watch = req.app_data::<web::Data<VersionWatch>>().cloned()?;
    Some((before, watch))
}

/// Where a request reads the state of the data: its worker's batched watch when it has one (a
/// server's workers do), or the process's [`VersionWatch`].
pub enum StateReader {
    /// The worker's watch, and the process's for when it fails.
    Worker(Rc<WorkerVersionWatch>, Option<web::Data<VersionWatch>>),
    Watch(web::Data<VersionWatch>),
}

impl StateReader {
    /// The reader of an app whose data is `worker` and `watch` (either may be absent).
    pub fn of(
        worker: Option<&Rc<WorkerVersionWatch>>,
        watch: Option<&web::Data<VersionWatch>>,
    ) -> Option<Self> {
        match (worker, watch) {
            (Some(worker), watch) => Some(Self::Worker(worker.clone(), watch.cloned())),
            (None, Some(watch)) => Some(Self::Watch(watch.clone())),
            (None, None) => None,
        }
    }

    pub fn for_request(req: &HttpRequest) -> Option<Self> {
        Self::of(req.app_data(), req.app_data())
    }

    /// The state of the data now (see [`VersionWatch::current`]).
    pub async fn current(&self) -> anyhow::Result<DataState> {
        match self {
            Self::Worker(worker, watch) => match (worker.current().await, watch) {
                (Ok(state), _) => Ok(state),
                (Err(err), Some(watch)) => {
                    log::warn!("{err}; reading the data version on the process's connection");
                    watch.current().await
                }
                (Err(err), None) => Err(anyhow::Error::msg(err)),
            },
            Self::Watch(watch) => watch.current().await,
        }
    }
}

/// `value`, read after the data was seen in state `before`, when it is still in that state:
/// no write committed in between, so every query saw it. Otherwise `again` in one snapshot.
async fn unless_changed<T, F>(
    req: &HttpRequest,
    before: DataState,
    value: T,
    again: F,
) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
{
    let reader = StateReader::for_request(req)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no version watch configured")))?;
    let after = reader.current().await.map_err(ApiError::Unavailable)?;
    if after != before {
        return with_long_read(req, again).await;
    }
    Ok(reflecting(req, before, value))
}

/// `value`, read when the data was in the state `before`, which the answer says.
fn reflecting<T>(req: &HttpRequest, before: DataState, value: T) -> T {
    req.extensions_mut().insert(Reflects(before.latest_change));
    value
}

/// [`with_read`] for work too long to run twice (the export): the present always in one read
/// snapshot, together with its version.
pub async fn with_long_read<T, F>(req: &HttpRequest, work: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
{
    let pinned = req.extensions().get::<Pinned>().copied();
    let (version, value) = match pinned {
        Some(pin) => {
            let pool = rewind_pool(req)?;
            web::block(move || {
                let mut conn = pool.get()?;
                crate::db::rolled_back(&mut conn, |conn| {
                    rewind(conn, pin)?;
                    Ok::<_, ApiError>((pin.0, work(conn)?))
                })
            })
            .await??
        }
        None => {
            let pool = read_pool(req)?;
            web::block(move || {
                let mut conn = pool.get()?;
                crate::db::read_snapshot(&mut conn, |conn| {
                    let version = changes::latest_id(conn)?;
                    Ok::<_, ApiError>((version, work(conn)?))
                })
            })
            .await??
        }
    };
    req.extensions_mut().insert(Reflects(version));
    Ok(value)
}

fn read_pool(req: &HttpRequest) -> ApiResult<Pool> {
    req.app_data::<web::Data<Pool>>()
        .map(|p| p.get_ref().clone())
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database pool configured")))
}

/// The data as of `pin` on `conn`, inside the caller's rolled-back transaction.
pub fn rewind(conn: &mut DbConnection, pin: Pinned) -> ApiResult<()> {
    // The version row first: every write takes it first too (its bump opens the transaction),
    // so a rewind and a write on PostgreSQL queue for it instead of deadlocking over rows.
    crate::store::version::set(conn, pin.data_version())?;
    vintage::rewind(conn, pin.0)?;
    Ok(())
}

/// `path?query` pinned to `version`.
pub fn permalink(path: &str, query_without_pin: &str, version: i32) -> String {
    if query_without_pin.is_empty() {
        format!("{path}?{AS_OF_VERSION}={version}")
    } else {
        format!("{path}?{query_without_pin}&{AS_OF_VERSION}={version}")
    }
}

/// Adds what an answer says about its version: `Data-Version`, the `memento` link (and, when
/// pinned, the `original` link and `Memento-Datetime`, as RFC 7089 has them).
pub fn label(
    headers: &mut HeaderMap,
    path: &str,
    query_without_pin: &str,
    version: i32,
    vintage: Option<Vintage>,
) {
    headers.insert(DATA_VERSION, HeaderValue::from(version));
    let mut link = format!(
        "<{}>; rel=\"memento\"",
        permalink(path, query_without_pin, version)
    );
    if let Some(vintage) = vintage {
        let original = if query_without_pin.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query_without_pin}")
        };
        link = format!("<{original}>; rel=\"original\", {link}");
        if let Some(made_at) = vintage.made_at {
            let date = made_at
                .and_utc()
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string();
            if let Ok(value) = HeaderValue::from_str(&date) {
                headers.insert(HeaderName::from_static("memento-datetime"), value);
            }
        }
    }
    if let Ok(value) = HeaderValue::from_str(&link) {
        headers.append(header::LINK, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_pin_out_of_the_query() {
        let (pin, rest) = take_pin("province=hue&as_of_version=12&limit=5").unwrap();
        assert_eq!(pin, Some(PinRequest::Version(12)));
        assert_eq!(rest, "province=hue&limit=5");
        let (pin, rest) = take_pin("as_of_time=2026-11-01T07:00:00%2B07:00").unwrap();
        assert_eq!(
            pin,
            Some(PinRequest::Time(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
            ))
        );
        assert_eq!(rest, "");
        assert_eq!(
            take_pin("as_of_version=&a=1").unwrap(),
            (None, "a=1".into())
        );
        // An unencoded `+` offset is read as meant.
        assert!(take_pin("as_of_time=2026-11-01T07:00:00+07:00")
            .unwrap()
            .0
            .is_some());
    }

    #[test]
    fn refuses_bad_pins_naming_the_parameter() {
        for (query, parameter) in [
            ("as_of_version=-1", AS_OF_VERSION),
            ("as_of_version=x", AS_OF_VERSION),
            ("as_of_time=yesterday", AS_OF_TIME),
            (
                "as_of_version=1&as_of_time=2026-01-01T00:00:00Z",
                AS_OF_TIME,
            ),
            ("as_of_version=1&as_of_version=2", AS_OF_VERSION),
        ] {
            match take_pin(query) {
                Err(ApiError::InvalidParameter { parameter: p, .. }) => {
                    assert_eq!(p, parameter, "{query}")
                }
                other => panic!("{query}: {other:?}"),
            }
        }
    }

    #[test]
    fn permalinks_keep_the_query() {
        assert_eq!(permalink("/a", "", 3), "/a?as_of_version=3");
        assert_eq!(permalink("/a", "x=1", 3), "/a?x=1&as_of_version=3");
    }
}
