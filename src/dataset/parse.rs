//! Reading the eight files and checking them: the rows of the API's resources through its
//! validators (`crate::input`), former names and lineage (which only the dataset holds) by
//! the rules here; then the cited rows (cited.rs) against the catalogue built from the files.

use std::collections::{HashMap, HashSet};

use super::records::{read, FormerNameRecord, LineageRecord, ObservationRecord, TargetRecord};
use super::{cited, validated, Dataset, DatasetError};
use crate::domain::{vocab, PeriodId};
use crate::input::award::AwardInput;
use crate::input::indicator::{validate_indicator, IndicatorInput};
use crate::input::province::{validate_province, ProvinceContext, ProvinceInput};
use crate::input::source::{validate_source, SourceInput};
use crate::store::catalogue::Catalogue;
use crate::store::periods::Period;
use crate::store::provinces::{FormerName, LineageLink, Registry};

impl Dataset {
    /// Parses and cross-checks the eight files; every error found is reported, not just the
    /// first, except that the cited rows are checked only once the catalogue files are valid:
    /// against a catalogue missing a bad row, every row citing it would be refused too,
    /// burying the cause.
    pub fn parse(files: &HashMap<&str, &str>) -> Result<Self, Vec<DatasetError>> {
        let get = |name: &str| files.get(name).copied().unwrap_or("");
        let mut errors = Vec::new();
        macro_rules! parse_file {
            ($name:literal) => {
                match read($name, get($name)) {
                    Ok(rows) => rows,
                    Err(e) => {
                        errors.push(e);
                        Vec::new()
                    }
                }
            };
        }
        let province_rows: Vec<(u64, ProvinceInput)> = parse_file!("provinces.csv");
        let name_rows: Vec<(u64, FormerNameRecord)> = parse_file!("province_names.csv");
        let lineage_rows: Vec<(u64, LineageRecord)> = parse_file!("province_lineage.csv");
        let indicator_rows: Vec<(u64, IndicatorInput)> = parse_file!("indicators.csv");
        let source_rows: Vec<(u64, SourceInput)> = parse_file!("sources.csv");
        let observation_rows: Vec<(u64, ObservationRecord)> = parse_file!("observations.csv");
        let target_rows: Vec<(u64, TargetRecord)> = parse_file!("targets.csv");
        let award_rows: Vec<(u64, AwardInput)> = parse_file!("awards.csv");
        if !errors.is_empty() {
            return Err(errors);
        }

        let province_ids: HashSet<&str> =
            province_rows.iter().map(|(_, p)| p.id.as_str()).collect();
        let former_names = former_names(&name_rows, &province_ids, &mut errors);
        let lineage = lineage(&lineage_rows, &province_ids, &mut errors);
        let contexts: Vec<ProvinceContext> = province_rows
            .iter()
            .map(|(_, p)| {
                ProvinceContext::among(p, province_rows.iter().map(|(_, u)| u), &former_names)
            })
            .collect();
        let provinces = validated(
            "provinces.csv",
            (province_rows.into_iter().zip(contexts)).map(|((line, p), c)| (line, (p, c))),
            &mut errors,
            |(input, context)| validate_province(&context, input),
        );
        // A shipped indicator has no stored observations to keep its unit for: each shipped
        // observation is held to its indicator's unit by the observation rule instead.
        let indicators = validated("indicators.csv", indicator_rows, &mut errors, |input| {
            validate_indicator(input, &[])
        });
        let sources = validated("sources.csv", source_rows, &mut errors, validate_source);
        if !errors.is_empty() {
            return Err(errors);
        }
        let provinces: Vec<_> = provinces.into_iter().map(|(_, p)| p).collect();
        let indicators: Vec<_> = indicators.into_iter().map(|(_, i)| i).collect();
        let sources: Vec<_> = sources.into_iter().map(|(_, s)| s).collect();

        // Version 0: what the first load into an empty database makes of the files.
        let catalogue = Catalogue::from_rows(
            0,
            Registry::from_rows(provinces.clone(), former_names.clone()),
            indicators.clone(),
            sources.iter().map(|s| s.id.clone()),
        );
        let observations = cited::observations(&catalogue, &observation_rows, &mut errors);
        let targets = cited::targets(&catalogue, &target_rows, &mut errors);
        let awards = cited::awards(&catalogue, &award_rows, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Dataset {
            provinces,
            former_names,
            lineage,
            indicators,
            sources,
            periods: periods(),
            observations,
            targets,
            awards,
            observation_records: observation_rows.into_iter().map(|(_, r)| r).collect(),
            target_records: target_rows.into_iter().map(|(_, r)| r).collect(),
            award_records: award_rows.into_iter().map(|(_, r)| r).collect(),
        })
    }
}

fn former_names(
    rows: &[(u64, FormerNameRecord)],
    province_ids: &HashSet<&str>,
    errors: &mut Vec<DatasetError>,
) -> Vec<FormerName> {
    let file = "province_names.csv";
    rows.iter()
        .map(|(line, n)| {
            if !province_ids.contains(n.province_id.as_str()) {
                let message = format!("unknown province `{}`", n.province_id);
                errors.push(DatasetError::new(file, *line, message));
            }
            if !vocab::ProvinceKind::WORDS.contains(&n.kind.as_str()) {
                let message = format!("unknown kind `{}`", n.kind);
                errors.push(DatasetError::new(file, *line, message));
            }
            if n.valid_from.is_some_and(|from| from > n.valid_to) {
                errors.push(DatasetError::new(file, *line, "ends before it starts"));
            }
            FormerName {
                province_id: n.province_id.clone(),
                name_vi: n.name_vi.clone(),
                name_en: n.name_en.clone(),
                kind: n.kind.clone(),
                valid_from: n.valid_from,
                valid_to: n.valid_to,
            }
        })
        .collect()
}

fn lineage(
    rows: &[(u64, LineageRecord)],
    province_ids: &HashSet<&str>,
    errors: &mut Vec<DatasetError>,
) -> Vec<LineageLink> {
    rows.iter()
        .map(|(line, l)| {
            for id in [&l.predecessor_id, &l.successor_id] {
                if !province_ids.contains(id.as_str()) {
                    let message = format!("unknown province `{id}`");
                    errors.push(DatasetError::new("province_lineage.csv", *line, message));
                }
            }
            LineageLink {
                predecessor_id: l.predecessor_id.clone(),
                successor_id: l.successor_id.clone(),
                effective_date: l.effective_date,
            }
        })
        .collect()
}

/// Every period of the years chiso covers. The cited rows need no check against it: the
/// period rule they pass (`input::refs::period`) accepts the same years, and every canonical
/// period of a year is one of `PeriodId::all_in_year`'s (a property test of `domain::period`).
fn periods() -> Vec<Period> {
    PeriodId::TABLE_YEARS
        .flat_map(PeriodId::all_in_year)
        .map(Period::from)
        .collect()
}
