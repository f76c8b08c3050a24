//! An indicator to write, and the rules it must meet. The shipped `indicators.csv` rows
//! deserialize into the same input.

use serde::Deserialize;
use utoipa::ToSchema;

use super::Errors;
use crate::domain::vocab;
use crate::error::FieldError;
use crate::store::indicators::{search_text, Indicator};

/// An indicator to write (admins only); `code` is chosen by the client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "fiber_households", "name_vi": "Hộ gia đình có cáp quang", "name_en": "Households with fibre",
    "description_vi": "Số hộ gia đình có kết nối cáp quang.", "description_en": "Households with a fibre connection.",
    "unit": "households", "category": "telecom", "direction": "higher", "additive": true
}))]
pub struct IndicatorInput {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub description_vi: String,
    pub description_en: String,
    /// At most 100 bytes of UTF-8.
    #[schema(max_length = 100)]
    pub unit: String,
    pub category: String,
    /// `higher` or `lower` is better.
    pub direction: String,
    /// Whether values can be summed across provinces.
    pub additive: bool,
}

/// Validates an indicator input. `units_in_use` are the units of the observations already
/// stored under its code (`store::observations::units_in_use`): observations carry their
/// indicator's unit, so it cannot change under them.
pub fn validate_indicator(
    input: IndicatorInput,
    units_in_use: &[String],
) -> Result<Indicator, Vec<FieldError>> {
    let mut errors = Errors::default();
    let code_ok = !input.code.is_empty()
        && input.code.len() <= 80
        && input
            .code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !code_ok {
        errors.add(
            "/code",
            format!(
                "`{}` is not a code: lowercase ASCII letters, digits and `_`",
                input.code
            ),
        );
    }
    for (pointer, text) in [
        ("/name_vi", &input.name_vi),
        ("/name_en", &input.name_en),
        ("/unit", &input.unit),
    ] {
        if text.trim().is_empty() {
            errors.add(pointer, "must not be empty");
        }
    }
    errors.at_most_bytes("/unit", &input.unit, super::MAX_UNIT_BYTES);
    errors.one_of("/category", &input.category, vocab::Category::WORDS);
    errors.one_of("/direction", &input.direction, vocab::Direction::WORDS);
    if let Some(other) = units_in_use.iter().find(|u| **u != input.unit) {
        errors.add(
            "/unit",
            format!(
                "observations of `{}` are in `{other}`: the unit cannot change while they exist",
                input.code
            ),
        );
    }
    errors.finish(|| Indicator {
        search_text: search_text(&input.code, &input.name_vi, &input.name_en),
        code: input.code,
        name_vi: input.name_vi,
        name_en: input.name_en,
        description_vi: input.description_vi,
        description_en: input.description_en,
        unit: input.unit,
        category: input.category,
        direction: input.direction,
        additive: input.additive,
    })
}
