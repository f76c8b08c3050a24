//! Reporting period identifiers: `2023`, `2022-H1`, `2023-Q3`, `2023-07` and `2023-11M`
//! ("the first 11 months", the cumulative figure Vietnamese reports give in December).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

crate::domain::vocab::vocabulary! {
    /// The kinds of reporting period chiso knows.
    pub enum PeriodKind {
        Year = "year",
        Half = "half",
        Quarter = "quarter",
        Month = "month",
        /// The first N months of a year, cumulative.
        YearToDate = "year_to_date",
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

impl PeriodId {
    /// What [`PeriodId`]'s parser accepts, as a regular expression, for the OpenAPI document.
    pub const PATTERN: &'static str = r"^(199[0-9]|20[0-9]{2}|2100)(-([Hh]0?[12]|[Qq]0?[1-4]|(0?[1-9]|1[0-2])[Mm]|0[1-9]|1[0-2]))?$";
}

impl utoipa::PartialSchema for PeriodId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A reporting period: `2023`, `2022-H1`, `2023-Q3`, `2023-07`, or `2023-11M` (the first \
                 11 months); equivalent spellings (`2023-6M` for `2023-H1`) are accepted.",
            ))
            .pattern(Some(Self::PATTERN))
            .examples(["2023-11M"])
            .into()
    }
}

impl utoipa::ToSchema for PeriodId {}

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
mod tests;

#[cfg(test)]
mod properties;
