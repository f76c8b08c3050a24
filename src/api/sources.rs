//! `/sources`: the articles chiso's figures are cited from.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::edit::Editable;
use super::list_query::{ListQuery, PageParams};
use super::listing::{self, ListAnswers};
use super::params;
use crate::api::error::{ApiResult, Problem};
use crate::auth::Role;
use crate::db::DbConnection;
use crate::error::FieldError;
use crate::input::source::{validate_source, SourceInput};
use crate::store::sources::{self as store, Source, SourceFilter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_sources)
        .service(get_source)
        .service(create_source)
        .service(replace_source)
        .service(patch_source)
        .service(delete_source);
}

/// An article.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
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
    #[param(format = Date)]
    pub published_from: Option<String>,
    /// Published on or before this date (YYYY-MM-DD).
    #[param(format = Date)]
    pub published_to: Option<String>,
}

/// List sources, ordered by id.
#[utoipa::path(
    tag = "sources",
    params(SourceListQuery, PageParams),
    responses(ListAnswers<SourceView>)
)]
#[get("/sources")]
async fn list_sources(
    req: HttpRequest,
    query: ListQuery<SourceListQuery>,
) -> ApiResult<HttpResponse> {
    let ListQuery {
        filters: query,
        page,
    } = query;
    let filter = SourceFilter {
        languages: params::list(query.language.as_deref()),
        published_from: params::date("published_from", query.published_from.as_deref())?,
        published_to: params::date("published_to", query.published_to.as_deref())?,
    };
    let (shape, page_request) = page.read(&req, "id")?;
    listing::serve(
        &req,
        ("sources", None),
        filter,
        (shape, page_request),
        store::list,
        SourceView::from,
    )
    .await
}

/// Get one source.
#[utoipa::path(
    tag = "sources",
    params(("id" = String, Path, example = "bac-giang-tt-tt-2022-tong-ket"), params::LangQuery),
    responses(
        (status = 400, description = "A parameter is invalid or unknown", body = Problem, content_type = "application/problem+json"),
        (status = 200, description = "The source", body = SourceView),
        (status = 404, description = "No such source", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sources/{id}")]
async fn get_source(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<params::LangQuery>,
) -> ApiResult<HttpResponse> {
    super::edit::fetch::<SourceEdit>(&req, path.into_inner(), query.lang.as_deref()).await
}

/// Sources are written by editors.
pub struct SourceEdit;

impl Editable for SourceEdit {
    const CLIENT_KEY: Option<&'static str> = Some("id");
    const RESOURCE: &'static str = "source";
    const ROLE: Role = Role::Editor;
    type Input = SourceInput;
    type View = SourceView;
    type Valid = Source;
    type Key = String;
    type Store = store::Sources;

    fn parse_key(raw: &str) -> ApiResult<String> {
        Ok(raw.to_owned())
    }
    fn chosen_key(valid: &Source) -> Option<String> {
        Some(valid.id.clone())
    }
    fn load(conn: &mut DbConnection, key: &String) -> ApiResult<Option<SourceView>> {
        Ok(store::find(conn, key)?.map(SourceView::from))
    }
    fn validate(
        _conn: &mut DbConnection,
        input: SourceInput,
    ) -> ApiResult<Result<Source, Vec<FieldError>>> {
        Ok(validate_source(input))
    }
}

crate::write_handlers! {
    editable: SourceEdit, input: SourceInput, view: SourceView, tag: "sources",
    collection: "/sources", item: "/sources/{id}", param: "id", base: "/api/v1/sources", key: String,
    create: create_source, replace: replace_source, patch: patch_source, delete: delete_source,
}
