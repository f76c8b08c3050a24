//! Chart axes with round ticks.

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
}
