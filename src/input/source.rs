//! A source to write, and the rules it must meet. The shipped `sources.csv` rows deserialize
//! into the same input.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{check_slug, Errors};
use crate::error::FieldError;
use crate::store::sources::Source;

/// A source to write; `id` is the slug the client chooses.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "id": "dak-nong-tt-tt-2023-tong-ket", "title": "Hội nghị tổng kết ngành Thông tin và Truyền thông Đắk Nông năm 2023",
    "publisher": "Báo Môi Trường và Đô Thị", "published_on": "2024-01-18", "language": "vi"
}))]
pub struct SourceInput {
    /// A slug: lowercase ASCII letters, digits and single hyphens.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub published_on: Option<NaiveDate>,
    /// An http(s) URL; empty means none.
    #[schema(pattern = r"^(https?://[^\x00-\x1F\x7F-\x9F]*)?$")]
    pub url: Option<String>,
    /// ISO 639-1; default `vi`.
    #[schema(pattern = r"^[a-z]{2}$")]
    pub language: Option<String>,
    pub seed_file: Option<String>,
}

/// Validates a source input; sources refer to nothing, so no catalogue is needed.
pub fn validate_source(input: SourceInput) -> Result<Source, Vec<FieldError>> {
    let mut errors = Errors::default();
    check_slug(&mut errors, "/id", &input.id);
    if input.title.trim().is_empty() {
        errors.add("/title", "a source needs a title");
    }
    let url = input.url.filter(|u| !u.trim().is_empty());
    if let Some(url) = &url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            errors.add("/url", "must be an http(s) URL");
        }
    }
    let language = input.language.unwrap_or_else(|| "vi".to_owned());
    if language.len() != 2 || !language.bytes().all(|b| b.is_ascii_lowercase()) {
        errors.add(
            "/language",
            format!("`{language}` is not an ISO 639-1 code"),
        );
    }
    errors.finish(|| Source {
        id: input.id,
        title: input.title,
        publisher: input.publisher,
        published_on: input.published_on,
        url,
        language,
        seed_file: input.seed_file,
    })
}
