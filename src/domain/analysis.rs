//! The arithmetic behind rankings, series transforms and target attainment, kept free of HTTP
//! and storage so it can be tested on its own.

/// Which way an indicator is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    pub fn parse(s: &str) -> Self {
        if s == "lower" {
            Direction::Lower
        } else {
            Direction::Higher
        }
    }
}

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

/// A value axis with round ticks: (lowest, highest, number of intervals), each interval 1, 2,
/// 2.5 or 5 times a power of ten, about `intervals` of them. Starts at 0 for positive data.
pub fn nice_axis(min: f64, max: f64, intervals: usize) -> (f64, f64, usize) {
    let (mut lo, mut hi) = (min.min(0.0), max.max(0.0));
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        (lo, hi) = (0.0, 1.0);
    }
    let raw = (hi - lo) / intervals.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude);
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    (lo, hi, ((hi - lo) / step).round() as usize)
}

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

crate::domain::vocab::vocabulary! {
    /// Whether a target was met.
    pub enum AttainmentStatus {
        Met = "met",
        NotMet = "not_met",
        /// No actual figure yet.
        Pending = "pending",
    }
}

/// Compares an actual with a target under its comparator. The ratio is actual / target.
pub fn attainment(
    comparator: &str,
    target: f64,
    actual: Option<f64>,
) -> (AttainmentStatus, Option<f64>) {
    let Some(actual) = actual else {
        return (AttainmentStatus::Pending, None);
    };
    let met = match comparator {
        "at_least" => actual >= target,
        "at_most" => actual <= target,
        _ => (actual - target).abs() <= f64::EPSILON * target.abs().max(1.0),
    };
    let ratio = if target != 0.0 {
        Some(actual / target)
    } else {
        None
    };
    (
        if met {
            AttainmentStatus::Met
        } else {
            AttainmentStatus::NotMet
        },
        ratio,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_tick_at_round_numbers() {
        assert_eq!(nice_axis(980_000.0, 2_980_000.0, 5), (0.0, 3_000_000.0, 3));
        assert_eq!(nice_axis(-3.2, 12.5, 5), (-5.0, 15.0, 4));
        assert_eq!(nice_axis(0.0, 0.0, 5), (0.0, 1.0, 5));
        assert_eq!(nice_axis(1.0, 63.0, 5), (0.0, 80.0, 4));
    }

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

    #[test]
    fn attainment_honours_the_comparator() {
        assert_eq!(
            attainment("at_least", 3.0e6, Some(3.1e6)).0,
            AttainmentStatus::Met
        );
        assert_eq!(
            attainment("at_least", 3.0e6, Some(2.9e6)).0,
            AttainmentStatus::NotMet
        );
        assert_eq!(
            attainment("at_most", 10.0, Some(8.0)).0,
            AttainmentStatus::Met
        );
        assert_eq!(
            attainment("at_most", 10.0, Some(12.0)).0,
            AttainmentStatus::NotMet
        );
        assert_eq!(
            attainment("at_least", 1.0, None),
            (AttainmentStatus::Pending, None)
        );
        assert_eq!(attainment("at_least", 2.0, Some(3.0)).1, Some(1.5));
    }
}
