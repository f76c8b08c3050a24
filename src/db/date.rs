//! Dates as read from a `DATE` column, decoded without chrono's format parser on SQLite.

use chrono::NaiveDate;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::Date;
use diesel::sqlite::Sqlite;

use super::MultiBackend;

/// A `DATE` read into a [`NaiveDate`], for `#[diesel(deserialize_as = StoredDate)]` on a model's
/// date fields. SQLite stores dates as `YYYY-MM-DD` text, and Diesel's own decoding runs chrono's
/// strftime parser on each: 4% of a cold series read (two dates a row). Anything other than
/// that exact shape still goes through chrono, so no value reads differently.
#[derive(diesel::deserialize::FromSqlRow)]
pub struct StoredDate(NaiveDate);

impl From<StoredDate> for NaiveDate {
    fn from(date: StoredDate) -> Self {
        date.0
    }
}

/// `YYYY-MM-DD`, digits only, or `None`.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

impl FromSql<Date, Sqlite> for StoredDate {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        match iso_date(value.read_text()) {
            Some(date) => Ok(StoredDate(date)),
            None => <NaiveDate as FromSql<Date, Sqlite>>::from_sql(value).map(StoredDate),
        }
    }
}

impl FromSql<Date, Pg> for StoredDate {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, Pg>>::from_sql(value).map(StoredDate)
    }
}

impl FromSql<Date, MultiBackend> for StoredDate {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Date>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iso_dates_and_nothing_else() {
        assert_eq!(iso_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(iso_date("0001-01-01"), NaiveDate::from_ymd_opt(1, 1, 1));
        for odd in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "2024/01/01",
            "+2024-01-0",
            "",
        ] {
            assert_eq!(iso_date(odd), None, "{odd}");
        }
    }
}
