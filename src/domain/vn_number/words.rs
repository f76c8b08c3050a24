//! The words around a figure: those before it that say how exact it is, scale words,
//! currency words, and the words each unit may carry after it.

use super::Qualifier;

pub(super) const LEADING_WORDS: &[(&str, Lead)] = &[
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
pub(super) enum Lead {
    Estimated,
    Nothing,
    Qualifier(Qualifier),
}

/// Scale words, longest first so "nghìn tỷ" wins over "nghìn".
pub(super) const SCALES: &[(&str, i32)] = &[
    ("nghìn tỷ", 12),
    ("ngàn tỷ", 12),
    ("nghìn", 3),
    ("ngàn", 3),
    ("triệu", 6),
    ("tỷ", 9),
    ("tỉ", 9),
];

pub(super) const CURRENCY_WORDS: &[&str] = &["đồng", "vnđ", "vnd", "đ"];

/// Words that may follow a figure of each unit, as articles print them ("2,98 triệu thuê bao",
/// "1.167 trạm"). Units not listed take no trailing word; "%" and "đồng" are read for all.
pub(super) const UNIT_WORDS: &[(&str, &[&str])] = &[
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

/// The words [`parse_for_unit`](super::parse_for_unit) accepts after a figure of `unit`.
pub fn unit_words(unit: &str) -> &'static [&'static str] {
    UNIT_WORDS
        .iter()
        .find(|(u, _)| *u == unit)
        .map_or(&[], |(_, words)| words)
}
