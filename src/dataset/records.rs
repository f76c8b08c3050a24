//! The rows of the shipped files as read from CSV. The catalogue files and `awards.csv` read
//! straight into the API's inputs (`crate::input`); the two figure files keep a record of
//! their own, converted 1:1 into the input, because they state every figure the way a curator
//! checks it: `value` as a plain number beside `value_text` as printed, and the unit spelled out.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::DatasetError;
use crate::input::observation::ObservationInput;
use crate::input::refs::NumberInput;
use crate::input::target::TargetInput;

/// A name a unit bore before; no write of the API makes one, so it has no input type.
#[derive(Debug, Deserialize)]
pub(super) struct FormerNameRecord {
    pub province_id: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: NaiveDate,
}

/// A merger link; curated here only, like former names.
#[derive(Debug, Deserialize)]
pub(super) struct LineageRecord {
    pub predecessor_id: String,
    pub successor_id: String,
    pub effective_date: NaiveDate,
}

/// One figure of an article as the CSV holds it: `value` as a plain number and `value_text`
/// as printed, which must read back to `value`.
#[derive(Debug, Clone, Deserialize)]
pub struct ObservationRecord {
    pub province_id: String,
    pub indicator_code: String,
    pub period_id: String,
    pub value: f64,
    pub value_text: Option<String>,
    pub unit: String,
    pub status: String,
    pub qualifier: Option<String>,
    pub rank_of: Option<i32>,
    pub denominator: Option<i32>,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

impl From<ObservationRecord> for ObservationInput {
    fn from(o: ObservationRecord) -> Self {
        ObservationInput {
            province_id: o.province_id,
            indicator_code: o.indicator_code,
            period_id: o.period_id,
            value: NumberInput::Number(o.value),
            unit: Some(o.unit),
            status: Some(o.status),
            qualifier: o.qualifier,
            rank_of: o.rank_of,
            denominator: o.denominator,
            value_text: o.value_text,
            source_id: o.source_id,
            quote: o.quote,
        }
    }
}

/// A province's goal as the CSV holds it, like [`ObservationRecord`].
#[derive(Debug, Clone, Deserialize)]
pub struct TargetRecord {
    pub province_id: String,
    pub indicator_code: String,
    pub period_id: String,
    pub comparator: String,
    pub target_value: f64,
    pub value_text: Option<String>,
    pub unit: String,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

impl From<TargetRecord> for TargetInput {
    fn from(t: TargetRecord) -> Self {
        TargetInput {
            province_id: t.province_id,
            indicator_code: t.indicator_code,
            period_id: t.period_id,
            comparator: t.comparator,
            target_value: NumberInput::Number(t.target_value),
            unit: Some(t.unit),
            value_text: t.value_text,
            source_id: t.source_id,
            quote: t.quote,
        }
    }
}

/// The rows of one file with their line numbers (the header is line 1), or the first row
/// that does not read.
pub(super) fn read<T: DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<Vec<(u64, T)>, DatasetError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::None)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for result in reader.deserialize::<T>() {
        match result {
            Ok(row) => rows.push((rows.len() as u64 + 2, row)),
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(DatasetError::new(file, line, e.to_string()));
            }
        }
    }
    Ok(rows)
}
