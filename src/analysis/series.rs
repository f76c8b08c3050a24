//! Series: an indicator's values over consecutive periods, one line per province, with the
//! 2025 lineage (a merged unit's predecessors drawn beside it or summed into it) and transforms.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::PeriodId;
use crate::store::observations::Observation;

crate::domain::vocab::vocabulary! {
    /// A series transform (FRED's "units").
    pub enum Transform {
        Level = "level",
        /// Difference from the previous period of the same kind.
        Change = "change",
        /// Percent change from the previous period of the same kind.
        PctChange = "pct_change",
        /// The base period = 100.
        Index = "index",
    }
}

/// Applies `transform` to consecutive periods; a missing value is a gap that stays a gap (and
/// makes the change next to it a gap), never a zero. `base` is the index of the base period.
pub fn transform(
    levels: &[Option<f64>],
    transform: Transform,
    base: Option<usize>,
) -> Vec<Option<f64>> {
    match transform {
        Transform::Level => levels.to_vec(),
        Transform::Change | Transform::PctChange => levels
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let previous = if i == 0 { None } else { levels[i - 1] };
                match (v, previous) {
                    (Some(v), Some(p)) if transform == Transform::Change => Some(v - p),
                    (Some(v), Some(p)) if p != 0.0 => Some((v / p - 1.0) * 100.0),
                    _ => None,
                }
            })
            .collect(),
        Transform::Index => {
            let base_value = base
                .and_then(|b| levels.get(b).copied().flatten())
                .filter(|b| *b != 0.0);
            levels
                .iter()
                .map(|v| match (v, base_value) {
                    (Some(v), Some(b)) => Some(v * 100.0 / b),
                    _ => None,
                })
                .collect()
        }
    }
}

/// One period of a series.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Point {
    #[schema(example = "2023")]
    pub period: String,
    /// The transformed value; null is a gap (no figure), never a zero.
    pub value: Option<f64>,
    /// The untransformed value.
    pub level: Option<f64>,
    /// `final`, `estimated`, `provisional` (the least certain of the parts when aggregated).
    #[schema(value_type = Option<crate::domain::vocab::ObservationStatus>)]
    pub status: Option<String>,
    /// Aggregated from predecessors, some of which have no value for this period.
    pub partial: bool,
    /// The observation behind the value, when it is one observation.
    pub observation_id: Option<i32>,
}

/// One province's line, before it is labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub province_id: String,
    /// `successor` when predecessors were summed into the unit, `not_aggregable` when summing
    /// was asked of an indicator that cannot be summed.
    pub aggregation: Option<String>,
    /// For a predecessor line: the unit it merged into.
    pub successor_id: Option<String>,
    pub points: Vec<Point>,
}

/// What to draw: the lines (a province and, for a predecessor line, its successor), over which
/// periods, and how.
pub struct Plan<'a> {
    pub lines: &'a [(String, Option<String>)],
    /// Each merged unit's predecessors.
    pub predecessors: &'a HashMap<String, Vec<String>>,
    pub periods: &'a [PeriodId],
    /// Sum a merged unit's predecessors into it where it has no figure of its own.
    pub aggregate: bool,
    /// Whether the indicator can be summed (counts, money) or not (ranks, scores, rates).
    pub additive: bool,
    pub transform: Transform,
    /// The index of the base period, for [`Transform::Index`].
    pub base: Option<usize>,
}

/// The status of a sum: the least certain of its parts.
fn least_certain<'a>(statuses: impl Iterator<Item = &'a str>) -> Option<String> {
    const ORDER: &[&str] = &["final", "provisional", "estimated"];
    statuses
        .max_by_key(|s| ORDER.iter().position(|o| o == s).unwrap_or(0))
        .map(str::to_owned)
}

/// Draws the plan's lines from `observations` (one indicator, one period kind); also gives the
/// sources the drawn values cite.
pub fn assemble(observations: &[Observation], plan: &Plan) -> (Vec<Line>, BTreeSet<String>) {
    let by_key: HashMap<(&str, &str), &Observation> = observations
        .iter()
        .map(|o| ((o.province_id.as_str(), o.period_id.as_str()), o))
        .collect();
    let no_parts = Vec::new();
    let mut sources = BTreeSet::new();
    let mut cite = |o: &Observation| {
        if let Some(s) = &o.source_id {
            sources.insert(s.clone());
        }
    };
    let mut lines = Vec::new();
    for (id, successor) in plan.lines {
        let parts = plan.predecessors.get(id).unwrap_or(&no_parts);
        let summing = plan.aggregate && successor.is_none() && !parts.is_empty();
        let aggregation = match (summing, plan.additive) {
            (true, true) => Some("successor".to_owned()),
            (true, false) => Some("not_aggregable".to_owned()),
            _ => None,
        };
        let sums = aggregation.as_deref() == Some("successor");
        let mut points: Vec<Point> = plan
            .periods
            .iter()
            .map(|period| {
                let key = period.to_string();
                let mut point = Point {
                    period: key.clone(),
                    value: None,
                    level: None,
                    status: None,
                    partial: false,
                    observation_id: None,
                };
                if let Some(own) = by_key.get(&(id.as_str(), key.as_str())) {
                    cite(own);
                    point.level = Some(own.value);
                    point.status = Some(own.status.clone());
                    point.observation_id = Some(own.id);
                } else if sums {
                    let found: Vec<&Observation> = parts
                        .iter()
                        .filter_map(|p| by_key.get(&(p.as_str(), key.as_str())).copied())
                        .collect();
                    if !found.is_empty() {
                        found.iter().for_each(|o| cite(o));
                        point.level = Some(found.iter().map(|o| o.value).sum());
                        point.status = least_certain(found.iter().map(|o| o.status.as_str()));
                        point.partial = found.len() < parts.len();
                    }
                }
                point
            })
            .collect();
        let levels: Vec<Option<f64>> = points.iter().map(|p| p.level).collect();
        for (point, value) in points
            .iter_mut()
            .zip(transform(&levels, plan.transform, plan.base))
        {
            point.value = value;
        }
        lines.push(Line {
            province_id: id.clone(),
            aggregation,
            successor_id: successor.clone(),
            points,
        });
    }
    (lines, sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transforms_keep_gaps() {
        let levels = [Some(100.0), Some(110.0), None, Some(121.0)];
        assert_eq!(
            transform(&levels, Transform::Change, None),
            vec![None, Some(10.0), None, None]
        );
        let pct = transform(&levels, Transform::PctChange, None);
        assert!((pct[1].unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(pct[3], None);
        assert_eq!(
            transform(&levels, Transform::Index, Some(0)),
            vec![Some(100.0), Some(110.0), None, Some(121.0)]
        );
        assert_eq!(
            transform(&levels, Transform::Index, Some(2)),
            vec![None, None, None, None]
        );
    }

    fn observation(id: i32, province: &str, period: &str, value: f64, status: &str) -> Observation {
        let p: PeriodId = period.parse().expect("a period");
        Observation {
            id,
            province_id: province.into(),
            indicator_code: "bts_stations".into(),
            period_id: p.to_string(),
            period_start: p.start_date(),
            period_end: p.end_date(),
            value,
            value_text: None,
            unit: "stations".into(),
            status: status.into(),
            qualifier: None,
            rank_of: None,
            denominator: None,
            source_id: Some(format!("source-{province}")),
            quote: None,
        }
    }

    fn years(from: i32, to: i32) -> Vec<PeriodId> {
        (from..=to)
            .map(|y| y.to_string().parse().expect("a year"))
            .collect()
    }

    /// Bắc Ninh (2025) formed from Bắc Giang and the old Bắc Ninh.
    fn merger() -> HashMap<String, Vec<String>> {
        HashMap::from([(
            "bac-ninh-2025".to_owned(),
            vec!["bac-giang".to_owned(), "bac-ninh".to_owned()],
        )])
    }

    #[test]
    fn a_merged_unit_sums_its_predecessors_and_marks_missing_parts() {
        let observations = [
            observation(1, "bac-giang", "2023", 100.0, "final"),
            observation(2, "bac-ninh", "2023", 50.0, "estimated"),
            observation(3, "bac-giang", "2024", 110.0, "final"),
            observation(4, "bac-ninh-2025", "2025", 200.0, "final"),
        ];
        let (lines, periods, predecessors) = (
            [("bac-ninh-2025".to_owned(), None)],
            years(2022, 2025),
            merger(),
        );
        let plan = Plan {
            lines: &lines,
            predecessors: &predecessors,
            periods: &periods,
            aggregate: true,
            additive: true,
            transform: Transform::Level,
            base: None,
        };
        let (drawn, sources) = assemble(&observations, &plan);
        let line = &drawn[0];
        assert_eq!(line.aggregation.as_deref(), Some("successor"));
        let levels: Vec<_> = line.points.iter().map(|p| (p.level, p.partial)).collect();
        assert_eq!(
            levels,
            vec![
                (None, false),
                (Some(150.0), false),
                (Some(110.0), true),
                (Some(200.0), false)
            ]
        );
        // A sum is as certain as its least certain part; an own figure names its observation.
        assert_eq!(line.points[1].status.as_deref(), Some("estimated"));
        assert_eq!(line.points[1].observation_id, None);
        assert_eq!(line.points[3].observation_id, Some(4));
        assert_eq!(sources.len(), 3);
    }

    #[test]
    fn ranks_and_rates_are_never_summed() {
        let observations = [observation(1, "bac-giang", "2023", 10.0, "final")];
        let (lines, periods, predecessors) = (
            [("bac-ninh-2025".to_owned(), None)],
            years(2023, 2023),
            merger(),
        );
        let plan = Plan {
            lines: &lines,
            predecessors: &predecessors,
            periods: &periods,
            aggregate: true,
            additive: false,
            transform: Transform::Level,
            base: None,
        };
        let (drawn, sources) = assemble(&observations, &plan);
        assert_eq!(drawn[0].aggregation.as_deref(), Some("not_aggregable"));
        assert_eq!(drawn[0].points[0].level, None);
        assert!(sources.is_empty());
    }

    #[test]
    fn predecessor_lines_keep_their_own_figures_and_transforms_apply_per_line() {
        let observations = [
            observation(1, "bac-giang", "2022", 100.0, "final"),
            observation(2, "bac-giang", "2023", 120.0, "final"),
        ];
        let (lines, periods, predecessors) = (
            [
                ("bac-ninh-2025".to_owned(), None),
                ("bac-giang".to_owned(), Some("bac-ninh-2025".to_owned())),
            ],
            years(2022, 2023),
            merger(),
        );
        let plan = Plan {
            lines: &lines,
            predecessors: &predecessors,
            periods: &periods,
            aggregate: false,
            additive: true,
            transform: Transform::PctChange,
            base: None,
        };
        let (drawn, _) = assemble(&observations, &plan);
        assert_eq!(drawn[0].aggregation, None);
        assert!(drawn[0].points.iter().all(|p| p.level.is_none()));
        assert_eq!(drawn[1].successor_id.as_deref(), Some("bac-ninh-2025"));
        let values: Vec<_> = drawn[1].points.iter().map(|p| p.value).collect();
        assert_eq!(values[0], None);
        assert!((values[1].expect("a change") - 20.0).abs() < 1e-9);
    }
}
