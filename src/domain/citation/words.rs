//! A citation's pieces in each language's words: amounts with their units, numbers, dates,
//! periods, and the vocabularies' values (statuses, qualifiers, comparators, award types).

use chrono::{Datelike, NaiveDate};

use super::Language;
use crate::domain::vocab::unit_label;
use crate::domain::PeriodId;

/// `10` of 63 as `10/63`, unless printed so already.
pub(super) fn out_of_total(amount: String, out_of: Option<i32>) -> String {
    match out_of {
        Some(total) if !amount.contains('/') => format!("{amount}/{total}"),
        _ => amount,
    }
}

/// The figure with its unit: as printed when there is printed text (Vietnamese), else the value
/// in the language's number format.
pub(super) fn amount(value: f64, printed: Option<&str>, unit: &str, lang: Language) -> String {
    let number = match printed {
        Some(text) => text.to_owned(),
        None => format_number(value, lang),
    };
    let (en, vi) = unit_label(unit);
    let word = match lang {
        Language::Vi => vi,
        Language::En => en,
    };
    // Ranks, groups and bare counts read without a unit word; a printed figure may carry its own.
    let silent = matches!(unit, "rank" | "group" | "count" | "unit");
    if silent || number.ends_with(word) {
        number
    } else if unit == "percent" {
        format!("{number}%")
    } else {
        format!("{number} {word}")
    }
}

/// `2980000` as `2.980.000` (vi) or `2,980,000` (en); decimals kept as given, up to 4 places.
pub fn format_number(value: f64, lang: Language) -> String {
    let (group, decimal) = match lang {
        Language::Vi => ('.', ','),
        Language::En => (',', '.'),
    };
    let fixed = format!("{:.4}", value.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let fraction = fraction.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{decimal}{fraction}")
    }
}

pub(super) fn status_words(status: &str) -> (&str, &str) {
    match status {
        "estimated" => ("estimated", "ước đạt"),
        "provisional" => ("provisional", "số sơ bộ"),
        "final" => ("final", "số chính thức"),
        other => (other, other),
    }
}

pub(super) fn qualifier_words(qualifier: &str) -> (&str, &str) {
    match qualifier {
        "over" => ("over", "trên"),
        "about" => ("about", "khoảng"),
        "nearly" => ("nearly", "gần"),
        other => (other, other),
    }
}

pub(super) fn comparator_words(comparator: &str) -> (&str, &str) {
    match comparator {
        "at_least" => ("at least", "đạt ít nhất"),
        "at_most" => ("at most", "không quá"),
        "equal" => ("exactly", "đạt"),
        other => (other, other),
    }
}

pub(super) fn award_words(award_type: &str) -> &str {
    match award_type {
        "certificate_of_merit" => "Certificate of merit",
        "certificate_of_commendation" => "Certificate of commendation",
        "commendation" => "Commendation",
        _ => "Award",
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) fn date_en(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// `năm 2023`, `6 tháng đầu năm 2023`, `quý 3 năm 2023`, `tháng 7 năm 2023`, `11 tháng năm 2023`.
pub fn period_vi(period: &PeriodId) -> String {
    let (start, end, year) = (period.start_date(), period.end_date(), period.year_number());
    let months = end.month() - start.month() + 1;
    match (start.month(), months) {
        (1, 12) => format!("năm {year}"),
        (1, 6) => format!("6 tháng đầu năm {year}"),
        (7, 6) => format!("6 tháng cuối năm {year}"),
        (m, 3) if m % 3 == 1 => format!("quý {} năm {year}", m / 3 + 1),
        (m, 1) => format!("tháng {m} năm {year}"),
        (1, n) => format!("{n} tháng năm {year}"),
        _ => period.to_string(),
    }
}

/// `2023`, `the first half of 2023`, `Q3 2023`, `July 2023`, `the first 11 months of 2023`.
pub fn period_en(period: &PeriodId) -> String {
    let (start, end, year) = (period.start_date(), period.end_date(), period.year_number());
    let months = end.month() - start.month() + 1;
    match (start.month(), months) {
        (1, 12) => format!("{year}"),
        (1, 6) => format!("the first half of {year}"),
        (7, 6) => format!("the second half of {year}"),
        (m, 3) if m % 3 == 1 => format!("Q{} {year}", m / 3 + 1),
        (m, 1) => format!("{} {year}", MONTHS[m as usize - 1]),
        (1, n) => format!("the first {n} months of {year}"),
        _ => period.to_string(),
    }
}
