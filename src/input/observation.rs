//! An observation to write, and the rules it must meet.

use serde::Deserialize;
use utoipa::ToSchema;

use super::refs::{self, CheckedFigure, FigureFields, NumberInput};
use super::Errors;
use crate::domain::vocab;
use crate::error::FieldError;
use crate::store::catalogue::Catalogue;
use crate::store::observations::NewObservation;

/// An observation to write. `value` is a number or Vietnamese text ("1,85 triệu", "trên
/// 1.663.000", "10/63"); text also sets `value_text`, `qualifier`, the denominator and, for
/// "ước", status `estimated`, unless those are given. A GSO code in `province_id` names the unit
/// in force at the end of the period. The server assigns `id`; the view's `id` and names are
/// not input fields (sending them is a 422).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "province_id": "bac-giang", "indicator_code": "phone_subscribers", "period_id": "2022",
    "value": "1,85 triệu", "status": "estimated", "source_id": "bac-giang-tt-tt-2022-tong-ket",
    "quote": "Toàn tỉnh Bắc Giang hiện có tổng thuê bao điện thoại ước đạt 1,85 triệu"
}))]
pub struct ObservationInput {
    pub province_id: String,
    pub indicator_code: String,
    pub period_id: String,
    pub value: NumberInput,
    /// Must be the indicator's unit; omitted, it is taken from the indicator.
    pub unit: Option<String>,
    /// `final` (default), `estimated` or `provisional`.
    pub status: Option<String>,
    pub qualifier: Option<String>,
    #[serde(default, deserialize_with = "refs::optional_whole")]
    pub rank_of: Option<i32>,
    #[serde(default, deserialize_with = "refs::optional_whole")]
    pub denominator: Option<i32>,
    /// The figure as printed, which must read as `value`: at most 200 bytes of UTF-8.
    #[schema(max_length = 200)]
    pub value_text: Option<String>,
    pub source_id: Option<String>,
    /// The sentence the figure came from, verbatim: at most 1,500 bytes of UTF-8.
    #[schema(max_length = 1500)]
    pub quote: Option<String>,
}

/// Validates an observation input against the catalogue, the registry and the vocabularies.
pub fn validate_observation(
    catalogue: &Catalogue,
    input: ObservationInput,
) -> Result<NewObservation, Vec<FieldError>> {
    let mut errors = Errors::default();
    let CheckedFigure {
        period,
        province,
        indicator,
        unit,
        figure,
        value_text,
    } = refs::checked_figure(
        catalogue,
        &mut errors,
        FigureFields {
            province_id: &input.province_id,
            indicator_code: &input.indicator_code,
            period_id: &input.period_id,
            unit: input.unit.as_deref(),
            value: ("/value", &input.value),
            value_text: input.value_text.clone(),
            source_id: input.source_id.as_deref(),
            quote: input.quote.as_deref(),
        },
    );
    let status = input.status.clone().unwrap_or_else(|| {
        if figure.as_ref().is_some_and(|f| f.estimated) {
            "estimated"
        } else {
            "final"
        }
        .to_owned()
    });
    errors.one_of("/status", &status, vocab::ObservationStatus::WORDS);
    let qualifier = input
        .qualifier
        .clone()
        .or_else(|| figure.as_ref().and_then(|f| f.qualifier.clone()));
    if let Some(q) = &qualifier {
        errors.one_of("/qualifier", q, vocab::Qualifier::WORDS);
    }
    let is_rank = indicator.is_some_and(|i| i.unit == "rank");
    let printed_of = figure.as_ref().and_then(|f| f.denominator);
    errors.finish(|| {
        let figure = figure.expect("checked");
        let period = period.expect("checked");
        NewObservation {
            province_id: province.expect("checked"),
            indicator_code: indicator.expect("checked").code.clone(),
            period_id: period.to_string(),
            period_start: period.start_date(),
            period_end: period.end_date(),
            value: figure.value,
            value_text,
            unit,
            status,
            qualifier,
            rank_of: input.rank_of.or(if is_rank { printed_of } else { None }),
            denominator: input
                .denominator
                .or(if is_rank { None } else { printed_of }),
            source_id: input.source_id,
            quote: input.quote,
        }
    })
}
