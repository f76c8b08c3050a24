//! A province to write, and the rules it must meet. The shipped `provinces.csv` rows
//! deserialize into the same input; what the rules need from the other units comes in a
//! [`ProvinceContext`], read from the database for a write and from the files for the dataset.

use chrono::NaiveDate;
use diesel::QueryResult;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{check_slug, Errors};
use crate::db::DbConnection;
use crate::domain::vocab;
use crate::error::FieldError;
use crate::store::provinces::{self as store, FormerName, Province};

/// A province to write (admins only); `id` is the slug the client chooses. Lineage links are
/// part of the curated dataset and are not edited here.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "id": "bac-giang", "gso_code": "24", "iso_code": "VN-54", "name_vi": "Bắc Giang", "name_en": "Bac Giang",
    "kind": "province", "region": "northern_midlands_mountains", "valid_from": "1997-01-01", "valid_to": "2025-06-30"
}))]
pub struct ProvinceInput {
    pub id: String,
    pub gso_code: String,
    pub iso_code: Option<String>,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub region: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// Another unit bearing the same GSO code, as the refusal names it.
#[derive(Debug, Clone)]
pub struct CodeHolder {
    pub id: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// What a province's rules need beyond its own fields.
#[derive(Debug, Clone, Default)]
pub struct ProvinceContext {
    /// Other units holding its GSO code at some date of its period: a code names one unit at
    /// any date.
    pub gso_holders: Vec<CodeHolder>,
    /// The names it bore before today's, which its search text includes.
    pub former_names: Vec<FormerName>,
}

impl ProvinceContext {
    /// The context as the database holds it, for a write inside its transaction.
    pub fn load(conn: &mut DbConnection, input: &ProvinceInput) -> QueryResult<Self> {
        let holders = store::gso_code_holders(
            conn,
            &input.gso_code,
            &input.id,
            input.valid_from,
            input.valid_to,
        )?;
        Ok(ProvinceContext {
            gso_holders: holders
                .into_iter()
                .map(|p| CodeHolder {
                    id: p.id,
                    valid_from: p.valid_from,
                    valid_to: p.valid_to,
                })
                .collect(),
            former_names: store::former_names(conn, Some(std::slice::from_ref(&input.id)))?,
        })
    }

    /// The context among units not stored yet (the shipped files), by the same overlap rule
    /// as [`store::gso_code_holders`].
    pub fn among<'a>(
        input: &ProvinceInput,
        units: impl IntoIterator<Item = &'a ProvinceInput>,
        former_names: impl IntoIterator<Item = &'a FormerName>,
    ) -> Self {
        let span = (input.valid_from, input.valid_to);
        ProvinceContext {
            gso_holders: units
                .into_iter()
                .filter(|u| u.gso_code == input.gso_code && u.id != input.id)
                .filter(|u| store::spans_overlap((u.valid_from, u.valid_to), span))
                .map(|u| CodeHolder {
                    id: u.id.clone(),
                    valid_from: u.valid_from,
                    valid_to: u.valid_to,
                })
                .collect(),
            former_names: former_names
                .into_iter()
                .filter(|f| f.province_id == input.id)
                .cloned()
                .collect(),
        }
    }
}

/// Validates a province input against the units beside it and the vocabularies, and derives
/// its search text.
pub fn validate_province(
    context: &ProvinceContext,
    input: ProvinceInput,
) -> Result<Province, Vec<FieldError>> {
    let mut errors = Errors::default();
    check_slug(&mut errors, "/id", &input.id);
    if input.gso_code.len() != 2 || !input.gso_code.bytes().all(|b| b.is_ascii_digit()) {
        errors.add(
            "/gso_code",
            format!("`{}` is not a two-digit GSO code", input.gso_code),
        );
    } else if let Some(holder) = context.gso_holders.first() {
        let span = |d: Option<NaiveDate>| d.map_or("…".to_owned(), |d| d.to_string());
        errors.add(
            "/gso_code",
            format!(
                "GSO code {} belongs to `{}` ({} to {}) over part of this unit's period: a code names one unit at any date",
                input.gso_code,
                holder.id,
                span(holder.valid_from),
                span(holder.valid_to)
            ),
        );
    }
    if let Some(iso) = &input.iso_code {
        let ok = iso.len() >= 4
            && iso.starts_with("VN-")
            && iso[3..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !ok {
            errors.add(
                "/iso_code",
                format!("`{iso}` is not an ISO 3166-2:VN code like VN-54"),
            );
        }
    }
    for (pointer, text) in [("/name_vi", &input.name_vi), ("/name_en", &input.name_en)] {
        if text.trim().is_empty() {
            errors.add(pointer, "must not be empty");
        }
    }
    errors.one_of("/kind", &input.kind, vocab::ProvinceKind::WORDS);
    errors.one_of("/region", &input.region, vocab::Region::WORDS);
    if let (Some(from), Some(to)) = (input.valid_from, input.valid_to) {
        if from > to {
            errors.add(
                "/valid_to",
                format!("ends ({to}) before it starts ({from})"),
            );
        }
    }
    errors.finish(|| {
        let mut province = Province {
            search_text: String::new(),
            id: input.id,
            gso_code: input.gso_code,
            iso_code: input.iso_code,
            name_vi: input.name_vi,
            name_en: input.name_en,
            kind: input.kind,
            region: input.region,
            valid_from: input.valid_from,
            valid_to: input.valid_to,
        };
        province.search_text = store::search_text(&province, &context.former_names);
        province
    })
}
