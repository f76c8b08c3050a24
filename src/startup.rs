//! Wiring: the database (pool, migrations, first-run data), the actix app and the server.

use std::net::{SocketAddr, TcpListener};
use std::rc::Rc;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::{ResourceDef, Server};
use actix_web::http::Method;
use actix_web::middleware::{Condition, Logger};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::api::error::{self, ApiError};
use crate::api::openapi::{self, OpenApiJson};
use crate::config::{PostgresReads, Settings};
use crate::dataset::{self, Dataset, LoadReport};
use crate::db::pg_async::{AsyncPgSettings, WorkerPgConnection};
use crate::db::{self, DatabaseUrl, Pool};
use crate::store::series_reads::SeriesReads;
use crate::store::version::WorkerVersionWatch;

/// Opens the pool and applies migrations; on an empty database, loads the shipped dataset.
pub fn prepare_database(
    url: &DatabaseUrl,
    pool_size: u32,
    load_if_empty: bool,
) -> anyhow::Result<Pool> {
    if let DatabaseUrl::Sqlite(path) = url {
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)?;
        }
    }
    let pool = db::build_pool(url, pool_size)?;
    let mut conn = pool.get()?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        log::info!("applied {applied} migration(s) on {}", url.backend_name());
    }
    if load_if_empty && crate::store::provinces::count(&mut conn)? == 0 {
        let report = load_dataset(&mut conn)?;
        log::info!("empty database: {report}");
    }
    Ok(pool)
}

fn load_dataset(conn: &mut db::DbConnection) -> anyhow::Result<LoadReport> {
    let data = Dataset::embedded().map_err(|errors| {
        anyhow::anyhow!(
            "the embedded dataset is invalid:\n{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    Ok(dataset::load(conn, &data)?)
}

/// `chiso migrate`.
pub fn migrate(settings: &Settings) -> anyhow::Result<usize> {
    let pool = db::build_pool(&settings.database()?, 1)?;
    let applied = db::run_migrations(&mut *pool.get()?)?;
    Ok(applied)
}

/// `chiso seed`: migrations, then an idempotent load of the shipped dataset.
pub fn seed(settings: &Settings) -> anyhow::Result<LoadReport> {
    let pool = prepare_database(&settings.database()?, 1, false)?;
    let mut conn = pool.get()?;
    load_dataset(&mut conn)
}

/// `chiso export`: the whole dataset (as of a version, when given) as a zipped Frictionless Data
/// Package at `path`, written beside it first and moved into place, so a failure leaves no
/// partial file.
pub fn export_file(
    settings: &Settings,
    path: &std::path::Path,
    as_of_version: Option<i32>,
) -> anyhow::Result<(i32, crate::store::export::Counts)> {
    use crate::store::vintage::{self, PinRequest};
    let pool = prepare_database(&settings.database()?, 1, false)?;
    let mut conn = pool.get()?;
    if let Some(version) = as_of_version {
        vintage::resolve(&mut conn, &PinRequest::Version(version))
            .map_err(|e| anyhow::anyhow!("--as-of-version: {e}"))?;
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => std::path::Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    let written = crate::store::export::export(&mut conn, as_of_version, file.as_file_mut())?;
    file.persist(path)?;
    Ok(written)
}

/// `chiso token revoke`: records the revocation in the database every server reads.
pub fn revoke_token(
    settings: &Settings,
    jti: &str,
    reason: Option<String>,
) -> anyhow::Result<bool> {
    let pool = prepare_database(&settings.database()?, 1, false)?;
    let mut conn = pool.get()?;
    let revoked = crate::store::tokens::RevokedToken {
        jti: jti.to_owned(),
        revoked_at: chrono::Utc::now().naive_utc(),
        revoked_by: "cli".to_owned(),
        reason,
    };
    Ok(crate::store::tokens::revoke(&mut conn, &revoked)?)
}

/// `chiso import FILE`: the same import as `POST /api/v1/imports`, with a progress bar on a
/// terminal. Errors are printed one per line with their row and column.
pub fn import_file(
    settings: &Settings,
    path: &std::path::Path,
    actor: &str,
    reason: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<crate::import::ImportReport> {
    use crate::import::{self, ImportFormat};
    let format = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => ImportFormat::Csv,
        Some("json") => ImportFormat::Json,
        _ => anyhow::bail!("{}: the file must end in .csv or .json", path.display()),
    };
    let body =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let pool = prepare_database(&settings.database()?, 1, true)?;
    let mut conn = pool.get()?;
    let describe = |e: crate::error::Error| -> anyhow::Error {
        match e {
            crate::error::Error::Invalid { detail, errors } => {
                let lines: Vec<String> = errors
                    .iter()
                    .map(|e| {
                        format!(
                            "row {}, column {}: {}",
                            e.row.unwrap_or(0),
                            e.column.as_deref().unwrap_or("?"),
                            e.detail
                        )
                    })
                    .collect();
                anyhow::anyhow!("{detail}\n{}", lines.join("\n"))
            }
            other => anyhow::anyhow!("{other}"),
        }
    };
    let rows = import::read(format, &body).map_err(|e| describe(import::failure(e)))?;
    let catalogue = crate::store::catalogue::Catalogue::load_current(&mut conn)?;
    let valid = import::validate(&catalogue, rows).map_err(|e| describe(import::failure(e)))?;
    let bar = indicatif::ProgressBar::new(valid.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} rows {elapsed_precise} eta {eta}",
        )
        .expect("valid template"),
    );
    let report = import::write(&mut conn, &valid, actor, reason, dry_run, &mut |done| {
        bar.set_position(done as u64)
    })
    .map_err(describe)?;
    bar.finish_and_clear();
    Ok(report)
}

/// Routes known to the document, with their methods: lets the fallback tell 405 from 404.
#[derive(Clone)]
pub struct RouteTable(Vec<(ResourceDef, Vec<Method>)>);

impl RouteTable {
    fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                for (method, op) in [
                    (Method::GET, &item.get),
                    (Method::POST, &item.post),
                    (Method::PUT, &item.put),
                    (Method::PATCH, &item.patch),
                    (Method::DELETE, &item.delete),
                ] {
                    if op.is_some() {
                        methods.push(method);
                    }
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        RouteTable(routes)
    }

    fn methods_for(&self, path: &str) -> Option<&[Method]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, m)| m.as_slice())
    }
}

/// Anything no route took: 405 when the path exists with other methods, else 404.
async fn fallback(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    let path = req.path().to_owned();
    Err(match routes.methods_for(&path) {
        Some(allowed) if !allowed.contains(req.method()) => ApiError::MethodNotAllowed {
            method: req.method().clone(),
            path,
            allowed: allowed.to_vec(),
        },
        _ => ApiError::RouteNotFound(path),
    })
}

/// Response headers a browser app on another origin may read: the validator it sends back,
/// pagination, file names, where a new item lives and when to retry.
const EXPOSED_HEADERS: [&str; 7] = [
    "etag",
    "link",
    "data-version",
    "memento-datetime",
    "content-disposition",
    "location",
    "retry-after",
];

/// The largest JSON body a single-item write accepts.
pub const JSON_BODY_LIMIT: usize = 256 * 1024;

/// A built server, bound and ready to run.
pub struct Application {
    address: SocketAddr,
    server: Server,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let url = settings.database()?;
        log::info!("database: {}", settings.redacted_database_url());
        // Bind first: a busy port should fail before the database is touched.
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let pool_size = settings.pool_size;
        let read_url = url.clone();
        let pool = web::block(move || prepare_database(&read_url, pool_size, true)).await??;
        let write_pool = db::WritePool::for_url(&url, &pool)?;
        let (held, memory_rows) = (pool.clone(), settings.memory_rows);
        let replica = web::block(move || {
            crate::store::replica::Replica::load(&held, memory_rows).map(Arc::new)
        })
        .await??;
        let watched = url.clone();
        let versions =
            web::block(move || crate::store::version::VersionWatch::new(&watched)).await??;
        let address = listener.local_addr()?;
        let async_reads = match (&url, settings.postgres_reads) {
            (DatabaseUrl::Postgres(url), PostgresReads::Async) => async_postgres_reads(url).await,
            _ => None,
        };
        let keys = crate::auth::Keys::from_settings(&settings.auth)?;
        if keys.is_none() {
            log::warn!("no CHISO_JWT_SECRET or CHISO_JWT_PUBLIC_KEY: the API is read-only");
        }
        let storage = Storage {
            pool,
            write_pool,
            versions,
            replica,
        };
        let server = serve(
            listener,
            storage,
            async_reads,
            crate::auth::Auth(keys),
            settings.response_cache_mb.saturating_mul(1024 * 1024),
        )?;
        Ok(Self { address, server })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Starts the HTTP server on an already bound listener.
/// The settings of the asynchronous PostgreSQL reads (`db::pg_async`), after one connection
/// made with them, or `None` (with the reason logged) when reads must keep to libpq.
async fn async_postgres_reads(url: &str) -> Option<AsyncPgSettings> {
    let settings = match AsyncPgSettings::for_url(url) {
        Ok(settings) => settings,
        Err(e) => {
            log::info!("PostgreSQL reads use libpq: tokio-postgres cannot use this URL ({e})");
            return None;
        }
    };
    match settings.connect().await {
        Ok(_) => Some(settings),
        Err(e) => {
            log::warn!("PostgreSQL reads use libpq: tokio-postgres cannot connect ({e})");
            None
        }
    }
}

/// What the server reads and writes through.
pub struct Storage {
    pub pool: Pool,
    pub write_pool: db::WritePool,
    pub versions: crate::store::version::VersionWatch,
    /// The observations in memory (`store::replica`).
    pub replica: Arc<crate::store::replica::Replica>,
}

pub fn serve(
    listener: TcpListener,
    storage: Storage,
    async_reads: Option<AsyncPgSettings>,
    auth: crate::auth::Auth,
    response_cache_bytes: usize,
) -> anyhow::Result<Server> {
    let Storage {
        pool,
        write_pool,
        versions,
        replica,
    } = storage;
    let doc = openapi::document();
    let doc_json = web::Data::new(OpenApiJson(doc.to_pretty_json()?));
    let routes = web::Data::new(RouteTable::from_document(&doc));
    // Blocking threads beyond the connections (and SQLite's one writer) would only wait for
    // one, each with its own stack and allocator heap (actix's default is 512 per worker).
    let blocking_threads = pool.max_size() as usize + 1;
    let pool = web::Data::new(pool);
    let write_pool = web::Data::new(write_pool);
    let versions = web::Data::new(versions);
    let replica = web::Data::from(replica);
    let catalogues = web::Data::new(crate::store::catalogue::CatalogueCache::default());
    let responses = (response_cache_bytes > 0).then(|| {
        web::Data::new(crate::api::caching::ResponseCache::new(
            response_cache_bytes,
        ))
    });
    // The access log formats a line per request: only build it when it will be written.
    let access_log = log::log_enabled!(log::Level::Info);
    let auth = web::Data::new(auth);
    let totals = web::Data::new(crate::api::listing::TotalCache::default());
    let server = HttpServer::new(move || {
        // The last `wrap` sees the request first: log, then CORS (so 304s get its headers too),
        // then caching, then dropping empty query parameters.
        App::new()
            .wrap(actix_web::middleware::from_fn(
                crate::api::params::drop_empty_parameters,
            ))
            .wrap(actix_web::middleware::from_fn(
                crate::api::caching::conditional_get,
            ))
            .wrap(
                Cors::default()
                    .allow_any_origin()
                    .allowed_methods([Method::GET, Method::HEAD, Method::OPTIONS])
                    .allow_any_header()
                    .expose_headers(EXPOSED_HEADERS)
                    .max_age(86_400),
            )
            .wrap(Condition::new(access_log, Logger::default()))
            .app_data(pool.clone())
            .app_data(write_pool.clone())
            .app_data(versions.clone())
            .app_data(replica.clone())
            .app_data(catalogues.clone())
            .configure(|cfg| {
                // Each worker's own connection (the factory runs once per worker).
                if let Some(settings) = &async_reads {
                    let conn = Rc::new(WorkerPgConnection::new(settings.clone()));
                    cfg.app_data(Rc::new(WorkerVersionWatch::postgres(conn.clone())));
                    cfg.app_data(Rc::new(SeriesReads::new(conn.clone())));
                    cfg.app_data(conn);
                } else if let Some(watch) = versions.for_worker() {
                    cfg.app_data(Rc::new(watch));
                }
            })
            .configure(|cfg| {
                if let Some(responses) = &responses {
                    cfg.app_data(responses.clone());
                }
            })
            .app_data(doc_json.clone())
            .app_data(routes.clone())
            .app_data(auth.clone())
            .app_data(totals.clone())
            .app_data(web::QueryConfig::default().error_handler(error::query_error_handler))
            .app_data(web::PathConfig::default().error_handler(error::path_error_handler))
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_BODY_LIMIT)
                    .content_type_required(true)
                    .content_type(|mime| {
                        mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json")
                    })
                    .error_handler(error::json_error_handler),
            )
            .into_utoipa_app()
            .configure(crate::api::configure)
            .into_app()
            .service(web::redirect("/docs", "/docs/"))
            .service(SwaggerUi::new("/docs/{_:.*}").config(Config::new(["/api/v1/openapi.json"])))
            .default_service(web::to(fallback))
    })
    .worker_max_blocking_threads(blocking_threads)
    .listen(listener)?
    .run();
    Ok(server)
}
