//! Figures as articles print them, read; and what is refused.

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
