//! The references a written item makes (provinces, indicators, periods, sources) checked
//! against the catalogue, and figures given as numbers or in Vietnamese ("1,85 triệu").

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::Errors;
use crate::domain::{vn_number, PeriodId};
use crate::store::catalogue::Catalogue;
use crate::store::indicators::Indicator;

/// An optional 32-bit whole number that may be written `19` or `19.0`: JSON Schema counts
/// `19.0` as an integer, so clients generated from the document may send it that way.
/// Use with `#[serde(default, deserialize_with = "...")]`.
pub fn optional_whole<'de, D>(deserializer: D) -> Result<Option<i32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error;
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let whole = match (number.as_i64(), number.as_f64()) {
        (Some(n), _) => Some(n),
        (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Some(f as i64),
        _ => None,
    };
    whole
        .and_then(|n| i32::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| {
            D::Error::custom(format!(
                "expected a whole number that fits 32 bits, got {number}"
            ))
        })
}

/// A value as a JSON number or as printed in Vietnamese.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum NumberInput {
    Number(f64),
    /// Vietnamese form: "1,85 triệu", "4.900 tỷ đồng", "trên 1.663.000", "10/63", "ước đạt 98%".
    Text(String),
}

/// A figure once read.
#[derive(Debug, Clone)]
pub struct Figure {
    pub value: f64,
    /// The Vietnamese text it was read from, if it came as text.
    pub text: Option<String>,
    pub qualifier: Option<String>,
    pub estimated: bool,
    pub denominator: Option<i32>,
}

/// Reads a value given as a number or as Vietnamese text; text may end in a word of `unit`
/// ("2,98 triệu thuê bao" for subscribers), and a refusal names the words accepted.
pub fn figure(
    errors: &mut Errors,
    pointer: &str,
    input: &NumberInput,
    unit: Option<&str>,
) -> Option<Figure> {
    match input {
        NumberInput::Number(v) if v.is_finite() => Some(Figure {
            value: *v,
            text: None,
            qualifier: None,
            estimated: false,
            denominator: None,
        }),
        NumberInput::Number(_) => {
            errors.add(pointer, "the value must be a finite number");
            None
        }
        NumberInput::Text(text) => match vn_number::parse_for_unit(text, unit.unwrap_or("")) {
            Ok(n) => Some(Figure {
                value: n.value,
                text: Some(text.clone()),
                qualifier: n.qualifier.map(|q| q.as_str().to_owned()),
                estimated: n.estimated,
                denominator: n.denominator.and_then(|d| i32::try_from(d).ok()),
            }),
            Err(e) => {
                let words = vn_number::unit_words(unit.unwrap_or(""));
                let accepted = match (unit, words) {
                    (Some(unit), []) => format!(
                        "; figures of unit `{unit}` take no word after the number (beyond a scale such as `triệu`, `%` or `đồng`)"
                    ),
                    (Some(unit), words) => format!(
                        "; after a figure of unit `{unit}` the words accepted are: {}",
                        words.join(", ")
                    ),
                    (None, _) => String::new(),
                };
                errors.add(pointer, format!("{e}{accepted}"));
                None
            }
        },
    }
}

/// The printed text stored beside a value: `value_text` if given (at `pointer`), which must
/// read back to the value so the two never contradict, else the value's own text when it came
/// as text (at `value_at`). Either is bounded by [`MAX_PRINTED_BYTES`](super::MAX_PRINTED_BYTES).
pub fn printed_text(
    errors: &mut Errors,
    (pointer, value_at): (&str, &str),
    given: Option<String>,
    figure: Option<&Figure>,
    unit: Option<&str>,
) -> Option<String> {
    let figure = figure?;
    let given = given.filter(|t| !t.trim().is_empty());
    let Some(text) = given else {
        if let Some(text) = &figure.text {
            errors.at_most_bytes(value_at, text, super::MAX_PRINTED_BYTES);
        }
        return figure.text.clone();
    };
    match vn_number::parse_for_unit(&text, unit.unwrap_or("")) {
        Ok(read) if same_value(read.value, figure.value) => {
            errors.at_most_bytes(pointer, &text, super::MAX_PRINTED_BYTES);
            Some(text)
        }
        Ok(read) => {
            errors.add(
                pointer,
                format!(
                    "`{text}` reads as {}, not the value {}: send the printed text of the new value, or null",
                    read.value, figure.value
                ),
            );
            None
        }
        Err(e) => {
            errors.add(pointer, e.to_string());
            None
        }
    }
}

/// Equal up to the rounding of a decimal read into a float.
fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A canonical period inside the periods table.
pub fn period(errors: &mut Errors, pointer: &str, raw: &str) -> Option<PeriodId> {
    match raw.parse::<PeriodId>() {
        Ok(p) if PeriodId::TABLE_YEARS.contains(&p.year_number()) => Some(p),
        Ok(p) => {
            errors.add(
                pointer,
                format!(
                    "period `{p}` is outside the years chiso covers ({}-{})",
                    PeriodId::TABLE_YEARS.start(),
                    PeriodId::TABLE_YEARS.end()
                ),
            );
            None
        }
        Err(e) => {
            errors.add(pointer, e.to_string());
            None
        }
    }
}

/// The unit must be the indicator's; omitted, it is taken from the indicator.
pub fn unit(
    errors: &mut Errors,
    pointer: &str,
    given: Option<&str>,
    indicator: Option<&Indicator>,
) -> String {
    match (given, indicator) {
        (Some(unit), Some(i)) if unit != i.unit => {
            errors.add(
                pointer,
                format!(
                    "unit `{unit}` does not match indicator `{}`, whose unit is `{}`",
                    i.code, i.unit
                ),
            );
            unit.to_owned()
        }
        (Some(unit), _) => unit.to_owned(),
        (None, Some(i)) => i.unit.clone(),
        (None, None) => String::new(),
    }
}

/// A province reference (slug, GSO or ISO), resolved as of the end of `span` (a GSO code
/// names the unit in force then), which must have been in force at some point of it.
pub fn province(
    catalogue: &Catalogue,
    errors: &mut Errors,
    pointer: &str,
    raw: &str,
    span: Option<(NaiveDate, NaiveDate)>,
) -> Option<String> {
    let on = span
        .map(|(_, end)| end)
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let Some(resolved) = catalogue.provinces.resolve(raw, on) else {
        errors.add(
            pointer,
            format!("no province has the slug, GSO code or ISO code `{raw}`"),
        );
        return None;
    };
    let p = resolved.province;
    if let Some((start, end)) = span {
        let overlaps =
            p.valid_from.is_none_or(|from| from <= end) && p.valid_to.is_none_or(|to| to >= start);
        if !overlaps {
            errors.add(
                pointer,
                format!("`{}` was not in force between {start} and {end}", p.id),
            );
            return None;
        }
    }
    Some(p.id)
}

/// An indicator by code, or by name in either language with or without diacritics.
pub fn indicator<'c>(
    catalogue: &'c Catalogue,
    errors: &mut Errors,
    pointer: &str,
    code: &str,
) -> Option<&'c Indicator> {
    let found = catalogue.indicator_by_reference(code);
    if found.is_none() {
        errors.add(
            pointer,
            format!("no indicator has the code or name `{code}`"),
        );
    }
    found
}

pub fn source(catalogue: &Catalogue, errors: &mut Errors, pointer: &str, id: Option<&str>) {
    if let Some(id) = id {
        if !catalogue.has_source(id) {
            errors.add(pointer, format!("no source has the id `{id}`"));
        }
    }
}

/// The fields an observation and a target share: a figure of an indicator, for a province and
/// a period, printed in `value_text`, cited to a source and the sentence it came from.
pub struct FigureFields<'a> {
    pub province_id: &'a str,
    pub indicator_code: &'a str,
    pub period_id: &'a str,
    pub unit: Option<&'a str>,
    /// The value's field, as a JSON pointer, and the value.
    pub value: (&'a str, &'a NumberInput),
    pub value_text: Option<String>,
    pub source_id: Option<&'a str>,
    pub quote: Option<&'a str>,
}

/// Those fields checked against the catalogue; what failed is `None` and recorded in `errors`.
pub struct CheckedFigure<'c> {
    pub period: Option<PeriodId>,
    pub province: Option<String>,
    pub indicator: Option<&'c Indicator>,
    pub unit: String,
    pub figure: Option<Figure>,
    pub value_text: Option<String>,
}

pub fn checked_figure<'c>(
    catalogue: &'c Catalogue,
    errors: &mut Errors,
    fields: FigureFields<'_>,
) -> CheckedFigure<'c> {
    let period = period(errors, "/period_id", fields.period_id);
    let span = period.map(|p| (p.start_date(), p.end_date()));
    let province = province(catalogue, errors, "/province_id", fields.province_id, span);
    let indicator = indicator(catalogue, errors, "/indicator_code", fields.indicator_code);
    let unit = self::unit(errors, "/unit", fields.unit, indicator);
    let unit_of_indicator = indicator.map(|i| i.unit.as_str());
    let (pointer, value) = fields.value;
    let figure = figure(errors, pointer, value, unit_of_indicator);
    let value_text = printed_text(
        errors,
        ("/value_text", pointer),
        fields.value_text,
        figure.as_ref(),
        unit_of_indicator,
    );
    source(catalogue, errors, "/source_id", fields.source_id);
    if let Some(quote) = fields.quote {
        errors.at_most_bytes("/quote", quote, super::MAX_QUOTE_BYTES);
    }
    CheckedFigure {
        period,
        province,
        indicator,
        unit,
        figure,
        value_text,
    }
}
