//! Properties over generated input: no input panics, and a figure printed the way Vietnamese
//! articles print it reads back as the value it was printed from.

use proptest::prelude::*;

use super::words::UNIT_WORDS;
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
    #![proptest_config(crate::test_support::proptest_config(512))]

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
