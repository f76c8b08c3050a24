//! `/changes`: the public audit feed apps poll to stay in sync, and each observation's history.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::listing::{self, Format, ListResponse};
use super::{params, with_read};
use crate::error::{ApiError, ApiResult, Problem};
use crate::store::changes::{self as store, Change, ChangeFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_changes).service(observation_history);
}

pub const RESOURCES: &[&str] = &[
    "observation",
    "target",
    "award",
    "source",
    "province",
    "indicator",
];

/// One write: who made it, when, why, and the item before and after.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ChangeView {
    /// Increases with every write; pass the last one you saw as `since`.
    #[schema(example = 42)]
    pub id: i32,
    #[schema(example = "observation")]
    pub resource: String,
    #[schema(example = "105")]
    pub resource_id: String,
    /// `create`, `update` or `delete`.
    #[schema(example = "update")]
    pub action: String,
    /// The `sub` of the token that made the change.
    #[schema(example = "alice")]
    pub actor: String,
    /// When, in UTC (RFC 3339, millisecond precision).
    #[schema(value_type = String, format = DateTime, example = "2026-06-30T08:00:00.123Z")]
    #[serde(serialize_with = "rfc3339_millis")]
    pub changed_at: DateTime<Utc>,
    /// What the editor gave in `X-Change-Reason`.
    #[schema(example = "final figure published in June")]
    pub reason: Option<String>,
    /// The item before the change; null on create.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The item after the change; null on delete.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

fn rfc3339_millis<S: serde::Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

impl From<Change> for ChangeView {
    fn from(c: Change) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        ChangeView {
            id: c.id,
            resource: c.resource,
            resource_id: c.resource_id,
            action: c.action,
            actor: c.actor,
            changed_at: c.changed_at.and_utc(),
            reason: c.reason,
            before: parse(c.before),
            after: parse(c.after),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangeListQuery {
    /// Only changes after this change id (the last `id` you saw).
    #[param(value_type = Option<i32>, example = 0)]
    pub since: Option<String>,
    /// Comma-separated resources: observation, target, award, source, province, indicator.
    #[param(
        pattern = "^(observation|target|award|source|province|indicator)(,(observation|target|award|source|province|indicator))*$"
    )]
    pub resource: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `json` (default) or `csv`.
    #[param(example = "json", pattern = "^(json|csv)$")]
    pub format: Option<String>,
    /// Label language: `en` (default) or `vi`; `Accept-Language: vi` also gives Vietnamese.
    #[param(example = "vi", pattern = "^(en|vi)$")]
    pub lang: Option<String>,
}

/// The feed of every write, oldest first. Poll with `since` set to the last id you saw.
#[utoipa::path(
    tag = "changes",
    params(ChangeListQuery),
    responses(
        (status = 200, description = "A page of changes", content(
            (ListResponse<ChangeView> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes")]
async fn list_changes(
    req: HttpRequest,
    query: web::Query<ChangeListQuery>,
    totals: web::Data<super::listing::TotalCache>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let format = Format::negotiate(&req, query.format.as_deref())?;
    // Changes carry no labels, but a wrong `lang` is refused here as on every route.
    params::lang(&req, query.lang.as_deref())?;
    let limit = params::limit(query.limit.as_deref())?;
    let since = query
        .since
        .as_deref()
        .map(|s| {
            s.trim().parse::<i32>().map_err(|_| {
                ApiError::invalid("since", format!("`since` must be a change id, got `{s}`"))
            })
        })
        .transpose()?;
    let filter = ChangeFilter {
        resources: params::one_of_each("resource", query.resource.as_deref(), RESOURCES)?,
        resource_id: None,
        since,
        until: pinned_version(&req),
    };
    let page_request = listing::page_request(limit, query.cursor.as_deref(), "id")?;
    let page = with_read(&req, move |conn| {
        totals.page(conn, None, "changes", &filter, |conn, known| {
            store::list(conn, &filter, &page_request, known)
        })
    })
    .await?;
    Ok(listing::respond(
        &req,
        format,
        "changes",
        "id",
        limit,
        page,
        ChangeView::from,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `json` (default) or `csv`.
    #[param(example = "json", pattern = "^(json|csv)$")]
    pub format: Option<String>,
    /// Label language: `en` (default) or `vi`; `Accept-Language: vi` also gives Vietnamese.
    #[param(example = "vi", pattern = "^(en|vi)$")]
    pub lang: Option<String>,
}

/// An observation's revisions, oldest first: for example estimated in January, final in June,
/// each with its author and reason. A deleted observation keeps its history.
#[utoipa::path(
    tag = "observations",
    params(("id" = i32, Path, example = 1), HistoryQuery),
    responses(
        (status = 200, description = "The revisions", content(
            (ListResponse<ChangeView> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "The id is not an integer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/observations/{id}/history")]
async fn observation_history(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<HistoryQuery>,
    totals: web::Data<super::listing::TotalCache>,
) -> ApiResult<HttpResponse> {
    let id = params::id("observation", &path.into_inner())?;
    let query = query.into_inner();
    let format = Format::negotiate(&req, query.format.as_deref())?;
    params::lang(&req, query.lang.as_deref())?;
    let limit = params::limit(query.limit.as_deref())?;
    let filter = ChangeFilter {
        resources: vec!["observation".into()],
        resource_id: Some(id.to_string()),
        since: None,
        until: pinned_version(&req),
    };
    let page_request = listing::page_request(limit, query.cursor.as_deref(), "id")?;
    let page = with_read(&req, move |conn| {
        totals.page(conn, None, "changes", &filter, |conn, known| {
            store::list(conn, &filter, &page_request, known)
        })
    })
    .await?;
    Ok(listing::respond(
        &req,
        format,
        "observation-history",
        "id",
        limit,
        page,
        ChangeView::from,
    ))
}

/// A vintage's audit trail ends at its version.
fn pinned_version(req: &HttpRequest) -> Option<i32> {
    use actix_web::HttpMessage;
    req.extensions()
        .get::<super::vintage::Pinned>()
        .map(|pin| pin.0)
}
