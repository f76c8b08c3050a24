//! `GET .../citation` for observations, targets and awards: a ready citation in Vietnamese or
//! English, pinned to the data version it was read at.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::catalogue::CatalogueRef;
use super::params::{self, Lang};
use super::with_read;
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::domain::citation::{Cited, Figure, Language, Retrieval, SourceRef};
use crate::domain::PeriodId;
use crate::store::{self, Keyed};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(cite_observation)
        .service(cite_target)
        .service(cite_award);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CitationQuery {
    /// Language of the citation: `en` (default) or `vi`; `Accept-Language: vi` also gives
    /// Vietnamese.
    #[param(value_type = Option<Lang>, example = "vi")]
    pub lang: Option<String>,
    /// `json` (default) or `text` (the citation alone, `text/plain`); `Accept: text/plain` also
    /// gives text.
    #[param(value_type = Option<CitationFormat>, example = "text")]
    pub format: Option<String>,
}

/// A citation of one figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct CitationView {
    /// The citation, ready to paste.
    #[schema(
        example = "Thanh Hóa: Thuê bao di động 2,98 triệu thuê bao (ước đạt), năm 2023. Nguồn: “Triển khai nhiệm vụ Thông tin và Truyền thông năm 2024”, ngày 02/01/2024. Truy xuất qua chiso, phiên bản dữ liệu 0: http://localhost:8080/api/v1/observations/12?as_of_version=0"
    )]
    pub text: String,
    /// `vi` or `en`.
    #[schema(example = "vi")]
    pub lang: String,
    /// The data version the citation was read at.
    #[schema(example = 0)]
    pub data_version: i32,
    /// The cited item pinned to that version: it answers the same data for good.
    #[schema(example = "http://localhost:8080/api/v1/observations/12?as_of_version=0")]
    pub permalink: String,
}

/// Get a ready citation of an observation.
///
/// What, where, when, the figure as printed with its status (estimated or final), the source
/// article and the permalink of the observation at the data version read.
#[utoipa::path(
    tag = "observations",
    params(("id" = i32, Path, example = 1), CitationQuery),
    responses(
        (status = 200, description = "The citation", content(
            (CitationView = "application/json"),
            (String = "text/plain"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such observation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/observations/{id}/citation")]
async fn cite_observation(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<CitationQuery>,
    catalogue: CatalogueRef,
) -> ApiResult<HttpResponse> {
    let (lang, format) = negotiate(&req, &query)?;
    let (id, o, source) =
        read_cited::<store::observations::Observations>(&req, "observation", &path, |o| {
            o.source_id.as_deref()
        })
        .await?;
    let cited = Cited {
        place: place(&catalogue, &o.province_id, Some(o.period_end), lang),
        what: indicator_name(&catalogue, &o.indicator_code, lang),
        period: o.period_id.parse::<PeriodId>().ok(),
        figure: Figure::Observation {
            value: o.value,
            value_text: o.value_text,
            unit: o.unit,
            status: o.status,
            qualifier: o.qualifier,
            out_of: o.rank_of.or(o.denominator),
        },
        source,
        retrieval: retrieval(&req, &format!("/api/v1/observations/{id}")),
    };
    Ok(respond(cited, lang, format))
}

/// Get a ready citation of a target.
#[utoipa::path(
    tag = "targets",
    params(("id" = i32, Path, example = 1), CitationQuery),
    responses(
        (status = 200, description = "The citation", content(
            (CitationView = "application/json"),
            (String = "text/plain"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such target", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/targets/{id}/citation")]
async fn cite_target(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<CitationQuery>,
    catalogue: CatalogueRef,
) -> ApiResult<HttpResponse> {
    let (lang, format) = negotiate(&req, &query)?;
    let (id, t, source) =
        read_cited::<store::targets::Targets>(&req, "target", &path, |t| t.source_id.as_deref())
            .await?;
    let cited = Cited {
        place: place(&catalogue, &t.province_id, Some(t.period_end), lang),
        what: indicator_name(&catalogue, &t.indicator_code, lang),
        period: t.period_id.parse::<PeriodId>().ok(),
        figure: Figure::Target {
            comparator: t.comparator,
            value: t.target_value,
            value_text: t.value_text,
            unit: t.unit,
        },
        source,
        retrieval: retrieval(&req, &format!("/api/v1/targets/{id}")),
    };
    Ok(respond(cited, lang, format))
}

/// Get a ready citation of an award.
#[utoipa::path(
    tag = "awards",
    params(("id" = i32, Path, example = 1), CitationQuery),
    responses(
        (status = 200, description = "The citation", content(
            (CitationView = "application/json"),
            (String = "text/plain"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such award", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/awards/{id}/citation")]
async fn cite_award(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<CitationQuery>,
    catalogue: CatalogueRef,
) -> ApiResult<HttpResponse> {
    let (lang, format) = negotiate(&req, &query)?;
    let (id, a, source) =
        read_cited::<store::awards::Awards>(&req, "award", &path, |a| Some(a.source_id.as_str()))
            .await?;
    let period = a
        .period_id
        .as_deref()
        .and_then(|p| p.parse::<PeriodId>().ok());
    let on = a.awarded_on.or(period.map(|p| p.end_date()));
    let cited = Cited {
        place: place(&catalogue, &a.province_id, on, lang),
        what: None,
        period,
        figure: Figure::Award {
            award_name_vi: a.award_name_vi,
            award_type: a.award_type,
            recipient: a.recipient,
            conferred_by: a.conferred_by,
            awarded_on: a.awarded_on,
        },
        source,
        retrieval: retrieval(&req, &format!("/api/v1/awards/{id}")),
    };
    Ok(respond(cited, lang, format))
}

crate::domain::vocab::vocabulary! {
    /// A citation as JSON, or as the sentence alone.
    pub enum CitationFormat {
        Json = "json",
        Text = "text",
    }
}

fn negotiate(req: &HttpRequest, query: &CitationQuery) -> ApiResult<(Lang, CitationFormat)> {
    let lang = params::lang(req, query.lang.as_deref())?;
    let format = params::format(
        req,
        query.format.as_deref(),
        &[("text/plain", CitationFormat::Text)],
        CitationFormat::Json,
    )?;
    Ok((lang, format))
}

/// The item `raw_id` names, and the source it cites, read at one data version.
async fn read_cited<S>(
    req: &HttpRequest,
    resource: &'static str,
    raw_id: &str,
    source_id: fn(&S::Row) -> Option<&str>,
) -> ApiResult<(i32, S::Row, Option<SourceRef>)>
where
    S: Keyed<Key = i32>,
    S::Row: Send + 'static,
{
    let id = params::id(resource, raw_id)?;
    let (row, source) = with_read(req, move |conn| {
        let row =
            S::find(conn, &id)?.ok_or_else(|| ApiError::not_found(resource, id.to_string()))?;
        let source = source_of(conn, source_id(&row))?;
        Ok((row, source))
    })
    .await?;
    Ok((id, row, source))
}

fn source_of(conn: &mut crate::db::DbConnection, id: Option<&str>) -> ApiResult<Option<SourceRef>> {
    let Some(id) = id else { return Ok(None) };
    Ok(store::sources::find(conn, id)?.map(|s| SourceRef {
        title: s.title,
        publisher: s.publisher,
        published_on: s.published_on,
        url: s.url,
    }))
}

/// The unit's name as it was on `on` (Thừa Thiên Huế for 2023, Huế after), or its slug.
fn place(catalogue: &CatalogueRef, province: &str, on: Option<NaiveDate>, lang: Lang) -> String {
    let registry = &catalogue.provinces;
    match registry.get(province) {
        Some(unit) => {
            let unit = match on {
                Some(date) => registry.as_of(unit, date),
                None => unit.clone(),
            };
            lang.pick(&unit.name_en, &unit.name_vi).to_owned()
        }
        None => province.to_owned(),
    }
}

fn indicator_name(catalogue: &CatalogueRef, code: &str, lang: Lang) -> Option<String> {
    Some(
        catalogue
            .indicator(code)
            .map_or(code, |i| lang.pick(&i.name_en, &i.name_vi))
            .to_owned(),
    )
}

/// The version read and the item's permalink at it, as an absolute URL.
fn retrieval(req: &HttpRequest, item_path: &str) -> Retrieval {
    let version = super::listing::reflected_version(req);
    let info = req.connection_info();
    Retrieval {
        version,
        permalink: format!(
            "{}://{}{}",
            info.scheme(),
            info.host(),
            super::vintage::permalink(item_path, "", version)
        ),
    }
}

fn respond(cited: Cited, lang: Lang, format: CitationFormat) -> HttpResponse {
    let language = match lang {
        Lang::Vi => Language::Vi,
        Lang::En => Language::En,
    };
    let text = cited.text(language);
    match format {
        CitationFormat::Text => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(text),
        CitationFormat::Json => HttpResponse::Ok().json(CitationView {
            text,
            lang: match lang {
                Lang::Vi => "vi",
                Lang::En => "en",
            }
            .into(),
            data_version: cited.retrieval.version,
            permalink: cited.retrieval.permalink,
        }),
    }
}
