//! The rows cited from articles (observations, targets, awards): each through the API's own
//! validator against the dataset's catalogue, then what no single write can get wrong and so
//! only a file is checked for: a natural key twice in it, and a printed figure whose qualifier
//! or denominator contradicts its row.

use std::collections::HashSet;
use std::hash::Hash;

use super::records::{ObservationRecord, TargetRecord};
use super::{validated, Dataset, DatasetError};
use crate::domain::vn_number;
use crate::input::award::{validate_award, AwardInput};
use crate::input::observation::{validate_observation, ObservationInput};
use crate::input::target::{validate_target, TargetInput};
use crate::store::{
    awards::NewAward, catalogue::Catalogue, observations::NewObservation, targets::NewTarget,
};

pub(super) fn observations(
    catalogue: &Catalogue,
    rows: &[(u64, ObservationRecord)],
    errors: &mut Vec<DatasetError>,
) -> Vec<NewObservation> {
    let file = "observations.csv";
    let inputs = rows
        .iter()
        .map(|(line, row)| (*line, ObservationInput::from(row.clone())));
    let valid = validated(file, inputs, errors, |input| {
        validate_observation(catalogue, input)
    });
    once_per_key(file, valid, errors, "(province, indicator, period)", |o| {
        (
            o.province_id.clone(),
            o.indicator_code.clone(),
            o.period_id.clone(),
        )
    })
}

pub(super) fn targets(
    catalogue: &Catalogue,
    rows: &[(u64, TargetRecord)],
    errors: &mut Vec<DatasetError>,
) -> Vec<NewTarget> {
    let file = "targets.csv";
    let inputs = rows
        .iter()
        .map(|(line, row)| (*line, TargetInput::from(row.clone())));
    let valid = validated(file, inputs, errors, |input| {
        validate_target(catalogue, input)
    });
    once_per_key(file, valid, errors, "(province, indicator, period)", |t| {
        (
            t.province_id.clone(),
            t.indicator_code.clone(),
            t.period_id.clone(),
        )
    })
}

pub(super) fn awards(
    catalogue: &Catalogue,
    rows: &[(u64, AwardInput)],
    errors: &mut Vec<DatasetError>,
) -> Vec<NewAward> {
    let file = "awards.csv";
    let inputs = rows.iter().map(|(line, row)| (*line, row.clone()));
    let valid = validated(file, inputs, errors, |input| {
        validate_award(catalogue, input)
    });
    once_per_key(
        file,
        valid,
        errors,
        "(source, quote, recipient_kind)",
        |a| {
            (
                a.source_id.clone(),
                a.quote.clone(),
                a.recipient_kind.clone(),
            )
        },
    )
}

/// The rows, with an error for each that repeats an earlier row's natural key: the API
/// answers that with a 409 or an update, a file must not say it twice.
fn once_per_key<T, K: Eq + Hash>(
    file: &str,
    rows: Vec<(u64, T)>,
    errors: &mut Vec<DatasetError>,
    key_name: &str,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let mut seen = HashSet::new();
    rows.into_iter()
        .map(|(line, row)| {
            if !seen.insert(key(&row)) {
                errors.push(DatasetError::new(
                    file,
                    line,
                    format!("duplicate {key_name}"),
                ));
            }
            row
        })
        .collect()
}

impl Dataset {
    /// Checks that each printed observation reads, through the shared Vietnamese number
    /// parser, as the qualifier and denominator shipped beside it. The API takes those from
    /// the text only when the value itself is text; the files give the value as a number, so
    /// the two could disagree. (That the text reads back to the value is the observation
    /// rule's, `input::refs::printed_text`: a dataset breaking it does not parse.)
    pub fn check_figures(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, o) in self.observation_records.iter().enumerate() {
            let Some(text) = &o.value_text else { continue };
            let line = i + 2;
            match vn_number::parse(text) {
                Err(e) => problems.push(format!("observations.csv line {line}: {e}")),
                Ok(n) => {
                    let qualifier = n.qualifier.map(|q| q.as_str().to_owned());
                    if qualifier != o.qualifier {
                        problems.push(format!("observations.csv line {line}: `{text}` has qualifier {qualifier:?}, shipped {:?}", o.qualifier));
                    }
                    let shipped_of = o.rank_of.or(o.denominator).map(i64::from);
                    if n.denominator.is_some() && n.denominator != shipped_of {
                        problems.push(format!("observations.csv line {line}: `{text}` has denominator {:?}, shipped {shipped_of:?}", n.denominator));
                    }
                }
            }
        }
        problems
    }
}
