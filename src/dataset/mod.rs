//! The shipped dataset: `data/*.csv`, compiled into the binary, validated, and loaded into any
//! database by natural key, so loading twice changes nothing.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::db::DbConnection;
use crate::domain::{vn_number, vocab, PeriodId};
use crate::store::{
    awards::NewAward,
    indicators::Indicator,
    observations::NewObservation,
    periods::Period,
    provinces::{self as province_store, FormerName, LineageLink, Province},
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

#[derive(Debug, Deserialize)]
struct ProvinceRecord {
    id: String,
    gso_code: String,
    iso_code: Option<String>,
    name_vi: String,
    name_en: String,
    kind: String,
    region: String,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
struct FormerNameRecord {
    province_id: String,
    name_vi: String,
    name_en: String,
    kind: String,
    valid_from: Option<NaiveDate>,
    valid_to: NaiveDate,
}

#[derive(Debug, Deserialize)]
struct LineageRecord {
    predecessor_id: String,
    successor_id: String,
    effective_date: NaiveDate,
}

#[derive(Debug, Deserialize)]
struct IndicatorRecord {
    code: String,
    name_vi: String,
    name_en: String,
    description_vi: String,
    description_en: String,
    unit: String,
    category: String,
    direction: String,
    additive: bool,
}

#[derive(Debug, Deserialize)]
struct SourceRecord {
    id: String,
    seed_file: Option<String>,
    title: String,
    publisher: Option<String>,
    published_on: Option<NaiveDate>,
    url: Option<String>,
    language: String,
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

#[derive(Debug, Clone, Deserialize)]
pub struct AwardRecord {
    pub province_id: String,
    pub period_id: Option<String>,
    pub awarded_on: Option<NaiveDate>,
    pub award_type: String,
    pub award_name_vi: String,
    pub conferred_by: Option<String>,
    pub recipient: Option<String>,
    pub recipient_kind: String,
    pub recipient_count: Option<i32>,
    pub reason: Option<String>,
    pub source_id: String,
    pub quote: String,
}

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
    pub award_records: Vec<AwardRecord>,
}

/// A problem in the dataset, located by file and line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file} line {line}: {message}")]
pub struct DatasetError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

fn read<T: DeserializeOwned>(file: &str, text: &str) -> Result<Vec<(u64, T)>, DatasetError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::None)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for result in reader.deserialize::<T>() {
        match result {
            Ok(row) => rows.push((rows.len() as u64 + 2, row)),
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(DatasetError {
                    file: file.into(),
                    line,
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(rows)
}

impl Dataset {
    /// The dataset compiled into this binary.
    pub fn embedded() -> Result<Self, Vec<DatasetError>> {
        let files: HashMap<&str, &str> = EMBEDDED.iter().copied().collect();
        Self::parse(&files)
    }

    /// Parses and cross-checks the seven files; every error found is reported, not just the first.
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
        let province_rows: Vec<(u64, ProvinceRecord)> = parse_file!("provinces.csv");
        let name_rows: Vec<(u64, FormerNameRecord)> = parse_file!("province_names.csv");
        let lineage_rows: Vec<(u64, LineageRecord)> = parse_file!("province_lineage.csv");
        let indicator_rows: Vec<(u64, IndicatorRecord)> = parse_file!("indicators.csv");
        let source_rows: Vec<(u64, SourceRecord)> = parse_file!("sources.csv");
        let observation_rows: Vec<(u64, ObservationRecord)> = parse_file!("observations.csv");
        let target_rows: Vec<(u64, TargetRecord)> = parse_file!("targets.csv");
        let award_rows: Vec<(u64, AwardRecord)> = parse_file!("awards.csv");
        if !errors.is_empty() {
            return Err(errors);
        }

        let mut check = |ok: bool, file: &str, line: u64, message: String| {
            if !ok {
                errors.push(DatasetError {
                    file: file.into(),
                    line,
                    message,
                });
            }
        };

        let province_ids: HashSet<&str> =
            province_rows.iter().map(|(_, p)| p.id.as_str()).collect();
        let source_ids: HashSet<&str> = source_rows.iter().map(|(_, s)| s.id.as_str()).collect();
        let indicator_units: HashMap<&str, &str> = indicator_rows
            .iter()
            .map(|(_, i)| (i.code.as_str(), i.unit.as_str()))
            .collect();

        let former_names: Vec<FormerName> = name_rows
            .iter()
            .map(|(line, n)| {
                let file = "province_names.csv";
                check(
                    province_ids.contains(n.province_id.as_str()),
                    file,
                    *line,
                    format!("unknown province `{}`", n.province_id),
                );
                check(
                    vocab::PROVINCE_KINDS.contains(&n.kind.as_str()),
                    file,
                    *line,
                    format!("unknown kind `{}`", n.kind),
                );
                check(
                    n.valid_from.is_none_or(|from| from <= n.valid_to),
                    file,
                    *line,
                    "ends before it starts".into(),
                );
                FormerName {
                    province_id: n.province_id.clone(),
                    name_vi: n.name_vi.clone(),
                    name_en: n.name_en.clone(),
                    kind: n.kind.clone(),
                    valid_from: n.valid_from,
                    valid_to: n.valid_to,
                }
            })
            .collect();

        let provinces = province_rows
            .iter()
            .map(|(line, p)| {
                let file = "provinces.csv";
                check(
                    vocab::PROVINCE_KINDS.contains(&p.kind.as_str()),
                    file,
                    *line,
                    format!("unknown kind `{}`", p.kind),
                );
                check(
                    vocab::REGIONS.contains(&p.region.as_str()),
                    file,
                    *line,
                    format!("unknown region `{}`", p.region),
                );
                check(
                    p.gso_code.len() == 2 && p.gso_code.bytes().all(|b| b.is_ascii_digit()),
                    file,
                    *line,
                    format!("GSO code `{}` is not two digits", p.gso_code),
                );
                let mut province = Province {
                    id: p.id.clone(),
                    gso_code: p.gso_code.clone(),
                    iso_code: p.iso_code.clone(),
                    name_vi: p.name_vi.clone(),
                    name_en: p.name_en.clone(),
                    kind: p.kind.clone(),
                    region: p.region.clone(),
                    valid_from: p.valid_from,
                    valid_to: p.valid_to,
                    search_text: String::new(),
                };
                province.search_text = province_store::search_text(
                    &province,
                    former_names.iter().filter(|f| f.province_id == p.id),
                );
                province
            })
            .collect();

        let lineage = lineage_rows
            .iter()
            .map(|(line, l)| {
                for id in [&l.predecessor_id, &l.successor_id] {
                    check(
                        province_ids.contains(id.as_str()),
                        "province_lineage.csv",
                        *line,
                        format!("unknown province `{id}`"),
                    );
                }
                LineageLink {
                    predecessor_id: l.predecessor_id.clone(),
                    successor_id: l.successor_id.clone(),
                    effective_date: l.effective_date,
                }
            })
            .collect();

        let indicators = indicator_rows
            .iter()
            .map(|(line, i)| {
                let file = "indicators.csv";
                check(
                    vocab::CATEGORIES.contains(&i.category.as_str()),
                    file,
                    *line,
                    format!("unknown category `{}`", i.category),
                );
                check(
                    vocab::DIRECTIONS.contains(&i.direction.as_str()),
                    file,
                    *line,
                    format!("unknown direction `{}`", i.direction),
                );
                Indicator {
                    code: i.code.clone(),
                    name_vi: i.name_vi.clone(),
                    name_en: i.name_en.clone(),
                    description_vi: i.description_vi.clone(),
                    description_en: i.description_en.clone(),
                    unit: i.unit.clone(),
                    category: i.category.clone(),
                    direction: i.direction.clone(),
                    additive: i.additive,
                    search_text: crate::store::indicators::search_text(
                        &i.code, &i.name_vi, &i.name_en,
                    ),
                }
            })
            .collect();

        let sources = source_rows
            .iter()
            .map(|(_, s)| Source {
                id: s.id.clone(),
                title: s.title.clone(),
                publisher: s.publisher.clone(),
                published_on: s.published_on,
                url: s.url.clone(),
                language: s.language.clone(),
                seed_file: s.seed_file.clone(),
            })
            .collect();

        let periods = PeriodId::TABLE_YEARS
            .flat_map(PeriodId::all_in_year)
            .map(Period::from)
            .collect();

        let mut period_of = |file: &str, line: u64, id: &str| -> Option<PeriodId> {
            match id.parse::<PeriodId>() {
                Ok(p) if PeriodId::TABLE_YEARS.contains(&p.year_number()) => Some(p),
                Ok(_) => {
                    errors.push(DatasetError {
                        file: file.into(),
                        line,
                        message: format!("period `{id}` is outside the periods table"),
                    });
                    None
                }
                Err(e) => {
                    errors.push(DatasetError {
                        file: file.into(),
                        line,
                        message: e.to_string(),
                    });
                    None
                }
            }
        };
        let observation_periods: Vec<_> = observation_rows
            .iter()
            .map(|(line, o)| period_of("observations.csv", *line, &o.period_id))
            .collect();
        let target_periods: Vec<_> = target_rows
            .iter()
            .map(|(line, t)| period_of("targets.csv", *line, &t.period_id))
            .collect();
        let award_periods: Vec<_> = award_rows
            .iter()
            .map(|(line, a)| {
                a.period_id
                    .as_deref()
                    .and_then(|p| period_of("awards.csv", *line, p))
            })
            .collect();

        let check_refs = |errors: &mut Vec<DatasetError>,
                          file: &str,
                          line: u64,
                          province: &str,
                          indicator: Option<(&str, &str)>,
                          source: Option<&str>| {
            if !province_ids.contains(province) {
                errors.push(DatasetError {
                    file: file.into(),
                    line,
                    message: format!("unknown province `{province}`"),
                });
            }
            if let Some((code, unit)) = indicator {
                match indicator_units.get(code) {
                    None => errors.push(DatasetError {
                        file: file.into(),
                        line,
                        message: format!("unknown indicator `{code}`"),
                    }),
                    Some(expected) if *expected != unit => errors.push(DatasetError {
                        file: file.into(),
                        line,
                        message: format!(
                            "unit `{unit}` differs from indicator `{code}`'s unit `{expected}`"
                        ),
                    }),
                    _ => {}
                }
            }
            if let Some(source) = source {
                if !source_ids.contains(source) {
                    errors.push(DatasetError {
                        file: file.into(),
                        line,
                        message: format!("unknown source `{source}`"),
                    });
                }
            }
        };

        let mut observations = Vec::new();
        let mut keys = HashSet::new();
        for ((line, o), period) in observation_rows.iter().zip(&observation_periods) {
            let file = "observations.csv";
            check_refs(
                &mut errors,
                file,
                *line,
                &o.province_id,
                Some((&o.indicator_code, &o.unit)),
                o.source_id.as_deref(),
            );
            if !vocab::OBSERVATION_STATUSES.contains(&o.status.as_str()) {
                errors.push(DatasetError {
                    file: file.into(),
                    line: *line,
                    message: format!("unknown status `{}`", o.status),
                });
            }
            if let Some(q) = &o.qualifier {
                if !vocab::QUALIFIERS.contains(&q.as_str()) {
                    errors.push(DatasetError {
                        file: file.into(),
                        line: *line,
                        message: format!("unknown qualifier `{q}`"),
                    });
                }
            }
            if !o.value.is_finite() {
                errors.push(DatasetError {
                    file: file.into(),
                    line: *line,
                    message: "value is not finite".into(),
                });
            }
            let Some(period) = period else { continue };
            if !keys.insert((
                o.province_id.clone(),
                o.indicator_code.clone(),
                period.to_string(),
            )) {
                errors.push(DatasetError {
                    file: file.into(),
                    line: *line,
                    message: "duplicate (province, indicator, period)".into(),
                });
            }
            observations.push(NewObservation {
                province_id: o.province_id.clone(),
                indicator_code: o.indicator_code.clone(),
                period_id: period.to_string(),
                period_start: period.start_date(),
                period_end: period.end_date(),
                value: o.value,
                value_text: o.value_text.clone(),
                unit: o.unit.clone(),
                status: o.status.clone(),
                qualifier: o.qualifier.clone(),
                rank_of: o.rank_of,
                denominator: o.denominator,
                source_id: o.source_id.clone(),
                quote: o.quote.clone(),
            });
        }

        let mut targets = Vec::new();
        let mut keys = HashSet::new();
        for ((line, t), period) in target_rows.iter().zip(&target_periods) {
            let file = "targets.csv";
            check_refs(
                &mut errors,
                file,
                *line,
                &t.province_id,
                Some((&t.indicator_code, &t.unit)),
                t.source_id.as_deref(),
            );
            if !vocab::COMPARATORS.contains(&t.comparator.as_str()) {
                errors.push(DatasetError {
                    file: file.into(),
                    line: *line,
                    message: format!("unknown comparator `{}`", t.comparator),
                });
            }
            let Some(period) = period else { continue };
            if !keys.insert((
                t.province_id.clone(),
                t.indicator_code.clone(),
                period.to_string(),
            )) {
                errors.push(DatasetError {
                    file: file.into(),
                    line: *line,
                    message: "duplicate (province, indicator, period)".into(),
                });
            }
            targets.push(NewTarget {
                province_id: t.province_id.clone(),
                indicator_code: t.indicator_code.clone(),
                period_id: period.to_string(),
                period_start: period.start_date(),
                period_end: period.end_date(),
                comparator: t.comparator.clone(),
                target_value: t.target_value,
                value_text: t.value_text.clone(),
                unit: t.unit.clone(),
                source_id: t.source_id.clone(),
                quote: t.quote.clone(),
            });
        }

        let mut awards = Vec::new();
        let mut keys = HashSet::new();
        for ((line, a), period) in award_rows.iter().zip(&award_periods) {
            check_refs(
                &mut errors,
                "awards.csv",
                *line,
                &a.province_id,
                None,
                Some(&a.source_id),
            );
            if !keys.insert((
                a.source_id.clone(),
                a.quote.clone(),
                a.recipient_kind.clone(),
            )) {
                errors.push(DatasetError {
                    file: "awards.csv".into(),
                    line: *line,
                    message: "duplicate (source, quote, recipient_kind)".into(),
                });
            }
            awards.push(NewAward {
                province_id: a.province_id.clone(),
                period_id: period.map(|p| p.to_string()),
                awarded_on: a.awarded_on,
                award_type: a.award_type.clone(),
                award_name_vi: a.award_name_vi.clone(),
                conferred_by: a.conferred_by.clone(),
                recipient: a.recipient.clone(),
                recipient_kind: a.recipient_kind.clone(),
                recipient_count: a.recipient_count,
                reason: a.reason.clone(),
                source_id: a.source_id.clone(),
                quote: a.quote.clone(),
            });
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Dataset {
            provinces,
            former_names,
            lineage,
            indicators,
            sources,
            periods,
            observations,
            targets,
            awards,
            observation_records: observation_rows.into_iter().map(|(_, r)| r).collect(),
            target_records: target_rows.into_iter().map(|(_, r)| r).collect(),
            award_records: award_rows.into_iter().map(|(_, r)| r).collect(),
        })
    }

    /// Checks that each printed figure reads back, through the shared Vietnamese number
    /// parser, to the value, qualifier and denominator shipped beside it.
    pub fn check_figures(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, o) in self.observation_records.iter().enumerate() {
            let Some(text) = &o.value_text else { continue };
            let line = i + 2;
            match vn_number::parse(text) {
                Err(e) => problems.push(format!("observations.csv line {line}: {e}")),
                Ok(n) => {
                    if !same_value(n.value, o.value) {
                        problems.push(format!(
                            "observations.csv line {line}: `{text}` reads as {}, shipped {}",
                            n.value, o.value
                        ));
                    }
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
        for (i, t) in self.target_records.iter().enumerate() {
            let Some(text) = &t.value_text else { continue };
            match vn_number::parse(text) {
                Err(e) => problems.push(format!("targets.csv line {}: {e}", i + 2)),
                Ok(n) if !same_value(n.value, t.target_value) => problems.push(format!(
                    "targets.csv line {}: `{text}` reads as {}, shipped {}",
                    i + 2,
                    n.value,
                    t.target_value
                )),
                Ok(_) => {}
            }
        }
        problems
    }
}

fn same_value(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// What a load did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub provinces: usize,
    pub former_names: usize,
    pub lineage: usize,
    pub indicators: usize,
    pub sources: usize,
    pub periods: usize,
    pub observations: usize,
    pub targets: usize,
    pub awards: usize,
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "loaded {} provinces, {} former names, {} lineage links, {} indicators, {} sources, {} periods, {} observations, {} targets, {} awards",
            self.provinces, self.former_names, self.lineage, self.indicators, self.sources, self.periods, self.observations, self.targets, self.awards
        )
    }
}

/// Writes the whole dataset in one transaction, all of it or nothing: inserts what is missing,
/// updates what differs, leaves the rest. The first load, into an empty database, is version 0
/// of the data; any later one (`chiso seed` refreshing shipped figures) records each change in
/// the audit trail like any write, so vintages and permalinks stay true across it.
pub fn load(conn: &mut DbConnection, data: &Dataset) -> diesel::QueryResult<LoadReport> {
    use crate::store::{awards, indicators, observations, periods, provinces, sources, targets};
    crate::db::write_transaction(conn, |conn| {
        crate::store::version::bump(conn)?;
        let first = provinces::count(conn)? == 0;
        let mut seeding = crate::store::seed::Seeding::new(first);
        let mut report = LoadReport::default();
        for row in &data.provinces {
            let old = provinces::find(conn, &row.id)?.map(|p| (p.id.clone(), p));
            report.provinces += seeding.put(
                conn,
                "province",
                old,
                row,
                |c| provinces::insert(c, row).map(|_| row.id.clone()),
                |c, id| provinces::update(c, id, row),
            )?;
        }
        for row in &data.former_names {
            report.former_names += provinces::upsert_former_name(conn, row)?;
        }
        for row in &data.lineage {
            report.lineage += provinces::upsert_lineage(conn, row)?;
        }
        for row in &data.indicators {
            let old = indicators::find(conn, &row.code)?.map(|i| (i.code.clone(), i));
            report.indicators += seeding.put(
                conn,
                "indicator",
                old,
                row,
                |c| indicators::insert(c, row).map(|_| row.code.clone()),
                |c, code| indicators::update(c, code, row),
            )?;
        }
        for row in &data.sources {
            let old = sources::find(conn, &row.id)?.map(|s| (s.id.clone(), s));
            report.sources += seeding.put(
                conn,
                "source",
                old,
                row,
                |c| sources::insert(c, row).map(|_| row.id.clone()),
                |c, id| sources::update(c, id, row),
            )?;
        }
        for row in &data.periods {
            report.periods += periods::upsert(conn, row)?;
        }
        for row in &data.observations {
            let key = (&row.province_id, &row.indicator_code, &row.period_id);
            let id = observations::find_by_key(conn, key.0, key.1, key.2)?;
            let old = id
                .map(|id| observations::find(conn, id))
                .transpose()?
                .flatten();
            report.observations += seeding.put(
                conn,
                "observation",
                old.map(|o| (o.id, o)),
                row,
                |c| observations::insert(c, row),
                |c, id| observations::update(c, *id, row),
            )?;
        }
        for row in &data.targets {
            let key = (&row.province_id, &row.indicator_code, &row.period_id);
            let id = targets::find_by_key(conn, key.0, key.1, key.2)?;
            let old = id.map(|id| targets::find(conn, id)).transpose()?.flatten();
            report.targets += seeding.put(
                conn,
                "target",
                old.map(|t| (t.id, t)),
                row,
                |c| targets::insert(c, row),
                |c, id| targets::update(c, *id, row),
            )?;
        }
        for row in &data.awards {
            let id = awards::find_by_key(conn, &row.source_id, &row.quote, &row.recipient_kind)?;
            let old = id.map(|id| awards::find(conn, id)).transpose()?.flatten();
            report.awards += seeding.put(
                conn,
                "award",
                old.map(|a| (a.id, a)),
                row,
                |c| awards::insert(c, row),
                |c, id| awards::update(c, *id, row),
            )?;
        }
        seeding.record(conn)?;
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
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
            text.iter()
                .any(|e| e.contains("unknown province `nowhere`")),
            "{text:?}"
        );
    }
}
