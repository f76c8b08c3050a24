//! Writes, once for every resource: body parsing with JSON-pointer errors, validation, natural-key
//! conflicts (409, or an update when the client asks for upsert), `ETag`/`If-Match` optimistic
//! concurrency (412), JSON merge patch, and the audit record written in the same transaction.
//! Each resource supplies an [`Editable`] implementation and a few thin handlers.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::params::Lang;
use crate::auth::{Caller, Role};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::store::changes::{self, NewChange};

/// A resource that can be created, replaced, patched and deleted.
pub trait Editable: 'static {
    /// Singular name, used in the audit trail and in errors.
    const RESOURCE: &'static str;
    /// The least role that may write it.
    const ROLE: Role;
    /// The full body of POST and PUT.
    type Input: DeserializeOwned;
    /// What the API returns for one item.
    type View: Serialize + Send + Clone;
    /// The validated row to write.
    type Valid: Send;
    /// The path id.
    type Key: Clone + Send + std::fmt::Display;

    /// A value field and the field holding its printed text (`value`, `value_text`): a patch
    /// that changes the value without new text drops the old text, which described the old value.
    const PRINTED_TEXT_OF: Option<(&'static str, &'static str)> = None;

    /// Fields of the view that are not input fields (names looked up from ids, computed values,
    /// lineage): left out of the document a merge patch applies to, which must be a valid input.
    const DERIVED: &'static [&'static str] = &[];

    /// The input field holding a client-chosen key (`id`, `code`); `None` when the server
    /// assigns ids.
    const CLIENT_KEY: Option<&'static str> = None;

    fn parse_key(raw: &str) -> ApiResult<Self::Key>;
    /// The key a validated input will have once written, when the client chooses it.
    fn chosen_key(_valid: &Self::Valid) -> Option<Self::Key> {
        None
    }
    fn load(conn: &mut DbConnection, key: &Self::Key) -> ApiResult<Option<Self::View>>;
    /// Labels in `lang`; views without labels stay as they are.
    fn localize(view: Self::View, _lang: Lang) -> Self::View {
        view
    }
    /// The view as an input document, the base a merge patch applies to: the view without a
    /// server-assigned `id`.
    fn as_input(view: &Self::View) -> Value {
        let mut value = serde_json::to_value(view).expect("views serialize");
        if let Some(object) = value.as_object_mut() {
            if Self::CLIENT_KEY.is_none() {
                object.remove("id");
            }
            for field in Self::DERIVED {
                object.remove(*field);
            }
        }
        value
    }
    /// The validated row, or the invalid fields; `Err` only when storage fails.
    fn validate(
        conn: &mut DbConnection,
        input: Self::Input,
    ) -> ApiResult<Result<Self::Valid, Vec<FieldError>>>;
    /// The record that already holds the input's natural key, if any (a client-chosen key is
    /// its own natural key).
    fn holder(_conn: &mut DbConnection, _valid: &Self::Valid) -> ApiResult<Option<Self::Key>> {
        Ok(None)
    }
    fn insert(conn: &mut DbConnection, valid: &Self::Valid) -> ApiResult<Self::Key>;
    fn update(conn: &mut DbConnection, key: &Self::Key, valid: &Self::Valid) -> ApiResult<()>;
    fn delete(conn: &mut DbConnection, key: &Self::Key) -> ApiResult<()>;
}

/// A strong validator: the hash of the item's JSON as served, so `If-Match` compares with the
/// very `ETag` a GET gave.
pub fn etag<V: Serialize>(view: &V) -> String {
    super::caching::etag_of(&serde_json::to_vec(view).expect("views serialize"))
}

/// `GET` of one item, with its `ETag`.
pub async fn fetch<E: Editable>(
    req: &HttpRequest,
    raw_key: String,
    lang: Option<&str>,
) -> ApiResult<HttpResponse> {
    let lang = super::params::lang(req, lang)?;
    let key = E::parse_key(&raw_key)?;
    let view = super::with_read(req, move |conn| {
        E::load(conn, &key)?.ok_or_else(|| ApiError::not_found(E::RESOURCE, key.to_string()))
    })
    .await?;
    Ok(updated(&E::localize(view, lang)))
}

/// What the request asks of the write beyond its body.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    if_match: Option<String>,
    reason: Option<String>,
}

/// The header that carries why a write was made, recorded in the audit trail.
pub const CHANGE_REASON: &str = "X-Change-Reason";

/// `X-Change-Reason` as text: raw UTF-8 (`Sở TT&TT report`), or the RFC 8187 form
/// `UTF-8''S%E1%BB%9F%20TT%26TT` for clients that can only send ASCII. What cannot be read is a
/// 400 naming the header, never silently dropped.
pub fn change_reason(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get(CHANGE_REASON) else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    let unreadable = |why: &str| {
        ApiError::invalid(
            CHANGE_REASON,
            format!("{CHANGE_REASON} {why}: send UTF-8 text, or UTF-8'' followed by the percent-encoded UTF-8 bytes (RFC 8187)"),
        )
    };
    let text = match bytes.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case(b"utf-8''") => {
            percent_encoding::percent_decode(&bytes[7..])
                .decode_utf8()
                .map_err(|_| unreadable("is percent-encoded, but not UTF-8"))?
                .into_owned()
        }
        _ => String::from_utf8(bytes.to_vec()).map_err(|_| unreadable("is not UTF-8"))?,
    };
    if let Some(reason) = crate::domain::text::control_character(&text, true) {
        return Err(unreadable(&reason));
    }
    let text = text.trim();
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

impl Conditions {
    pub fn from_request(req: &HttpRequest) -> ApiResult<Self> {
        Ok(Conditions {
            if_match: req
                .headers()
                .get(header::IF_MATCH)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            reason: change_reason(req)?,
        })
    }

    /// `If-Match` against the item as any language's GET showed it.
    fn check_item<E: Editable>(&self, current: &E::View) -> ApiResult<()> {
        let en = etag(&E::localize(current.clone(), Lang::En));
        let vi = etag(&E::localize(current.clone(), Lang::Vi));
        self.check(&en, &vi)
    }

    fn check(&self, current: &str, alternative: &str) -> ApiResult<()> {
        match &self.if_match {
            None => Ok(()),
            Some(tags) if tags.split(',').any(|t| t.trim() == "*" || t.trim() == current || t.trim() == alternative) => Ok(()),
            Some(tags) => Err(ApiError::PreconditionFailed(format!(
                "If-Match {tags} does not match the current ETag {current}: the item changed since you read it"
            ))),
        }
    }
}

/// Deserializes a body, naming the offending field with a JSON pointer.
pub fn parse_input<T: DeserializeOwned>(body: Value) -> ApiResult<T> {
    let refused = crate::domain::text::control_characters_in(&body);
    if !refused.is_empty() {
        let errors: Vec<FieldError> = refused
            .into_iter()
            .map(|(pointer, reason)| FieldError::at(pointer, reason))
            .collect();
        return Err(invalid("body", errors));
    }
    serde_path_to_error::deserialize(body).map_err(|err| {
        let pointer = pointer_of(&err.path().to_string());
        let detail = err.inner().to_string();
        ApiError::Unprocessable {
            detail: format!("invalid body at {pointer}: {detail}"),
            errors: vec![FieldError::at(pointer, detail)],
        }
    })
}

/// `a.b[0]` to `/a/b/0`; the document root is `` per RFC 6901.
fn pointer_of(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut pointer = String::new();
    for segment in path.split('.') {
        for part in segment.split('[') {
            let part = part.trim_end_matches(']');
            if !part.is_empty() {
                pointer.push('/');
                pointer.push_str(&part.replace('~', "~0").replace('/', "~1"));
            }
        }
    }
    pointer
}

fn invalid(resource: &str, errors: Vec<FieldError>) -> ApiError {
    let detail = match errors.as_slice() {
        [one] => format!("invalid {resource}: {}", one.detail),
        many => format!("invalid {resource}: {} fields are wrong", many.len()),
    };
    ApiError::Unprocessable { detail, errors }
}

/// Records one write in the audit trail, inside the write's transaction.
fn audit<V: Serialize>(
    conn: &mut DbConnection,
    (resource, key, action): (&str, &str, &str),
    caller: &Caller,
    reason: Option<&str>,
    before: Option<&V>,
    after: Option<&V>,
) -> ApiResult<()> {
    let json = |v: Option<&V>| v.map(|v| serde_json::to_string(v).expect("views serialize"));
    changes::record(
        conn,
        &NewChange {
            resource: resource.to_owned(),
            resource_id: key.to_owned(),
            action: action.to_owned(),
            actor: caller.claims.sub.clone(),
            changed_at: chrono::Utc::now().naive_utc(),
            reason: reason.map(str::to_owned),
            before: json(before),
            after: json(after),
        },
    )?;
    Ok(())
}

/// The outcome of a write, ready to render.
pub struct Written<V> {
    pub view: V,
    pub created: bool,
    pub location: String,
}

/// POST: creates the item; with `upsert`, an item holding the same natural key is replaced.
pub fn create<E: Editable>(
    conn: &mut DbConnection,
    caller: &Caller,
    body: Value,
    upsert: bool,
    conditions: &Conditions,
    base_path: &str,
) -> ApiResult<Written<E::View>> {
    caller.require(E::ROLE)?;
    let input: E::Input = parse_input(body)?;
    crate::db::write_transaction(conn, |conn| {
        // The data version first, as every writer and every vintage rewind takes it first:
        // one lock order, so they queue instead of deadlocking on PostgreSQL.
        crate::store::version::bump(conn)?;
        let valid = E::validate(conn, input)?.map_err(|errors| invalid(E::RESOURCE, errors))?;
        let existing = match E::holder(conn, &valid)? {
            Some(key) => Some(key),
            None => match E::chosen_key(&valid) {
                Some(key) if E::load(conn, &key)?.is_some() => Some(key),
                _ => None,
            },
        };
        let (key, created, before) = match existing {
            Some(key) if upsert => {
                let before = E::load(conn, &key)?;
                if let Some(before) = &before {
                    conditions.check_item::<E>(before)?;
                }
                E::update(conn, &key, &valid)?;
                (key, false, before)
            }
            Some(key) => {
                return Err(ApiError::Conflict(format!(
                    "{} {key} already holds this natural key: update it with PUT or PATCH, or POST with ?upsert=true",
                    E::RESOURCE
                )))
            }
            None => (E::insert(conn, &valid)?, true, None),
        };
        let view = E::load(conn, &key)?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("written row vanished")))?;
        let action = if created { "create" } else { "update" };
        audit(
            conn,
            (E::RESOURCE, &key.to_string(), action),
            caller,
            conditions.reason.as_deref(),
            before.as_ref(),
            Some(&view),
        )?;
        Ok(Written {
            view,
            created,
            location: format!("{base_path}/{key}"),
        })
    })
}

/// PUT: replaces the item with a full body.
pub fn replace<E: Editable>(
    conn: &mut DbConnection,
    caller: &Caller,
    key: E::Key,
    body: Value,
    conditions: &Conditions,
) -> ApiResult<E::View> {
    caller.require(E::ROLE)?;
    let input: E::Input = parse_input(body)?;
    write_over::<E>(conn, caller, key, input, conditions)
}

/// PATCH: applies an RFC 7396 JSON merge patch to the item, then validates the result whole.
pub fn patch<E: Editable>(
    conn: &mut DbConnection,
    caller: &Caller,
    key: E::Key,
    patch: Value,
    conditions: &Conditions,
) -> ApiResult<E::View> {
    caller.require(E::ROLE)?;
    if !patch.is_object() {
        return Err(ApiError::Unprocessable {
            detail: "a merge patch must be a JSON object".into(),
            errors: vec![FieldError::at("", "a merge patch must be a JSON object")],
        });
    }
    let current =
        E::load(conn, &key)?.ok_or_else(|| ApiError::not_found(E::RESOURCE, key.to_string()))?;
    let mut document = E::as_input(&current);
    // The base document holds every input field (null when unset), so a key it lacks is not one:
    // refused even with a `null` value, which merging alone would silently ignore.
    if let (Some(fields), Some(base)) = (patch.as_object(), document.as_object()) {
        let unknown: Vec<FieldError> = fields
            .keys()
            .filter(|key| !base.contains_key(*key))
            .map(|key| {
                FieldError::at(
                    format!("/{}", key.replace('~', "~0").replace('/', "~1")),
                    format!(
                        "unknown field `{key}`: not a field of {} input",
                        E::RESOURCE
                    ),
                )
            })
            .collect();
        if !unknown.is_empty() {
            return Err(invalid("patch", unknown));
        }
    }
    json_patch::merge(&mut document, &patch);
    if let (Some((value, text)), Some(object)) = (E::PRINTED_TEXT_OF, document.as_object_mut()) {
        if patch.get(value).is_some() && patch.get(text).is_none() {
            object.insert(text.to_owned(), Value::Null);
        }
    }
    let input: E::Input = parse_input(document)?;
    write_over::<E>(conn, caller, key, input, conditions)
}

fn write_over<E: Editable>(
    conn: &mut DbConnection,
    caller: &Caller,
    key: E::Key,
    input: E::Input,
    conditions: &Conditions,
) -> ApiResult<E::View> {
    crate::db::write_transaction(conn, |conn| {
        crate::store::version::bump(conn)?;
        let before = E::load(conn, &key)?
            .ok_or_else(|| ApiError::not_found(E::RESOURCE, key.to_string()))?;
        conditions.check_item::<E>(&before)?;
        let valid = E::validate(conn, input)?.map_err(|errors| invalid(E::RESOURCE, errors))?;
        if let Some(chosen) = E::chosen_key(&valid) {
            if chosen.to_string() != key.to_string() {
                return Err(invalid(
                    E::RESOURCE,
                    vec![FieldError::at(
                        "/id",
                        format!("the id `{chosen}` differs from the path's `{key}`"),
                    )],
                ));
            }
        }
        if let Some(holder) = E::holder(conn, &valid)? {
            if holder.to_string() != key.to_string() {
                return Err(ApiError::Conflict(format!(
                    "{} {holder} already holds this natural key",
                    E::RESOURCE
                )));
            }
        }
        E::update(conn, &key, &valid)?;
        let after = E::load(conn, &key)?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("updated row vanished")))?;
        audit(
            conn,
            (E::RESOURCE, &key.to_string(), "update"),
            caller,
            conditions.reason.as_deref(),
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    })
}

/// DELETE.
pub fn delete<E: Editable>(
    conn: &mut DbConnection,
    caller: &Caller,
    key: E::Key,
    conditions: &Conditions,
) -> ApiResult<()> {
    caller.require(E::ROLE)?;
    crate::db::write_transaction(conn, |conn| {
        crate::store::version::bump(conn)?;
        let before = E::load(conn, &key)?
            .ok_or_else(|| ApiError::not_found(E::RESOURCE, key.to_string()))?;
        conditions.check_item::<E>(&before)?;
        E::delete(conn, &key)?;
        audit::<E::View>(
            conn,
            (E::RESOURCE, &key.to_string(), "delete"),
            caller,
            conditions.reason.as_deref(),
            Some(&before),
            None,
        )
    })
}

/// 201 with `Location` for a new item, 200 for an upserted one; both with the `ETag`.
pub fn written<V: Serialize>(w: Written<V>) -> HttpResponse {
    let mut response = if w.created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    if w.created {
        response.insert_header((header::LOCATION, w.location));
    }
    with_etag(response, &w.view)
}

/// One item as JSON with its `ETag` (the caching middleware answers `If-None-Match`).
pub fn updated<V: Serialize>(view: &V) -> HttpResponse {
    with_etag(HttpResponse::Ok(), view)
}

/// The item as JSON, serialized once for both the body and its `ETag`.
fn with_etag<V: Serialize>(mut response: actix_web::HttpResponseBuilder, view: &V) -> HttpResponse {
    let body = serde_json::to_vec(view).expect("views serialize");
    response
        .insert_header((header::ETAG, super::caching::etag_of(&body)))
        .content_type("application/json")
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::pointer_of;

    #[test]
    fn turns_serde_paths_into_json_pointers() {
        assert_eq!(pointer_of("."), "");
        assert_eq!(pointer_of("value"), "/value");
        assert_eq!(pointer_of("rows[3].value"), "/rows/3/value");
    }
}

/// The body of every generated POST handler.
pub async fn create_handler<E: Editable>(
    req: HttpRequest,
    caller: Caller,
    query: CreateQuery,
    body: Value,
    base_path: &'static str,
) -> ApiResult<HttpResponse> {
    let conditions = Conditions::from_request(&req)?;
    let upsert = query.upsert()?;
    let done = super::with_write_conn(&req, move |conn| {
        create::<E>(conn, &caller, body, upsert, &conditions, base_path)
    })
    .await?;
    Ok(written(done))
}

/// The body of every generated PUT (`merge` false) and PATCH (`merge` true) handler.
pub async fn update_handler<E: Editable>(
    req: HttpRequest,
    caller: Caller,
    raw_key: String,
    body: Value,
    merge: bool,
) -> ApiResult<HttpResponse> {
    let conditions = Conditions::from_request(&req)?;
    let key = E::parse_key(&raw_key)?;
    let view = super::with_write_conn(&req, move |conn| {
        if merge {
            patch::<E>(conn, &caller, key, body, &conditions)
        } else {
            replace::<E>(conn, &caller, key, body, &conditions)
        }
    })
    .await?;
    Ok(updated(&view))
}

/// The body of every generated DELETE handler.
pub async fn delete_handler<E: Editable>(
    req: HttpRequest,
    caller: Caller,
    raw_key: String,
) -> ApiResult<HttpResponse> {
    let conditions = Conditions::from_request(&req)?;
    let key = E::parse_key(&raw_key)?;
    super::with_write_conn(&req, move |conn| {
        delete::<E>(conn, &caller, key, &conditions)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `?upsert=true` on POST.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CreateQuery {
    /// `true`: when an item already holds the natural key, replace it (200) instead of answering 409.
    #[param(value_type = Option<bool>, example = false)]
    pub upsert: Option<String>,
}

impl CreateQuery {
    pub fn upsert(&self) -> ApiResult<bool> {
        match self.upsert.as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::invalid(
                "upsert",
                format!("`upsert` must be `true` or `false`, got `{other}`"),
            )),
        }
    }
}

/// Generates the POST, PUT, PATCH and DELETE handlers of a resource from its [`Editable`]
/// implementation, each documented in the OpenAPI document with every answer it can give.
/// The caller imports `actix_web::{delete, patch, post, put}`: utoipa reads those attributes.
#[macro_export]
macro_rules! write_handlers {
    (
        editable: $E:ty, input: $Input:ty, view: $View:ty, tag: $tag:tt,
        collection: $collection:tt, item: $item:tt, param: $param:tt, base: $base:tt, key: $Key:ty,
        create: $create:ident, replace: $replace:ident, patch: $patch:ident, delete: $delete:ident,
    ) => {
        /// Create one. Needs a bearer token with the resource's role. With `?upsert=true` an
        /// item already holding the same natural key is replaced instead of answering 409.
        /// `X-Change-Reason` is kept in the audit trail.
        #[utoipa::path(
            tag = $tag,
            params($crate::api::edit::CreateQuery),
            request_body = $Input,
            security(("bearer" = [])),
            responses(
                (status = 201, description = "Created; `Location` and `ETag` headers", body = $View),
                (status = 200, description = "Upserted over the item with the same natural key", body = $View),
                (status = 400, description = "Malformed JSON or query", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 401, description = "No, invalid, expired or revoked token", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 403, description = "The token's role may not write this", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 409, description = "The natural key is taken", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 413, description = "Body over 256 KiB", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 415, description = "Not application/json", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields, each named by a JSON pointer in `errors`", body = $crate::error::Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($collection)]
        async fn $create(
            req: actix_web::HttpRequest,
            caller: $crate::auth::Caller,
            query: actix_web::web::Query<$crate::api::edit::CreateQuery>,
            body: actix_web::web::Json<serde_json::Value>,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::edit::create_handler::<$E>(req, caller, query.into_inner(), body.into_inner(), $base).await
        }

        /// Replace one with a full body. `If-Match` with the item's `ETag` makes the write
        /// conditional: a stale tag answers 412 and writes nothing.
        #[utoipa::path(
            tag = $tag,
            params(($param = $Key, Path)),
            request_body = $Input,
            security(("bearer" = [])),
            responses(
                (status = 200, description = "Replaced; new `ETag` header", body = $View),
                (status = 400, description = "Malformed JSON or id", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 401, description = "No, invalid, expired or revoked token", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 403, description = "The token's role may not write this", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such item", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 409, description = "Another item holds the natural key", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 412, description = "`If-Match` is stale", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 413, description = "Body over 256 KiB", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 415, description = "Not application/json", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields, each named by a JSON pointer in `errors`", body = $crate::error::Problem, content_type = "application/problem+json"),
            )
        )]
        #[put($item)]
        async fn $replace(
            req: actix_web::HttpRequest,
            caller: $crate::auth::Caller,
            path: actix_web::web::Path<String>,
            body: actix_web::web::Json<serde_json::Value>,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::edit::update_handler::<$E>(req, caller, path.into_inner(), body.into_inner(), false).await
        }

        /// Change some fields with an RFC 7396 JSON merge patch (`application/merge-patch+json`
        /// or `application/json`); `null` clears a field. `If-Match` as for PUT.
        #[utoipa::path(
            tag = $tag,
            params(($param = $Key, Path)),
            request_body(content = Object, content_type = "application/merge-patch+json", description = "The fields to change"),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "Patched; new `ETag` header", body = $View),
                (status = 400, description = "Malformed JSON or id", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 401, description = "No, invalid, expired or revoked token", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 403, description = "The token's role may not write this", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such item", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 409, description = "Another item holds the natural key", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 412, description = "`If-Match` is stale", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 415, description = "Not JSON", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields, each named by a JSON pointer in `errors`", body = $crate::error::Problem, content_type = "application/problem+json"),
            )
        )]
        #[patch($item)]
        async fn $patch(
            req: actix_web::HttpRequest,
            caller: $crate::auth::Caller,
            path: actix_web::web::Path<String>,
            body: actix_web::web::Json<serde_json::Value>,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::edit::update_handler::<$E>(req, caller, path.into_inner(), body.into_inner(), true).await
        }

        /// Delete one. `If-Match` as for PUT.
        #[utoipa::path(
            tag = $tag,
            params(($param = $Key, Path)),
            security(("bearer" = [])),
            responses(
                (status = 204, description = "Deleted"),
                (status = 400, description = "Malformed id", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 401, description = "No, invalid, expired or revoked token", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 403, description = "The token's role may not write this", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such item", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 409, description = "Other records refer to it", body = $crate::error::Problem, content_type = "application/problem+json"),
                (status = 412, description = "`If-Match` is stale", body = $crate::error::Problem, content_type = "application/problem+json"),
            )
        )]
        #[delete($item)]
        async fn $delete(
            req: actix_web::HttpRequest,
            caller: $crate::auth::Caller,
            path: actix_web::web::Path<String>,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::edit::delete_handler::<$E>(req, caller, path.into_inner()).await
        }
    };
}
