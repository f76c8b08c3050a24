//! The shipped dataset: `data/*.csv`, compiled into the binary, validated by the same rules as
//! the API's writes (`crate::input`), and loaded into any database by natural key, so loading
//! twice changes nothing. records.rs reads the files' rows, parse.rs checks them (cited.rs the
//! rows cited from articles), load.rs writes the result.

mod cited;
mod load;
mod parse;
mod records;

pub use load::{load, LoadReport};
pub use records::{ObservationRecord, TargetRecord};

use crate::error::FieldError;
use crate::input::award::AwardInput;
use crate::store::{
    awards::NewAward,
    indicators::Indicator,
    observations::NewObservation,
    periods::Period,
    provinces::{FormerName, LineageLink, Province},
    sources::Source,
    targets::NewTarget,
};

/// The CSV files, as compiled into the binary.
pub const EMBEDDED: [(&str, &str); 8] = [
    ("provinces.csv", include_str!("../../data/provinces.csv")),
    (
        "province_names.csv",
        include_str!("../../data/province_names.csv"),
    ),
    (
        "province_lineage.csv",
        include_str!("../../data/province_lineage.csv"),
    ),
    ("indicators.csv", include_str!("../../data/indicators.csv")),
    ("sources.csv", include_str!("../../data/sources.csv")),
    (
        "observations.csv",
        include_str!("../../data/observations.csv"),
    ),
    ("targets.csv", include_str!("../../data/targets.csv")),
    ("awards.csv", include_str!("../../data/awards.csv")),
];

/// The dataset, parsed and checked, ready to load.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub provinces: Vec<Province>,
    pub former_names: Vec<FormerName>,
    pub lineage: Vec<LineageLink>,
    pub indicators: Vec<Indicator>,
    pub sources: Vec<Source>,
    pub periods: Vec<Period>,
    pub observations: Vec<NewObservation>,
    pub targets: Vec<NewTarget>,
    pub awards: Vec<NewAward>,
    /// The raw figure records, kept for the citation checks.
    pub observation_records: Vec<ObservationRecord>,
    pub target_records: Vec<TargetRecord>,
    pub award_records: Vec<AwardInput>,
}

/// A problem in the dataset, located by file and line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file} line {line}: {message}")]
pub struct DatasetError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

impl DatasetError {
    fn new(file: &str, line: u64, message: impl Into<String>) -> Self {
        DatasetError {
            file: file.into(),
            line,
            message: message.into(),
        }
    }

    /// A validator's refusal of one field of a row, led by the field's JSON pointer as the
    /// API's 422 names it: `observations.csv line 7: /status: ...`.
    fn refused(file: &str, line: u64, error: FieldError) -> Self {
        let message = match error.pointer {
            Some(pointer) => format!("{pointer}: {}", error.detail),
            None => error.detail,
        };
        Self::new(file, line, message)
    }
}

/// Each row through its validator: the valid ones with their line, and an error for each
/// refused field.
fn validated<I, T>(
    file: &str,
    rows: impl IntoIterator<Item = (u64, I)>,
    errors: &mut Vec<DatasetError>,
    mut validate: impl FnMut(I) -> Result<T, Vec<FieldError>>,
) -> Vec<(u64, T)> {
    let mut valid = Vec::new();
    for (line, input) in rows {
        match validate(input) {
            Ok(row) => valid.push((line, row)),
            Err(refused) => errors.extend(
                refused
                    .into_iter()
                    .map(|e| DatasetError::refused(file, line, e)),
            ),
        }
    }
    valid
}

impl Dataset {
    /// The dataset compiled into this binary.
    pub fn embedded() -> Result<Self, Vec<DatasetError>> {
        let files = EMBEDDED.iter().copied().collect();
        Self::parse(&files)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    #[test]
    fn embedded_dataset_is_consistent() {
        let data = Dataset::embedded().unwrap_or_else(|errors| {
            panic!(
                "{}",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(data.provinces.len() >= 86);
        assert!(!data.observations.is_empty());
        // Parsing trusts the period rule to accept only periods of the table (see `periods`
        // in parse.rs); this holds it to that for the shipped rows.
        let periods: HashSet<&str> = data.periods.iter().map(|p| p.id.as_str()).collect();
        let cited = (data.observations.iter().map(|o| &o.period_id))
            .chain(data.targets.iter().map(|t| &t.period_id))
            .chain(data.awards.iter().filter_map(|a| a.period_id.as_ref()));
        for period in cited {
            assert!(periods.contains(period.as_str()), "{period}");
        }
    }

    #[test]
    fn every_shipped_figure_reads_back_through_the_parser() {
        let data = Dataset::embedded().expect("dataset parses");
        let problems = data.check_figures();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn reports_bad_rows_with_file_and_line() {
        let mut files: HashMap<&str, &str> = EMBEDDED.iter().copied().collect();
        let bad = "province_id,indicator_code,period_id,value,value_text,unit,status,qualifier,rank_of,denominator,source_id,quote\n\
                   nowhere,phone_subscribers,2023-H3,1,,subscribers,final,,,,,\n";
        files.insert("observations.csv", bad);
        let errors = Dataset::parse(&files).unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(
            text.iter()
                .any(|e| e.contains("observations.csv line 2") && e.contains("2023-H3")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|e| e.contains(
                "observations.csv line 2: /province_id: no province has the slug, GSO code or ISO code `nowhere`"
            )),
            "{text:?}"
        );
    }

    #[test]
    fn refuses_rows_as_the_api_does_naming_the_field() {
        let mut files: HashMap<&str, &str> = EMBEDDED.iter().copied().collect();
        let bad = "province_id,indicator_code,period_id,value,value_text,unit,status,qualifier,rank_of,denominator,source_id,quote\n\
                   bac-giang,phone_subscribers,2023,1850000,\"1,9 triệu\",subscribers,guessed,,,,,\n";
        files.insert("observations.csv", bad);
        let text: Vec<String> = (Dataset::parse(&files).unwrap_err().iter())
            .map(|e| e.to_string())
            .collect();
        assert!(
            text.iter()
                .any(|e| e
                    .starts_with("observations.csv line 2: /status: `guessed` is not one of: ")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|e| e
                .starts_with("observations.csv line 2: /value_text: `1,9 triệu` reads as 1900000")),
            "{text:?}"
        );
    }
}
