//! `/token-revocations`: admins deny a token from now on, on every server sharing the database.

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ApiResult, FieldError, Problem};
use crate::auth::Role;
use crate::store::tokens::{self, RevokedToken};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(revoke_token);
}

/// The token to revoke.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevocationInput {
    /// The token's `jti` claim; surrounding whitespace is ignored, so it needs one other character.
    #[schema(
        example = "3f1c9a4e-8b1d-4c55-9a53-2f4f7d1e0b6a",
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub jti: String,
    /// Why, for the record.
    pub reason: Option<String>,
}

/// Revoke a token (admins). Every server using this database refuses it from the next request.
#[utoipa::path(
    tag = "auth",
    request_body = RevocationInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Revoked", body = RevocationInput),
        (status = 200, description = "Was already revoked", body = RevocationInput),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin token", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `jti`, or a field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/token-revocations")]
async fn revoke_token(
    req: HttpRequest,
    caller: Caller,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    caller.require(Role::Admin)?;
    let input: RevocationInput = super::edit::parse_input(body.into_inner())?;
    if input.jti.trim().is_empty() {
        return Err(ApiError::Unprocessable {
            detail: "`jti` is empty".into(),
            errors: vec![FieldError::at("/jti", "must not be empty")],
        });
    }
    let record = RevokedToken {
        jti: input.jti.trim().to_owned(),
        revoked_at: chrono::Utc::now().naive_utc(),
        revoked_by: caller.claims.sub.clone(),
        reason: input.reason.clone(),
    };
    let newly =
        super::with_write_conn(&req, move |conn| Ok(tokens::revoke(conn, &record)?)).await?;
    let mut response = if newly {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.json(input))
}
