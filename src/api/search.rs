//! `/search`: provinces, indicators and sources by name, ignoring case and diacritics.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::params;
use super::with_read;
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::domain::text::fold;
use crate::store::indicators::{self, IndicatorFilter};
use crate::store::provinces::{self, ProvinceFilter};
use crate::store::{sources, PageRequest};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search);
}

/// One match.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct SearchHit {
    /// `province`, `indicator` or `source`.
    #[schema(example = "province")]
    pub kind: String,
    #[schema(example = "bac-giang")]
    pub id: String,
    /// The label in the requested language.
    #[schema(example = "Bac Giang")]
    pub name: String,
    /// Where the item is.
    #[schema(example = "/api/v1/provinces/bac-giang")]
    pub href: String,
}

/// Search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub data: Vec<SearchHit>,
    pub meta: SearchMeta,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchMeta {
    pub q: String,
    /// Hits in `data` (provinces first, then indicators, then sources).
    pub total: usize,
    pub limit: i64,
    /// The version of the data the hits reflect (see `as_of_version`).
    #[schema(example = 0)]
    pub data_version: i32,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find, in any case, with or without diacritics. Text without letters or digits
    /// finds nothing.
    #[param(example = "bac giang", required = true, min_length = 1)]
    pub q: Option<String>,
    /// At most this many hits, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `json` (default) or `csv`.
    #[param(value_type = Option<crate::api::listing::Format>, example = "json")]
    pub format: Option<String>,
    /// Label language: `en` (default) or `vi`.
    #[param(value_type = Option<crate::api::params::Lang>, example = "vi")]
    pub lang: Option<String>,
}

/// Search provinces, indicators and sources at once.
#[utoipa::path(
    tag = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "Matches", content((SearchResults = "application/json"), (String = "text/csv"))),
        (status = 400, description = "`q` is missing or a parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
async fn search(req: HttpRequest, query: web::Query<SearchQuery>) -> ApiResult<HttpResponse> {
    let lang = params::lang(&req, query.lang.as_deref())?;
    let format = super::listing::Format::negotiate(&req, query.format.as_deref())?;
    let limit = params::limit(query.limit.as_deref())?;
    let raw = query
        .q
        .clone()
        .ok_or_else(|| ApiError::invalid("q", "`q` is required"))?;
    // Text with nothing to match once folded (spaces, combining marks) finds nothing.
    let folded = params::search(Some(&raw));
    let data = with_read(&req, move |conn| {
        let page = PageRequest { limit, after: None };
        let mut hits = Vec::new();
        let Some(folded) = folded else {
            return Ok(hits);
        };
        for p in provinces::list(
            conn,
            &ProvinceFilter {
                q: Some(folded.clone()),
                ..Default::default()
            },
            &page,
            None,
        )?
        .rows
        {
            hits.push(SearchHit {
                kind: "province".into(),
                href: format!("/api/v1/provinces/{}", p.id),
                name: lang.pick(&p.name_en, &p.name_vi).to_owned(),
                id: p.id,
            });
        }
        for i in indicators::list(
            conn,
            &IndicatorFilter {
                q: Some(folded.clone()),
                ..Default::default()
            },
            &page,
            None,
        )?
        .rows
        {
            hits.push(SearchHit {
                kind: "indicator".into(),
                href: format!("/api/v1/indicators/{}", i.code),
                name: lang.pick(&i.name_en, &i.name_vi).to_owned(),
                id: i.code,
            });
        }
        // Sources are few; fold their titles here rather than keep a search column.
        for s in sources::list(
            conn,
            &Default::default(),
            &PageRequest {
                limit: 100_000,
                after: None,
            },
            None,
        )?
        .rows
        {
            let text = fold(&format!(
                "{} {} {}",
                s.title,
                s.publisher.as_deref().unwrap_or(""),
                s.id
            ));
            if text.contains(&folded) {
                hits.push(SearchHit {
                    kind: "source".into(),
                    href: format!("/api/v1/sources/{}", s.id),
                    name: s.title,
                    id: s.id,
                });
            }
        }
        hits.truncate(limit as usize);
        Ok(hits)
    })
    .await?;
    Ok(match format {
        super::listing::Format::Csv => super::listing::csv_response(&data, "search"),
        super::listing::Format::Json => HttpResponse::Ok().json(SearchResults {
            meta: SearchMeta {
                q: raw,
                total: data.len(),
                limit,
                data_version: super::listing::reflected_version(&req),
            },
            data,
        }),
    })
}
