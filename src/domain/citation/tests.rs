//! Periods and numbers in each language's words, and one whole citation in both.

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
