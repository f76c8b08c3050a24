//! What a write asks beyond its body: `If-Match`, `X-Change-Reason`, and the body itself read
//! into an input with JSON-pointer errors.

use actix_web::http::header;
use actix_web::HttpRequest;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{etag, Editable};
use crate::api::error::{ApiError, ApiResult, FieldError};
use crate::api::params::Lang;

/// What the request asks of the write beyond its body.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    if_match: Option<String>,
    pub(super) reason: Option<String>,
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
    pub(super) fn check_item<E: Editable>(&self, current: &E::View) -> ApiResult<()> {
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

pub(super) fn invalid(resource: &str, errors: Vec<FieldError>) -> ApiError {
    let detail = match errors.as_slice() {
        [one] => format!("invalid {resource}: {}", one.detail),
        many => format!("invalid {resource}: {} fields are wrong", many.len()),
    };
    ApiError::Unprocessable { detail, errors }
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
