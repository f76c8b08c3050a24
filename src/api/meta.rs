//! The API describing itself.

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::openapi::OpenApiJson;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(openapi_json);
}

/// This OpenAPI 3.1 document; the interactive docs page is at `/docs/`.
#[utoipa::path(
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object))
)]
#[get("/openapi.json")]
async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}
