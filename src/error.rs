//! The one error type of the HTTP layer, rendered as RFC 9457 `application/problem+json`.
//!
//! Use `InvalidParameter` when a query or path value is wrong (it names the parameter),
//! `NotFound` for a missing resource, and let `?` turn storage errors into the right status:
//! pool exhaustion is 503, constraint violations 409, anything else a logged 500 whose cause is
//! never sent to the client.

use actix_web::http::{header, Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use problem_details::ProblemDetails;
use serde::Serialize;
use utoipa::ToSchema;

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
    #[error("the record conflicts with an existing one: {0}")]
    Conflict(String),
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
}

impl ApiError {
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
            Self::Conflict(_) => ("conflict", "Conflict"),
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
            Self::Conflict(_) => StatusCode::CONFLICT,
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

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict(info.message().to_owned())
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                Self::Conflict(info.message().to_owned())
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(err.into())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {err}"))
    }
}

/// Turns actix's query-string extractor failures into problems.
pub fn query_error_handler(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::Malformed(format!("malformed query string: {err}")).into()
}

/// Turns actix's path extractor failures into problems.
pub fn path_error_handler(
    err: actix_web::error::PathError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::invalid("path", format!("malformed path segment: {err}")).into()
}

/// Turns actix's JSON body extractor failures into problems.
pub fn json_error_handler(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    let detail = format!("malformed JSON body: {err}");
    match err {
        actix_web::error::JsonPayloadError::ContentType => {
            actix_web::error::InternalError::from_response(
                detail.clone(),
                ProblemDetails::from_status_code(http::StatusCode::UNSUPPORTED_MEDIA_TYPE)
                    .with_type(problem_type("unsupported-media-type"))
                    .with_title("Unsupported media type")
                    .with_detail("the body must be application/json")
                    .error_response(),
            )
            .into()
        }
        _ => ApiError::Malformed(detail).into(),
    }
}

/// What an operation returns when it can fail with an [`ApiError`].
pub type ApiResult<T> = Result<T, ApiError>;
