//! `/indicators`: the bilingual catalogue of measures.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::listing::{self, Format, ListResponse};
use super::{params, with_conn};
use crate::db::{DbConnection, Pool};
use crate::domain::vocab;
use crate::error::{ApiError, ApiResult, Problem};
use crate::store::indicators::{self as store, Indicator, IndicatorFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_indicators).service(get_indicator);
}

/// A measure chiso publishes.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct IndicatorView {
    #[schema(example = "phone_subscribers")]
    pub code: String,
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
    pub category: String,
    /// Which way is better: `higher` or `lower` (ranks).
    #[schema(example = "higher")]
    pub direction: String,
    /// Whether values can be summed across provinces (subscribers yes; ranks and rates no).
    #[schema(example = true)]
    pub additive: bool,
}

impl From<Indicator> for IndicatorView {
    fn from(i: Indicator) -> Self {
        IndicatorView {
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
    #[param(example = "telecom")]
    pub category: Option<String>,
    /// Comma-separated units.
    pub unit: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// List indicators, ordered by code. An unknown `category` is a 400.
#[utoipa::path(
    tag = "indicators",
    params(IndicatorListQuery),
    responses(
        (status = 200, description = "A page of indicators", content(
            (ListResponse<IndicatorView> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/indicators")]
async fn list_indicators(
    req: HttpRequest,
    query: web::Query<IndicatorListQuery>,
    pool: web::Data<Pool>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let format = Format::negotiate(&req, query.format.as_deref())?;
    let limit = params::limit(query.limit.as_deref())?;
    let filter = IndicatorFilter {
        q: params::search(query.q.as_deref()),
        categories: params::one_of_each("category", query.category.as_deref(), vocab::CATEGORIES)?,
        units: params::list(query.unit.as_deref()),
    };
    let page_request = listing::page_request(limit, query.cursor.as_deref(), "code")?;
    let page = with_conn(&pool, move |conn| {
        Ok(store::list(conn, &filter, &page_request)?)
    })
    .await?;
    Ok(listing::respond(
        &req,
        format,
        "indicators",
        "code",
        limit,
        page,
        IndicatorView::from,
    ))
}

/// Get one indicator by code.
#[utoipa::path(
    tag = "indicators",
    params(("code" = String, Path, example = "phone_subscribers")),
    responses(
        (status = 200, description = "The indicator", body = IndicatorView),
        (status = 404, description = "No such indicator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/indicators/{code}")]
async fn get_indicator(path: web::Path<String>, pool: web::Data<Pool>) -> ApiResult<HttpResponse> {
    let code = path.into_inner();
    let indicator = with_conn(&pool, move |conn| {
        store::find(conn, &code)?.ok_or_else(|| ApiError::not_found("indicator", code))
    })
    .await?;
    Ok(listing::json(&IndicatorView::from(indicator)))
}

/// Checks that every code in a filter exists; an unknown one is a 400 naming it.
pub fn check_codes(conn: &mut DbConnection, name: &str, codes: &[String]) -> ApiResult<()> {
    if codes.is_empty() {
        return Ok(());
    }
    let found = store::existing(conn, codes)?;
    match codes.iter().find(|c| !found.contains(c)) {
        Some(missing) => Err(ApiError::invalid(
            name,
            format!("`{name}`: no indicator has the code `{missing}`"),
        )),
        None => Ok(()),
    }
}
