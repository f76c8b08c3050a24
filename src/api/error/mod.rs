//! The one error type of the HTTP layer, rendered as RFC 9457 `application/problem+json`.
//!
//! Use `InvalidParameter` when a query or path value is wrong (it names the parameter),
//! `NotFound` for a missing resource, and let `?` turn domain and storage errors
//! ([`crate::error::Error`]) into the right status: a busy database is 503, constraint
//! violations 409, anything else a logged 500 whose cause is never sent to the client.

use actix_web::http::{header, Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use problem_details::ProblemDetails;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::Error;
pub use crate::error::FieldError;

mod extractors;
pub use extractors::{json_error_handler, path_error_handler, query_error_handler, query_problem};

/// actix-web and problem_details use different majors of the `http` crate.
fn problem_status(status: StatusCode) -> http::StatusCode {
    http::StatusCode::from_u16(status.as_u16()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
}

/// Problem type URIs are relative references under `/problems/`, stable across versions.
fn problem_type(slug: &str) -> http::Uri {
    format!("/problems/{slug}")
        .parse()
        .expect("static problem type is a valid URI")
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query-string or path parameter has a value chiso cannot use.
    #[error("{detail}")]
    InvalidParameter { parameter: String, detail: String },
    /// The query string or body is malformed (unknown parameter, invalid JSON...).
    #[error("{0}")]
    Malformed(String),
    #[error("no {resource} with id `{id}`")]
    NotFound { resource: &'static str, id: String },
    #[error("no route matches `{0}`")]
    RouteNotFound(String),
    #[error("method {method} is not allowed on `{path}`")]
    MethodNotAllowed {
        method: Method,
        path: String,
        allowed: Vec<Method>,
    },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("the record conflicts with an existing one: {0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("the body is larger than the {limit} bytes this route accepts")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body parsed but its content is invalid; each error names its field (or row and column).
    #[error("{detail}")]
    Unprocessable {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("the database is busy, retry shortly")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// Extension members chiso adds to the standard problem fields.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ProblemExtensions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// An RFC 9457 problem document, as every 4xx and 5xx answer carries it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/invalid-parameter",
    "title": "Invalid parameter",
    "status": 400,
    "detail": "`limit` must be an integer from 1 to 1000, got `abc`",
    "parameter": "limit"
}))]
pub struct Problem {
    /// A URI reference identifying the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this request, in words a person can act on.
    pub detail: String,
    /// The query or path parameter at fault, when one is.
    pub parameter: Option<String>,
    /// For 405: the methods the resource supports.
    pub allowed: Option<Vec<String>>,
    /// For 422: each invalid field or import cell.
    pub errors: Option<Vec<FieldError>>,
}

/// A documented error answer: a [`Problem`] as `application/problem+json`.
pub fn problem_response(description: &str) -> utoipa::openapi::response::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(<Problem as ToSchema>::name())))
                .build(),
        )
        .build()
}

impl ApiError {
    /// Whether the database connection was lost under this request (PostgreSQL restarted, say):
    /// the pool has dropped it and checks the others, so the same read can run again at once.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, Self::Unavailable(cause)
            if cause.downcast_ref::<diesel::result::Error>().is_some_and(crate::db::is_connection_lost))
    }

    pub fn invalid(parameter: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::InvalidParameter {
            parameter: parameter.into(),
            detail: detail.into(),
        }
    }

    pub fn not_found(resource: &'static str, id: impl Into<String>) -> Self {
        Self::NotFound {
            resource,
            id: id.into(),
        }
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::InvalidParameter { .. } => ("invalid-parameter", "Invalid parameter"),
            Self::Malformed(_) => ("malformed-request", "Malformed request"),
            Self::NotFound { .. } => ("not-found", "Resource not found"),
            Self::RouteNotFound(_) => ("no-such-route", "No such route"),
            Self::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            Self::Unauthorized(_) => ("unauthorized", "Authentication required"),
            Self::Forbidden(_) => ("forbidden", "Not allowed"),
            Self::Conflict(_) => ("conflict", "Conflict"),
            Self::PreconditionFailed(_) => ("precondition-failed", "Precondition failed"),
            Self::PayloadTooLarge { .. } => ("payload-too-large", "Payload too large"),
            Self::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            Self::Unprocessable { .. } => ("validation", "Invalid content"),
            Self::Unavailable(_) => ("unavailable", "Service unavailable"),
            Self::Internal(_) => ("internal", "Internal server error"),
        }
    }

    fn problem(&self) -> ProblemDetails<ProblemExtensions> {
        let (slug, title) = self.slug_and_title();
        let mut ext = ProblemExtensions::default();
        match self {
            Self::InvalidParameter { parameter, .. } => ext.parameter = Some(parameter.clone()),
            Self::MethodNotAllowed { allowed, .. } => {
                ext.allowed = Some(allowed.iter().map(|m| m.to_string()).collect())
            }
            Self::Unprocessable { errors, .. } => ext.errors = Some(errors.clone()),
            _ => {}
        }
        ProblemDetails::from_status_code(problem_status(self.status_code()))
            .with_type(problem_type(slug))
            .with_title(title)
            .with_detail(self.to_string())
            .with_extensions(ext)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidParameter { .. } | Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::NotFound { .. } | Self::RouteNotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) | Self::Unavailable(cause) => log::error!("{self}: {cause:#}"),
            _ => {}
        }
        let mut response = self.problem().error_response();
        if let Self::Unavailable(_) = self {
            // Lock contention and pool exhaustion clear within a second or two.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        if let Self::Unauthorized(_) = self {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"chiso\", error=\"invalid_token\""),
            );
        }
        if let Self::MethodNotAllowed { allowed, .. } = self {
            let allow = allowed
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            if let Ok(value) = header::HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
        }
        response
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        match err {
            Error::Invalid { detail, errors } => Self::Unprocessable { detail, errors },
            Error::NotFound { resource, id } => Self::NotFound { resource, id },
            Error::Conflict(detail) => Self::Conflict(detail),
            // Only the free-text `q` becomes a search pattern.
            Error::SearchTooLong => Self::invalid(
                "q",
                format!(
                    "`q` is too long to search for: use at most {} characters",
                    crate::error::MAX_SEARCH_PATTERN
                ),
            ),
            Error::Busy(cause) => Self::Unavailable(cause),
            Error::Internal(cause) => Self::Internal(cause),
        }
    }
}

/// Storage errors take the domain's reading on their way to HTTP.
macro_rules! through_domain {
    ($($source:ty),+) => {$(
        impl From<$source> for ApiError {
            fn from(err: $source) -> Self {
                Error::from(err).into()
            }
        }
    )+};
}
through_domain!(
    diesel::result::Error,
    diesel::r2d2::PoolError,
    crate::store::vintage::RewindError
);

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {err}"))
    }
}

/// What an operation returns when it can fail with an [`ApiError`].
pub type ApiResult<T> = Result<T, ApiError>;
