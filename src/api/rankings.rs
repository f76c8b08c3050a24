//! `/indicators/{code}/ranking`: where each province stands on an indicator in a period.

use std::collections::HashMap;

use chrono::NaiveDate;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::listing::{csv_response, Format};
use super::params::{self, Lang};
use super::with_read;
use crate::analysis::ranking::{rank_among, rank_companion, Printed, RankBasis};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::db::DbConnection;
use crate::domain::vocab;
use crate::domain::vocab::Direction;
use crate::store::indicators::Indicator;
use crate::store::observations::{self, ObservationFilter};
use crate::store::provinces::Registry;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_ranking);
}

/// One province's place.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RankingRow {
    /// The rank to quote: chiso's own when every unit of the set has a value (`rank_basis`
    /// `computed`), else the rank the source printed (`reported`), else null.
    #[schema(example = 10)]
    pub rank: Option<i64>,
    /// Out of how many `rank` is: the set's size, or the printed denominator.
    #[schema(example = 63)]
    pub rank_of: Option<i64>,
    /// `computed`, `reported`, or null when there is no rank to quote.
    pub rank_basis: Option<RankBasis>,
    /// chiso's rank among the units with a value, following the indicator's direction; ties
    /// share a rank (1, 2, 2, 4).
    #[schema(example = 1)]
    pub computed_rank: usize,
    /// How many units have a value: `computed_rank` is among these only.
    #[schema(example = 3)]
    pub computed_rank_of: usize,
    #[schema(example = "bac-giang")]
    pub province_id: String,
    #[schema(example = "Bac Giang")]
    pub province_name: String,
    #[schema(example = 10.0)]
    pub value: f64,
    pub unit: String,
    #[schema(value_type = crate::domain::vocab::ObservationStatus)]
    pub status: String,
    #[schema(value_type = Option<crate::domain::vocab::Qualifier>)]
    pub qualifier: Option<String>,
    /// The rank the source printed ("10/63"), where it printed one.
    #[schema(example = 10)]
    pub reported_rank: Option<f64>,
    /// Out of how many the printed rank was.
    #[schema(example = 63)]
    pub reported_rank_of: Option<i32>,
    /// Which indicator the printed rank comes from.
    #[schema(example = "dti_rank")]
    pub reported_rank_indicator: Option<String>,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

/// What was ranked, among which units, and how complete it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingMeta {
    /// Rows in `data`.
    pub total: usize,
    /// The units ranked among: those in force on `as_of` (63 before 1 July 2025, 34 after).
    #[schema(example = 63)]
    pub units: usize,
    /// How many of them have a value.
    #[schema(example = 3)]
    pub with_value: usize,
    /// Every unit has a value, so chiso's ranks are ranks among all of them.
    pub complete: bool,
    /// `2008` (the 63 units) or `2025` (the 34).
    #[schema(example = "2008")]
    #[schema(value_type = crate::domain::vocab::Era)]
    pub era: String,
    /// The date whose units were ranked.
    pub as_of: chrono::NaiveDate,
    #[schema(example = "pci_score")]
    pub indicator: String,
    pub indicator_name: String,
    pub unit: String,
    /// `higher` or `lower` is better.
    #[schema(value_type = crate::domain::vocab::Direction)]
    pub direction: String,
    #[schema(example = "2022")]
    pub period: String,
    /// Why the ranking is empty or partial, in words.
    pub note: Option<String>,
    /// The version of the data the ranking reflects (see `as_of_version`).
    #[schema(example = 0)]
    pub data_version: i32,
}

/// A ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ranking {
    pub data: Vec<RankingRow>,
    pub meta: RankingMeta,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The period; default the latest period with a value.
    #[param(example = "2022")]
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub period: Option<String>,
    /// `2008` ranks the 63 units of 2008-2025, `2025` the 34 units since 1 July 2025.
    #[param(value_type = Option<crate::domain::vocab::Era>)]
    pub era: Option<String>,
    /// Rank the units in force on this date.
    #[param(format = Date)]
    pub as_of: Option<String>,
    /// `json` (default) or `csv`.
    #[param(value_type = Option<crate::api::listing::Format>, example = "json")]
    pub format: Option<String>,
    /// Label language: `en` (default) or `vi`.
    #[param(value_type = Option<crate::api::params::Lang>, example = "vi")]
    pub lang: Option<String>,
}

/// A printed rank and what it is out of, by (indicator, province, period).
pub type PrintedRanks = HashMap<(String, String, String), (f64, Option<i32>)>;

/// Printed ranks: the values of the `companions` (rank indicators) in the periods, by
/// (indicator, province, period).
pub fn reported_ranks(
    conn: &mut DbConnection,
    companions: Vec<String>,
    period_ids: Vec<String>,
) -> ApiResult<PrintedRanks> {
    if companions.is_empty() {
        return Ok(HashMap::new());
    }
    let filter = ObservationFilter {
        indicator_codes: companions,
        period_ids,
        ..Default::default()
    };
    Ok(observations::matching(conn, &filter)?
        .into_iter()
        .map(|o| {
            (
                (o.indicator_code, o.province_id, o.period_id),
                (o.value, o.rank_of),
            )
        })
        .collect())
}

/// Ranks the provinces with a value for `indicator` in `period` (the latest period with a value
/// when None) among a set of units (see [`unit_set`]).
pub fn rank(
    conn: &mut DbConnection,
    registry: &Registry,
    indicator: &Indicator,
    period: Option<String>,
    as_of: Option<NaiveDate>,
    lang: Lang,
) -> ApiResult<Ranking> {
    let period = match period {
        Some(p) => p,
        None => match observations::latest_period(conn, &indicator.code)? {
            Some(latest) => latest,
            None => {
                return Err(ApiError::not_found(
                    "ranking",
                    format!("{} (no values yet)", indicator.code),
                ))
            }
        },
    };
    let period_end = params::period("period", &period)?.end_date();
    let filter = ObservationFilter {
        indicator_codes: vec![indicator.code.clone()],
        period_ids: vec![period.clone()],
        ..Default::default()
    };
    let all_rows = observations::matching(conn, &filter)?;
    let companion = rank_companion(indicator);
    let printed: Printed = reported_ranks(
        conn,
        companion.iter().cloned().collect(),
        vec![period.clone()],
    )?
    .into_iter()
    .map(|((_, province, _), rank)| (province, rank))
    .collect();
    let direction = Direction::parse(&indicator.direction).unwrap_or(Direction::Higher);
    let ranked = rank_among(
        registry,
        &all_rows,
        (as_of, period_end),
        direction,
        &printed,
    );
    let today = chrono::Utc::now().date_naive();
    let data: Vec<RankingRow> = ranked
        .places
        .iter()
        .map(|(o, place)| {
            let name = registry
                .resolve(&o.province_id, today)
                .map(|r| {
                    lang.pick(&r.province.name_en, &r.province.name_vi)
                        .to_owned()
                })
                .unwrap_or_default();
            let printed = printed.get(&o.province_id);
            RankingRow {
                rank: place.rank,
                rank_of: place.rank_of,
                rank_basis: place.basis,
                computed_rank: place.computed_rank,
                computed_rank_of: place.computed_rank_of,
                province_name: name,
                reported_rank: printed.map(|p| p.0),
                reported_rank_of: printed.and_then(|p| p.1),
                reported_rank_indicator: printed.and(companion.clone()),
                province_id: o.province_id.clone(),
                value: o.value,
                unit: o.unit.clone(),
                status: o.status.clone(),
                qualifier: o.qualifier.clone(),
                source_id: o.source_id.clone(),
                quote: o.quote.clone(),
            }
        })
        .collect();
    let (units, with_value, date) = (ranked.units, data.len(), ranked.on);
    let note = ranked.note(&indicator.code, &period);
    Ok(Ranking {
        meta: RankingMeta {
            total: with_value,
            units,
            with_value,
            complete: units > 0 && with_value == units,
            era: vocab::Era::of(date).as_str().to_owned(),
            as_of: date,
            indicator: indicator.code.clone(),
            indicator_name: lang.pick(&indicator.name_en, &indicator.name_vi).to_owned(),
            unit: indicator.unit.clone(),
            direction: indicator.direction.clone(),
            period,
            note,
            // Set by the handler, from the read.
            data_version: 0,
        },
        data,
    })
}

/// Rank provinces on an indicator.
///
/// Provinces with a value in the period, among the 63 units of 2008-2025 or the 34 since 1 July
/// 2025 (`era`, `as_of`, or the period's). chiso ranks them by the indicator's direction
/// (`computed_rank`; ties share a rank: 1, 2, 2, 4) among the `with_value` that have a value.
/// `rank` is the one to quote: chiso's own when every unit has a value, else the rank the source
/// printed (10/63: for a rank indicator its own value, for `x_score` the `x_rank` figure), else
/// null. `meta.note` says why a ranking is partial or empty.
#[utoipa::path(
    tag = "indicators",
    params(("code" = String, Path, example = "pci_score"), RankingQuery),
    responses(
        (status = 200, description = "The ranking", content((Ranking = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such indicator, or no values", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/indicators/{code}/ranking")]
async fn get_ranking(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<RankingQuery>,
    catalogue: super::catalogue::CatalogueRef,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let format = Format::negotiate(&req, query.format.as_deref())?;
    let lang = params::lang(&req, query.lang.as_deref())?;
    let period = query
        .period
        .as_deref()
        .map(|p| params::period("period", p))
        .transpose()?
        .map(|p| p.to_string());
    let as_of = params::as_of_or_era(query.as_of.as_deref(), query.era.as_deref())?;
    let code = path.into_inner();
    let indicator = catalogue
        .indicator(&code)
        .cloned()
        .ok_or_else(|| ApiError::not_found("indicator", code.clone()))?;
    let mut ranking = with_read(&req, move |conn| {
        rank(conn, &catalogue.provinces, &indicator, period, as_of, lang)
    })
    .await?;
    ranking.meta.data_version = super::listing::reflected_version(&req);
    Ok(match format {
        Format::Csv => csv_response(
            &ranking.data,
            &format!("ranking-{}-{}", ranking.meta.indicator, ranking.meta.period),
        ),
        Format::Json => HttpResponse::Ok().json(ranking),
    })
}
