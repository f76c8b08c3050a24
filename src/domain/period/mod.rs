//! Reporting period identifiers: `2023`, `2022-H1`, `2023-Q3`, `2023-07` and `2023-11M`
//! ("the first 11 months", the cumulative figure Vietnamese reports give in December).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// The kinds of reporting period chiso knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Year,
    Half,
    Quarter,
    Month,
    /// The first N months of a year, cumulative.
    YearToDate,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 5] = [
        Self::Year,
        Self::Half,
        Self::Quarter,
        Self::Month,
        Self::YearToDate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Half => "half",
            Self::Quarter => "quarter",
            Self::Month => "month",
            Self::YearToDate => "year_to_date",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Part {
    Year,
    Half(u32),
    Quarter(u32),
    Month(u32),
    FirstMonths(u32),
}

/// A valid, canonical period. Parsing canonicalises equivalent spellings: `2023-6M` is
/// `2023-H1`, `2023-3M` is `2023-Q1`, `2023-12M` is `2023`, `2023-1M` is `2023-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeriodId {
    year: i32,
    part: Part,
}

/// Years chiso accepts; the periods table holds [`PeriodId::TABLE_YEARS`].
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a period: use YYYY, YYYY-H1..H2, YYYY-Q1..Q4, YYYY-MM or YYYY-NM (first N months), years {min}..{max}", min = YEARS.start(), max = YEARS.end())]
pub struct PeriodParseError {
    pub input: String,
}

impl PeriodId {
    /// The years whose periods are generated into the `periods` table.
    pub const TABLE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2035;

    pub fn year(year: i32) -> Self {
        Self {
            year,
            part: Part::Year,
        }
    }

    pub fn year_number(&self) -> i32 {
        self.year
    }

    pub fn kind(&self) -> PeriodKind {
        match self.part {
            Part::Year => PeriodKind::Year,
            Part::Half(_) => PeriodKind::Half,
            Part::Quarter(_) => PeriodKind::Quarter,
            Part::Month(_) => PeriodKind::Month,
            Part::FirstMonths(_) => PeriodKind::YearToDate,
        }
    }

    /// First and last month (1-based, inclusive) the period covers.
    fn months(&self) -> (u32, u32) {
        match self.part {
            Part::Year => (1, 12),
            Part::Half(h) => (6 * h - 5, 6 * h),
            Part::Quarter(q) => (3 * q - 2, 3 * q),
            Part::Month(m) => (m, m),
            Part::FirstMonths(n) => (1, n),
        }
    }

    pub fn start_date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.months().0, 1).expect("valid by construction")
    }

    pub fn end_date(&self) -> NaiveDate {
        let last = self.months().1;
        let next_month = if last == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, last + 1, 1)
        };
        next_month
            .and_then(|d| d.pred_opt())
            .expect("valid by construction")
    }

    /// Every canonical period of one year, in a stable order.
    pub fn all_in_year(year: i32) -> Vec<PeriodId> {
        let mut parts = vec![Part::Year, Part::Half(1), Part::Half(2)];
        parts.extend((1..=4).map(Part::Quarter));
        parts.extend((1..=12).map(Part::Month));
        parts.extend(
            (2..=11)
                .filter(|n| *n != 3 && *n != 6)
                .map(Part::FirstMonths),
        );
        parts
            .into_iter()
            .map(|part| PeriodId { year, part })
            .collect()
    }

    /// The periods of `kind` lying within `[from, to]`, in order.
    pub fn spanning(kind: PeriodKind, from: NaiveDate, to: NaiveDate) -> Vec<PeriodId> {
        (from.year()..=to.year())
            .flat_map(PeriodId::all_in_year)
            .filter(|p| p.kind() == kind && p.start_date() >= from && p.end_date() <= to)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    fn canonical(year: i32, part: Part) -> Self {
        let part = match part {
            Part::FirstMonths(1) => Part::Month(1),
            Part::FirstMonths(3) => Part::Quarter(1),
            Part::FirstMonths(6) => Part::Half(1),
            Part::FirstMonths(12) => Part::Year,
            other => other,
        };
        PeriodId { year, part }
    }
}

impl FromStr for PeriodId {
    type Err = PeriodParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError {
            input: input.to_owned(),
        };
        let s = input.trim().to_ascii_uppercase();
        let (year_str, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s.as_str(), None),
        };
        if year_str.len() != 4 || !year_str.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let year: i32 = year_str.parse().map_err(|_| err())?;
        if !YEARS.contains(&year) {
            return Err(err());
        }
        let number = |digits: &str,
                      range: std::ops::RangeInclusive<u32>|
         -> Result<u32, PeriodParseError> {
            if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(err());
            }
            let n: u32 = digits.parse().map_err(|_| err())?;
            if range.contains(&n) {
                Ok(n)
            } else {
                Err(err())
            }
        };
        let part = match rest {
            None => Part::Year,
            Some(r) if r.starts_with('H') => Part::Half(number(&r[1..], 1..=2)?),
            Some(r) if r.starts_with('Q') => Part::Quarter(number(&r[1..], 1..=4)?),
            Some(r) if r.ends_with('M') => Part::FirstMonths(number(&r[..r.len() - 1], 1..=12)?),
            Some(r) if r.len() == 2 => Part::Month(number(r, 1..=12)?),
            Some(_) => return Err(err()),
        };
        Ok(Self::canonical(year, part))
    }
}

impl fmt::Display for PeriodId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.part {
            Part::Year => write!(f, "{}", self.year),
            Part::Half(h) => write!(f, "{}-H{h}", self.year),
            Part::Quarter(q) => write!(f, "{}-Q{q}", self.year),
            Part::Month(m) => write!(f, "{}-{m:02}", self.year),
            Part::FirstMonths(n) => write!(f, "{}-{n}M", self.year),
        }
    }
}

impl From<NaiveDate> for PeriodId {
    /// The month containing the date.
    fn from(date: NaiveDate) -> Self {
        PeriodId {
            year: date.year(),
            part: Part::Month(date.month()),
        }
    }
}

#[cfg(test)]
mod tests {
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
        let years: Vec<String> =
            PeriodId::spanning(PeriodKind::Year, d(2019, 1, 1), d(2021, 12, 31))
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
            "", "23", "2023-", "2023-H3", "2023-Q0", "2023-13", "2023-7", "2023-13M", "abcd",
            "1800", "2023-H1x", "2023-0M",
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
}

/// Properties over generated ids: parsing never panics, what it accepts prints canonically and
/// reads back, and every period's dates lie in order inside its year.
#[cfg(test)]
mod properties {
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
        #![proptest_config(ProptestConfig {
            cases: 512,
            // Shrunk failures become unit tests; no regressions folder in the tree.
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

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
}
