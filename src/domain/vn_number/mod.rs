//! Numbers as Vietnamese articles print them: "1,85 triệu" (1 850 000), "4.900 tỷ đồng"
//! (4.9e12 VND), "trên 1.663.000", "10/63", "99.29%". Shared by the dataset and the importer.
//!
//! "," is the decimal mark and "." groups thousands, but some articles write "99.29%": a "."
//! followed by anything other than groups of exactly three digits is read as a decimal mark.

use std::fmt;

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

const LEADING_WORDS: &[(&str, Lead)] = &[
    ("ước đạt", Lead::Estimated),
    ("ước tính", Lead::Estimated),
    ("ước", Lead::Estimated),
    ("đạt", Lead::Nothing),
    ("trên", Lead::Qualifier(Qualifier::Over)),
    ("hơn", Lead::Qualifier(Qualifier::Over)),
    ("khoảng", Lead::Qualifier(Qualifier::About)),
    ("gần", Lead::Qualifier(Qualifier::Nearly)),
];

#[derive(Clone, Copy)]
enum Lead {
    Estimated,
    Nothing,
    Qualifier(Qualifier),
}

/// Scale words, longest first so "nghìn tỷ" wins over "nghìn".
const SCALES: &[(&str, i32)] = &[
    ("nghìn tỷ", 12),
    ("ngàn tỷ", 12),
    ("nghìn", 3),
    ("ngàn", 3),
    ("triệu", 6),
    ("tỷ", 9),
    ("tỉ", 9),
];

const CURRENCY_WORDS: &[&str] = &["đồng", "vnđ", "vnd", "đ"];

/// Words that may follow a figure of each unit, as articles print them ("2,98 triệu thuê bao",
/// "1.167 trạm"). Units not listed take no trailing word; "%" and "đồng" are read for all.
const UNIT_WORDS: &[(&str, &[&str])] = &[
    ("subscribers", &["thuê bao"]),
    ("per_100_inhabitants", &["máy/100 dân", "thuê bao/100 dân"]),
    ("stations", &["trạm bts", "trạm phát sóng", "trạm"]),
    ("services", &["dịch vụ công", "dịch vụ", "thủ tục"]),
    ("households", &["hộ gia đình", "hộ"]),
    ("person_times", &["lượt người", "lượt"]),
    ("visits", &["lượt truy cập", "lượt"]),
    ("transactions", &["giao dịch"]),
    ("products", &["sản phẩm"]),
    ("articles", &["tin, bài", "tin bài", "bài"]),
    ("copies", &["bản"]),
    ("members", &["thành viên"]),
    ("teams", &["đội"]),
    ("points", &["điểm"]),
    ("places", &["bậc", "hạng"]),
];

/// The words [`parse_for_unit`] accepts after a figure of `unit`.
pub fn unit_words(unit: &str) -> &'static [&'static str] {
    UNIT_WORDS
        .iter()
        .find(|(u, _)| *u == unit)
        .map_or(&[], |(_, words)| words)
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

/// Reads "1.663.000", "1,85", "99.29", "1.234,5" into (digits, power of ten).
fn read_decimal(s: &str) -> Option<(String, i32)> {
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let (int_part, frac_part) = match (dots, commas) {
        (0, 0) => (s.to_owned(), String::new()),
        // Both present: the last one is the decimal mark, the other groups thousands.
        (_, _) if dots > 0 && commas > 0 => {
            let decimal = if s.rfind('.') > s.rfind(',') {
                '.'
            } else {
                ','
            };
            let group = if decimal == '.' { ',' } else { '.' };
            let (int, frac) = s.rsplit_once(decimal)?;
            if int.matches(decimal).count() > 0 || !is_grouped(int, group) {
                return None;
            }
            (int.replace(group, ""), frac.to_owned())
        }
        (_, 0) => {
            if is_grouped(s, '.') {
                (s.replace('.', ""), String::new())
            } else if dots == 1 {
                let (int, frac) = s.split_once('.')?;
                (int.to_owned(), frac.to_owned())
            } else {
                return None;
            }
        }
        (0, _) => {
            if commas > 1 && is_grouped(s, ',') {
                (s.replace(',', ""), String::new())
            } else if commas == 1 {
                let (int, frac) = s.split_once(',')?;
                (int.to_owned(), frac.to_owned())
            } else {
                return None;
            }
        }
        _ => unreachable!("all combinations handled above"),
    };
    if int_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let exponent = -(frac_part.len() as i32);
    Some((format!("{int_part}{frac_part}"), exponent))
}

/// "1.663.000": a first group of 1-3 digits not starting a zero-led number, then groups of three.
fn is_grouped(s: &str, sep: char) -> bool {
    let mut groups = s.split(sep);
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first != "0"
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> f64 {
        parse(s).unwrap_or_else(|e| panic!("{e}")).value
    }

    #[test]
    fn reads_decimal_comma_with_scale_words() {
        assert_eq!(value("1,85 triệu"), 1_850_000.0);
        assert_eq!(value("2,98 triệu"), 2_980_000.0);
        assert_eq!(value("102,8%"), 102.8);
        assert_eq!(value("64,87"), 64.87);
    }

    #[test]
    fn reads_dot_thousands_groups_and_money() {
        assert_eq!(value("4.900 tỷ đồng"), 4.9e12);
        assert_eq!(value("165.202 triệu đồng"), 165_202_000_000.0);
        assert_eq!(value("1.663.000"), 1_663_000.0);
        assert_eq!(value("1.201.267"), 1_201_267.0);
        assert_eq!(value("62,5 triệu đồng"), 62_500_000.0);
        assert!(parse("4.900 tỷ đồng").unwrap().currency);
    }

    #[test]
    fn reads_dot_as_decimal_when_not_thousands_groups() {
        assert_eq!(value("99.29%"), 99.29);
        assert_eq!(value("66.7%"), 66.7);
        assert_eq!(value("92.05%"), 92.05);
        assert_eq!(value("0.500"), 0.5);
        assert!(parse("99.29%").unwrap().percent);
    }

    #[test]
    fn reads_both_separators_and_english_grouping() {
        assert_eq!(value("1.234,5"), 1234.5);
        assert_eq!(value("1,234.5"), 1234.5);
        assert_eq!(value("1,663,000"), 1_663_000.0);
    }

    #[test]
    fn keeps_qualifiers_and_estimates() {
        let over = parse("trên 1.663.000").unwrap();
        assert_eq!(
            (over.value, over.qualifier),
            (1_663_000.0, Some(Qualifier::Over))
        );
        assert_eq!(
            parse("khoảng 254.500").unwrap().qualifier,
            Some(Qualifier::About)
        );
        assert_eq!(
            parse("gần 6.000").unwrap().qualifier,
            Some(Qualifier::Nearly)
        );
        assert_eq!(parse("hơn 1.500").unwrap().qualifier, Some(Qualifier::Over));
        let est = parse("ước đạt 1,72 triệu").unwrap();
        assert!(est.estimated);
        assert_eq!(est.value, 1_720_000.0);
        assert!(parse("Ước 7.950").unwrap().estimated);
    }

    #[test]
    fn reads_ranks_and_counts_with_denominators() {
        let rank = parse("10/63").unwrap();
        assert_eq!((rank.value, rank.denominator), (10.0, Some(63)));
        let count = parse("19/29").unwrap();
        assert_eq!((count.value, count.denominator), (19.0, Some(29)));
        assert_eq!(parse("09/63").unwrap().value, 9.0);
        assert_eq!(parse("08/08").unwrap().denominator, Some(8));
    }

    #[test]
    fn reads_plain_numbers() {
        assert_eq!(value("1167"), 1167.0);
        assert_eq!(value("98%"), 98.0);
        assert_eq!(value("3 triệu"), 3_000_000.0);
        assert_eq!(value("2 nghìn tỷ đồng"), 2e12);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for bad in [
            "",
            "triệu",
            "abc",
            "1.2.3",
            "12 thuê bao",
            "1,2,3",
            "10/",
            "1..2",
            "--5",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}

/// Properties over generated input: no input panics, and a figure printed the way Vietnamese
/// articles print it reads back as the value it was printed from.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// "1234567" as articles print it: "1.234.567".
    fn grouped(n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        out
    }

    /// An integer part and decimal digits, printed with "." groups and a "," decimal mark,
    /// and the value they stand for, read by Rust from the plain decimal.
    fn vn_decimal() -> impl Strategy<Value = (String, String)> {
        (0u64..10_000_000_000_000, "[0-9]{0,4}").prop_map(|(int, frac)| {
            let printed = if frac.is_empty() {
                grouped(int)
            } else {
                format!("{},{frac}", grouped(int))
            };
            (printed, format!("{int}.{frac}0"))
        })
    }

    const SCALE_WORDS: &[(&str, i32)] = &[
        ("", 0),
        ("nghìn", 3),
        ("ngàn", 3),
        ("triệu", 6),
        ("tỷ", 9),
        ("tỉ", 9),
        ("nghìn tỷ", 12),
        ("ngàn tỷ", 12),
    ];

    const LEADS: &[(&str, Option<Qualifier>, bool)] = &[
        ("", None, false),
        ("trên", Some(Qualifier::Over), false),
        ("hơn", Some(Qualifier::Over), false),
        ("khoảng", Some(Qualifier::About), false),
        ("gần", Some(Qualifier::Nearly), false),
        ("đạt", None, false),
        ("ước", None, true),
        ("ước đạt", None, true),
        ("ước tính", None, true),
        ("ước tính khoảng", Some(Qualifier::About), true),
    ];

    /// Text near what the parser looks for: digits, both separators, "/", "%", and the
    /// letters of its words, so generated input reaches every branch.
    fn figure_like() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[0-9.,/% ]{0,30}",
            "(ước|đạt|trên|hơn|khoảng|gần|Ước| )*[0-9.,]{0,25} ?/? ?[0-9]{0,25} ?%? ?(nghìn|ngàn|triệu|tỷ|tỉ|nghìn tỷ)? ?(đồng|vnđ|vnd|đ|thuê bao|trạm)?[a-zđ ]{0,3}",
            "[0-9]{300,400}(,[0-9]{0,400})?( tỷ)?",
        ]
    }

    fn unit() -> impl Strategy<Value = &'static str> {
        prop::sample::select(
            UNIT_WORDS
                .iter()
                .map(|(u, _)| *u)
                .chain(["", "vnd", "percent", "no_such_unit"])
                .collect::<Vec<_>>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            // Shrunk failures become unit tests; no regressions folder in the tree.
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn no_input_panics_and_every_figure_read_is_finite(input in figure_like(), unit in unit()) {
            for result in [parse(&input), parse_for_unit(&input, unit)] {
                match result {
                    Ok(n) => {
                        prop_assert!(n.value.is_finite() && n.value >= 0.0, "{input:?}: {n:?}");
                        prop_assert!(!(n.percent && n.currency), "{input:?}: {n:?}");
                    }
                    Err(e) => prop_assert_eq!(&e.input, &input),
                }
            }
        }

        #[test]
        fn a_unit_word_only_widens_what_is_read(input in figure_like(), unit in unit()) {
            // What `parse` reads, `parse_for_unit` reads the same; it may read more, never less.
            if let Ok(plain) = parse(&input) {
                prop_assert_eq!(parse_for_unit(&input, unit), Ok(plain));
            }
        }

        #[test]
        fn reads_back_grouped_integers(n in 0u64..(1 << 53)) {
            prop_assert_eq!(parse(&grouped(n)).map(|v| v.value), Ok(n as f64));
            prop_assert_eq!(parse(&n.to_string()).map(|v| v.value), Ok(n as f64));
        }

        #[test]
        fn reads_back_printed_figures(
            (printed, plain) in vn_decimal(),
            (scale, power) in prop::sample::select(SCALE_WORDS),
            (lead, qualifier, estimated) in prop::sample::select(LEADS),
            money in any::<bool>(),
            capitalised in any::<bool>(),
            padding in "[ \t]{0,2}",
        ) {
            let mut text = [lead, &printed, scale, if money { "đồng" } else { "" }]
                .iter()
                .filter(|w| !w.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            if capitalised {
                text = text.to_uppercase();
            }
            let text = format!("{padding}{text}{padding}");
            let expected: f64 = format!("{plain}e{power}").parse().unwrap();
            let read = parse(&text)?;
            prop_assert_eq!(read.value, expected, "{}", text);
            prop_assert_eq!(read.qualifier, qualifier);
            prop_assert_eq!(read.estimated, estimated);
            prop_assert_eq!(read.currency, money);
            prop_assert!(!read.percent);
            prop_assert_eq!(read.denominator, None);
        }

        #[test]
        fn reads_back_percentages(
            (printed, plain) in (0u64..1000, "[0-9]{0,3}").prop_map(|(int, frac)| {
                let printed = if frac.is_empty() { int.to_string() } else { format!("{int},{frac}") };
                (printed, format!("{int}.{frac}0"))
            }),
            space in any::<bool>(),
        ) {
            let text = format!("{printed}{}%", if space { " " } else { "" });
            let read = parse(&text)?;
            prop_assert_eq!(read.value, plain.parse::<f64>().unwrap(), "{}", text);
            prop_assert!(read.percent && !read.currency);
        }

        #[test]
        fn reads_back_ranks_out_of_a_total(rank in 0i64..10_000, of in 0i64..10_000, pad in any::<bool>()) {
            let text = if pad { format!("{rank:02}/{of:02}") } else { format!("{rank} / {of}") };
            let read = parse(&text)?;
            prop_assert_eq!((read.value, read.denominator), (rank as f64, Some(of)));
        }

        #[test]
        fn reads_back_unit_words(
            (printed, plain) in vn_decimal(),
            (unit, word) in prop::sample::select(
                UNIT_WORDS
                    .iter()
                    .flat_map(|(u, words)| words.iter().map(move |w| (*u, *w)))
                    .collect::<Vec<_>>(),
            ),
            (scale, power) in prop::sample::select(SCALE_WORDS),
        ) {
            let text = [printed.as_str(), scale, word]
                .iter()
                .filter(|w| !w.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            let expected: f64 = format!("{plain}e{power}").parse().unwrap();
            let read = parse_for_unit(&text, unit)?;
            prop_assert_eq!(read.value, expected, "{}", text);
            prop_assert!(parse(&text).is_err(), "{text:?} needs its unit to be read");
        }
    }
}
