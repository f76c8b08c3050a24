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

/// A series transform (FRED's "units").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    Level,
    /// Difference from the previous period of the same kind.
    Change,
    /// Percent change from the previous period of the same kind.
    PctChange,
    /// The base period = 100.
    Index,
}

impl Transform {
    pub const NAMES: &'static [&'static str] = &["level", "change", "pct_change", "index"];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "level" => Self::Level,
            "change" => Self::Change,
            "pct_change" => Self::PctChange,
            "index" => Self::Index,
            _ => return None,
        })
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

/// Whether a target was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttainmentStatus {
    Met,
    NotMet,
    /// No actual figure yet.
    Pending,
}

impl AttainmentStatus {
    pub const NAMES: &'static [&'static str] = &["met", "not_met", "pending"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::NotMet => "not_met",
            Self::Pending => "pending",
        }
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
