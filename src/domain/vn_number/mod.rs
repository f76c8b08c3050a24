//! Numbers as Vietnamese articles print them: "1,85 triệu" (1 850 000), "4.900 tỷ đồng"
//! (4.9e12 VND), "trên 1.663.000", "10/63", "99.29%". Shared by the dataset and the importer.
//!
//! "," is the decimal mark and "." groups thousands, but some articles write "99.29%": a "."
//! followed by anything other than groups of exactly three digits is read as a decimal mark.

use std::fmt;

use decimal::read_decimal;
pub use words::unit_words;
use words::{Lead, CURRENCY_WORDS, LEADING_WORDS, SCALES};

mod decimal;
mod words;

/// A word before the figure that says how exact it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// "trên", "hơn": more than.
    Over,
    /// "khoảng": about.
    About,
    /// "gần": nearly.
    Nearly,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Over => "over",
            Self::About => "about",
            Self::Nearly => "nearly",
        }
    }
}

/// What a Vietnamese figure says.
#[derive(Debug, Clone, PartialEq)]
pub struct VnNumber {
    pub value: f64,
    pub qualifier: Option<Qualifier>,
    /// "ước", "ước đạt": an estimate.
    pub estimated: bool,
    /// The N of "10/63" or "19/29".
    pub denominator: Option<i64>,
    pub percent: bool,
    /// Ended in "đồng" (VND).
    pub currency: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct VnNumberError {
    pub input: String,
    pub reason: &'static str,
}

impl fmt::Display for VnNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a number chiso can read: {}",
            self.input, self.reason
        )
    }
}

/// Parses one figure. Anything left over after the number, its scale, "%" and "đồng" is an
/// error: a silently half-read number is worse than a refused one.
pub fn parse(input: &str) -> Result<VnNumber, VnNumberError> {
    parse_with_words(input, &[])
}

/// [`parse`], also accepting one of `unit`'s words at the end ([`unit_words`]).
pub fn parse_for_unit(input: &str, unit: &str) -> Result<VnNumber, VnNumberError> {
    parse_with_words(input, unit_words(unit))
}

fn parse_with_words(input: &str, trailing: &[&str]) -> Result<VnNumber, VnNumberError> {
    let err = |reason| VnNumberError {
        input: input.to_owned(),
        reason,
    };
    let lowered = input.trim().to_lowercase();
    let mut rest = lowered.as_str();
    let mut qualifier = None;
    let mut estimated = false;
    'words: loop {
        for (word, lead) in LEADING_WORDS {
            if let Some(after) = strip_word(rest, word) {
                match lead {
                    Lead::Estimated => estimated = true,
                    Lead::Nothing => {}
                    Lead::Qualifier(q) => qualifier = Some(*q),
                }
                rest = after;
                continue 'words;
            }
        }
        break;
    }

    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(rest.len());
    if number_len == 0 {
        return Err(err("no digits where the number should start"));
    }
    let (number, mut rest) = rest.split_at(number_len);
    let (digits, mut exponent) =
        read_decimal(number).ok_or_else(|| err("digits and separators do not form a number"))?;

    let mut denominator = None;
    if let Some(after) = rest.trim_start().strip_prefix('/') {
        let after = after.trim_start();
        let len = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        if len == 0 {
            return Err(err("no digits after `/`"));
        }
        denominator = Some(
            after[..len]
                .parse::<i64>()
                .map_err(|_| err("denominator too large"))?,
        );
        rest = &after[len..];
    }

    rest = rest.trim_start();
    let mut percent = false;
    if let Some(after) = rest.strip_prefix('%') {
        percent = true;
        rest = after.trim_start();
    }
    for (word, power) in SCALES {
        if let Some(after) = strip_word(rest, word) {
            exponent += power;
            rest = after;
            break;
        }
    }
    let mut currency = false;
    for word in CURRENCY_WORDS {
        if let Some(after) = strip_word(rest, word) {
            currency = true;
            rest = after;
            break;
        }
    }
    let rest = rest.trim();
    if !rest.is_empty() && !trailing.iter().any(|w| strip_word(rest, w) == Some("")) {
        return Err(err("unexpected words after the number"));
    }
    if percent && currency {
        return Err(err("a percentage cannot also be an amount of money"));
    }
    // Decimal digits and a power of ten, turned into the nearest f64 in one rounding step.
    let value: f64 = format!("{digits}e{exponent}")
        .parse()
        .map_err(|_| err("number out of range"))?;
    if !value.is_finite() {
        return Err(err("number out of range"));
    }
    Ok(VnNumber {
        value,
        qualifier,
        estimated,
        denominator,
        percent,
        currency,
    })
}

/// Strips `word` and the space after it, only when it is a whole word.
fn strip_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let after = s.strip_prefix(word)?;
    match after.chars().next() {
        None => Some(after),
        Some(c) if !c.is_alphanumeric() => Some(after.trim_start()),
        _ => None,
    }
}
#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
