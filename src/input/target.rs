//! A target to write, and the rules it must meet.

use serde::Deserialize;
use utoipa::ToSchema;

use super::refs::{self, FigureFields, NumberInput};
use super::Errors;
use crate::domain::vocab;
use crate::error::FieldError;
use crate::store::catalogue::Catalogue;
use crate::store::targets::NewTarget;

/// A target to write. `target_value` is a number or Vietnamese text ("3 triệu", "5.300 tỷ đồng").
/// The server assigns `id` and computes `actual`, `actual_observation_id` and `attainment`:
/// they are not input fields (sending them is a 422).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "province_id": "thanh-hoa", "indicator_code": "phone_subscribers", "period_id": "2024",
    "comparator": "at_least", "target_value": "3 triệu", "source_id": "thanh-hoa-tt-tt-2023-tong-ket",
    "quote": "Tăng số thuê bao điện thoại trên toàn mạng lên 3 triệu thuê bao"
}))]
pub struct TargetInput {
    pub province_id: String,
    pub indicator_code: String,
    pub period_id: String,
    /// `at_least`, `at_most` or `equal`.
    pub comparator: String,
    pub target_value: NumberInput,
    /// Must be the indicator's unit; omitted, it is taken from the indicator.
    pub unit: Option<String>,
    /// The figure as printed, which must read as `target_value`: at most 200 bytes of UTF-8.
    #[schema(max_length = 200)]
    pub value_text: Option<String>,
    pub source_id: Option<String>,
    /// The sentence the target came from, verbatim: at most 1,500 bytes of UTF-8.
    #[schema(max_length = 1500)]
    pub quote: Option<String>,
}

/// Validates a target input against the catalogue and the vocabularies.
pub fn validate_target(
    catalogue: &Catalogue,
    input: TargetInput,
) -> Result<NewTarget, Vec<FieldError>> {
    let mut errors = Errors::default();
    let checked = refs::checked_figure(
        catalogue,
        &mut errors,
        FigureFields {
            province_id: &input.province_id,
            indicator_code: &input.indicator_code,
            period_id: &input.period_id,
            unit: input.unit.as_deref(),
            value: ("/target_value", &input.target_value),
            value_text: input.value_text.clone(),
            source_id: input.source_id.as_deref(),
            quote: input.quote.as_deref(),
        },
    );
    errors.one_of("/comparator", &input.comparator, vocab::Comparator::WORDS);
    errors.finish(|| {
        let period = checked.period.expect("checked");
        NewTarget {
            province_id: checked.province.expect("checked"),
            indicator_code: checked.indicator.expect("checked").code.clone(),
            period_id: period.to_string(),
            period_start: period.start_date(),
            period_end: period.end_date(),
            comparator: input.comparator,
            target_value: checked.figure.expect("checked").value,
            value_text: checked.value_text,
            unit: checked.unit,
            source_id: input.source_id,
            quote: input.quote,
        }
    })
}
