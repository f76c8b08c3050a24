//! `/indicators/{code}/ranking`: where each province stands on an indicator in a period.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::listing::{csv_response, Format};
use super::params::{self, Lang};
use super::with_conn;
use crate::db::{DbConnection, Pool};
use crate::domain::analysis::{competition_ranks, Direction};
use crate::domain::vocab;
use crate::error::{ApiError, ApiResult, Problem};
use crate::store::indicators::{self, Indicator};
use crate::store::observations::{self, Observation, ObservationFilter};
use crate::store::provinces::Registry;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_ranking);
}

/// One province's place.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RankingRow {
    /// Computed by chiso among the provinces with a value, following the indicator's direction;
    /// ties share a rank (1, 2, 2, 4).
    #[schema(example = 1)]
    pub rank: usize,
    #[schema(example = "bac-giang")]
    pub province_id: String,
    #[schema(example = "Bac Giang")]
    pub province_name: String,
    #[schema(example = 10.0)]
    pub value: f64,
    pub unit: String,
    pub status: String,
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

/// What was ranked.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingMeta {
    /// Rows in `data`.
    pub total: usize,
    /// How many provinces have a value: the `of` of every computed rank.
    #[schema(example = 5)]
    pub of: usize,
    #[schema(example = "pci_score")]
    pub indicator: String,
    pub indicator_name: String,
    pub unit: String,
    /// `higher` or `lower` is better.
    pub direction: String,
    #[schema(example = "2022")]
    pub period: String,
    /// The date whose units were ranked, when `era` or `as_of` was given.
    pub as_of: Option<chrono::NaiveDate>,
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
    pub period: Option<String>,
    /// `2008` ranks the 63 units of 2008-2025, `2025` the 34 units since 1 July 2025.
    #[param(pattern = "^(2008|2025)$")]
    pub era: Option<String>,
    /// Rank the units in force on this date.
    #[param(format = Date)]
    pub as_of: Option<String>,
    /// `json` (default) or `csv`.
    #[param(example = "json", pattern = "^(json|csv)$")]
    pub format: Option<String>,
    /// Label language: `en` (default) or `vi`.
    #[param(example = "vi", pattern = "^(en|vi)$")]
    pub lang: Option<String>,
}

/// The indicator that carries the printed rank of `indicator`: itself for a rank, `x_rank` for
/// `x_score` (PCI, PAR Index).
fn rank_companion(indicator: &Indicator) -> Option<String> {
    if indicator.unit == "rank" {
        Some(indicator.code.clone())
    } else {
        indicator
            .code
            .strip_suffix("_score")
            .map(|stem| format!("{stem}_rank"))
    }
}

/// Ranks the provinces with a value for `indicator` in `period` (all periods' latest when
/// `period` is None), optionally among the units in force on `as_of`.
pub fn rank(
    conn: &mut DbConnection,
    indicator: &Indicator,
    period: Option<String>,
    as_of: Option<chrono::NaiveDate>,
    lang: Lang,
) -> ApiResult<Ranking> {
    let period = match period {
        Some(p) => p,
        None => {
            let filter = ObservationFilter {
                indicator_codes: vec![indicator.code.clone()],
                ..Default::default()
            };
            let all = observations::matching(conn, &filter)?;
            match all.iter().max_by_key(|o| (o.period_end, o.period_start)) {
                Some(latest) => latest.period_id.clone(),
                None => {
                    return Err(ApiError::not_found(
                        "ranking",
                        format!("{} (no values yet)", indicator.code),
                    ))
                }
            }
        }
    };
    let registry = Registry::load(conn)?;
    let in_force = |id: &str| match as_of {
        None => true,
        Some(date) => registry
            .resolve(id, date)
            .is_some_and(|r| r.province.in_force_on(date)),
    };
    let filter = ObservationFilter {
        indicator_codes: vec![indicator.code.clone()],
        period_ids: vec![period.clone()],
        ..Default::default()
    };
    let rows: Vec<Observation> = observations::matching(conn, &filter)?
        .into_iter()
        .filter(|o| in_force(&o.province_id))
        .collect();
    let companion = rank_companion(indicator);
    let reported: HashMap<String, (f64, Option<i32>)> = match &companion {
        Some(code) => {
            let filter = ObservationFilter {
                indicator_codes: vec![code.clone()],
                period_ids: vec![period.clone()],
                ..Default::default()
            };
            observations::matching(conn, &filter)?
                .into_iter()
                .map(|o| (o.province_id, (o.value, o.rank_of)))
                .collect()
        }
        None => HashMap::new(),
    };
    let values: Vec<f64> = rows.iter().map(|o| o.value).collect();
    let ranks = competition_ranks(&values, Direction::parse(&indicator.direction));
    let mut data: Vec<RankingRow> = rows
        .into_iter()
        .zip(ranks)
        .map(|(o, rank)| {
            let name = registry
                .resolve(&o.province_id, chrono::Utc::now().date_naive())
                .map(|r| {
                    lang.pick(&r.province.name_en, &r.province.name_vi)
                        .to_owned()
                })
                .unwrap_or_default();
            let printed = reported.get(&o.province_id);
            RankingRow {
                rank,
                province_name: name,
                reported_rank: printed.map(|p| p.0),
                reported_rank_of: printed.and_then(|p| p.1),
                reported_rank_indicator: printed.and(companion.clone()),
                province_id: o.province_id,
                value: o.value,
                unit: o.unit,
                status: o.status,
                qualifier: o.qualifier,
                source_id: o.source_id,
                quote: o.quote,
            }
        })
        .collect();
    data.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then_with(|| a.province_id.cmp(&b.province_id))
    });
    Ok(Ranking {
        meta: RankingMeta {
            total: data.len(),
            of: data.len(),
            indicator: indicator.code.clone(),
            indicator_name: lang.pick(&indicator.name_en, &indicator.name_vi).to_owned(),
            unit: indicator.unit.clone(),
            direction: indicator.direction.clone(),
            period,
            as_of,
        },
        data,
    })
}

/// Rank provinces on an indicator.
///
/// Provinces with a value in the period, ranked by chiso following the indicator's direction
/// (ties share a rank: 1, 2, 2, 4), with `of` the number ranked. Where the source printed a rank
/// (10/63), it stands beside the computed one as `reported_rank`: for a rank indicator its own
/// value, for `x_score` the `x_rank` figure. Ranks are computed among the provinces chiso has
/// figures for, not all 63 or 34.
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
    pool: web::Data<Pool>,
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
    let as_of = match (
        params::date("as_of", query.as_of.as_deref())?,
        query.era.as_deref(),
    ) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "era",
                "use either `as_of` or `era`, not both",
            ))
        }
        (Some(date), None) => Some(date),
        (None, Some("2008")) => vocab::merger_date().pred_opt(),
        (None, Some("2025")) => Some(vocab::merger_date()),
        (None, Some(other)) => {
            return Err(ApiError::invalid(
                "era",
                format!("`era` must be `2008` or `2025`, got `{other}`"),
            ))
        }
        (None, None) => None,
    };
    let code = path.into_inner();
    let ranking = with_conn(&pool, move |conn| {
        let indicator = indicators::find(conn, &code)?
            .ok_or_else(|| ApiError::not_found("indicator", code.clone()))?;
        rank(conn, &indicator, period, as_of, lang)
    })
    .await?;
    Ok(match format {
        Format::Csv => csv_response(
            &ranking.data,
            &format!("ranking-{}-{}", ranking.meta.indicator, ranking.meta.period),
        ),
        Format::Json => HttpResponse::Ok().json(ranking),
    })
}
