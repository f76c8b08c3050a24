//! The HTTP layer: one module per resource (query parameters, response views, handlers and a
//! `configure`), plus what they share: parameter parsing, the list shape, CSV and health.

pub mod awards;
pub mod caching;
pub mod caller;
pub mod catalogue;
pub mod changes;
pub mod citations;
pub mod edit;
pub mod error;
pub mod export;
pub mod health;
pub mod imports;
pub mod indicators;
pub mod list_query;
pub mod listing;
pub mod meta;
pub mod observations;
pub mod openapi;
pub mod params;
pub mod periods;
pub mod profiles;
pub mod provinces;
pub mod rankings;
pub mod refs;
pub mod search;
pub mod series;
pub mod sources;
pub mod targets;
pub mod tokens;
pub mod vintage;

pub use vintage::{with_read, with_read_or_async};

use actix_web::web;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use actix_web::HttpRequest;

use crate::api::error::{ApiError, ApiResult};
use crate::db::{DbConnection, Pool, WritePool};

/// Every route chiso serves that belongs in the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure).service(
        // The router tries routes in order, a pattern with a parameter by regular expression:
        // the commonest reads come first.
        scope::scope("/api/v1")
            .configure(observations::configure)
            .configure(meta::configure)
            .configure(profiles::configure)
            .configure(provinces::configure)
            .configure(periods::configure)
            .configure(rankings::configure)
            .configure(indicators::configure)
            .configure(targets::configure)
            .configure(awards::configure)
            .configure(sources::configure)
            .configure(series::configure)
            .configure(search::configure)
            .configure(changes::configure)
            .configure(citations::configure)
            .configure(export::configure)
            .configure(imports::configure)
            .configure(tokens::configure),
    );
}

/// Runs storage work on the blocking thread pool with a pooled connection, so the async
/// workers never wait on the database and no connection is held across an `.await`.
pub async fn with_conn<T, F>(pool: &web::Data<Pool>, work: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}

/// [`with_conn`] for a write: the connection comes from the app's [`WritePool`], so on SQLite
/// writers queue for the one writer connection instead of holding the readers' ones.
pub async fn with_write_conn<T, F>(req: &HttpRequest, work: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
{
    let pool = match req.app_data::<web::Data<WritePool>>() {
        Some(writes) => writes.0.clone(),
        None => req
            .app_data::<web::Data<Pool>>()
            .map(|p| p.get_ref().clone())
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database pool configured")))?,
    };
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}
