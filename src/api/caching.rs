//! HTTP caching for every GET: a strong `ETag` (a hash of the answer, so it changes exactly when
//! the data behind it does), `Cache-Control`, `Vary`, 304 for a matching `If-None-Match`, and a
//! bounded cache of whole answers keyed by the data version and the request, so a repeated read
//! costs a version check and a lookup, and a revalidation no more. An answer is filed from the
//! second time it is asked for; from then on, requests that miss it at once have it computed once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::HttpResponse;
use tokio::sync::oneshot;

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

/// Marks an answer (in its extensions) whose body's buffer holds this many bytes: the cache
/// files the body as it is, weighed at that, rather than an exact copy of it. A list's body is
/// built in a buffer sized for its rows up front; this spares each list answer a second copy.
pub struct BodyCapacity(pub usize);

/// A whole answer, as the handler gave it.
struct Cached {
    /// As a list, exactly as long as it is: a clone of the response's map keeps the map's spare
    /// capacity, several kB an answer, more than a small answer's body.
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    etag: HeaderValue,
    /// What the entry holds in memory, counted once when it is made.
    weight: u64,
}

impl Cached {
    /// `capacity`: what `body` holds in memory, when the handler said ([`BodyCapacity`]).
    fn new(headers: &HeaderMap, body: &Bytes, capacity: Option<usize>, etag: HeaderValue) -> Self {
        // Otherwise an exact copy: a body may have room to spare (a JSON value's buffer grows
        // by doubling), which a cached body would hold, unweighed, for as long as it lives.
        let (body, body_weight) = match capacity {
            Some(capacity) => (body.clone(), capacity.max(body.len())),
            None => (Bytes::copy_from_slice(body), body.len()),
        };
        let headers: Vec<_> = headers
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let headers_weight: usize = headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + HEADER_OVERHEAD)
            .sum();
        let weight = (body_weight + headers_weight + ENTRY_OVERHEAD) as u64;
        Cached {
            headers,
            body,
            etag,
            weight,
        }
    }
}

/// What a header and an entry hold besides their bytes (the list's slot, the `Arc`, the cache's
/// own entry), roughly: enough that a cache of small answers is bounded too.
const HEADER_OVERHEAD: usize = std::mem::size_of::<(HeaderName, HeaderValue)>();
const ENTRY_OVERHEAD: usize = 256;

#[derive(Clone)]
struct ByWeight;

impl quick_cache::Weighter<String, Arc<Cached>> for ByWeight {
    fn weight(&self, key: &String, cached: &Arc<Cached>) -> u64 {
        key.len() as u64 + cached.weight
    }
}

/// Whole answers by data version and request, and pinned answers (`as_of_version`), which never
/// go stale, within one budget of bytes. The version is part of the key, so an answer of an
/// older version is never found again; it is evicted like any answer not asked for again. The
/// cache evicts one answer at a time as new ones come in (S3-FIFO, which keeps answers asked
/// for more than once over those asked for once), so its memory stays at the budget: a cache
/// that started over when full freed thousands of answers at once, and held them and the next
/// thousands together while it did.
pub struct ResponseCache {
    answers: quick_cache::sync::Cache<String, Arc<Cached>, ByWeight>,
    max_bytes: usize,
    /// Answers being computed, by key, with the requests waiting for each: requests that miss
    /// at once for the same answer (many clients after a write, a burst on a new URL) wait for
    /// one of them rather than each computing it (the very first computes alone, see
    /// [`AskedBefore`]).
    computing: Mutex<HashMap<String, Vec<oneshot::Sender<()>>>>,
    asked: AskedBefore,
}

/// Which answers were asked for lately, by a hash of their key: an answer is cached from the
/// second time it is asked for (TinyLFU's "doorkeeper"). Most answers to varied reads are never
/// asked for again; filing each one cost its read a copy of the headers, an insertion and the
/// eviction of an older answer, and pushed out answers that are asked for again. The first
/// request for an answer computes it alone; from the second on, requests missing it at once
/// wait for one of them ([`Turn`]), which files it. A repeated read costs one more computation.
///
/// A table of hashes, one per slot, without locks: a hash landing on another's slot forgets
/// that one, whose answer then takes one computation more to be filed.
struct AskedBefore {
    slots: Box<[AtomicU64]>,
}

impl AskedBefore {
    /// `slots` is rounded up to a power of two.
    fn new(slots: usize) -> Self {
        let slots = slots.next_power_of_two();
        AskedBefore {
            slots: (0..slots).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Whether `key` was asked for before; from now on, it was.
    fn again(&self, key: &str) -> bool {
        // Never 0, which marks an empty slot. Not keyed: a client that made hashes collide on
        // purpose would only keep its own answers out of the cache.
        let hash = xxhash_rust::xxh3::xxh3_64(key.as_bytes()) | 1;
        let slot = &self.slots[(hash >> 32) as usize & (self.slots.len() - 1)];
        slot.swap(hash, Ordering::Relaxed) == hash
    }
}

/// The part a request that missed the cache takes in computing its answer.
enum Turn {
    /// Compute it and file it; the requests asking meanwhile wait until this is dropped.
    Lead(Computing),
    /// Another request is computing it: wait for that, then look in the cache again.
    Follow(oneshot::Receiver<()>),
}

/// An answer under way. Dropped once it is filed, or refused, failed or abandoned (the client
/// went away): the requests waiting for it then look in the cache again, and compute it
/// themselves if it is not there.
struct Computing {
    cache: Data<ResponseCache>,
    key: String,
}

impl Drop for Computing {
    fn drop(&mut self) {
        // Dropping the waiters' senders wakes them.
        self.cache.computing().remove(&self.key);
    }
}

/// The cache's independent parts (each with its lock): enough that two workers, or a few dozen,
/// seldom wait for one another.
const SHARDS: usize = 8;

/// Which answers an entry belongs to: those of a data version, or those pinned to a vintage.
#[derive(Debug, Clone, Copy)]
enum Generation {
    Current(i64),
    Pinned(i32),
}

impl ResponseCache {
    pub fn new(max_bytes: usize) -> Self {
        let options = quick_cache::OptionsBuilder::new()
            // Sizes the index up front, for answers of about 4 kB on average.
            .estimated_items_capacity((max_bytes / 4096).max(64))
            .weight_capacity(max_bytes as u64)
            // Each shard holds its part of the budget and refuses an answer heavier than that.
            // By default the shards follow the cores, so on a large machine a 1000-row page
            // would not be cached; with eight, any answer `put` accepts fits.
            .shards(SHARDS)
            .build()
            .expect("the item estimate and the weight capacity are set");
        ResponseCache {
            answers: quick_cache::sync::Cache::with_options(
                options,
                ByWeight,
                Default::default(),
                Default::default(),
            ),
            max_bytes,
            computing: Mutex::default(),
            // Some sixteen times the answers the budget holds (about 4 kB each): 8 bytes a
            // slot, a thirty-second of the budget besides it (1 MB for the default 32 MB).
            asked: AskedBefore::new((max_bytes / 4096 * 16).max(64)),
        }
    }

    fn get(&self, key: &str) -> Option<Arc<Cached>> {
        self.answers.get(key)
    }

    fn computing(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<oneshot::Sender<()>>>> {
        self.computing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the request missing `key` computes the answer or waits for another's. A
    /// waiter is registered under the same lock as the leader's end, so it cannot miss it.
    fn turn(cache: &Data<Self>, key: &str) -> Turn {
        let mut computing = cache.computing();
        match computing.get_mut(key) {
            Some(waiting) => {
                let (done, wait) = oneshot::channel();
                waiting.push(done);
                Turn::Follow(wait)
            }
            None => {
                computing.insert(key.to_owned(), Vec::new());
                Turn::Lead(Computing {
                    cache: cache.clone(),
                    key: key.to_owned(),
                })
            }
        }
    }

    /// Files an answer, unless it alone would take more than half a shard. Its body is
    /// measured before it is copied: a rejected answer costs no copy.
    fn put(
        &self,
        key: String,
        headers: &HeaderMap,
        body: &Bytes,
        capacity: Option<usize>,
        etag: HeaderValue,
    ) {
        let limit = self.max_bytes / SHARDS / 2;
        if key.len() + body.len() > limit {
            return;
        }
        let cached = Cached::new(headers, body, capacity, etag);
        if key.len() + cached.weight as usize <= limit {
            self.answers.insert(key, Arc::new(cached));
        }
    }
}

/// What a cached answer depends on: the data (its generation), path and query, and the two
/// negotiated headers.
fn cache_key(req: &ServiceRequest, generation: Generation) -> Option<String> {
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
    let query = req.query_string();
    Some(match generation {
        Generation::Current(version) => format!("{version} {path}?{query}\n{accept}\n{language}"),
        Generation::Pinned(version) => {
            format!("pinned {version} {path}?{query}\n{accept}\n{language}")
        }
    })
}

/// The answer to send for a cached entry: 304 when the client holds it, else the bytes.
fn from_cache(cached: &Cached, if_none_match: Option<&str>, path: &str) -> HttpResponse {
    let headers = || cached.headers.iter().map(|(name, value)| (name, value));
    if let Some(response) = not_modified(headers(), &cached.etag, if_none_match, path) {
        return response;
    }
    let mut response = HttpResponse::Ok().body(cached.body.clone());
    let sent = response.headers_mut();
    for (name, value) in headers() {
        sent.append(name.clone(), value.clone());
    }
    response
}

/// 304, with the headers of the answer a client revalidates, when it holds `etag`.
fn not_modified<'h>(
    headers: impl IntoIterator<Item = (&'h HeaderName, &'h HeaderValue)>,
    etag: &HeaderValue,
    if_none_match: Option<&str>,
    path: &str,
) -> Option<HttpResponse> {
    let tags = if_none_match?;
    if !etag.to_str().is_ok_and(|tag| matches(tags, tag)) {
        return None;
    }
    let mut response = HttpResponse::NotModified()
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control(path)),
        ))
        .insert_header((header::VARY, HeaderValue::from_static(VARY)))
        .finish();
    let kept = response.headers_mut();
    for (name, value) in headers {
        if [header::LINK, vintage::DATA_VERSION, MEMENTO_DATETIME].contains(name) {
            kept.append(name.clone(), value.clone());
        }
    }
    Some(response)
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
            Some(Generation::Pinned(vintage.version))
        }
        None => current_generation(&mut req, cache.is_some()).await,
    };
    let key = generation.and_then(|generation| cache_key(&req, generation));
    // Held until the answer is filed (the end of this function), or dropped on the way out.
    let mut _computing = None;
    if let (Some(cache), Some(key)) = (&cache, &key) {
        let mut hit = cache.get(key);
        if hit.is_none() && cache.asked.again(key) {
            match ResponseCache::turn(cache, key) {
                Turn::Lead(computing) => _computing = Some(computing),
                Turn::Follow(wait) => {
                    // Ends when the answer is filed or the request computing it stopped.
                    let _ = wait.await;
                    hit = cache.get(key);
                }
            }
        }
        if let Some(hit) = hit {
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
    let capacity = res
        .response()
        .extensions()
        .get::<BodyCapacity>()
        .map(|c| c.0);
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
    // Filed by the request that took the lead in computing it (see [`AskedBefore`]).
    if let (Some(cache), Some(key), Some(_)) = (cache, key, &_computing) {
        cache.put(key, head.headers(), &bytes, capacity, tag.clone());
    }
    // The handler's own head, with the body put back: no copy of its headers.
    let response = match not_modified(head.headers(), &tag, if_none_match.as_deref(), &path) {
        Some(not_modified) => not_modified,
        None => head.set_body(bytes).map_into_boxed_body(),
    };
    Ok(strip(ServiceResponse::new(request, response)))
}

/// The current state of the data, read before the answer is built (so an answer is never filed
/// under a version newer than the data it shows), and handed to the handlers as [`SeenBefore`].
///
/// [`SeenBefore`]: vintage::SeenBefore
async fn current_generation(req: &mut ServiceRequest, cached: bool) -> Option<Generation> {
    let reader = vintage::StateReader::of(req.app_data(), req.app_data::<Data<VersionWatch>>());
    let reader = reader.filter(|_| cached)?;
    match reader.current().await {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts of a JSON answer of `bytes` bytes.
    fn answer(bytes: usize) -> (HeaderMap, Bytes, HeaderValue) {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let body = Bytes::from(vec![b'x'; bytes]);
        (headers, body, HeaderValue::from_static("\"t\""))
    }

    fn put(cache: &ResponseCache, key: &str, bytes: usize) {
        let (headers, body, etag) = answer(bytes);
        cache.put(key.to_owned(), &headers, &body, None, etag);
    }

    /// The first request to miss an answer computes it; those missing it meanwhile wait, and
    /// are woken when it is filed (or abandoned). Other answers do not wait for it.
    #[test]
    fn requests_missing_the_same_answer_wait_for_the_first() {
        use tokio::sync::oneshot::error::TryRecvError;
        let cache = Data::new(ResponseCache::new(1 << 20));
        let Turn::Lead(first) = ResponseCache::turn(&cache, "k") else {
            panic!("the first miss computes the answer");
        };
        let Turn::Follow(mut second) = ResponseCache::turn(&cache, "k") else {
            panic!("a second miss meanwhile waits");
        };
        let Turn::Lead(other) = ResponseCache::turn(&cache, "another") else {
            panic!("another answer does not wait");
        };
        assert!(matches!(second.try_recv(), Err(TryRecvError::Empty)));
        put(&cache, "k", 100);
        drop(first);
        assert!(matches!(second.try_recv(), Err(TryRecvError::Closed)));
        assert!(cache.get("k").is_some());
        // Nothing is under way for the key any more: the next miss computes it again.
        assert!(matches!(ResponseCache::turn(&cache, "k"), Turn::Lead(_)));
        drop(other);
        assert!(cache.computing().is_empty());
    }

    /// Through the middleware: the first request for an answer computes it, the second computes
    /// and files it, the third is served from the cache; a 304 comes from the cache too.
    #[actix_web::test]
    async fn an_answer_is_cached_from_the_second_request_for_it() {
        use std::sync::atomic::AtomicUsize;

        use actix_web::{middleware::from_fn, test, web, App};

        use crate::db::DatabaseUrl;

        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let url = DatabaseUrl::parse(&url).unwrap();
        let pool = crate::db::build_pool(&url, 1).unwrap();
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        let computed = Data::new(AtomicUsize::new(0));
        let app = test::init_service(
            App::new()
                .app_data(Data::new(VersionWatch::new(&url).unwrap()))
                .app_data(Data::new(ResponseCache::new(1 << 20)))
                .app_data(computed.clone())
                .wrap(from_fn(conditional_get))
                .route(
                    "/api/v1/answer",
                    web::get().to(|computed: Data<AtomicUsize>| async move {
                        computed.fetch_add(1, Ordering::Relaxed);
                        HttpResponse::Ok().body("the answer")
                    }),
                ),
        )
        .await;
        let mut etags = Vec::new();
        for expected in [1, 2, 2, 2] {
            let req = test::TestRequest::get().uri("/api/v1/answer").to_request();
            let res = test::call_service(&app, req).await;
            assert_eq!(res.status(), StatusCode::OK);
            etags.push(res.headers().get(header::ETAG).unwrap().clone());
            assert_eq!(test::read_body(res).await, "the answer");
            assert_eq!(computed.load(Ordering::Relaxed), expected);
        }
        assert!(etags.windows(2).all(|pair| pair[0] == pair[1]));
        let req = test::TestRequest::get()
            .uri("/api/v1/answer")
            .insert_header((header::IF_NONE_MATCH, etags[0].clone()))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(computed.load(Ordering::Relaxed), 2);
    }

    /// Many more keys than slots: each is remembered until another lands on its slot, and a
    /// collision only forgets.
    #[test]
    fn asked_before_remembers_recent_keys() {
        let asked = AskedBefore::new(1 << 12);
        let keys: Vec<String> = (0..100_000).map(|i| format!("7 /api/v1/x?i={i}")).collect();
        assert!(keys.iter().all(|k| !asked.again(k)));
        let remembered = keys[keys.len() - 100..].iter().filter(|k| asked.again(k));
        assert!(remembered.count() >= 95);
    }

    #[test]
    fn an_answer_weighs_its_body_and_headers() {
        let (headers, body, etag) = answer(10_000);
        let cached = Cached::new(&headers, &body, None, etag.clone());
        let headers_bytes = "content-type".len() + "application/json".len();
        assert!(
            cached.weight >= (10_000 + headers_bytes) as u64,
            "{}",
            cached.weight
        );
        // A body filed as it is weighs what it holds, not its length.
        let filed = Cached::new(&headers, &body, Some(16_384), etag);
        assert_eq!(filed.weight, cached.weight + 16_384 - 10_000);
        assert_eq!(filed.body.as_ptr(), body.as_ptr(), "filed without a copy");
    }

    /// Many more answers than fit: the cache evicts as they come, and never holds more than its
    /// budget.
    #[test]
    fn the_cache_stays_within_its_budget() {
        let budget = 1 << 20;
        let cache = ResponseCache::new(budget);
        for i in 0..1_000 {
            put(&cache, &format!("1 /api/v1/observations?page={i}"), 10_000);
            assert!(cache.answers.weight() <= budget as u64);
        }
        assert!(cache.answers.len() >= 50, "{}", cache.answers.len());
        assert!(cache.get("1 /api/v1/observations?page=999").is_some());
        // Up to half a shard: filed, whatever the machine's cores.
        put(&cache, "large", budget / SHARDS / 2 - 1024);
        assert!(cache.get("large").is_some());
        // Heavier than half a shard: not filed.
        put(&cache, "big", budget / 8);
        assert!(cache.get("big").is_none());
    }
}
