//! Whether a target was met, under its comparator.

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
