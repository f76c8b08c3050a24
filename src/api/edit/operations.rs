//! The writes themselves, each inside the caller's transaction with its audit record, and the
//! answers they render to.

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;
use serde_json::Value;

use super::request::{invalid, parse_input};
use super::{Conditions, Editable};
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ApiResult, FieldError};
use crate::db::DbConnection;
use crate::store::changes::{self, NewChange};

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
        .insert_header((header::ETAG, crate::api::caching::etag_of(&body)))
        .content_type("application/json")
        .body(body)
}
