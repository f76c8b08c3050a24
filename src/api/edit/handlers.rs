//! The handler bodies every resource shares, and the macro that generates each resource's four
//! documented handlers from them.

use actix_web::{HttpRequest, HttpResponse};
use serde_json::Value;

use super::{create, delete, patch, replace, updated, written, Conditions, Editable};
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ApiResult};

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
    let done = crate::api::with_write_conn(&req, move |conn| {
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
    let view = crate::api::with_write_conn(&req, move |conn| {
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
    crate::api::with_write_conn(&req, move |conn| {
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
            responses($crate::api::edit::CreateAnswers<$View>)
        )]
        #[post($collection)]
        async fn $create(
            req: actix_web::HttpRequest,
            caller: $crate::api::caller::Caller,
            query: actix_web::web::Query<$crate::api::edit::CreateQuery>,
            body: actix_web::web::Json<serde_json::Value>,
        ) -> $crate::api::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::edit::create_handler::<$E>(req, caller, query.into_inner(), body.into_inner(), $base).await
        }

        /// Replace one with a full body. `If-Match` with the item's `ETag` makes the write
        /// conditional: a stale tag answers 412 and writes nothing.
        #[utoipa::path(
            tag = $tag,
            params(($param = $Key, Path)),
            request_body = $Input,
            security(("bearer" = [])),
            responses($crate::api::edit::ReplaceAnswers<$View>)
        )]
        #[put($item)]
        async fn $replace(
            req: actix_web::HttpRequest,
            caller: $crate::api::caller::Caller,
            path: actix_web::web::Path<String>,
            body: actix_web::web::Json<serde_json::Value>,
        ) -> $crate::api::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::edit::update_handler::<$E>(req, caller, path.into_inner(), body.into_inner(), false).await
        }

        /// Change some fields with an RFC 7396 JSON merge patch (`application/merge-patch+json`
        /// or `application/json`); `null` clears a field. `If-Match` as for PUT.
        #[utoipa::path(
            tag = $tag,
            params(($param = $Key, Path)),
            request_body(content = Object, content_type = "application/merge-patch+json", description = "The fields to change"),
            security(("bearer" = [])),
            responses($crate::api::edit::PatchAnswers<$View>)
        )]
        #[patch($item)]
        async fn $patch(
            req: actix_web::HttpRequest,
            caller: $crate::api::caller::Caller,
            path: actix_web::web::Path<String>,
            body: actix_web::web::Json<serde_json::Value>,
        ) -> $crate::api::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::edit::update_handler::<$E>(req, caller, path.into_inner(), body.into_inner(), true).await
        }

        /// Delete one. `If-Match` as for PUT.
        #[utoipa::path(
            tag = $tag,
            params(($param = $Key, Path)),
            security(("bearer" = [])),
            responses($crate::api::edit::DeleteAnswers)
        )]
        #[delete($item)]
        async fn $delete(
            req: actix_web::HttpRequest,
            caller: $crate::api::caller::Caller,
            path: actix_web::web::Path<String>,
        ) -> $crate::api::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::edit::delete_handler::<$E>(req, caller, path.into_inner()).await
        }
    };
}
