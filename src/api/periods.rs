//! `/periods`: years, halves, quarters, months and year-to-date spans.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::list_query::{ListQuery, PageParams};
use super::listing::{self, ListAnswers};
use super::{params, with_read};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::domain::PeriodKind;
use crate::store::periods::{self as store, Period, PeriodFilter, PeriodKey};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_periods).service(get_period);
}

/// A reporting period.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PeriodView {
    /// `2023`, `2022-H1`, `2023-Q3`, `2023-07`, or `2023-11M` (the first 11 months).
    #[schema(example = "2023-11M")]
    pub id: String,
    /// `year`, `half`, `quarter`, `month` or `year_to_date`.
    #[schema(example = "year_to_date")]
    #[schema(value_type = crate::domain::PeriodKind)]
    pub kind: String,
    #[schema(example = 2023)]
    pub year: i32,
    #[schema(example = "2023-01-01")]
    pub start_date: NaiveDate,
    #[schema(example = "2023-11-30")]
    pub end_date: NaiveDate,
}

impl From<Period> for PeriodView {
    fn from(p: Period) -> Self {
        PeriodView {
            id: p.id,
            kind: p.kind,
            year: p.year,
            start_date: p.start_date,
            end_date: p.end_date,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodListQuery {
    /// Comma-separated kinds: `year`, `half`, `quarter`, `month`, `year_to_date`.
    #[param(value_type = Option<Vec<crate::domain::PeriodKind>>, style = Form, explode = false, example = json!(["year"]))]
    pub kind: Option<String>,
    /// Comma-separated years.
    #[param(example = "2023")]
    #[param(pattern = r"^[0-9]{4}(,[0-9]{4})*$")]
    pub year: Option<String>,
    /// Periods starting on or after the start of this period.
    #[param(example = "2021")]
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub from: Option<String>,
    /// Periods ending on or before the end of this period.
    #[param(example = "2023")]
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub to: Option<String>,
}

/// List periods (2000 to 2035), ordered by start date then id.
#[utoipa::path(
    tag = "periods",
    params(PeriodListQuery, PageParams),
    responses(ListAnswers<PeriodView>)
)]
#[get("/periods")]
async fn list_periods(
    req: HttpRequest,
    query: ListQuery<PeriodListQuery>,
) -> ApiResult<HttpResponse> {
    let ListQuery {
        filters: query,
        page,
    } = query;
    let years = params::list(query.year.as_deref())
        .iter()
        .map(|y| {
            let digits = y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
            digits
                .then(|| y.parse::<i32>().ok())
                .flatten()
                .ok_or_else(|| {
                    ApiError::invalid(
                        "year",
                        format!("`year` must be a year like 2023, got `{y}`"),
                    )
                })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let filter = PeriodFilter {
        kinds: params::one_of_each("kind", query.kind.as_deref(), PeriodKind::WORDS)?,
        years,
        starts_from: params::from_period(query.from.as_deref())?,
        ends_by: params::to_period(query.to.as_deref())?,
    };
    let (shape, page_request) = page.read::<PeriodKey>(&req, "start_date")?;
    listing::serve(
        &req,
        ("periods", None),
        filter,
        (shape, page_request),
        store::list,
        PeriodView::from,
    )
    .await
}

/// Get one period. Equivalent spellings resolve to the canonical id (`2023-6M` is `2023-H1`).
#[utoipa::path(
    tag = "periods",
    params(("id" = crate::domain::PeriodId, Path, example = "2023-11M")),
    responses(
        (status = 200, description = "The period", body = PeriodView),
        (status = 400, description = "Not a period id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A valid id outside the years chiso covers", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/periods/{id}")]
async fn get_period(req: HttpRequest, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = params::period("id", &path.into_inner())?.to_string();
    let period = with_read(&req, move |conn| {
        store::find(conn, &id)?.ok_or_else(|| ApiError::not_found("period", id))
    })
    .await?;
    Ok(super::edit::updated(&PeriodView::from(period)))
}
