//! HTTP caching for every GET: a strong `ETag` (a hash of the answer, so it changes exactly when
//! the data behind it does), `Cache-Control`, `Vary`, 304 for a matching `If-None-Match`, and a
//! bounded cache of whole answers keyed by the data version and the request, so a repeated read
//! costs a version check and a lookup, and a revalidation no more.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::HttpResponse;

use super::vintage::{self, Pinned, Reflects, Vintage};
use crate::store::version::VersionWatch;

const MEMENTO_DATETIME: header::HeaderName = header::HeaderName::from_static("memento-datetime");

/// The validator for a body: a 128-bit XXH3 of it. Not a cryptographic hash, and need not be:
/// a strong ETag only has to change when the bytes do, and this one costs a tenth of SHA-256.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// [`etag_of`] for a file too big to hold in memory, read in chunks.
pub fn etag_of_reader(mut reader: impl std::io::Read) -> std::io::Result<String> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match reader.read(&mut buffer)? {
            0 => return Ok(format!("\"{:032x}\"", hasher.digest128())),
            n => hasher.update(&buffer[..n]),
        }
    }
}

/// Whether the request's `If-None-Match` holds `tag`.
pub fn client_holds(req: &actix_web::HttpRequest, tag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| matches(tags, tag))
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

/// Marks an answer (in its extensions) that is neither buffered, hashed nor cached: a download
/// streamed from a file.
pub struct Uncached;

/// A whole answer, as the handler gave it.
struct Cached {
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
}

/// Answers of the current data version, by request, and pinned answers (`as_of_version`),
/// which never go stale. Each part is bounded: past its budget it starts over, and a new data
/// version empties the current part.
pub struct ResponseCache {
    current: Mutex<CacheState>,
    pinned: Mutex<CacheState>,
    max_bytes: usize,
}

#[derive(Default)]
struct CacheState {
    version: i64,
    bytes: usize,
    entries: HashMap<String, Arc<Cached>>,
}

/// Which answers an entry belongs to: those of a data version, or the pinned ones.
#[derive(Debug, Clone, Copy)]
enum Generation {
    Current(i64),
    Pinned,
}

impl ResponseCache {
    pub fn new(max_bytes: usize) -> Self {
        ResponseCache {
            current: Mutex::new(CacheState::default()),
            pinned: Mutex::new(CacheState::default()),
            max_bytes,
        }
    }

    fn part(&self, generation: Generation) -> (&Mutex<CacheState>, i64) {
        match generation {
            Generation::Current(version) => (&self.current, version),
            Generation::Pinned => (&self.pinned, 0),
        }
    }

    fn get(&self, generation: Generation, key: &str) -> Option<Arc<Cached>> {
        let (part, version) = self.part(generation);
        let state = part.lock().unwrap_or_else(|p| p.into_inner());
        if state.version != version {
            return None;
        }
        state.entries.get(key).cloned()
    }

    fn put(&self, generation: Generation, key: String, cached: Arc<Cached>) {
        let size = key.len() + cached.body.len();
        if size > self.max_bytes / 16 {
            return;
        }
        let (part, version) = self.part(generation);
        let mut state = part.lock().unwrap_or_else(|p| p.into_inner());
        if version < state.version {
            return;
        }
        let mut dropped = None;
        if version > state.version || state.bytes + size > self.max_bytes {
            let fresh = CacheState {
                version,
                ..CacheState::default()
            };
            dropped = Some(std::mem::replace(&mut *state, fresh));
        }
        state.bytes += size;
        state.entries.insert(key, cached);
        drop(state);
        // Freeing thousands of answers takes milliseconds: not under the lock, where every
        // lookup would wait for it, nor on this worker, whose other connections would.
        if let Some(dropped) = dropped {
            actix_web::rt::task::spawn_blocking(move || drop(dropped));
        }
    }
}

/// What a cached answer depends on besides the data: path and query, and the two negotiated
/// headers.
fn cache_key(req: &ServiceRequest) -> Option<String> {
    let path = req.path();
    if !path.starts_with("/api/v1/") {
        return None;
    }
    let header = |name| {
        req.headers()
            .get(name)
            .map(|v| v.as_bytes())
            .unwrap_or_default()
    };
    let accept = String::from_utf8_lossy(header(header::ACCEPT));
    let language = String::from_utf8_lossy(header(header::ACCEPT_LANGUAGE));
    Some(format!(
        "{path}?{}\n{accept}\n{language}",
        req.query_string()
    ))
}

/// The answer to send for a cached entry: 304 when the client holds it, else the bytes.
fn from_cache(cached: &Cached, if_none_match: Option<&str>, path: &str) -> HttpResponse {
    let control = HeaderValue::from_static(cache_control(path));
    if let Some(tags) = if_none_match {
        if cached.etag.to_str().is_ok_and(|tag| matches(tags, tag)) {
            let mut response = HttpResponse::NotModified()
                .insert_header((header::ETAG, cached.etag.clone()))
                .insert_header((header::CACHE_CONTROL, control))
                .insert_header((header::VARY, HeaderValue::from_static(VARY)))
                .finish();
            let headers = response.headers_mut();
            for name in [header::LINK, vintage::DATA_VERSION, MEMENTO_DATETIME] {
                for value in cached.headers.get_all(&name) {
                    headers.append(name.clone(), value.clone());
                }
            }
            return response;
        }
    }
    let mut response = HttpResponse::Ok().body(cached.body.clone());
    let headers = response.headers_mut();
    for (name, value) in &cached.headers {
        headers.append(name.clone(), value.clone());
    }
    response
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
    let strip = |res: ServiceResponse<BoxBody>| {
        if head_only {
            res.map_body(|_, _| BoxBody::new(()))
        } else {
            res
        }
    };
    if req.method() != Method::GET {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let path = req.path().to_owned();
    let versioned = vintage::versioned(&path);
    let (pin, query) = if versioned {
        match vintage::take_pin(req.query_string()) {
            Ok(taken) => taken,
            Err(e) => return Ok(strip(refuse(req, e))),
        }
    } else {
        (None, req.query_string().to_owned())
    };
    let cache = req.app_data::<Data<ResponseCache>>().cloned();
    let pinned: Option<Vintage> = match pin {
        None => None,
        Some(pin) => match vintage::resolve_for(&req, pin).await {
            Ok(vintage) => Some(vintage),
            Err(e) => return Ok(strip(refuse(req, e))),
        },
    };
    let generation = match pinned {
        Some(vintage) => {
            // The handlers see the query without the pin, and the pin as an extension.
            let rewritten = if query.is_empty() {
                path.clone()
            } else {
                format!("{path}?{query}")
            };
            if let Ok(uri) = rewritten.parse() {
                req.head_mut().uri = uri;
            }
            let pin = Pinned(vintage.version);
            use actix_web::HttpMessage;
            req.extensions_mut().insert(pin);
            Some(Generation::Pinned)
        }
        None => current_generation(&mut req, cache.is_some()).await,
    };
    let key = cache_key(&req).map(|key| match pinned {
        Some(vintage) => format!("{} {key}", vintage.version),
        None => key,
    });
    if let (Some(cache), Some(generation), Some(key)) = (&cache, generation, &key) {
        if let Some(hit) = cache.get(generation, key) {
            let (request, _) = req.into_parts();
            let response = from_cache(&hit, if_none_match.as_deref(), &path);
            return Ok(strip(ServiceResponse::new(request, response)));
        }
    }

    let mut res = next.call(req).await?;
    if res.status() != StatusCode::OK {
        return Ok(strip(res.map_into_boxed_body()));
    }
    if versioned {
        let reflects = match pinned {
            Some(vintage) => Some(vintage.version),
            None => {
                use actix_web::HttpMessage;
                res.request().extensions().get::<Reflects>().map(|r| r.0)
            }
        };
        if let Some(version) = reflects {
            vintage::label(res.headers_mut(), &path, &query, version, pinned);
        }
    }
    // A streamed answer (the export) is neither buffered nor cached.
    if matches!(res.response().body().size(), body::BodySize::Stream)
        || res.response().extensions().get::<Uncached>().is_some()
    {
        return Ok(strip(res.map_into_boxed_body()));
    }
    let (request, response) = res.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let tag = match head.headers().get(header::ETAG) {
        Some(tag) => tag.clone(),
        None => HeaderValue::from_str(&etag_of(&bytes)).expect("hex ETag is a valid header"),
    };
    let headers = head.headers_mut();
    headers.insert(header::ETAG, tag.clone());
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control(&path)),
        );
    }
    headers.insert(header::VARY, HeaderValue::from_static(VARY));
    let cached = Cached {
        headers: head.headers().clone(),
        body: bytes,
        etag: tag,
    };
    let response = from_cache(&cached, if_none_match.as_deref(), &path);
    if let (Some(cache), Some(generation), Some(key)) = (cache, generation, key) {
        cache.put(generation, key, Arc::new(cached));
    }
    Ok(strip(ServiceResponse::new(request, response)))
}

/// The current state of the data, read before the answer is built (so an answer is never filed
/// under a version newer than the data it shows), and handed to the handlers as [`SeenBefore`].
///
/// [`SeenBefore`]: vintage::SeenBefore
async fn current_generation(req: &mut ServiceRequest, cached: bool) -> Option<Generation> {
    let watch = req.app_data::<Data<VersionWatch>>().cloned();
    let watch = watch.filter(|_| cached)?;
    match watch.current().await {
        Ok(state) => {
            use actix_web::HttpMessage;
            req.extensions_mut().insert(vintage::SeenBefore(state));
            Some(Generation::Current(state.version))
        }
        Err(e) => {
            log::warn!("data version unreadable, answering without the cache: {e:#}");
            None
        }
    }
}

/// A problem answer from the middleware itself.
fn refuse(req: ServiceRequest, error: crate::api::error::ApiError) -> ServiceResponse<BoxBody> {
    use actix_web::ResponseError;
    let (request, _) = req.into_parts();
    ServiceResponse::new(request, error.error_response())
}
