//! `/awards`: certificates of merit and commendations the articles report.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::listing::{self, Format, ListResponse};
use super::{params, provinces::resolve_refs, with_conn};
use crate::db::Pool;
use crate::error::{ApiError, ApiResult, Problem};
use crate::store::awards::{self as store, Award, AwardFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_awards).service(get_award);
}

/// An award handed out, as an article reports it.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AwardView {
    #[schema(example = 1)]
    pub id: i32,
    #[schema(example = "thanh-hoa")]
    pub province_id: String,
    /// The period the achievement is for.
    #[schema(example = "2023")]
    pub period_id: Option<String>,
    /// The day it was handed out, when the article says.
    #[schema(example = "2024-01-02")]
    pub awarded_on: Option<NaiveDate>,
    /// `certificate_of_merit` (Bằng khen), `certificate_of_commendation` (Giấy khen), `commendation`...
    #[schema(example = "certificate_of_commendation")]
    pub award_type: String,
    #[schema(example = "Giấy khen")]
    pub award_name_vi: String,
    /// Who grants it, as written.
    #[schema(example = "Giám đốc Sở TT&TT")]
    pub conferred_by: Option<String>,
    /// The named recipient, if any.
    pub recipient: Option<String>,
    /// `agency`, `collective`, `individual` or `collectives_and_individuals`.
    #[schema(example = "collective")]
    pub recipient_kind: String,
    /// How many recipients, where printed.
    #[schema(example = 19)]
    pub recipient_count: Option<i32>,
    pub reason: Option<String>,
    pub source_id: String,
    /// The verbatim sentence fragment.
    pub quote: String,
}

impl From<Award> for AwardView {
    fn from(a: Award) -> Self {
        AwardView {
            id: a.id,
            province_id: a.province_id,
            period_id: a.period_id,
            awarded_on: a.awarded_on,
            award_type: a.award_type,
            award_name_vi: a.award_name_vi,
            conferred_by: a.conferred_by,
            recipient: a.recipient,
            recipient_kind: a.recipient_kind,
            recipient_count: a.recipient_count,
            reason: a.reason,
            source_id: a.source_id,
            quote: a.quote,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AwardListQuery {
    /// Provinces by slug, GSO code or ISO code (comma-separated). Unknown: 400.
    #[param(example = "thanh-hoa")]
    pub province: Option<String>,
    /// Period ids (comma-separated).
    pub period: Option<String>,
    /// Award types (comma-separated).
    pub award_type: Option<String>,
    /// Source ids (comma-separated).
    pub source: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// List awards, ordered by id.
#[utoipa::path(
    tag = "awards",
    params(AwardListQuery),
    responses(
        (status = 200, description = "A page of awards", content(
            (ListResponse<AwardView> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/awards")]
async fn list_awards(
    req: HttpRequest,
    query: web::Query<AwardListQuery>,
    pool: web::Data<Pool>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let format = Format::negotiate(&req, query.format.as_deref())?;
    let limit = params::limit(query.limit.as_deref())?;
    let page_request = listing::page_request(limit, query.cursor.as_deref(), "id")?;
    let mut filter = AwardFilter {
        province_ids: Vec::new(),
        period_ids: params::periods("period", query.period.as_deref())?,
        award_types: params::list(query.award_type.as_deref()),
        source_ids: params::list(query.source.as_deref()),
    };
    let province_refs = params::list(query.province.as_deref());
    let page = with_conn(&pool, move |conn| {
        filter.province_ids = resolve_refs(conn, "province", &province_refs)?;
        Ok(store::list(conn, &filter, &page_request)?)
    })
    .await?;
    Ok(listing::respond(
        &req,
        format,
        "awards",
        "id",
        limit,
        page,
        AwardView::from,
    ))
}

/// Get one award.
#[utoipa::path(
    tag = "awards",
    params(("id" = i32, Path, example = 1)),
    responses(
        (status = 200, description = "The award", body = AwardView),
        (status = 400, description = "The id is not an integer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such award", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/awards/{id}")]
async fn get_award(path: web::Path<String>, pool: web::Data<Pool>) -> ApiResult<HttpResponse> {
    let id = params::id("award", &path.into_inner())?;
    let award = with_conn(&pool, move |conn| {
        store::find(conn, id)?.ok_or_else(|| ApiError::not_found("award", id.to_string()))
    })
    .await?;
    Ok(listing::json(&AwardView::from(award)))
}
