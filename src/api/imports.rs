//! `POST /imports`: bulk observations as CSV or JSON, all rows or none.

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::auth::Role;
use crate::import::{self, ImportFormat, ImportReport};

/// The largest import body accepted.
pub const IMPORT_BODY_LIMIT: usize = 256 * 1024 * 1024;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_import);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: validate and report what would change, writing nothing.
    #[param(value_type = Option<bool>, example = true)]
    pub dry_run: Option<String>,
}

/// Import observations (editors).
///
/// `Content-Type: text/csv` with a header row, or `application/json` with an array of objects.
/// Columns: `province_id` (or `province`), `indicator_code` (or `indicator`), `period_id` (or
/// `period`) and `value` are required; `unit`, `status`, `qualifier`, `rank_of`, `denominator`,
/// `value_text`, `source_id` (or `source`) and `quote` are optional. Values may be plain numbers
/// or Vietnamese text ("1,85 triệu", "4.900 tỷ đồng"). Rows are upserted by (province, indicator,
/// period) in one transaction: any error and nothing is written; re-running an import changes
/// nothing. Every error names its row (the CSV header is row 1; the first JSON element is row 1)
/// and column. Each created or updated row is recorded in `/changes`.
#[utoipa::path(
    tag = "imports",
    params(ImportQuery),
    request_body(content((String = "text/csv"), (Vec<crate::api::observations::ObservationInput> = "application/json"))),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported (or, with dry_run, what would be)", body = ImportReport),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 256 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither text/csv nor application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid rows; `errors` lists each with its row and column; nothing was written", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/imports")]
async fn create_import(
    req: HttpRequest,
    caller: Caller,
    query: web::Query<ImportQuery>,
    mut payload: web::Payload,
) -> ApiResult<HttpResponse> {
    caller.require(Role::Editor)?;
    let dry_run = match query.dry_run.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "dry_run",
                format!("`dry_run` must be `true` or `false`, got `{other}`"),
            ))
        }
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let format = match content_type.split(';').next().map(str::trim) {
        Some("text/csv") => ImportFormat::Csv,
        Some("application/json") => ImportFormat::Json,
        _ => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "an import is `text/csv` or `application/json`, not `{content_type}`"
            )))
        }
    };
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::Malformed(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > IMPORT_BODY_LIMIT {
            return Err(ApiError::PayloadTooLarge {
                limit: IMPORT_BODY_LIMIT,
            });
        }
        body.extend_from_slice(&chunk);
    }
    let reason = super::edit::change_reason(&req)?;
    let actor = caller.claims.sub.clone();
    let report = super::with_write_conn(&req, move |conn| {
        Ok(import::run(
            conn,
            format,
            &body,
            &actor,
            reason.as_deref(),
            dry_run,
            &mut |_| {},
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}
