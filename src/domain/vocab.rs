//! Closed vocabularies. The database enforces most of them with CHECK constraints; the API uses
//! these lists to validate filters and to name the allowed values in its errors.

/// A closed vocabulary as a Rust enum: its `WORDS`, `as_str`, `parse`, `FromStr` (refusing
/// other words by listing the allowed ones) and an OpenAPI schema derived from the same words,
/// so the document and the validators cannot drift.
macro_rules! vocabulary {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident { $($(#[$variant_doc:meta])* $variant:ident = $word:literal),+ $(,)? }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$variant_doc])* #[serde(rename = $word)] $variant),+
        }

        // By hand, not derived: utoipa's derive does not see a `rename` made by a macro.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let description = [$($doc),*].map(str::trim).join(" ");
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description((!description.is_empty()).then_some(description))
                    .enum_values(Some(Self::WORDS.iter().copied()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $word),+
                }
            }

            pub fn parse(word: &str) -> Option<Self> {
                match word {
                    $($word => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::domain::vocab::Vocabulary for $name {
            const WORDS: &'static [&'static str] = $name::WORDS;

            fn parse(word: &str) -> Option<Self> {
                $name::parse(word)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(word: &str) -> Result<Self, String> {
                Self::parse(word).ok_or_else(|| {
                    format!("`{word}` is not one of: {}", Self::WORDS.join(", "))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

/// What `vocabulary!` gives every closed vocabulary, for code generic over them.
pub trait Vocabulary: Copy + 'static {
    const WORDS: &'static [&'static str];
    fn parse(word: &str) -> Option<Self>;

    /// The words as a person reads them: "`a`, `b` or `c`".
    fn alternatives() -> String {
        let quoted: Vec<String> = Self::WORDS.iter().map(|w| format!("`{w}`")).collect();
        match quoted.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

vocabulary! {
    /// How certain an observation is (SDMX's observation status, simplified).
    pub enum ObservationStatus {
        Final = "final",
        Estimated = "estimated",
        Provisional = "provisional",
    }
}

vocabulary! {
    /// Words the articles put before a figure: "trên" (over), "khoảng" (about), "gần" (nearly).
    pub enum Qualifier { Over = "over", About = "about", Nearly = "nearly" }
}

vocabulary! {
    /// Indicator categories.
    pub enum Category {
        Telecom = "telecom",
        Postal = "postal",
        DigitalGovernment = "digital_government",
        DigitalEconomy = "digital_economy",
        DigitalSociety = "digital_society",
        PressPublishing = "press_publishing",
        CompositeIndices = "composite_indices",
        ItIndustry = "it_industry",
        Administration = "administration",
    }
}

vocabulary! {
    /// Which way an indicator improves: a higher subscriber count, a lower (better) rank.
    pub enum Direction { Higher = "higher", Lower = "lower" }
}

vocabulary! {
    /// How a target compares with the figure that meets it.
    pub enum Comparator { AtLeast = "at_least", AtMost = "at_most", Equal = "equal" }
}

vocabulary! {
    /// Bằng khen, Giấy khen, a spoken commendation (biểu dương), or a reward whose form the text
    /// does not give.
    pub enum AwardType {
        CertificateOfMerit = "certificate_of_merit",
        CertificateOfCommendation = "certificate_of_commendation",
        Commendation = "commendation",
        RewardUnspecified = "reward_unspecified",
    }
}

vocabulary! {
    /// Who received an award.
    pub enum RecipientKind {
        Agency = "agency",
        Collective = "collective",
        Individual = "individual",
        CollectivesAndIndividuals = "collectives_and_individuals",
    }
}

vocabulary! {
    /// A province (tỉnh) or a centrally governed municipality (thành phố trực thuộc trung ương).
    pub enum ProvinceKind { Province = "province", Municipality = "municipality" }
}

vocabulary! {
    /// The GSO's six socio-economic regions.
    pub enum Region {
        RedRiverDelta = "red_river_delta",
        NorthernMidlandsMountains = "northern_midlands_mountains",
        NorthCentralCentralCoast = "north_central_central_coast",
        CentralHighlands = "central_highlands",
        Southeast = "southeast",
        MekongDelta = "mekong_delta",
    }
}

vocabulary! {
    /// A map of provinces: the 63 units in force until 30 June 2025, or the 34 from 1 July 2025.
    pub enum Era {
        Map2008 = "2008",
        Map2025 = "2025",
    }
}

vocabulary! {
    /// What the audit trail records changes of.
    pub enum Resource {
        Observation = "observation",
        Target = "target",
        Award = "award",
        Source = "source",
        Province = "province",
        Indicator = "indicator",
    }
}

impl Era {
    /// The map in force on `date`.
    pub fn of(date: chrono::NaiveDate) -> Self {
        if date < merger_date() {
            Self::Map2008
        } else {
            Self::Map2025
        }
    }

    /// A day the map is in force: its last day for 2008, its first for 2025.
    pub fn day(self) -> chrono::NaiveDate {
        match self {
            Self::Map2008 => merger_date().pred_opt().expect("valid date"),
            Self::Map2025 => merger_date(),
        }
    }
}

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
