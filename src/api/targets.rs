//! `/targets`: the goals provinces set for the next period.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::listing::{self, Format, ListResponse};
use super::{indicators::check_codes, params, provinces::resolve_refs, with_conn};
use crate::db::Pool;
use crate::error::{ApiError, ApiResult, Problem};
use crate::store::targets::{self as store, Target, TargetFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_targets).service(get_target);
}

/// A province's goal for an indicator in a period.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct TargetView {
    #[schema(example = 1)]
    pub id: i32,
    #[schema(example = "thanh-hoa")]
    pub province_id: String,
    #[schema(example = "phone_subscribers")]
    pub indicator_code: String,
    #[schema(example = "2024")]
    pub period_id: String,
    /// `at_least`, `at_most` (ranks: "in the top 10") or `equal`.
    #[schema(example = "at_least")]
    pub comparator: String,
    #[schema(example = 3000000.0)]
    pub target_value: f64,
    #[schema(example = "subscribers")]
    pub unit: String,
    /// The target as printed.
    #[schema(example = "3 triệu")]
    pub value_text: Option<String>,
    pub source_id: Option<String>,
    /// The verbatim sentence fragment the target came from.
    #[schema(example = "Tăng số thuê bao điện thoại trên toàn mạng lên 3 triệu thuê bao")]
    pub quote: Option<String>,
}

impl From<Target> for TargetView {
    fn from(t: Target) -> Self {
        TargetView {
            id: t.id,
            province_id: t.province_id,
            indicator_code: t.indicator_code,
            period_id: t.period_id,
            comparator: t.comparator,
            target_value: t.target_value,
            unit: t.unit,
            value_text: t.value_text,
            source_id: t.source_id,
            quote: t.quote,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetListQuery {
    /// Provinces by slug, GSO code or ISO code (comma-separated). Unknown: 400.
    #[param(example = "thanh-hoa")]
    pub province: Option<String>,
    /// Indicator codes (comma-separated). Unknown: 400.
    pub indicator: Option<String>,
    /// Period ids (comma-separated).
    #[param(example = "2024")]
    pub period: Option<String>,
    /// Only periods starting on or after the start of this period.
    pub from: Option<String>,
    /// Only periods ending on or before the end of this period.
    pub to: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// List targets, ordered by id.
#[utoipa::path(
    tag = "targets",
    params(TargetListQuery),
    responses(
        (status = 200, description = "A page of targets", content(
            (ListResponse<TargetView> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/targets")]
async fn list_targets(
    req: HttpRequest,
    query: web::Query<TargetListQuery>,
    pool: web::Data<Pool>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let format = Format::negotiate(&req, query.format.as_deref())?;
    let limit = params::limit(query.limit.as_deref())?;
    let page_request = listing::page_request(limit, query.cursor.as_deref(), "id")?;
    let mut filter = TargetFilter {
        province_ids: Vec::new(),
        indicator_codes: params::list(query.indicator.as_deref()),
        period_ids: params::periods("period", query.period.as_deref())?,
        starts_from: params::from_period(query.from.as_deref())?,
        ends_by: params::to_period(query.to.as_deref())?,
    };
    let province_refs = params::list(query.province.as_deref());
    let page = with_conn(&pool, move |conn| {
        filter.province_ids = resolve_refs(conn, "province", &province_refs)?;
        check_codes(conn, "indicator", &filter.indicator_codes)?;
        Ok(store::list(conn, &filter, &page_request)?)
    })
    .await?;
    Ok(listing::respond(
        &req,
        format,
        "targets",
        "id",
        limit,
        page,
        TargetView::from,
    ))
}

/// Get one target.
#[utoipa::path(
    tag = "targets",
    params(("id" = i32, Path, example = 1)),
    responses(
        (status = 200, description = "The target", body = TargetView),
        (status = 400, description = "The id is not an integer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such target", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/targets/{id}")]
async fn get_target(path: web::Path<String>, pool: web::Data<Pool>) -> ApiResult<HttpResponse> {
    let id = params::id("target", &path.into_inner())?;
    let target = with_conn(&pool, move |conn| {
        store::find(conn, id)?.ok_or_else(|| ApiError::not_found("target", id.to_string()))
    })
    .await?;
    Ok(listing::json(&TargetView::from(target)))
}
