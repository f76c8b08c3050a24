//! Ready-made citations of a figure, in Vietnamese and English: what, where, when, the figure
//! as printed and how certain it is, the article it came from, and the permalink that answers
//! the same data for good.

use chrono::NaiveDate;

use super::PeriodId;
use words::{
    amount, award_words, comparator_words, date_en, out_of_total, qualifier_words, status_words,
};
pub use words::{format_number, period_en, period_vi};

mod words;

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

#[cfg(test)]
mod tests;
