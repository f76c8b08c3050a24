//! `/indicators`: the bilingual catalogue of measures.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::edit::Editable;
use super::list_query::{ListQuery, PageParams};
use super::listing::{self, ListAnswers};
use super::params;
use super::params::Lang;
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::auth::Role;
use crate::db::DbConnection;
use crate::domain::vocab;
use crate::error::FieldError;
use crate::input::indicator::{validate_indicator, IndicatorInput};
use crate::store::catalogue::Catalogue;
use crate::store::indicators::{self as store, Indicator, IndicatorFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_indicators)
        .service(get_indicator)
        .service(create_indicator)
        .service(replace_indicator)
        .service(patch_indicator)
        .service(delete_indicator);
}

/// A measure chiso publishes.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct IndicatorView {
    #[schema(example = "phone_subscribers")]
    pub code: String,
    /// The name in the requested language (`lang` or `Accept-Language`; English by default).
    #[schema(example = "Telephone subscribers")]
    pub name: String,
    /// The description in the requested language.
    pub description: String,
    #[schema(example = "Thuê bao điện thoại")]
    pub name_vi: String,
    #[schema(example = "Telephone subscribers")]
    pub name_en: String,
    pub description_vi: String,
    pub description_en: String,
    /// The unit every observation of this indicator is in.
    #[schema(example = "subscribers")]
    pub unit: String,
    #[schema(example = "telecom")]
    #[schema(value_type = crate::domain::vocab::Category)]
    pub category: String,
    /// Which way is better: `higher` or `lower` (ranks).
    #[schema(example = "higher")]
    #[schema(value_type = crate::domain::vocab::Direction)]
    pub direction: String,
    /// Whether values can be summed across provinces (subscribers yes; ranks and rates no).
    #[schema(example = true)]
    pub additive: bool,
}

impl IndicatorView {
    /// Picks `name` and `description` in `lang`.
    pub fn localized(mut self, lang: Lang) -> Self {
        self.name = lang.pick(&self.name_en, &self.name_vi).to_owned();
        self.description = lang
            .pick(&self.description_en, &self.description_vi)
            .to_owned();
        self
    }
}

impl From<Indicator> for IndicatorView {
    fn from(i: Indicator) -> Self {
        IndicatorView {
            name: i.name_en.clone(),
            description: i.description_en.clone(),
            code: i.code,
            name_vi: i.name_vi,
            name_en: i.name_en,
            description_vi: i.description_vi,
            description_en: i.description_en,
            unit: i.unit,
            category: i.category,
            direction: i.direction,
            additive: i.additive,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IndicatorListQuery {
    /// Search codes and names in both languages, ignoring case and diacritics.
    #[param(example = "thue bao")]
    pub q: Option<String>,
    /// Comma-separated categories.
    #[param(value_type = Option<Vec<crate::domain::vocab::Category>>, style = Form, explode = false, example = json!(["telecom"]))]
    pub category: Option<String>,
    /// Comma-separated units.
    pub unit: Option<String>,
}

/// List indicators, ordered by code. An unknown `category` is a 400.
#[utoipa::path(
    tag = "indicators",
    params(IndicatorListQuery, PageParams),
    responses(ListAnswers<IndicatorView>)
)]
#[get("/indicators")]
async fn list_indicators(
    req: HttpRequest,
    query: ListQuery<IndicatorListQuery>,
) -> ApiResult<HttpResponse> {
    let ListQuery {
        filters: query,
        page,
    } = query;
    let filter = IndicatorFilter {
        q: params::search(query.q.as_deref()),
        categories: params::one_of_each(
            "category",
            query.category.as_deref(),
            vocab::Category::WORDS,
        )?,
        units: params::list(query.unit.as_deref()),
    };
    let (shape, page_request) = page.read(&req, "code")?;
    let lang = shape.lang;
    listing::serve(
        &req,
        ("indicators", None),
        filter,
        (shape, page_request),
        store::list,
        |i| IndicatorView::from(i).localized(lang),
    )
    .await
}

/// Get one indicator by code.
#[utoipa::path(
    tag = "indicators",
    params(("code" = String, Path, example = "phone_subscribers"), params::LangQuery),
    responses(
        (status = 400, description = "A parameter is invalid or unknown", body = Problem, content_type = "application/problem+json"),
        (status = 200, description = "The indicator", body = IndicatorView),
        (status = 404, description = "No such indicator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/indicators/{code}")]
async fn get_indicator(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<params::LangQuery>,
) -> ApiResult<HttpResponse> {
    super::edit::fetch::<IndicatorEdit>(&req, path.into_inner(), query.lang.as_deref()).await
}

/// Resolves an indicator filter's references to codes: a code, or a name in either language
/// (diacritics and case ignored). An unknown one is a 400 naming it, with the closest code.
pub fn resolve_codes(catalogue: &Catalogue, name: &str, refs: &[String]) -> ApiResult<Vec<String>> {
    let mut codes = Vec::new();
    for reference in refs {
        match catalogue.indicator_by_reference(reference) {
            Some(found) if !codes.contains(&found.code) => codes.push(found.code.clone()),
            Some(_) => {}
            None => {
                let codes = catalogue
                    .indicators()
                    .iter()
                    .map(|i| (&i.code, i.code.as_str()));
                let hint = crate::domain::text::closest(reference, codes)
                    .map(|code| format!("; did you mean `{code}`?"))
                    .unwrap_or_default();
                return Err(ApiError::invalid(
                    name,
                    format!("`{name}`: no indicator has the code or name `{reference}`{hint}"),
                ));
            }
        }
    }
    Ok(codes)
}

/// Indicators are written by admins: observations depend on their unit.
pub struct IndicatorEdit;

impl Editable for IndicatorEdit {
    const CLIENT_KEY: Option<&'static str> = Some("code");
    const DERIVED: &'static [&'static str] = &["name", "description"];
    const RESOURCE: &'static str = "indicator";
    const ROLE: Role = Role::Admin;
    type Input = IndicatorInput;
    type View = IndicatorView;
    type Valid = Indicator;
    type Key = String;
    type Store = store::Indicators;

    fn parse_key(raw: &str) -> ApiResult<String> {
        Ok(raw.to_owned())
    }
    fn chosen_key(valid: &Indicator) -> Option<String> {
        Some(valid.code.clone())
    }
    fn load(conn: &mut DbConnection, key: &String) -> ApiResult<Option<IndicatorView>> {
        Ok(store::find(conn, key)?.map(IndicatorView::from))
    }
    fn localize(view: IndicatorView, lang: Lang) -> IndicatorView {
        view.localized(lang)
    }
    fn validate(
        conn: &mut DbConnection,
        input: IndicatorInput,
    ) -> ApiResult<Result<Indicator, Vec<FieldError>>> {
        let units = crate::store::observations::units_in_use(conn, &input.code)?;
        Ok(validate_indicator(input, &units))
    }
}

crate::write_handlers! {
    editable: IndicatorEdit, input: IndicatorInput, view: IndicatorView, tag: "indicators",
    collection: "/indicators", item: "/indicators/{code}", param: "code", base: "/api/v1/indicators", key: String,
    create: create_indicator, replace: replace_indicator, patch: patch_indicator, delete: delete_indicator,
}
