//! Ready-made citations of a figure, in Vietnamese and English: what, where, when, the figure
//! as printed and how certain it is, the article it came from, and the permalink that answers
//! the same data for good.

use chrono::{Datelike, NaiveDate};

use super::vocab::unit_label;
use super::PeriodId;

/// The article a figure came from.
#[derive(Debug, Clone, Default)]
pub struct SourceRef {
    pub title: String,
    pub publisher: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub url: Option<String>,
}

/// chiso's part of a citation: the data version and the permalink.
#[derive(Debug, Clone)]
pub struct Retrieval {
    pub version: i32,
    pub permalink: String,
}

/// What is cited.
#[derive(Debug, Clone)]
pub enum Figure {
    Observation {
        value: f64,
        value_text: Option<String>,
        unit: String,
        status: String,
        qualifier: Option<String>,
        /// A rank's field size, or a count's denominator (10/63, 19/29).
        out_of: Option<i32>,
    },
    Target {
        comparator: String,
        value: f64,
        value_text: Option<String>,
        unit: String,
    },
    Award {
        award_name_vi: String,
        award_type: String,
        recipient: Option<String>,
        conferred_by: Option<String>,
        awarded_on: Option<NaiveDate>,
    },
}

/// Everything a citation says, in one language's words already where they are names.
#[derive(Debug, Clone)]
pub struct Cited {
    /// The unit's name as it was in the period (`Thanh Hóa`).
    pub place: String,
    /// The indicator's name (none for an award).
    pub what: Option<String>,
    pub period: Option<PeriodId>,
    pub figure: Figure,
    pub source: Option<SourceRef>,
    pub retrieval: Retrieval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Vi,
    En,
}

impl Cited {
    pub fn text(&self, lang: Language) -> String {
        let mut text = match lang {
            Language::Vi => self.body_vi(),
            Language::En => self.body_en(),
        };
        if let Some(source) = &self.source {
            text.push(' ');
            text.push_str(&source_text(source, lang));
        }
        let Retrieval { version, permalink } = &self.retrieval;
        text.push(' ');
        text.push_str(&match lang {
            Language::Vi => {
                format!("Truy xuất qua chiso, phiên bản dữ liệu {version}: {permalink}")
            }
            Language::En => format!("Retrieved via chiso, data version {version}: {permalink}"),
        });
        text
    }

    fn body_vi(&self) -> String {
        let place = &self.place;
        let when = self.period.map(|p| period_vi(&p));
        let what = self.what.as_deref().unwrap_or_default();
        match &self.figure {
            Figure::Observation {
                value,
                value_text,
                unit,
                status,
                qualifier,
                out_of,
            } => {
                let amount = amount(*value, value_text.as_deref(), unit, Language::Vi);
                let amount = out_of_total(amount, *out_of);
                let qualifier = qualifier
                    .as_deref()
                    .map_or(String::new(), |q| format!("{} ", qualifier_words(q).1));
                let status = status_words(status).1;
                format!(
                    "{place}: {what} {qualifier}{amount} ({status}), {}.",
                    when.unwrap_or_default()
                )
            }
            Figure::Target {
                comparator,
                value,
                value_text,
                unit,
            } => {
                let amount = amount(*value, value_text.as_deref(), unit, Language::Vi);
                let comparator = comparator_words(comparator).1;
                let what = lowercase_first(what);
                format!(
                    "{place}: chỉ tiêu {what} {comparator} {amount}, {}.",
                    when.unwrap_or_default()
                )
            }
            Figure::Award {
                award_name_vi,
                recipient,
                conferred_by,
                awarded_on,
                ..
            } => {
                let mut text = format!("{place}: {award_name_vi}");
                if let Some(by) = conferred_by {
                    text.push_str(&format!(" của {by}"));
                }
                if let Some(recipient) = recipient {
                    text.push_str(&format!(" trao cho {recipient}"));
                }
                match (awarded_on, when) {
                    (Some(date), _) => {
                        text.push_str(&format!(", ngày {}", date.format("%d/%m/%Y")))
                    }
                    (None, Some(when)) => text.push_str(&format!(", {when}")),
                    (None, None) => {}
                }
                text.push('.');
                text
            }
        }
    }

    fn body_en(&self) -> String {
        let place = &self.place;
        let when = self.period.map(|p| period_en(&p));
        let what = self.what.as_deref().unwrap_or_default();
        match &self.figure {
            Figure::Observation {
                value,
                value_text,
                unit,
                status,
                qualifier,
                out_of,
            } => {
                let amount = out_of_total(amount(*value, None, unit, Language::En), *out_of);
                let qualifier = qualifier
                    .as_deref()
                    .map_or(String::new(), |q| format!("{} ", qualifier_words(q).0));
                let status = status_words(status).0;
                let printed = value_text.as_deref().map_or(String::new(), |t| {
                    format!("; printed as \u{201c}{t}\u{201d}")
                });
                format!(
                    "{place}: {what}, {qualifier}{amount} ({status}{printed}), {}.",
                    when.unwrap_or_default()
                )
            }
            Figure::Target {
                comparator,
                value,
                unit,
                ..
            } => {
                let amount = amount(*value, None, unit, Language::En);
                let comparator = comparator_words(comparator).0;
                format!(
                    "{place}: target for {what} of {comparator} {amount}, {}.",
                    when.unwrap_or_default()
                )
            }
            Figure::Award {
                award_name_vi,
                award_type,
                recipient,
                conferred_by,
                awarded_on,
            } => {
                let mut text = format!(
                    "{place}: {} (\u{201c}{award_name_vi}\u{201d})",
                    award_words(award_type)
                );
                if let Some(by) = conferred_by {
                    text.push_str(&format!(" from {by}"));
                }
                if let Some(recipient) = recipient {
                    text.push_str(&format!(" to {recipient}"));
                }
                match (awarded_on, when) {
                    (Some(date), _) => text.push_str(&format!(", {}", date_en(*date))),
                    (None, Some(when)) => text.push_str(&format!(", {when}")),
                    (None, None) => {}
                }
                text.push('.');
                text
            }
        }
    }
}

/// `10` of 63 as `10/63`, unless printed so already.
fn out_of_total(amount: String, out_of: Option<i32>) -> String {
    match out_of {
        Some(total) if !amount.contains('/') => format!("{amount}/{total}"),
        _ => amount,
    }
}

/// A name in the middle of a Vietnamese sentence: `Thuê bao điện thoại` as `thuê bao điện
/// thoại`, leaving acronyms (`DTI`, `PCI`) as they are.
fn lowercase_first(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(name[first.len_utf8()..].chars())
            .collect(),
        _ => name.to_owned(),
    }
}

fn source_text(source: &SourceRef, lang: Language) -> String {
    let mut parts = vec![format!("\u{201c}{}\u{201d}", source.title)];
    parts.extend(source.publisher.clone());
    parts.extend(source.published_on.map(|d| match lang {
        Language::Vi => format!("ngày {}", d.format("%d/%m/%Y")),
        Language::En => date_en(d),
    }));
    parts.extend(source.url.clone());
    let label = match lang {
        Language::Vi => "Nguồn",
        Language::En => "Source",
    };
    format!("{label}: {}.", parts.join(", "))
}

/// The figure with its unit: as printed when there is printed text (Vietnamese), else the value
/// in the language's number format.
fn amount(value: f64, printed: Option<&str>, unit: &str, lang: Language) -> String {
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

fn status_words(status: &str) -> (&str, &str) {
    match status {
        "estimated" => ("estimated", "ước đạt"),
        "provisional" => ("provisional", "số sơ bộ"),
        "final" => ("final", "số chính thức"),
        other => (other, other),
    }
}

fn qualifier_words(qualifier: &str) -> (&str, &str) {
    match qualifier {
        "over" => ("over", "trên"),
        "about" => ("about", "khoảng"),
        "nearly" => ("nearly", "gần"),
        other => (other, other),
    }
}

fn comparator_words(comparator: &str) -> (&str, &str) {
    match comparator {
        "at_least" => ("at least", "đạt ít nhất"),
        "at_most" => ("at most", "không quá"),
        "equal" => ("exactly", "đạt"),
        other => (other, other),
    }
}

fn award_words(award_type: &str) -> &str {
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

fn date_en(date: NaiveDate) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn period(s: &str) -> PeriodId {
        s.parse().unwrap()
    }

    #[test]
    fn names_periods_in_both_languages() {
        for (id, vi, en) in [
            ("2023", "năm 2023", "2023"),
            ("2023-H1", "6 tháng đầu năm 2023", "the first half of 2023"),
            (
                "2023-H2",
                "6 tháng cuối năm 2023",
                "the second half of 2023",
            ),
            ("2023-Q3", "quý 3 năm 2023", "Q3 2023"),
            ("2023-07", "tháng 7 năm 2023", "July 2023"),
            (
                "2023-11M",
                "11 tháng năm 2023",
                "the first 11 months of 2023",
            ),
        ] {
            assert_eq!(period_vi(&period(id)), vi);
            assert_eq!(period_en(&period(id)), en);
        }
    }

    #[test]
    fn formats_numbers_as_each_language_writes_them() {
        assert_eq!(format_number(2_980_000.0, Language::Vi), "2.980.000");
        assert_eq!(format_number(2_980_000.0, Language::En), "2,980,000");
        assert_eq!(format_number(106.33, Language::Vi), "106,33");
        assert_eq!(format_number(-5.0, Language::En), "-5");
        assert_eq!(format_number(999.0, Language::En), "999");
    }

    #[test]
    fn cites_an_estimate_with_its_printed_figure_and_permalink() {
        let cited = Cited {
            place: "Thanh Hóa".into(),
            what: Some("Thuê bao di động".into()),
            period: Some(period("2023")),
            figure: Figure::Observation {
                value: 2_980_000.0,
                value_text: Some("2,98 triệu".into()),
                unit: "subscribers".into(),
                status: "estimated".into(),
                qualifier: None,
                out_of: None,
            },
            source: Some(SourceRef {
                title: "Triển khai nhiệm vụ".into(),
                published_on: NaiveDate::from_ymd_opt(2024, 1, 2),
                ..SourceRef::default()
            }),
            retrieval: Retrieval {
                version: 7,
                permalink: "http://x/api/v1/observations/3?as_of_version=7".into(),
            },
        };
        assert_eq!(
            cited.text(Language::Vi),
            "Thanh Hóa: Thuê bao di động 2,98 triệu thuê bao (ước đạt), năm 2023. \
             Nguồn: \u{201c}Triển khai nhiệm vụ\u{201d}, ngày 02/01/2024. \
             Truy xuất qua chiso, phiên bản dữ liệu 7: http://x/api/v1/observations/3?as_of_version=7"
        );
        let mut english = cited.clone();
        english.place = "Thanh Hoa".into();
        english.what = Some("Mobile subscribers".into());
        assert_eq!(
            english.text(Language::En),
            "Thanh Hoa: Mobile subscribers, 2,980,000 subscribers (estimated; printed as \
             \u{201c}2,98 triệu\u{201d}), 2023. Source: \u{201c}Triển khai nhiệm vụ\u{201d}, \
             2 January 2024. Retrieved via chiso, data version 7: \
             http://x/api/v1/observations/3?as_of_version=7"
        );
    }
}
