//! `/provinces`: the 63 units of 2008-2025 and the 34 of the 2025 merger, with their lineage.

use std::collections::HashMap;

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::edit::Editable;
use super::list_query::{ListQuery, PageParams};
use super::listing::{self, ListAnswers};
use super::params::Lang;
use super::{params, with_read};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::auth::Role;
use crate::db::DbConnection;
use crate::domain::vocab;
use crate::error::FieldError;
use crate::input::province::{validate_province, ProvinceContext, ProvinceInput};
use crate::store::catalogue::Catalogue;
use crate::store::provinces::{self as store, FormerName, LineageLink, Province, ProvinceFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_provinces)
        .service(get_province)
        .service(create_province)
        .service(replace_province)
        .service(patch_province)
        .service(delete_province);
}

/// A provincial-level unit.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ProvinceView {
    /// Stable slug. Units formed by the 2025 merger end in `-2025`.
    #[schema(example = "bac-giang")]
    pub id: String,
    /// The GSO two-digit code. A code can belong to a unit of each era (24 was Bắc Giang, then the new Bắc Ninh).
    #[schema(example = "24")]
    pub gso_code: String,
    /// ISO 3166-2 code, where one exists.
    #[schema(example = "VN-54")]
    pub iso_code: Option<String>,
    /// The name in the requested language (`lang` or `Accept-Language`; English by default).
    #[schema(example = "Bac Giang")]
    pub name: String,
    #[schema(example = "Bắc Giang")]
    pub name_vi: String,
    #[schema(example = "Bac Giang")]
    pub name_en: String,
    /// `province` or `municipality` (centrally-run city).
    #[schema(example = "province")]
    #[schema(value_type = crate::domain::vocab::ProvinceKind)]
    pub kind: String,
    /// GSO socio-economic region.
    #[schema(example = "northern_midlands_mountains")]
    #[schema(value_type = crate::domain::vocab::Region)]
    pub region: String,
    /// First day in force, where known.
    #[schema(example = "1997-01-01")]
    pub valid_from: Option<NaiveDate>,
    /// Last day in force; null while in force.
    #[schema(example = "2025-06-30")]
    pub valid_to: Option<NaiveDate>,
    /// The eras the unit belongs to: `2008` (the 63 units to 30 June 2025), `2025` (the 34 units from 1 July 2025).
    #[schema(example = json!(["2008"]))]
    #[schema(value_type = Vec<crate::domain::vocab::Era>)]
    pub eras: Vec<String>,
    /// Units merged into this one.
    #[schema(example = json!([]))]
    pub predecessors: Vec<String>,
    /// Units this one was merged into.
    #[schema(example = json!(["bac-ninh-2025"]))]
    pub successors: Vec<String>,
    /// The date the merger linking it to its predecessors or successors took effect.
    #[schema(example = "2025-07-01")]
    pub lineage_effective_date: Option<NaiveDate>,
    /// Other units that bore the same GSO code in another era.
    #[schema(example = json!(["bac-ninh-2025"]))]
    pub shares_gso_code_with: Vec<String>,
    /// Names and kinds the unit bore before the ones above, oldest first.
    pub former_names: Vec<FormerNameView>,
}

/// A name and kind a unit bore until `valid_to`.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct FormerNameView {
    #[schema(example = "Thừa Thiên Huế")]
    pub name_vi: String,
    #[schema(example = "Thua Thien Hue")]
    pub name_en: String,
    #[schema(example = "province")]
    #[schema(value_type = crate::domain::vocab::ProvinceKind)]
    pub kind: String,
    pub valid_from: Option<NaiveDate>,
    #[schema(example = "2024-12-31")]
    pub valid_to: NaiveDate,
}

impl From<FormerName> for FormerNameView {
    fn from(f: FormerName) -> Self {
        FormerNameView {
            name_vi: f.name_vi,
            name_en: f.name_en,
            kind: f.kind,
            valid_from: f.valid_from,
            valid_to: f.valid_to,
        }
    }
}

impl ProvinceView {
    /// Picks `name` in `lang`.
    pub fn localized(mut self, lang: Lang) -> Self {
        self.name = lang.pick(&self.name_en, &self.name_vi).to_owned();
        self
    }
}

fn eras(p: &Province) -> Vec<String> {
    let mut eras = Vec::new();
    if p.in_force_on(vocab::merger_date().pred_opt().expect("valid date")) {
        eras.push("2008".to_owned());
    }
    if p.valid_to.is_none_or(|to| to >= vocab::merger_date()) {
        eras.push("2025".to_owned());
    }
    eras
}

/// Joins rows with their lineage, code-sharing units and former names; with `as_of`, each
/// unit's name and kind are the ones it bore that day.
pub fn views(
    conn: &mut DbConnection,
    rows: Vec<Province>,
    as_of: Option<NaiveDate>,
) -> ApiResult<Vec<ProvinceView>> {
    let ids: Vec<String> = rows.iter().map(|p| p.id.clone()).collect();
    let links = store::lineage_of(conn, &ids)?;
    let codes: Vec<String> = rows.iter().map(|p| p.gso_code.clone()).collect();
    let mut by_code: HashMap<String, Vec<String>> = HashMap::new();
    for p in store::with_gso_codes(conn, &codes)? {
        by_code.entry(p.gso_code).or_default().push(p.id);
    }
    let former = store::former_names(conn, Some(&ids))?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let own: Vec<FormerName> = former
                .iter()
                .filter(|f| f.province_id == p.id)
                .cloned()
                .collect();
            let p = match as_of {
                Some(date) => p.as_of(&own, date),
                None => p,
            };
            let mut view = view(p, &links, &by_code);
            view.former_names = own.into_iter().map(FormerNameView::from).collect();
            view
        })
        .collect())
}

fn view(
    p: Province,
    links: &[LineageLink],
    by_code: &HashMap<String, Vec<String>>,
) -> ProvinceView {
    let predecessors: Vec<&LineageLink> = links.iter().filter(|l| l.successor_id == p.id).collect();
    let successors: Vec<&LineageLink> = links.iter().filter(|l| l.predecessor_id == p.id).collect();
    let lineage_effective_date = predecessors
        .iter()
        .chain(&successors)
        .map(|l| l.effective_date)
        .max();
    ProvinceView {
        eras: eras(&p),
        predecessors: predecessors
            .iter()
            .map(|l| l.predecessor_id.clone())
            .collect(),
        successors: successors.iter().map(|l| l.successor_id.clone()).collect(),
        lineage_effective_date,
        shares_gso_code_with: by_code
            .get(&p.gso_code)
            .map(|ids| ids.iter().filter(|id| **id != p.id).cloned().collect())
            .unwrap_or_default(),
        former_names: Vec::new(),
        name: p.name_en.clone(),
        id: p.id,
        gso_code: p.gso_code,
        iso_code: p.iso_code,
        name_vi: p.name_vi,
        name_en: p.name_en,
        kind: p.kind,
        region: p.region,
        valid_from: p.valid_from,
        valid_to: p.valid_to,
    }
}

/// Filters for the province list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProvinceListQuery {
    /// Search names and codes, ignoring case and diacritics (`bac giang`, `BẮC GIANG`, `Bắc Giang`).
    #[param(example = "bac giang")]
    pub q: Option<String>,
    /// Units in force on this date (YYYY-MM-DD).
    #[param(example = "2024-12-31", format = Date)]
    pub as_of: Option<String>,
    /// `2008`: the 63 units in force until 30 June 2025; `2025`: the 34 units from 1 July 2025.
    #[param(value_type = Option<crate::domain::vocab::Era>, example = "2025")]
    pub era: Option<String>,
    /// Comma-separated: `province`, `municipality`.
    #[param(value_type = Option<Vec<crate::domain::vocab::ProvinceKind>>, style = Form, explode = false)]
    pub kind: Option<String>,
    /// Comma-separated GSO regions.
    #[param(value_type = Option<Vec<crate::domain::vocab::Region>>, style = Form, explode = false)]
    pub region: Option<String>,
}

/// List provinces.
///
/// All 86 units of both eras by default, ordered by id. Unknown `kind` or `region` values are a
/// 400; a search that matches nothing is an empty list.
#[utoipa::path(
    tag = "provinces",
    params(ProvinceListQuery, PageParams),
    responses(ListAnswers<ProvinceView>)
)]
#[get("/provinces")]
async fn list_provinces(
    req: HttpRequest,
    query: ListQuery<ProvinceListQuery>,
) -> ApiResult<HttpResponse> {
    let ListQuery {
        filters: query,
        page,
    } = query;
    let in_force_on = params::as_of_or_era(query.as_of.as_deref(), query.era.as_deref())?;
    let filter = ProvinceFilter {
        q: params::search(query.q.as_deref()),
        kinds: params::one_of_each("kind", query.kind.as_deref(), vocab::ProvinceKind::WORDS)?,
        regions: params::one_of_each("region", query.region.as_deref(), vocab::Region::WORDS)?,
        in_force_on,
    };
    let (shape, page_request) = page.read(&req, "id")?;
    let lang = shape.lang;
    let with_lineage = move |conn: &mut DbConnection, rows| views(conn, rows, in_force_on);
    listing::serve_with(
        &req,
        ("provinces", None),
        filter,
        (shape, page_request),
        (store::list, with_lineage),
        |v| v.localized(lang),
    )
    .await
}

/// Which unit a code means on a date.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProvinceGetQuery {
    /// For a GSO code used in both eras: the unit in force on this date (default today).
    #[param(example = "2024-12-31", format = Date)]
    pub as_of: Option<String>,
    /// Label language: `en` (default) or `vi`; `Accept-Language: vi` also gives Vietnamese.
    #[param(value_type = Option<crate::api::params::Lang>, example = "vi")]
    pub lang: Option<String>,
}

/// Get one province by slug, GSO code or ISO 3166-2 code.
///
/// `bac-giang`, `24` and `VN-54` name the same unit before 1 July 2025. A GSO code used in both
/// eras resolves to the unit in force on `as_of` (default today), and `shares_gso_code_with`
/// names the other.
#[utoipa::path(
    tag = "provinces",
    params(("id" = String, Path, description = "Slug, GSO code or ISO code", example = "bac-giang"), ProvinceGetQuery),
    responses(
        (status = 200, description = "The province", body = ProvinceView),
        (status = 400, description = "`as_of` is not a date", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit has this slug or code", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/provinces/{id}")]
async fn get_province(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ProvinceGetQuery>,
) -> ApiResult<HttpResponse> {
    let reference = path.into_inner();
    let lang = params::lang(&req, query.lang.as_deref())?;
    let as_of = params::date("as_of", query.as_of.as_deref())?
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let view = with_read(&req, move |conn| {
        let resolved = store::resolve(conn, &reference, as_of)?
            .ok_or_else(|| ApiError::not_found("province", reference.clone()))?;
        Ok(views(conn, vec![resolved.province], Some(as_of))?.remove(0))
    })
    .await?;
    Ok(super::edit::updated(&view.localized(lang)))
}

/// Resolves a province filter's references (slug, GSO code, ISO code or name) to ids. With
/// `as_of`, a code or name names the unit in force that day; without it, every unit that bore
/// it (24 is Bắc Giang's figures and the 2025 Bắc Ninh's). An unknown reference is a 400
/// naming it, with the closest slug when there is one.
pub fn resolve_refs(
    catalogue: &Catalogue,
    name: &str,
    refs: &[String],
    as_of: Option<NaiveDate>,
) -> ApiResult<Vec<String>> {
    let registry = &catalogue.provinces;
    let mut ids = Vec::new();
    for reference in refs {
        let found: Vec<String> = match as_of {
            Some(date) => registry
                .resolve(reference, date)
                .map(|r| vec![r.province.id])
                .unwrap_or_default(),
            None => registry
                .candidates(reference)
                .into_iter()
                .map(|p| p.id.clone())
                .collect(),
        };
        if found.is_empty() {
            let hint = registry
                .suggest(reference)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(ApiError::invalid(
                name,
                format!("`{name}`: no province has the slug, GSO code, ISO code or name `{reference}`{hint}"),
            ));
        }
        for id in found {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

/// Provinces are written by admins.
pub struct ProvinceEdit;

impl Editable for ProvinceEdit {
    const CLIENT_KEY: Option<&'static str> = Some("id");
    const DERIVED: &'static [&'static str] = &[
        "name",
        "eras",
        "predecessors",
        "successors",
        "lineage_effective_date",
        "shares_gso_code_with",
        "former_names",
    ];
    const RESOURCE: &'static str = "province";
    const ROLE: Role = Role::Admin;
    type Input = ProvinceInput;
    type View = ProvinceView;
    type Valid = Province;
    type Key = String;
    type Store = store::Provinces;

    fn parse_key(raw: &str) -> ApiResult<String> {
        Ok(raw.to_owned())
    }
    fn chosen_key(valid: &Province) -> Option<String> {
        Some(valid.id.clone())
    }
    fn load(conn: &mut DbConnection, key: &String) -> ApiResult<Option<ProvinceView>> {
        match store::find(conn, key)? {
            Some(p) => Ok(Some(views(conn, vec![p], None)?.remove(0))),
            None => Ok(None),
        }
    }
    fn localize(view: ProvinceView, lang: Lang) -> ProvinceView {
        view.localized(lang)
    }
    fn validate(
        conn: &mut DbConnection,
        input: ProvinceInput,
    ) -> ApiResult<Result<Province, Vec<FieldError>>> {
        let context = ProvinceContext::load(conn, &input)?;
        Ok(validate_province(&context, input))
    }
}

crate::write_handlers! {
    editable: ProvinceEdit, input: ProvinceInput, view: ProvinceView, tag: "provinces",
    collection: "/provinces", item: "/provinces/{id}", param: "id", base: "/api/v1/provinces", key: String,
    create: create_province, replace: replace_province, patch: patch_province, delete: delete_province,
}
