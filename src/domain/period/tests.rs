//! Worked examples: each kind parsed and printed, equivalent spellings canonicalised, date
//! ranges, spans of one kind, malformed ids refused, and a year's canonical periods.

use super::*;

fn p(s: &str) -> PeriodId {
    s.parse().unwrap()
}

#[test]
fn parses_and_prints_every_kind() {
    for id in [
        "2023", "2022-H1", "2022-H2", "2023-Q3", "2023-07", "2023-11M",
    ] {
        assert_eq!(p(id).to_string(), id);
    }
    assert_eq!(p("2023").kind(), PeriodKind::Year);
    assert_eq!(p("2023-11M").kind(), PeriodKind::YearToDate);
}

#[test]
fn canonicalises_equivalent_spellings() {
    assert_eq!(p("2023-6M").to_string(), "2023-H1");
    assert_eq!(p("2023-3m").to_string(), "2023-Q1");
    assert_eq!(p("2023-12M").to_string(), "2023");
    assert_eq!(p("2023-1M").to_string(), "2023-01");
    assert_eq!(p(" 2023-q2 ").to_string(), "2023-Q2");
}

#[test]
fn computes_date_ranges() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        (p("2024").start_date(), p("2024").end_date()),
        (d(2024, 1, 1), d(2024, 12, 31))
    );
    assert_eq!(p("2022-H1").end_date(), d(2022, 6, 30));
    assert_eq!(p("2023-Q3").start_date(), d(2023, 7, 1));
    assert_eq!(p("2024-02").end_date(), d(2024, 2, 29));
    assert_eq!(p("2023-11M").end_date(), d(2023, 11, 30));
}

#[test]
fn spans_periods_of_one_kind() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let years: Vec<String> = PeriodId::spanning(PeriodKind::Year, d(2019, 1, 1), d(2021, 12, 31))
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(years, ["2019", "2020", "2021"]);
    let halves = PeriodId::spanning(PeriodKind::Half, d(2022, 1, 1), d(2023, 6, 30));
    assert_eq!(
        halves.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        ["2022-H1", "2022-H2", "2023-H1"]
    );
}

#[test]
fn rejects_malformed_ids() {
    for bad in [
        "", "23", "2023-", "2023-H3", "2023-Q0", "2023-13", "2023-7", "2023-13M", "abcd", "1800",
        "2023-H1x", "2023-0M",
    ] {
        assert!(bad.parse::<PeriodId>().is_err(), "{bad} should be rejected");
    }
}

#[test]
fn generates_each_canonical_period_of_a_year_once() {
    let all = PeriodId::all_in_year(2023);
    assert_eq!(all.len(), 27);
    for id in &all {
        assert_eq!(p(&id.to_string()), *id);
    }
}
