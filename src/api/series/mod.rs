//! `/series`: one indicator over time for several provinces, with transforms, the 2025 lineage,
//! and JSON, CSV (wide or long) or an SVG line chart.

use std::collections::{BTreeSet, HashMap, HashSet};

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::params::{self, Lang};
use super::{provinces::resolve_refs, with_read};
use crate::analysis::series::{self, Point, Transform};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::db::DbConnection;
use crate::domain::{PeriodId, PeriodKind};
use crate::store::catalogue::Catalogue;
use crate::store::observations::{self, Observation, ObservationFilter};
use crate::store::{provinces, sources};

mod chart;
mod table;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_series);
}

/// One province's series.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesLine {
    #[schema(example = "thanh-hoa")]
    pub province_id: String,
    pub province_name: String,
    /// `null`; `successor` when predecessors were summed into the unit; `not_aggregable` when
    /// summing was asked for an indicator that cannot be summed (ranks, scores, rates).
    pub aggregation: Option<String>,
    /// For a predecessor brought in by `include_predecessors`: the unit it merged into.
    pub successor_id: Option<String>,
    pub points: Vec<Point>,
}

/// The series of an indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesResponse {
    #[schema(example = "internet_subscribers")]
    pub indicator: String,
    pub indicator_name: String,
    pub unit: String,
    /// `level`, `change`, `pct_change` or `index`.
    #[schema(value_type = crate::analysis::Transform)]
    pub transform: String,
    /// For `index`: the period equal to 100.
    pub base: Option<String>,
    pub periods: Vec<String>,
    pub series: Vec<SeriesLine>,
    /// The articles the values come from.
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// The indicator (one code).
    #[param(example = "internet_subscribers", required = true)]
    pub indicator: Option<String>,
    /// Provinces by slug, GSO code, ISO code or name (diacritics optional), comma-separated. A
    /// code or name used in both eras means both units unless `as_of` picks one. Default: every province with a value.
    #[param(example = "thanh-hoa,bac-giang")]
    pub province: Option<String>,
    /// With a GSO code, ISO code or name in `province`: the unit in force on this date
    /// (YYYY-MM-DD). Without it, a code or name used in both eras means both units.
    #[param(example = "2024-12-31", format = Date)]
    pub as_of: Option<String>,
    /// First period (default: the first with a value).
    #[param(example = "2019")]
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub from: Option<String>,
    /// Last period (default: the last with a value).
    #[param(example = "2024")]
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub to: Option<String>,
    /// Period kind: `year` (default), `half`, `quarter`, `month`, `year_to_date`.
    #[param(value_type = Option<PeriodKind>)]
    pub kind: Option<String>,
    /// `level` (default), `change`, `pct_change` (over the previous period of the same kind), `index`.
    #[param(value_type = Option<Transform>, example = "pct_change")]
    pub transform: Option<String>,
    /// For `index`: the base period (default the first period).
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub base: Option<String>,
    /// `successor`: for a unit formed in 2025, sum its predecessors per period (additive
    /// indicators only; a period is `partial` when a predecessor has no value).
    #[param(value_type = Option<Aggregate>)]
    pub aggregate: Option<String>,
    /// `true`: add a series for each predecessor of a unit formed in 2025.
    #[param(value_type = Option<bool>)]
    pub include_predecessors: Option<String>,
    /// `json` (default), `csv`, or `svg` (a line chart).
    #[param(value_type = Option<SeriesFormat>, example = "svg")]
    pub format: Option<String>,
    /// CSV layout: `wide` (default: a row per period, a column per province) or `long`.
    #[param(value_type = Option<CsvShape>)]
    pub shape: Option<String>,
    /// Label language: `en` (default) or `vi`.
    #[param(value_type = Option<Lang>, example = "vi")]
    pub lang: Option<String>,
}

crate::domain::vocab::vocabulary! {
    /// A series as JSON, as a CSV table, or as an SVG line chart.
    pub enum SeriesFormat {
        Json = "json",
        Csv = "csv",
        Svg = "svg",
    }
}

crate::domain::vocab::vocabulary! {
    /// The CSV layout: a row per period and a column per province, or a row per value.
    pub enum CsvShape {
        Wide = "wide",
        Long = "long",
    }
}

crate::domain::vocab::vocabulary! {
    /// How to combine series: `successor` sums a 2025 unit's predecessors per period.
    pub enum Aggregate {
        Successor = "successor",
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Output {
    Json,
    Csv { long: bool },
    Svg,
}

struct Request {
    indicator: String,
    provinces: Vec<String>,
    from: Option<PeriodId>,
    to: Option<PeriodId>,
    kind: PeriodKind,
    transform: Transform,
    base: Option<PeriodId>,
    aggregate: bool,
    include_predecessors: bool,
    lang: Lang,
}

fn build(conn: &mut DbConnection, catalogue: &Catalogue, r: Request) -> ApiResult<SeriesResponse> {
    let code = super::indicators::resolve_codes(
        catalogue,
        "indicator",
        std::slice::from_ref(&r.indicator),
    )?
    .remove(0);
    let indicator = catalogue
        .indicator(&code)
        .cloned()
        .ok_or_else(|| ApiError::not_found("indicator", code.clone()))?;
    let kinds = vec![r.kind.as_str().to_owned()];
    let all = observations::matching(
        conn,
        &ObservationFilter {
            indicator_codes: vec![indicator.code.clone()],
            period_kinds: kinds,
            ..Default::default()
        },
    )?;
    let registry = &catalogue.provinces;
    let today = chrono::Utc::now().date_naive();
    let name = |id: &str| {
        registry
            .resolve(id, today)
            .map(|p| {
                r.lang
                    .pick(&p.province.name_en, &p.province.name_vi)
                    .to_owned()
            })
            .unwrap_or_default()
    };

    // Which lines: the asked provinces (or all with data), then predecessors if asked.
    let mut lines: Vec<(String, Option<String>)> = if r.provinces.is_empty() {
        all.iter()
            .map(|o| o.province_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|p| (p, None))
            .collect()
    } else {
        r.provinces.iter().map(|p| (p.clone(), None)).collect()
    };
    let links =
        provinces::lineage_of(conn, &lines.iter().map(|l| l.0.clone()).collect::<Vec<_>>())?;
    let mut predecessors: HashMap<String, Vec<String>> = HashMap::new();
    for link in &links {
        predecessors
            .entry(link.successor_id.clone())
            .or_default()
            .push(link.predecessor_id.clone());
    }
    if r.include_predecessors {
        let extra: Vec<(String, Option<String>)> = lines
            .iter()
            .flat_map(|(id, _)| {
                let parts = predecessors.get(id).cloned().unwrap_or_default();
                parts.into_iter().map(move |p| (p, Some(id.clone())))
            })
            .collect();
        lines.extend(extra);
    }

    // The provinces whose figures the lines draw on bound the periods.
    let drawn_on: HashSet<&str> = lines
        .iter()
        .flat_map(|(id, _)| {
            let parts = if r.aggregate {
                predecessors.get(id).map(Vec::as_slice).unwrap_or_default()
            } else {
                &[]
            };
            std::iter::once(id.as_str()).chain(parts.iter().map(String::as_str))
        })
        .collect();
    let relevant: Vec<&Observation> = all
        .iter()
        .filter(|o| drawn_on.contains(o.province_id.as_str()))
        .collect();
    let first = r
        .from
        .map(|p| p.start_date())
        .or_else(|| relevant.iter().map(|o| o.period_start).min());
    let last =
        r.to.map(|p| p.end_date())
            .or_else(|| relevant.iter().map(|o| o.period_end).max());
    let periods = match (first, last) {
        (Some(first), Some(last)) => PeriodId::spanning(r.kind, first, last),
        _ => Vec::new(),
    };
    let base_index = match r.base {
        Some(base) => Some(periods.iter().position(|p| *p == base).ok_or_else(|| {
            ApiError::invalid(
                "base",
                format!("`base` {base} is not one of the series' periods"),
            )
        })?),
        None if r.transform == Transform::Index => (!periods.is_empty()).then_some(0),
        None => None,
    };
    let plan = series::Plan {
        lines: &lines,
        predecessors: &predecessors,
        periods: &periods,
        aggregate: r.aggregate,
        additive: indicator.additive,
        transform: r.transform,
        base: base_index,
    };
    let (drawn, used_sources) = series::assemble(&all, &plan);
    let series: Vec<SeriesLine> = drawn
        .into_iter()
        .map(|line| SeriesLine {
            province_name: name(&line.province_id),
            province_id: line.province_id,
            aggregation: line.aggregation,
            successor_id: line.successor_id,
            points: line.points,
        })
        .collect();
    let used_sources: Vec<String> = used_sources.into_iter().collect();
    let known = sources::titles(conn, &used_sources)?;
    let titles: Vec<String> = used_sources
        .into_iter()
        .map(|id| known.get(&id).cloned().unwrap_or(id))
        .collect();
    Ok(SeriesResponse {
        indicator_name: r
            .lang
            .pick(&indicator.name_en, &indicator.name_vi)
            .to_owned(),
        indicator: indicator.code,
        unit: indicator.unit,
        transform: r.transform.as_str().to_owned(),
        base: base_index.map(|i| periods[i].to_string()),
        periods: periods.iter().map(|p| p.to_string()).collect(),
        series,
        sources: titles,
    })
}

/// An indicator over time for several provinces.
///
/// One series per province over every period of `kind` from `from` to `to`; a period without a
/// figure is a gap (`null`), never a zero. `transform` gives `change` or `pct_change` over the
/// previous period of the same kind, or an `index` with `base` = 100. For a unit formed on
/// 1 July 2025, `include_predecessors=true` adds its predecessors' series, and
/// `aggregate=successor` sums them into it for additive indicators (subscribers, stations,
/// revenue), marking a period `partial` when a predecessor has no value; ranks, scores and rates
/// are never summed (`aggregation: not_aggregable`). `format=csv` gives a row per period and a
/// column per province (`shape=long` for one row per value); `format=svg` a labelled line chart.
#[utoipa::path(
    tag = "series",
    params(SeriesQuery),
    responses(
        (status = 200, description = "The series", content(
            (SeriesResponse = "application/json"),
            (String = "text/csv"),
            (String = "image/svg+xml"),
        )),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/series")]
async fn get_series(
    req: HttpRequest,
    query: web::Query<SeriesQuery>,
    catalogue: super::catalogue::CatalogueRef,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let lang = params::lang(&req, q.lang.as_deref())?;
    let long = params::word::<CsvShape>("shape", q.shape.as_deref())? == Some(CsvShape::Long);
    let output = match params::format(
        &req,
        q.format.as_deref(),
        &[("text/csv", SeriesFormat::Csv)],
        SeriesFormat::Json,
    )? {
        SeriesFormat::Json => Output::Json,
        SeriesFormat::Csv => Output::Csv { long },
        SeriesFormat::Svg => Output::Svg,
    };
    let indicator = q
        .indicator
        .clone()
        .filter(|i| !i.trim().is_empty())
        .ok_or_else(|| ApiError::invalid("indicator", "`indicator` is required"))?;
    let kind = params::word("kind", q.kind.as_deref())?.unwrap_or(PeriodKind::Year);
    let transform = params::word("transform", q.transform.as_deref())?.unwrap_or(Transform::Level);
    let period_of = |name: &str, raw: Option<&str>| -> ApiResult<Option<PeriodId>> {
        raw.map(|s| params::period(name, s)).transpose()
    };
    let aggregate = params::word::<Aggregate>("aggregate", q.aggregate.as_deref())?.is_some();
    let request = Request {
        indicator,
        provinces: Vec::new(),
        from: period_of("from", q.from.as_deref())?,
        to: period_of("to", q.to.as_deref())?,
        kind,
        transform,
        base: period_of("base", q.base.as_deref())?,
        aggregate,
        include_predecessors: params::flag(
            "include_predecessors",
            q.include_predecessors.as_deref(),
        )?,
        lang,
    };
    let refs = params::list(q.province.as_deref());
    let as_of = params::date("as_of", q.as_of.as_deref())?;
    let provinces = resolve_refs(&catalogue, "province", &refs, as_of)?;
    let response = with_read(&req, move |conn| {
        build(
            conn,
            &catalogue,
            Request {
                provinces,
                ..request
            },
        )
    })
    .await?;
    let stem = format!("series-{}", response.indicator);
    Ok(match output {
        Output::Json => HttpResponse::Ok().json(&response),
        Output::Csv { long } => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8; header=present")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.csv\""),
            ))
            .body(table::csv(&response, long)),
        Output::Svg => HttpResponse::Ok()
            .content_type("image/svg+xml")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{stem}.svg\""),
            ))
            .body(chart::svg(&response, lang)?),
    })
}
