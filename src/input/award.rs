//! An award to write, and the rules it must meet. The shipped `awards.csv` rows deserialize
//! into the same input.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::refs;
use super::Errors;
use crate::domain::vocab;
use crate::error::FieldError;
use crate::store::awards::NewAward;
use crate::store::catalogue::Catalogue;

/// An award to write. Its natural key is (source, quote, recipient kind). The server assigns
/// `id`; it is not an input field (sending it is a 422).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "province_id": "thanh-hoa", "period_id": "2023", "awarded_on": "2024-01-02",
    "award_type": "certificate_of_commendation", "award_name_vi": "Giấy khen",
    "conferred_by": "Giám đốc Sở TT&TT", "recipient_kind": "collective", "recipient_count": 19,
    "source_id": "thanh-hoa-tt-tt-2023-tong-ket",
    "quote": "19 tập thể và 28 cá nhân có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2023"
}))]
pub struct AwardInput {
    pub province_id: String,
    pub period_id: Option<String>,
    pub awarded_on: Option<NaiveDate>,
    pub award_type: String,
    pub award_name_vi: String,
    pub conferred_by: Option<String>,
    pub recipient: Option<String>,
    pub recipient_kind: String,
    #[serde(default, deserialize_with = "refs::optional_whole")]
    #[schema(minimum = 1)]
    pub recipient_count: Option<i32>,
    pub reason: Option<String>,
    pub source_id: String,
    /// The sentence that reports the award, verbatim: at most 1,500 bytes of UTF-8.
    #[schema(max_length = 1500)]
    pub quote: String,
}

/// Validates an award input against the catalogue and the vocabularies.
pub fn validate_award(
    catalogue: &Catalogue,
    input: AwardInput,
) -> Result<NewAward, Vec<FieldError>> {
    let mut errors = Errors::default();
    let period = input
        .period_id
        .as_deref()
        .and_then(|p| refs::period(&mut errors, "/period_id", p));
    let span = period.map(|p| (p.start_date(), p.end_date()));
    let province = refs::province(
        catalogue,
        &mut errors,
        "/province_id",
        &input.province_id,
        span,
    );
    errors.one_of("/award_type", &input.award_type, vocab::AwardType::WORDS);
    errors.one_of(
        "/recipient_kind",
        &input.recipient_kind,
        vocab::RecipientKind::WORDS,
    );
    if input.recipient_count.is_some_and(|n| n < 1) {
        errors.add("/recipient_count", "must be at least 1");
    }
    if input.quote.trim().is_empty() {
        errors.add("/quote", "an award needs the sentence that reports it");
    }
    errors.at_most_bytes("/quote", &input.quote, super::MAX_QUOTE_BYTES);
    refs::source(catalogue, &mut errors, "/source_id", Some(&input.source_id));
    errors.finish(|| NewAward {
        province_id: province.expect("checked"),
        period_id: period.map(|p| p.to_string()),
        awarded_on: input.awarded_on,
        award_type: input.award_type,
        award_name_vi: input.award_name_vi,
        conferred_by: input.conferred_by,
        recipient: input.recipient,
        recipient_kind: input.recipient_kind,
        recipient_count: input.recipient_count,
        reason: input.reason,
        source_id: input.source_id,
        quote: input.quote,
    })
}
