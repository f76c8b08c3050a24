//! `/awards`: certificates of merit and commendations the articles report.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::edit::Editable;
use super::list_query::{ListQuery, PageParams};
use super::listing::{self, ListAnswers};
use super::{params, provinces::resolve_refs};
use crate::api::error::{ApiResult, Problem};
use crate::auth::Role;
use crate::db::DbConnection;
use crate::error::FieldError;
use crate::input::award::{validate_award, AwardInput};
use crate::store::awards::NewAward;
use crate::store::awards::{self as store, Award, AwardFilter};
use crate::store::catalogue::Catalogue;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_awards)
        .service(get_award)
        .service(create_award)
        .service(replace_award)
        .service(patch_award)
        .service(delete_award);
}

/// An award handed out, as an article reports it.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
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
    #[schema(value_type = crate::domain::vocab::AwardType)]
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
    #[schema(value_type = crate::domain::vocab::RecipientKind)]
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
    /// Provinces by slug, GSO code, ISO code or name (diacritics optional), comma-separated. A
    /// code or name used in both eras means both units unless `as_of` picks one. Unknown: 400.
    #[param(example = "thanh-hoa")]
    pub province: Option<String>,
    /// With a GSO code, ISO code or name in `province`: the unit in force on this date
    /// (YYYY-MM-DD). Without it, a code or name used in both eras means both units.
    #[param(example = "2024-12-31", format = Date)]
    pub as_of: Option<String>,
    /// Period ids (comma-separated).
    #[param(value_type = Option<Vec<crate::domain::PeriodId>>, style = Form, explode = false)]
    pub period: Option<String>,
    /// Award types (comma-separated). Unknown: 400.
    #[param(value_type = Option<Vec<crate::domain::vocab::AwardType>>, style = Form, explode = false)]
    pub award_type: Option<String>,
    /// Source ids (comma-separated).
    pub source: Option<String>,
}

/// List awards, ordered by id.
#[utoipa::path(
    tag = "awards",
    params(AwardListQuery, PageParams),
    responses(ListAnswers<AwardView>)
)]
#[get("/awards")]
async fn list_awards(
    req: HttpRequest,
    query: ListQuery<AwardListQuery>,
    catalogue: super::catalogue::CatalogueRef,
) -> ApiResult<HttpResponse> {
    let ListQuery {
        filters: query,
        page,
    } = query;
    let (shape, page_request) = page.read(&req, "id")?;
    let mut filter = AwardFilter {
        province_ids: Vec::new(),
        period_ids: params::periods("period", query.period.as_deref())?,
        award_types: params::one_of_each(
            "award_type",
            query.award_type.as_deref(),
            crate::domain::vocab::AwardType::WORDS,
        )?,
        source_ids: params::list(query.source.as_deref()),
    };
    let province_refs = params::list(query.province.as_deref());
    let as_of = params::date("as_of", query.as_of.as_deref())?;
    filter.province_ids = resolve_refs(&catalogue, "province", &province_refs, as_of)?;
    let version = Some(catalogue.version);
    listing::serve(
        &req,
        ("awards", version),
        filter,
        (shape, page_request),
        store::list,
        AwardView::from,
    )
    .await
}

/// Get one award.
#[utoipa::path(
    tag = "awards",
    params(("id" = i32, Path, example = 1), params::LangQuery),
    responses(
        (status = 200, description = "The award", body = AwardView),
        (status = 400, description = "The id is not an integer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such award", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/awards/{id}")]
async fn get_award(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<params::LangQuery>,
) -> ApiResult<HttpResponse> {
    super::edit::fetch::<AwardEdit>(&req, path.into_inner(), query.lang.as_deref()).await
}

/// Awards are written by editors.
pub struct AwardEdit;

impl Editable for AwardEdit {
    const RESOURCE: &'static str = "award";
    const ROLE: Role = Role::Editor;
    type Input = AwardInput;
    type View = AwardView;
    type Valid = NewAward;
    type Key = i32;
    type Store = store::Awards;

    fn parse_key(raw: &str) -> ApiResult<i32> {
        params::id("award", raw)
    }
    fn load(conn: &mut DbConnection, key: &i32) -> ApiResult<Option<AwardView>> {
        Ok(store::find(conn, *key)?.map(AwardView::from))
    }
    fn validate(
        conn: &mut DbConnection,
        input: AwardInput,
    ) -> ApiResult<Result<NewAward, Vec<FieldError>>> {
        Ok(validate_award(&Catalogue::load_current(conn)?, input))
    }
    fn holder(conn: &mut DbConnection, valid: &NewAward) -> ApiResult<Option<i32>> {
        Ok(store::find_by_key(
            conn,
            &valid.source_id,
            &valid.quote,
            &valid.recipient_kind,
        )?)
    }
}

crate::write_handlers! {
    editable: AwardEdit, input: AwardInput, view: AwardView, tag: "awards",
    collection: "/awards", item: "/awards/{id}", param: "id", base: "/api/v1/awards", key: i32,
    create: create_award, replace: replace_award, patch: patch_award, delete: delete_award,
}
