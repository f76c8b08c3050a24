//! Validation of the references a written item makes: provinces, indicators, periods, sources,
//! and figures given as numbers or in Vietnamese ("1,85 triệu"). Shared by writes and imports.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::edit::Errors;
use crate::db::DbConnection;
use crate::domain::{vn_number, PeriodId};
use crate::error::ApiResult;
use crate::store::{indicators, provinces, sources};

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

pub fn figure(errors: &mut Errors, pointer: &str, input: &NumberInput) -> Option<Figure> {
    match input {
        NumberInput::Number(v) if v.is_finite() => {
            Some(Figure { value: *v, text: None, qualifier: None, estimated: false, denominator: None })
        }
        NumberInput::Number(_) => {
            errors.add(pointer, "the value must be a finite number");
            None
        }
        NumberInput::Text(text) => match vn_number::parse(text) {
            Ok(n) => Some(Figure {
                value: n.value,
                text: Some(text.clone()),
                qualifier: n.qualifier.map(|q| q.as_str().to_owned()),
                estimated: n.estimated,
                denominator: n.denominator.and_then(|d| i32::try_from(d).ok()),
            }),
            Err(e) => {
                errors.add(pointer, e.to_string());
                None
            }
        },
    }
}

/// A canonical period inside the periods table.
pub fn period(errors: &mut Errors, pointer: &str, raw: &str) -> Option<PeriodId> {
    match raw.parse::<PeriodId>() {
        Ok(p) if PeriodId::TABLE_YEARS.contains(&p.year_number()) => Some(p),
        Ok(p) => {
            errors.add(pointer, format!("period `{p}` is outside the years chiso covers ({}-{})", PeriodId::TABLE_YEARS.start(), PeriodId::TABLE_YEARS.end()));
            None
        }
        Err(e) => {
            errors.add(pointer, e.to_string());
            None
        }
    }
}

/// A province reference (slug, GSO or ISO), resolved as of `on` (a GSO code names the unit in
/// force then), which must have been in force at some point of `[start, end]`.
pub fn province(
    conn: &mut DbConnection,
    errors: &mut Errors,
    pointer: &str,
    raw: &str,
    span: Option<(NaiveDate, NaiveDate)>,
) -> ApiResult<Option<String>> {
    let on = span.map(|(_, end)| end).unwrap_or_else(|| chrono::Utc::now().date_naive());
    let Some(resolved) = provinces::resolve(conn, raw, on)? else {
        errors.add(pointer, format!("no province has the slug, GSO code or ISO code `{raw}`"));
        return Ok(None);
    };
    let p = resolved.province;
    if let Some((start, end)) = span {
        let overlaps = p.valid_from.is_none_or(|from| from <= end) && p.valid_to.is_none_or(|to| to >= start);
        if !overlaps {
            errors.add(pointer, format!("`{}` was not in force between {start} and {end}", p.id));
            return Ok(None);
        }
    }
    Ok(Some(p.id))
}

pub fn indicator(
    conn: &mut DbConnection,
    errors: &mut Errors,
    pointer: &str,
    code: &str,
) -> ApiResult<Option<indicators::Indicator>> {
    let found = indicators::find(conn, code)?;
    if found.is_none() {
        errors.add(pointer, format!("no indicator has the code `{code}`"));
    }
    Ok(found)
}

/// The unit must be the indicator's; omitted, it is taken from the indicator.
pub fn unit(errors: &mut Errors, pointer: &str, given: Option<&str>, indicator: Option<&indicators::Indicator>) -> String {
    match (given, indicator) {
        (Some(unit), Some(i)) if unit != i.unit => {
            errors.add(pointer, format!("unit `{unit}` does not match indicator `{}`, whose unit is `{}`", i.code, i.unit));
            unit.to_owned()
        }
        (Some(unit), _) => unit.to_owned(),
        (None, Some(i)) => i.unit.clone(),
        (None, None) => String::new(),
    }
}

pub fn source(conn: &mut DbConnection, errors: &mut Errors, pointer: &str, id: Option<&str>) -> ApiResult<()> {
    if let Some(id) = id {
        if sources::find(conn, id)?.is_none() {
            errors.add(pointer, format!("no source has the id `{id}`"));
        }
    }
    Ok(())
}
