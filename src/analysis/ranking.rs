//! Rankings: competition ranks by an indicator's direction, among the units of one map (the 63
//! or the 34), told honestly when not every unit has a value.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::vocab::{self, Direction};
use crate::store::indicators::Indicator;
use crate::store::observations::Observation;
use crate::store::provinces::Registry;

/// A printed rank and what it is out of, by province.
pub type Printed = HashMap<String, (f64, Option<i32>)>;

/// Standard competition ranks ("1, 2, 2, 4") for `values`, best first by `direction`; the
/// result is in the input's order.
pub fn competition_ranks(values: &[f64], direction: Direction) -> Vec<usize> {
    let better = |a: f64, b: f64| match direction {
        Direction::Higher => a > b,
        Direction::Lower => a < b,
    };
    values
        .iter()
        .map(|v| 1 + values.iter().filter(|other| better(**other, *v)).count())
        .collect()
}

/// Where the headline rank comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RankBasis {
    /// chiso's own rank, computed when every unit of the set has a value.
    Computed,
    /// The rank the source printed ("10/63"), used while chiso's own is partial.
    Reported,
}

/// One unit's place, told honestly: chiso's computed rank only counts as "the" rank when every
/// unit of the set (the 63 or the 34) has a value; otherwise the printed rank is the headline,
/// and with neither there is no headline rank.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    pub rank: Option<i64>,
    pub rank_of: Option<i64>,
    pub basis: Option<RankBasis>,
    /// chiso's rank among the units that have a value...
    pub computed_rank: usize,
    /// ...and how many those are.
    pub computed_rank_of: usize,
}

/// `computed_rank` among `with_value` units of a set of `units`; `reported` is the printed
/// rank and its denominator, if the source printed one.
pub fn standing(
    computed_rank: usize,
    with_value: usize,
    units: usize,
    reported: Option<(f64, Option<i32>)>,
) -> Standing {
    let (rank, rank_of, basis) = if units > 0 && with_value >= units {
        (
            Some(computed_rank as i64),
            Some(units as i64),
            Some(RankBasis::Computed),
        )
    } else if let Some((printed, of)) = reported {
        (
            Some(printed.round() as i64),
            of.map(i64::from),
            Some(RankBasis::Reported),
        )
    } else {
        (None, None, None)
    };
    Standing {
        rank,
        rank_of,
        basis,
        computed_rank,
        computed_rank_of: with_value,
    }
}

/// The indicator that carries the printed rank of `indicator`: itself for a rank, `x_rank` for
/// `x_score` (PCI, PAR Index).
pub fn rank_companion(indicator: &Indicator) -> Option<String> {
    if indicator.unit == "rank" {
        Some(indicator.code.clone())
    } else {
        indicator
            .code
            .strip_suffix("_score")
            .map(|stem| format!("{stem}_rank"))
    }
}

/// The units a ranking is among: with `as_of`, those in force then; otherwise those in force at
/// the end of the period, unless the period's figures belong to the units formed on 1 July
/// 2025 (DTI 2024 was published for the 34), in which case those.
pub fn unit_set(
    registry: &Registry,
    as_of: Option<NaiveDate>,
    period_end: NaiveDate,
    with_value: &[&str],
) -> (NaiveDate, HashSet<String>) {
    let units_on = |date: NaiveDate| -> HashSet<String> {
        registry.in_force_on(date).map(|p| p.id.clone()).collect()
    };
    if let Some(date) = as_of {
        return (date, units_on(date));
    }
    let at_end = units_on(period_end);
    let merger = vocab::merger_date();
    if period_end < merger {
        let after = units_on(merger);
        let count =
            |set: &HashSet<String>| with_value.iter().filter(|id| set.contains(**id)).count();
        if count(&after) > count(&at_end) {
            return (merger, after);
        }
    }
    (period_end, at_end)
}

/// Standings of `rows` (one indicator, one period, units of one set of `units`), in their order.
pub fn standings(
    rows: &[&Observation],
    direction: Direction,
    units: usize,
    reported: &Printed,
) -> Vec<Standing> {
    let values: Vec<f64> = rows.iter().map(|o| o.value).collect();
    competition_ranks(&values, direction)
        .into_iter()
        .zip(rows)
        .map(|(rank, o)| {
            standing(
                rank,
                rows.len(),
                units,
                reported.get(&o.province_id).copied(),
            )
        })
        .collect()
}

/// A ranking worked out: the day its units are in force on, how many they are, and the rows
/// of those units with their places, best first (ties by province id).
pub struct Ranked<'a> {
    pub on: NaiveDate,
    pub units: usize,
    pub places: Vec<(&'a Observation, Standing)>,
}

/// Ranks `rows` (one indicator, one period ending `period_end`) among the units of
/// [`unit_set`], with the ranks the source printed (`printed`) where chiso's own is partial.
pub fn rank_among<'a>(
    registry: &Registry,
    rows: impl IntoIterator<Item = &'a Observation>,
    (as_of, period_end): (Option<NaiveDate>, NaiveDate),
    direction: Direction,
    printed: &Printed,
) -> Ranked<'a> {
    let rows: Vec<&Observation> = rows.into_iter().collect();
    let ids: Vec<&str> = rows.iter().map(|o| o.province_id.as_str()).collect();
    let (on, set) = unit_set(registry, as_of, period_end, &ids);
    let rows: Vec<&Observation> = rows
        .into_iter()
        .filter(|o| set.contains(&o.province_id))
        .collect();
    let places = standings(&rows, direction, set.len(), printed);
    let mut places: Vec<(&Observation, Standing)> = rows.into_iter().zip(places).collect();
    places.sort_by(|(a, pa), (b, pb)| {
        pa.computed_rank
            .cmp(&pb.computed_rank)
            .then_with(|| a.province_id.cmp(&b.province_id))
    });
    Ranked {
        on,
        units: set.len(),
        places,
    }
}

impl Ranked<'_> {
    /// Why the ranking is partial or empty, in words; `None` when every unit has a value.
    pub fn note(&self, indicator: &str, period: &str) -> Option<String> {
        let (units, with_value) = (self.units, self.places.len());
        if with_value == 0 {
            Some(format!(
                "none of the {units} units in force on {} has a value of {indicator} for {period}",
                self.on
            ))
        } else if with_value < units {
            Some(format!(
                "{with_value} of the {units} units have a value: `computed_rank` is among those {with_value} only, so `rank` is the rank the source printed where it printed one"
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_ranking_never_headlines_its_computed_rank() {
        // Bắc Giang alone has a 2022 DTI value; the article printed 10/63.
        let partial = standing(1, 1, 63, Some((10.0, Some(63))));
        assert_eq!(
            (partial.rank, partial.rank_of, partial.basis),
            (Some(10), Some(63), Some(RankBasis::Reported))
        );
        assert_eq!((partial.computed_rank, partial.computed_rank_of), (1, 1));
        let unknown = standing(2, 3, 63, None);
        assert_eq!((unknown.rank, unknown.basis), (None, None));
        let complete = standing(7, 34, 34, Some((8.0, Some(34))));
        assert_eq!(
            (complete.rank, complete.rank_of, complete.basis),
            (Some(7), Some(34), Some(RankBasis::Computed))
        );
    }

    #[test]
    fn ties_share_a_rank_and_skip_the_next() {
        assert_eq!(
            competition_ranks(&[10.0, 20.0, 20.0, 5.0], Direction::Higher),
            vec![4 - 1, 1, 1, 4]
        );
        assert_eq!(
            competition_ranks(&[10.0, 38.0, 10.0, 1.0], Direction::Lower),
            vec![2, 4, 2, 1]
        );
    }

    fn unit(
        id: &str,
        valid_from: Option<&str>,
        valid_to: Option<&str>,
    ) -> crate::store::provinces::Province {
        let date = |d: &str| d.parse::<NaiveDate>().expect("a date");
        crate::store::provinces::Province {
            id: id.into(),
            gso_code: "24".into(),
            iso_code: None,
            name_vi: id.into(),
            name_en: id.into(),
            kind: "province".into(),
            region: "red_river_delta".into(),
            valid_from: valid_from.map(date),
            valid_to: valid_to.map(date),
            search_text: String::new(),
        }
    }

    fn value(id: i32, province: &str, value: f64) -> Observation {
        let period: crate::domain::PeriodId = "2024".parse().expect("a period");
        Observation {
            id,
            province_id: province.into(),
            indicator_code: "dti_score".into(),
            period_id: period.to_string(),
            period_start: period.start_date(),
            period_end: period.end_date(),
            value,
            value_text: None,
            unit: "points".into(),
            status: "final".into(),
            qualifier: None,
            rank_of: None,
            denominator: None,
            source_id: None,
            quote: None,
        }
    }

    /// Two units merged into one on 1 July 2025, and one that went on unchanged.
    fn registry() -> Registry {
        Registry::from_rows(
            vec![
                unit("bac-giang", None, Some("2025-06-30")),
                unit("bac-ninh", None, Some("2025-06-30")),
                unit("bac-ninh-2025", Some("2025-07-01"), None),
                unit("ha-noi", None, None),
            ],
            Vec::new(),
        )
    }

    #[test]
    fn a_ranking_is_among_the_map_its_figures_belong_to() {
        let registry = registry();
        let end = "2024-12-31".parse().expect("a date");
        // 2024 figures of the old units rank among the 2008 map...
        let (on, set) = unit_set(&registry, None, end, &["bac-giang", "ha-noi"]);
        assert_eq!((on, set.len()), (end, 3));
        // ...but DTI 2024 was published for the 34 units: those figures rank among the new map.
        let (on, set) = unit_set(&registry, None, end, &["bac-ninh-2025", "ha-noi"]);
        assert_eq!((on, set.len()), (vocab::merger_date(), 2));
    }

    #[test]
    fn a_partial_ranking_orders_what_it_has_and_says_why() {
        let registry = registry();
        let rows = [value(1, "ha-noi", 0.5), value(2, "bac-giang", 0.7)];
        let printed = Printed::from([("ha-noi".to_owned(), (1.0, Some(63)))]);
        let end = "2024-12-31".parse().expect("a date");
        let ranked = rank_among(&registry, &rows, (None, end), Direction::Higher, &printed);
        let order: Vec<_> = ranked
            .places
            .iter()
            .map(|(o, place)| (o.province_id.as_str(), place.computed_rank, place.rank))
            .collect();
        // Two of three units have a value: the headline rank is the printed one, or none.
        assert_eq!(order, vec![("bac-giang", 1, None), ("ha-noi", 2, Some(1))]);
        let note = ranked
            .note("dti_score", "2024")
            .expect("a partial ranking says so");
        assert!(note.starts_with("2 of the 3 units have a value"), "{note}");
    }

    #[test]
    fn a_score_is_ranked_by_its_rank_companion() {
        let indicator = |code: &str, unit: &str| Indicator {
            code: code.into(),
            unit: unit.into(),
            ..Default::default()
        };
        assert_eq!(
            rank_companion(&indicator("pci_score", "points")).as_deref(),
            Some("pci_rank")
        );
        assert_eq!(
            rank_companion(&indicator("dti_rank", "rank")).as_deref(),
            Some("dti_rank")
        );
        assert_eq!(rank_companion(&indicator("bts_stations", "stations")), None);
    }
}
