//! `/targets`: the goals provinces set for the next period.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::edit::Editable;
use super::list_query::{ListQuery, PageParams};
use super::listing::{self, ListAnswers};
use super::{indicators::resolve_codes, params, provinces::resolve_refs};
use crate::analysis::{attainment, AttainmentStatus};
use crate::api::error::{ApiResult, Problem};
use crate::auth::Role;
use crate::db::DbConnection;
use crate::error::FieldError;
use crate::input::target::{validate_target, TargetInput};
use crate::store::catalogue::Catalogue;
use crate::store::targets::NewTarget;
use crate::store::targets::{self as store, Target, TargetFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_targets)
        .service(get_target)
        .service(create_target)
        .service(replace_target)
        .service(patch_target)
        .service(delete_target);
}

/// A province's goal for an indicator in a period.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
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
    #[schema(value_type = crate::domain::vocab::Comparator)]
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
    /// The observation for the same province, indicator and period, if there is one.
    pub actual: Option<f64>,
    pub actual_observation_id: Option<i32>,
    pub attainment: Attainment,
}

/// How the actual compares with the target.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Attainment {
    /// `met`, `not_met`, or `pending` (no actual yet), following the comparator.
    #[schema(value_type = crate::analysis::AttainmentStatus, example = "met")]
    pub status: String,
    /// actual / target.
    #[schema(example = 1.02)]
    pub ratio: Option<f64>,
}

/// Fills in each target's actual and attainment with one query.
pub fn with_actuals(
    conn: &mut DbConnection,
    mut views: Vec<TargetView>,
) -> ApiResult<Vec<TargetView>> {
    use crate::store::observations::{matching, ObservationFilter};
    let unique = |f: fn(&TargetView) -> &String| -> Vec<String> {
        let mut v: Vec<String> = views.iter().map(|t| f(t).clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let filter = ObservationFilter {
        province_ids: unique(|t| &t.province_id),
        indicator_codes: unique(|t| &t.indicator_code),
        period_ids: unique(|t| &t.period_id),
        ..Default::default()
    };
    let actuals = if views.is_empty() {
        Vec::new()
    } else {
        matching(conn, &filter)?
    };
    for view in &mut views {
        let actual = actuals.iter().find(|o| {
            o.province_id == view.province_id
                && o.indicator_code == view.indicator_code
                && o.period_id == view.period_id
        });
        let (status, ratio) =
            attainment(&view.comparator, view.target_value, actual.map(|o| o.value));
        view.actual = actual.map(|o| o.value);
        view.actual_observation_id = actual.map(|o| o.id);
        view.attainment = Attainment {
            status: status.as_str().to_owned(),
            ratio,
        };
    }
    Ok(views)
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
            actual: None,
            actual_observation_id: None,
            attainment: Attainment {
                status: "pending".into(),
                ratio: None,
            },
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetListQuery {
    /// Provinces by slug, GSO code, ISO code or name (diacritics optional), comma-separated. A
    /// code or name used in both eras means both units unless `as_of` picks one. Unknown: 400.
    #[param(example = "thanh-hoa")]
    pub province: Option<String>,
    /// With a GSO code, ISO code or name in `province`: the unit in force on this date
    /// (YYYY-MM-DD). Without it, a code or name used in both eras means both units.
    #[param(example = "2024-12-31", format = Date)]
    pub as_of: Option<String>,
    /// Indicator codes (comma-separated). Unknown: 400.
    pub indicator: Option<String>,
    /// Period ids (comma-separated).
    #[param(
        value_type = Option<Vec<crate::domain::PeriodId>>,
        style = Form,
        explode = false,
        example = json!(["2024"])
    )]
    pub period: Option<String>,
    /// Only periods starting on or after the start of this period.
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub from: Option<String>,
    /// Only periods ending on or before the end of this period.
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub to: Option<String>,
    /// Attainment: `met`, `not_met`, `pending` (comma-separated).
    #[param(value_type = Option<Vec<crate::analysis::AttainmentStatus>>, style = Form, explode = false, example = json!(["met"]))]
    pub status: Option<String>,
}

/// List targets, ordered by id.
#[utoipa::path(
    tag = "targets",
    params(TargetListQuery, PageParams),
    responses(ListAnswers<TargetView>)
)]
#[get("/targets")]
async fn list_targets(
    req: HttpRequest,
    query: ListQuery<TargetListQuery>,
    catalogue: super::catalogue::CatalogueRef,
) -> ApiResult<HttpResponse> {
    let ListQuery {
        filters: query,
        page,
    } = query;
    let (shape, page_request) = page.read(&req, "id")?;
    let mut filter = TargetFilter {
        province_ids: Vec::new(),
        indicator_codes: params::list(query.indicator.as_deref()),
        period_ids: params::periods("period", query.period.as_deref())?,
        starts_from: params::from_period(query.from.as_deref())?,
        ends_by: params::to_period(query.to.as_deref())?,
        statuses: params::one_of_each("status", query.status.as_deref(), AttainmentStatus::WORDS)?,
    };
    let province_refs = params::list(query.province.as_deref());
    let as_of = params::date("as_of", query.as_of.as_deref())?;
    filter.province_ids = resolve_refs(&catalogue, "province", &province_refs, as_of)?;
    filter.indicator_codes = resolve_codes(&catalogue, "indicator", &filter.indicator_codes)?;
    let version = Some(catalogue.version);
    let with_actuals = |conn: &mut DbConnection, rows: Vec<Target>| {
        with_actuals(conn, rows.into_iter().map(TargetView::from).collect())
    };
    listing::serve_with(
        &req,
        ("targets", version),
        filter,
        (shape, page_request),
        (store::list, with_actuals),
        |v| v,
    )
    .await
}

/// Get one target.
#[utoipa::path(
    tag = "targets",
    params(("id" = i32, Path, example = 1), params::LangQuery),
    responses(
        (status = 200, description = "The target", body = TargetView),
        (status = 400, description = "The id is not an integer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such target", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/targets/{id}")]
async fn get_target(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<params::LangQuery>,
) -> ApiResult<HttpResponse> {
    super::edit::fetch::<TargetEdit>(&req, path.into_inner(), query.lang.as_deref()).await
}

/// Targets are written by editors.
pub struct TargetEdit;

impl Editable for TargetEdit {
    const RESOURCE: &'static str = "target";
    const ROLE: Role = Role::Editor;
    const PRINTED_TEXT_OF: Option<(&'static str, &'static str)> =
        Some(("target_value", "value_text"));
    const DERIVED: &'static [&'static str] = &["actual", "actual_observation_id", "attainment"];
    type Input = TargetInput;
    type View = TargetView;
    type Valid = NewTarget;
    type Key = i32;
    type Store = store::Targets;

    fn parse_key(raw: &str) -> ApiResult<i32> {
        params::id("target", raw)
    }
    fn load(conn: &mut DbConnection, key: &i32) -> ApiResult<Option<TargetView>> {
        match store::find(conn, *key)? {
            Some(t) => Ok(with_actuals(conn, vec![TargetView::from(t)])?.pop()),
            None => Ok(None),
        }
    }
    fn validate(
        conn: &mut DbConnection,
        input: TargetInput,
    ) -> ApiResult<Result<NewTarget, Vec<FieldError>>> {
        Ok(validate_target(&Catalogue::load_current(conn)?, input))
    }
    fn holder(conn: &mut DbConnection, valid: &NewTarget) -> ApiResult<Option<i32>> {
        Ok(store::find_by_key(
            conn,
            &valid.province_id,
            &valid.indicator_code,
            &valid.period_id,
        )?)
    }
}

crate::write_handlers! {
    editable: TargetEdit, input: TargetInput, view: TargetView, tag: "targets",
    collection: "/targets", item: "/targets/{id}", param: "id", base: "/api/v1/targets", key: i32,
    create: create_target, replace: replace_target, patch: patch_target, delete: delete_target,
}
