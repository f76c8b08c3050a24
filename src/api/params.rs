//! Parsing query parameters by name, so every refusal says which parameter was wrong.
//! Query structs hold raw strings (and reject unknown names); these helpers give them types.

use chrono::NaiveDate;

use crate::api::error::{ApiError, ApiResult};
use crate::domain::vocab::{Era, Vocabulary};
use crate::domain::PeriodId;

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// `limit`: 1..=1000, default 100.
pub fn limit(raw: Option<&str>) -> ApiResult<i64> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid(
                "limit",
                format!("`limit` must be an integer from 1 to {MAX_LIMIT}, got `{s}`"),
            )),
        },
    }
}

/// A comma-separated list; empty items are ignored.
pub fn list(raw: Option<&str>) -> Vec<String> {
    raw.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// A comma-separated list whose every item must be one of `allowed`.
pub fn one_of_each(name: &str, raw: Option<&str>, allowed: &[&str]) -> ApiResult<Vec<String>> {
    let values = list(raw);
    for value in &values {
        if !allowed.contains(&value.as_str()) {
            return Err(ApiError::invalid(
                name,
                format!(
                    "`{name}` value `{value}` is not one of: {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(values)
}

/// A comma-separated list of period ids, canonicalised (`2023-6M` is `2023-H1`).
pub fn periods(name: &str, raw: Option<&str>) -> ApiResult<Vec<String>> {
    list(raw)
        .iter()
        .map(|s| period(name, s).map(|p| p.to_string()))
        .collect()
}

pub fn period(name: &str, raw: &str) -> ApiResult<PeriodId> {
    raw.parse::<PeriodId>()
        .map_err(|e| ApiError::invalid(name, format!("`{name}`: {e}")))
}

/// `from`: periods starting on or after the start of this period.
pub fn from_period(raw: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    raw.map(|s| period("from", s).map(|p| p.start_date()))
        .transpose()
}

/// `to`: periods ending on or before the end of this period.
pub fn to_period(raw: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    raw.map(|s| period("to", s).map(|p| p.end_date()))
        .transpose()
}

pub fn date(name: &str, raw: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    raw.map(|s| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            ApiError::invalid(
                name,
                format!("`{name}` must be a date YYYY-MM-DD, got `{s}`"),
            )
        })
    })
    .transpose()
}

/// `era`: the map of 2008 or that of 2025.
pub fn era(raw: Option<&str>) -> ApiResult<Option<Era>> {
    word("era", raw)
}

/// The day a list is seen at: `as_of` (a date) or `era` (a map), never both.
pub fn as_of_or_era(as_of: Option<&str>, era_raw: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    match (date("as_of", as_of)?, era(era_raw)?) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "era",
            "use either `as_of` or `era`, not both",
        )),
        (Some(date), None) => Ok(Some(date)),
        (None, Some(era)) => Ok(Some(era.day())),
        (None, None) => Ok(None),
    }
}

/// A positive integer, e.g. `latest`.
pub fn positive(name: &str, raw: Option<&str>) -> ApiResult<Option<i32>> {
    raw.map(|s| match s.trim().parse::<i32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(ApiError::invalid(
            name,
            format!("`{name}` must be a positive integer, got `{s}`"),
        )),
    })
    .transpose()
}

/// `true` or `false` (absent is false).
pub fn flag(name: &str, raw: Option<&str>) -> ApiResult<bool> {
    match raw.map(str::trim) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            name,
            format!("`{name}` must be `true` or `false`, got `{other}`"),
        )),
    }
}

/// A non-empty free-text search, folded for diacritic-insensitive matching.
pub fn search(raw: Option<&str>) -> Option<String> {
    raw.map(crate::domain::text::fold).filter(|q| !q.is_empty())
}

/// An integer id in a path.
pub fn id(resource: &'static str, raw: &str) -> ApiResult<i32> {
    raw.parse::<i32>()
        .map_err(|_| ApiError::invalid("id", format!("{resource} ids are integers, got `{raw}`")))
}

/// Treats `?period=&limit=10` as `?limit=10`: forms and scripts often send empty parameters,
/// and an empty value means "not given", never "the empty string".
pub async fn drop_empty_parameters(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let query = req.query_string();
    if query
        .split('&')
        .any(|pair| pair.is_empty() || pair.ends_with('='))
    {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.ends_with('='))
            .collect();
        let path = req.path();
        let rewritten = if kept.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", kept.join("&"))
        };
        if let Ok(uri) = rewritten.parse() {
            req.head_mut().uri = uri;
        }
    }
    next.call(req).await
}

/// The only query parameter of a single-item GET.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Label language: `en` (default) or `vi`; `Accept-Language: vi` also gives Vietnamese.
    #[param(value_type = Option<Lang>, example = "vi")]
    pub lang: Option<String>,
}

crate::domain::vocab::vocabulary! {
    /// The language of labels (`name`, `description`); both languages stay available as fields.
    pub enum Lang {
        En = "en",
        Vi = "vi",
    }
}

// By hand: `vocabulary!` derives no `Default` to mark a variant of.
#[allow(clippy::derivable_impls)]
impl Default for Lang {
    fn default() -> Self {
        Lang::En
    }
}

impl Lang {
    pub fn pick<'a>(self, en: &'a str, vi: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Vi => vi,
        }
    }
}

/// One word of the vocabulary `V` (case aside), or a 400 naming `name` and the words.
pub fn word<V: Vocabulary>(name: &str, raw: Option<&str>) -> ApiResult<Option<V>> {
    raw.map(|s| {
        let given = s.trim();
        V::parse(&given.to_ascii_lowercase()).ok_or_else(|| {
            ApiError::invalid(
                name,
                format!("`{name}` must be {}, got `{given}`", V::alternatives()),
            )
        })
    })
    .transpose()
}

/// `?lang=` wins; otherwise the first language of `Accept-Language` that chiso has.
pub fn lang(req: &actix_web::HttpRequest, raw: Option<&str>) -> ApiResult<Lang> {
    if let Some(lang) = word::<Lang>("lang", raw)? {
        return Ok(lang);
    }
    let header = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let first_known = header
        .split(',')
        .filter_map(|part| part.split(';').next())
        .map(|tag| tag.trim().to_ascii_lowercase())
        .find(|tag| tag.starts_with("vi") || tag.starts_with("en"));
    Ok(match first_known {
        Some(tag) if tag.starts_with("vi") => Lang::Vi,
        _ => Lang::En,
    })
}

/// `?format=` wins; otherwise a media range of `Accept` that one of `media` names; otherwise
/// `default`. Media ranges are compared whole (`text/csv`, not any range containing it).
pub fn format<V: Vocabulary>(
    req: &actix_web::HttpRequest,
    raw: Option<&str>,
    media: &[(&str, V)],
    default: V,
) -> ApiResult<V> {
    if let Some(format) = word::<V>("format", raw)? {
        return Ok(format);
    }
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ranges: Vec<&str> = accept
        .split(',')
        .filter_map(|range| range.split(';').next())
        .map(str::trim)
        .collect();
    Ok(media
        .iter()
        .find(|(name, _)| ranges.contains(name))
        .map_or(default, |(_, format)| *format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_limits() {
        assert_eq!(limit(None).unwrap(), 100);
        assert_eq!(limit(Some("5")).unwrap(), 5);
        for bad in ["0", "1001", "abc", "-1", ""] {
            assert!(limit(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn splits_lists_and_checks_vocabularies() {
        assert_eq!(list(Some("a, b,,c")), vec!["a", "b", "c"]);
        assert!(one_of_each("status", Some("final,nope"), &["final"]).is_err());
        assert_eq!(periods("period", Some("2023-6M")).unwrap(), vec!["2023-H1"]);
    }
}
