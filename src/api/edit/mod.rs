//! Writes, once for every resource: body parsing with JSON-pointer errors, validation, natural-key
//! conflicts (409, or an update when the client asks for upsert), `ETag`/`If-Match` optimistic
//! concurrency (412), JSON merge patch, and the audit record written in the same transaction.
//! Each resource supplies an [`Editable`] implementation; `write_handlers!` (handlers.rs)
//! generates its four documented handlers. request.rs reads what a write asks beyond its body,
//! operations.rs does the write in its transaction with its audit record.

mod answers;
mod handlers;
mod operations;
mod request;

pub use answers::{CreateAnswers, DeleteAnswers, PatchAnswers, ReplaceAnswers};
pub use handlers::{create_handler, delete_handler, update_handler, CreateQuery};
pub use operations::{create, delete, patch, replace, updated, written, Written};
pub use request::{change_reason, parse_input, Conditions, CHANGE_REASON};

use actix_web::{HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::params::Lang;
use crate::api::error::{ApiError, ApiResult, FieldError};
use crate::auth::Role;
use crate::db::DbConnection;
use crate::store::Keyed;

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
    /// Where it is stored.
    type Store: Keyed<Key = Self::Key, New = Self::Valid>;

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
    fn insert(conn: &mut DbConnection, valid: &Self::Valid) -> ApiResult<Self::Key> {
        Ok(Self::Store::insert(conn, valid)?)
    }
    fn update(conn: &mut DbConnection, key: &Self::Key, valid: &Self::Valid) -> ApiResult<()> {
        Self::Store::update(conn, key, valid)?;
        Ok(())
    }
    fn delete(conn: &mut DbConnection, key: &Self::Key) -> ApiResult<()> {
        Self::Store::delete(conn, key)?;
        Ok(())
    }
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
