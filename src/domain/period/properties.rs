//! Properties over generated ids: parsing never panics, what it accepts prints canonically and
//! reads back, and every period's dates lie in order inside its year.

use chrono::Duration;
use proptest::prelude::*;

use super::*;

/// Any canonical period chiso accepts.
fn period() -> impl Strategy<Value = PeriodId> {
    (YEARS, 0usize..27).prop_map(|(year, i)| PeriodId::all_in_year(year)[i])
}

/// Text near the id grammar, in and out of it.
fn id_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \t]?[0-9+-]{0,6}(-([HhQqMm]?[0-9+-]{0,3}[HhQqMm]?))?[ \t\n]?",
        "[0-9]{4}-[HQ][0-9]{1,3}",
        "[0-9]{4}-[0-9]{1,3}[Mm]?",
        "[0-9]{4}-(H|Q|M|ḿ|Ｈ|é)[0-9]?[^0-9]?",
    ]
}

fn months(p: &PeriodId) -> u32 {
    let (first, last) = p.months();
    last - first + 1
}

proptest! {
    #![proptest_config(crate::test_support::proptest_config(512))]

    #[test]
    fn parsing_never_panics_and_accepts_only_canonical_round_trips(input in id_like()) {
        if let Ok(p) = input.parse::<PeriodId>() {
            let printed = p.to_string();
            prop_assert_eq!(printed.parse::<PeriodId>(), Ok(p), "{:?} printed {}", input, printed);
            prop_assert!(YEARS.contains(&p.year_number()));
            prop_assert!(PeriodId::all_in_year(p.year_number()).contains(&p), "{} is not canonical", p);
        }
    }

    #[test]
    fn display_then_parse_is_identity(p in period(), lower in any::<bool>(), pad in "[ \t]{0,2}") {
        let printed = p.to_string();
        let spelled = if lower { printed.to_lowercase() } else { printed.clone() };
        prop_assert_eq!(format!("{pad}{spelled}{pad}").parse::<PeriodId>(), Ok(p));
        // The printed form is the canonical one: printing what it parses to changes nothing.
        prop_assert_eq!(printed.parse::<PeriodId>().unwrap().to_string(), printed);
    }

    #[test]
    fn every_spelling_of_first_n_months_means_those_months(year in YEARS, n in 1u32..=12, zero in any::<bool>()) {
        let spelled = if zero { format!("{year}-{n:02}M") } else { format!("{year}-{n}M") };
        let p: PeriodId = spelled.parse()?;
        prop_assert_eq!(p.start_date(), NaiveDate::from_ymd_opt(year, 1, 1).unwrap());
        prop_assert_eq!(p.end_date().month(), n);
        prop_assert_eq!(months(&p), n);
    }

    #[test]
    fn dates_lie_in_order_inside_the_year(p in period()) {
        let (start, end) = (p.start_date(), p.end_date());
        prop_assert!(start <= end, "{}", p);
        prop_assert_eq!(start.year(), p.year_number());
        prop_assert_eq!(end.year(), p.year_number());
        prop_assert_eq!(start.day(), 1);
        prop_assert_eq!((end + Duration::days(1)).day(), 1, "{} ends on a month's last day", p);
        let expected_months = match p.kind() {
            PeriodKind::Year => 12..=12,
            PeriodKind::Half => 6..=6,
            PeriodKind::Quarter => 3..=3,
            PeriodKind::Month => 1..=1,
            PeriodKind::YearToDate => 2..=11,
        };
        prop_assert!(expected_months.contains(&months(&p)), "{}", p);
        if p.kind() == PeriodKind::YearToDate {
            prop_assert_eq!(start.month(), 1);
        }
        prop_assert_eq!(PeriodKind::parse(p.kind().as_str()), Some(p.kind()));
    }

    #[test]
    fn a_period_spans_exactly_itself_and_lies_inside_its_year(p in period()) {
        let spanned = PeriodId::spanning(p.kind(), p.start_date(), p.end_date());
        if p.kind() == PeriodKind::YearToDate {
            // "First N months" nest: the span of 2023-5M also holds 2023-2M and 2023-4M.
            prop_assert_eq!(spanned.last(), Some(&p));
            prop_assert!(spanned.iter().all(|s| s.start_date() == p.start_date()));
        } else {
            prop_assert_eq!(spanned, vec![p]);
        }
        let year = PeriodId::year(p.year_number());
        prop_assert!(year.start_date() <= p.start_date() && p.end_date() <= year.end_date());
    }

    #[test]
    fn a_date_falls_in_its_month(day in 0i64..(111 * 365)) {
        let date = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Duration::days(day);
        let month = PeriodId::from(date);
        prop_assert!(month.start_date() <= date && date <= month.end_date());
        prop_assert_eq!(month.to_string().parse::<PeriodId>(), Ok(month));
    }
}
