//! Closed vocabularies. The database enforces most of them with CHECK constraints; the API uses
//! these lists to validate filters and to name the allowed values in its errors.

/// How certain an observation is (SDMX's observation status, simplified).
pub const OBSERVATION_STATUSES: &[&str] = &["final", "estimated", "provisional"];

/// Words the articles put before a figure: "trên" (over), "khoảng" (about), "gần" (nearly).
pub const QUALIFIERS: &[&str] = &["over", "about", "nearly"];

/// Indicator categories.
pub const CATEGORIES: &[&str] = &[
    "telecom",
    "postal",
    "digital_government",
    "digital_economy",
    "digital_society",
    "press_publishing",
    "composite_indices",
    "it_industry",
    "administration",
];

pub const DIRECTIONS: &[&str] = &["higher", "lower"];

pub const COMPARATORS: &[&str] = &["at_least", "at_most", "equal"];

/// Bằng khen, Giấy khen, a spoken commendation (biểu dương), or a reward whose form the text
/// does not give.
pub const AWARD_TYPES: &[&str] = &[
    "certificate_of_merit",
    "certificate_of_commendation",
    "commendation",
    "reward_unspecified",
];

pub const RECIPIENT_KINDS: &[&str] = &[
    "agency",
    "collective",
    "individual",
    "collectives_and_individuals",
];

pub const PROVINCE_KINDS: &[&str] = &["province", "municipality"];

/// The GSO's six socio-economic regions.
pub const REGIONS: &[&str] = &[
    "red_river_delta",
    "northern_midlands_mountains",
    "north_central_central_coast",
    "central_highlands",
    "southeast",
    "mekong_delta",
];

/// The day the 34-unit map of Resolution 202/2025/QH15 took effect.
pub fn merger_date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid date")
}

/// How a unit reads on a chart or in a sentence, in English and Vietnamese.
pub fn unit_label(unit: &str) -> (&str, &str) {
    match unit {
        "subscribers" => ("subscribers", "thuê bao"),
        "per_100_inhabitants" => ("per 100 inhabitants", "trên 100 dân"),
        "stations" => ("stations", "trạm"),
        "services" => ("services", "dịch vụ"),
        "households" => ("households", "hộ"),
        "person_times" => ("person-times", "lượt người"),
        "visits" => ("visits", "lượt truy cập"),
        "transactions" => ("transactions", "giao dịch"),
        "products" => ("products", "sản phẩm"),
        "articles" => ("articles", "tin bài"),
        "copies" => ("copies", "bản"),
        "members" => ("members", "thành viên"),
        "teams" => ("teams", "đội"),
        "points" => ("points", "điểm"),
        "places" => ("places", "bậc"),
        "rank" => ("rank", "thứ hạng"),
        "group" => ("group", "nhóm"),
        "count" => ("count", "số lượng"),
        "percent" => ("%", "%"),
        "VND" => ("VND", "đồng"),
        other => (other, other),
    }
}
