//! Liveness and readiness probes.

use std::rc::Rc;

use actix_web::{get, web, HttpRequest, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::error::{ApiError, ApiResult, Problem};
use crate::db::pg_async::WorkerPgConnection;
use crate::db::{DbConnection, Pool};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// `/readyz`: the database, `sqlite` or `postgres`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "postgres")]
    pub database: Option<&'static str>,
    /// `/readyz` on PostgreSQL: how reads of a series reach it, `async` (each worker's own
    /// connection) or `libpq` (the blocking pool, as every other read; `CHISO_POSTGRES_READS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "async")]
    pub postgres_reads: Option<&'static str>,
}

/// The process is alive. Never touches the database.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        database: None,
        postgres_reads: None,
    })
}

/// The database answers a query: through the pool, and through this worker's asynchronous
/// connection when PostgreSQL reads use one.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(req: HttpRequest, pool: web::Data<Pool>) -> ApiResult<HttpResponse> {
    let database = super::with_conn(&pool, |conn| {
        conn.batch_execute("SELECT 1")
            .map_err(|e| ApiError::Unavailable(e.into()))?;
        Ok(match conn {
            DbConnection::Sqlite(_) => "sqlite",
            DbConnection::Pg(_) => "postgres",
        })
    })
    .await?;
    let postgres_reads = match req.app_data::<Rc<WorkerPgConnection>>() {
        Some(worker) => {
            worker
                .check()
                .await
                .map_err(|e| ApiError::Unavailable(anyhow::anyhow!(e)))?;
            Some("async")
        }
        None => (database == "postgres").then_some("libpq"),
    };
    Ok(HttpResponse::Ok().json(Health {
        status: "ok",
        database: Some(database),
        postgres_reads,
    }))
}
