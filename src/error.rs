//! What can go wrong below HTTP, in chiso's own words. Storage, validation and the importer
//! return [`Error`]; the HTTP layer (`api::error`) maps each kind to a status and a problem
//! document, and the CLI prints it.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Content that breaks a rule; each error names its field (or row and column).
    #[error("{detail}")]
    Invalid {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("no {resource} with id `{id}`")]
    NotFound { resource: &'static str, id: String },
    /// A natural key another record holds, or a reference that cannot be kept.
    #[error("the record conflicts with an existing one: {0}")]
    Conflict(String),
    /// A free-text search longer than the database accepts in a pattern.
    #[error("the search text is too long: use at most {MAX_SEARCH_PATTERN} characters")]
    SearchTooLong,
    /// Lock contention or an exhausted pool: clears within a second or two.
    #[error("the database is busy, retry shortly")]
    Busy(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn not_found(resource: &'static str, id: impl Into<String>) -> Self {
        Self::NotFound {
            resource,
            id: id.into(),
        }
    }
}

/// One invalid field of a body (RFC 9457 `errors` member, located by JSON pointer), or one
/// invalid cell of an import (located by row and column).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON pointer to the field, e.g. `/province_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "/province_id")]
    pub pointer: Option<String>,
    /// Import row, counting the header as row 1 in CSV and the first element as row 1 in JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// Import column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[schema(example = "no province has the slug, GSO code or ISO code `atlantis`")]
    pub detail: String,
}

impl FieldError {
    pub fn at(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            pointer: Some(pointer.into()),
            row: None,
            column: None,
            detail: detail.into(),
        }
    }

    pub fn cell(row: usize, column: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            pointer: None,
            row: Some(row),
            column: Some(column.into()),
            detail: detail.into(),
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as Diesel};
        // The pool replaces a lost connection (`db::ManagedConnection`): a retry gets a new one.
        if crate::db::is_contention(&err) || crate::db::is_connection_lost(&err) {
            return Self::Busy(err.into());
        }
        if is_oversized_pattern(&err) {
            return Self::SearchTooLong;
        }
        match err {
            // In chiso's words: the database's own message names tables and constraints (the
            // schema is not the API) and differs between SQLite and PostgreSQL.
            Diesel::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                log::debug!("unique violation: {}", info.message());
                Self::Conflict("another record has the same key".into())
            }
            Diesel::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                log::debug!("foreign key violation: {}", info.message());
                Self::Conflict(
                    "other records refer to it, or it refers to one that does not exist: change or delete those first".into(),
                )
            }
            other => Self::Internal(other.into()),
        }
    }
}

/// SQLite's limit on a `LIKE` pattern (`SQLITE_MAX_LIKE_PATTERN_LENGTH`, in bytes).
pub const MAX_SEARCH_PATTERN: usize = 50_000;

/// SQLite refuses a `LIKE` pattern over [`MAX_SEARCH_PATTERN`] bytes. chiso builds patterns
/// only from free-text searches (see `domain::text::like_contains`), so the search text was too
/// long: the client's error, not a 500. PostgreSQL has no such limit.
fn is_oversized_pattern(err: &diesel::result::Error) -> bool {
    matches!(err, diesel::result::Error::DatabaseError(_, info)
        if info.message().contains("LIKE or GLOB pattern too complex"))
}

impl From<crate::store::vintage::RewindError> for Error {
    fn from(err: crate::store::vintage::RewindError) -> Self {
        match err {
            crate::store::vintage::RewindError::Storage(e) => e.into(),
            unreadable => Self::Internal(unreadable.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Error {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Self::Busy(err.into())
    }
}
