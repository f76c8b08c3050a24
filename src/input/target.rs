//! A target to write, and the rules it must meet.

use serde::Deserialize;
use utoipa::ToSchema;

use super::refs::{self, NumberInput};
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
    pub value_text: Option<String>,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

/// Validates a target input against the catalogue and the vocabularies.
pub fn validate_target(
    catalogue: &Catalogue,
    input: TargetInput,
) -> Result<NewTarget, Vec<FieldError>> {
    let mut errors = Errors::default();
    let period = refs::period(&mut errors, "/period_id", &input.period_id);
    let span = period.map(|p| (p.start_date(), p.end_date()));
    let province = refs::province(
        catalogue,
        &mut errors,
        "/province_id",
        &input.province_id,
        span,
    );
    let indicator = refs::indicator(
        catalogue,
        &mut errors,
        "/indicator_code",
        &input.indicator_code,
    );
    let unit = refs::unit(&mut errors, "/unit", input.unit.as_deref(), indicator);
    let unit_of_indicator = indicator.map(|i| i.unit.as_str());
    let figure = refs::figure(
        &mut errors,
        "/target_value",
        &input.target_value,
        unit_of_indicator,
    );
    let value_text = refs::printed_text(
        &mut errors,
        "/value_text",
        input.value_text.clone(),
        figure.as_ref(),
        unit_of_indicator,
    );
    errors.one_of("/comparator", &input.comparator, vocab::COMPARATORS);
    refs::source(
        catalogue,
        &mut errors,
        "/source_id",
        input.source_id.as_deref(),
    );
    errors.finish(|| {
        let period = period.expect("checked");
        let figure = figure.expect("checked");
        NewTarget {
            province_id: province.expect("checked"),
            indicator_code: indicator.expect("checked").code.clone(),
            period_id: period.to_string(),
            period_start: period.start_date(),
            period_end: period.end_date(),
            comparator: input.comparator,
            target_value: figure.value,
            value_text,
            unit,
            source_id: input.source_id,
            quote: input.quote,
        }
    })
}
