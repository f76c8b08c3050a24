//! `/sources`: the articles chiso's figures are cited from.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::listing::{self, Format, ListResponse};
use super::{params, with_conn};
use crate::db::Pool;
use crate::error::{ApiError, ApiResult, Problem};
use crate::store::sources::{self as store, Source, SourceFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_sources).service(get_source);
}

/// An article.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SourceView {
    #[schema(example = "bac-giang-tt-tt-2022-tong-ket")]
    pub id: String,
    #[schema(
        example = "Hội nghị tổng kết công tác thông tin và truyền thông năm 2022 và triển khai nhiệm vụ năm 2023"
    )]
    pub title: String,
    /// The publisher, where the article names it.
    #[schema(example = "Báo Tây Ninh")]
    pub publisher: Option<String>,
    #[schema(example = "2022-12-29")]
    pub published_on: Option<NaiveDate>,
    /// The article's address, when known.
    pub url: Option<String>,
    /// ISO 639-1 language code.
    #[schema(example = "vi")]
    pub language: String,
    /// The file in chiso's seed corpus the text came from.
    #[schema(example = "000_77bcb427012b2210.txt")]
    pub seed_file: Option<String>,
}

impl From<Source> for SourceView {
    fn from(s: Source) -> Self {
        SourceView {
            id: s.id,
            title: s.title,
            publisher: s.publisher,
            published_on: s.published_on,
            url: s.url,
            language: s.language,
            seed_file: s.seed_file,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SourceListQuery {
    /// Comma-separated language codes.
    #[param(example = "vi")]
    pub language: Option<String>,
    /// Published on or after this date (YYYY-MM-DD).
    pub published_from: Option<String>,
    /// Published on or before this date (YYYY-MM-DD).
    pub published_to: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// List sources, ordered by id.
#[utoipa::path(
    tag = "sources",
    params(SourceListQuery),
    responses(
        (status = 200, description = "A page of sources", content(
            (ListResponse<SourceView> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sources")]
async fn list_sources(
    req: HttpRequest,
    query: web::Query<SourceListQuery>,
    pool: web::Data<Pool>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let format = Format::negotiate(&req, query.format.as_deref())?;
    let limit = params::limit(query.limit.as_deref())?;
    let filter = SourceFilter {
        languages: params::list(query.language.as_deref()),
        published_from: params::date("published_from", query.published_from.as_deref())?,
        published_to: params::date("published_to", query.published_to.as_deref())?,
    };
    let page_request = listing::page_request(limit, query.cursor.as_deref(), "id")?;
    let page = with_conn(&pool, move |conn| {
        Ok(store::list(conn, &filter, &page_request)?)
    })
    .await?;
    Ok(listing::respond(
        &req,
        format,
        "sources",
        "id",
        limit,
        page,
        SourceView::from,
    ))
}

/// Get one source.
#[utoipa::path(
    tag = "sources",
    params(("id" = String, Path, example = "bac-giang-tt-tt-2022-tong-ket")),
    responses(
        (status = 200, description = "The source", body = SourceView),
        (status = 404, description = "No such source", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sources/{id}")]
async fn get_source(path: web::Path<String>, pool: web::Data<Pool>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let source = with_conn(&pool, move |conn| {
        store::find(conn, &id)?.ok_or_else(|| ApiError::not_found("source", id))
    })
    .await?;
    Ok(listing::json(&SourceView::from(source)))
}
