//! `/changes`: the public audit feed apps poll to stay in sync, and each observation's history.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::list_query::{ListQuery, NoFilters, PageParams};
use super::listing::{self, ListAnswers};
use super::params;
use crate::api::error::{ApiError, ApiResult};
use crate::store::changes::{self as store, Change, ChangeFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_changes).service(observation_history);
}

/// One write: who made it, when, why, and the item before and after.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ChangeView {
    /// Increases with every write; pass the last one you saw as `since`.
    #[schema(example = 42)]
    pub id: i32,
    #[schema(example = "observation")]
    #[schema(value_type = crate::domain::vocab::Resource)]
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
    #[param(value_type = Option<Vec<crate::domain::vocab::Resource>>, style = Form, explode = false)]
    pub resource: Option<String>,
}

/// The feed of every write, oldest first. Poll with `since` set to the last id you saw.
#[utoipa::path(
    tag = "changes",
    params(ChangeListQuery, PageParams),
    responses(ListAnswers<ChangeView>)
)]
#[get("/changes")]
async fn list_changes(
    req: HttpRequest,
    query: ListQuery<ChangeListQuery>,
) -> ApiResult<HttpResponse> {
    let ListQuery {
        filters: query,
        page,
    } = query;
    // Changes carry no labels, but a wrong `lang` is refused here as on every route.
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
        resources: params::one_of_each(
            "resource",
            query.resource.as_deref(),
            crate::domain::vocab::Resource::WORDS,
        )?,
        resource_id: None,
        since,
        until: pinned_version(&req),
    };
    let (shape, page_request) = page.read(&req, "id")?;
    listing::serve(
        &req,
        ("changes", None),
        filter,
        (shape, page_request),
        store::list,
        ChangeView::from,
    )
    .await
}

/// An observation's revisions, oldest first: for example estimated in January, final in June,
/// each with its author and reason. A deleted observation keeps its history.
#[utoipa::path(
    tag = "observations",
    params(("id" = i32, Path, example = 1), PageParams),
    responses(ListAnswers<ChangeView>)
)]
#[get("/observations/{id}/history")]
async fn observation_history(
    req: HttpRequest,
    path: web::Path<String>,
    query: ListQuery<NoFilters>,
) -> ApiResult<HttpResponse> {
    let id = params::id("observation", &path.into_inner())?;
    let page = query.page;
    let filter = ChangeFilter {
        resources: vec!["observation".into()],
        resource_id: Some(id.to_string()),
        since: None,
        until: pinned_version(&req),
    };
    let (shape, page_request) = page.read(&req, "id")?;
    listing::serve(
        &req,
        ("observation-history", None),
        filter,
        (shape, page_request),
        store::list,
        ChangeView::from,
    )
    .await
}

/// A vintage's audit trail ends at its version.
fn pinned_version(req: &HttpRequest) -> Option<i32> {
    use actix_web::HttpMessage;
    req.extensions()
        .get::<super::vintage::Pinned>()
        .map(|pin| pin.0)
}
