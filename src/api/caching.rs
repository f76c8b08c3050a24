//! HTTP caching for every GET: a strong `ETag` (SHA-256 of the body, so it changes exactly when
//! the data behind the answer does, whatever changed it), `Cache-Control`, and 304 for a
//! matching `If-None-Match`.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use sha2::{Digest, Sha256};

/// The validator for a body.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(bytes)[..16]))
}

fn matches(if_none_match: &str, tag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t == tag || t.strip_prefix("W/") == Some(tag))
}

/// One URL answers JSON or CSV by `Accept`, English or Vietnamese by `Accept-Language`: a shared
/// cache must key on both. (The CORS middleware adds its own request headers to this list.)
const VARY: &str = "Accept, Accept-Language";

/// Freshness: the change feed is for polling, so always revalidated; the rest may be reused for
/// a minute.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with("/api/v1/changes")
        || path.ends_with("/history")
        || path == "/healthz"
        || path == "/readyz"
    {
        "no-cache"
    } else {
        "public, max-age=60"
    }
}

/// Also answers HEAD for every GET route: the request runs as a GET and loses its body.
pub async fn conditional_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let head_only = req.method() == Method::HEAD;
    if head_only {
        req.head_mut().method = Method::GET;
    }
    let cacheable = matches!(*req.method(), Method::GET);
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let path = req.path().to_owned();
    let res = next.call(req).await?;
    if !cacheable || res.status() != StatusCode::OK {
        let res = res.map_into_boxed_body();
        return Ok(if head_only {
            res.map_body(|_, _| BoxBody::new(()))
        } else {
            res
        });
    }
    let (request, response) = res.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let tag = head
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| etag_of(&bytes));
    let tag_value = HeaderValue::from_str(&tag).expect("hex ETag is a valid header");
    let control = HeaderValue::from_static(cache_control(&path));
    if if_none_match
        .as_deref()
        .is_some_and(|inm| matches(inm, &tag))
    {
        let not_modified = HttpResponse::NotModified()
            .insert_header((header::ETAG, tag_value))
            .insert_header((header::CACHE_CONTROL, control))
            .insert_header((header::VARY, HeaderValue::from_static(VARY)))
            .finish();
        return Ok(ServiceResponse::new(request, not_modified));
    }
    head.headers_mut().insert(header::ETAG, tag_value);
    head.headers_mut()
        .insert(header::VARY, HeaderValue::from_static(VARY));
    if !head.headers().contains_key(header::CACHE_CONTROL) {
        head.headers_mut().insert(header::CACHE_CONTROL, control);
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(BoxBody::new(bytes)),
    ))
}
