//! `/provinces/{id}/profile`: a province in one call, for a newsroom's fact box.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::awards::AwardView;
use super::params;
use super::provinces::ProvinceView;
use super::rankings::reported_ranks;
use super::targets::{with_actuals, TargetView};
use super::with_read;
use crate::analysis::ranking::{rank_among, rank_companion, standing, Printed, RankBasis};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::domain::vocab::Direction;
use crate::store::awards::{self, AwardFilter};
use crate::store::observations::{self, Observation, ObservationFilter};
use crate::store::targets::{self, TargetFilter};
use crate::store::PageRequest;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_profile);
}

/// The latest value of one indicator, with its standing among the units of its era.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileFigure {
    #[schema(example = "internet_subscribers")]
    pub indicator: String,
    pub indicator_name: String,
    #[schema(value_type = crate::domain::vocab::Category)]
    pub category: String,
    pub unit: String,
    #[schema(value_type = crate::domain::vocab::Direction)]
    pub direction: String,
    #[schema(example = "2023")]
    pub period: String,
    pub value: f64,
    #[schema(value_type = crate::domain::vocab::ObservationStatus)]
    pub status: String,
    #[schema(value_type = Option<crate::domain::vocab::Qualifier>)]
    pub qualifier: Option<String>,
    /// The rank to quote: chiso's own when every unit of the set has a value, else the rank the
    /// source printed, else null (see `GET /indicators/{code}/ranking`).
    #[schema(example = 10)]
    pub rank: Option<i64>,
    #[schema(example = 63)]
    pub rank_of: Option<i64>,
    pub rank_basis: Option<RankBasis>,
    /// chiso's rank among the units with a value for this indicator and period...
    pub computed_rank: usize,
    /// ...and how many those are.
    pub computed_rank_of: usize,
    /// The units of the set (63 before 1 July 2025, 34 after).
    #[schema(example = 63)]
    pub units: usize,
    pub observation_id: i32,
    pub source_id: Option<String>,
    pub quote: Option<String>,
}

/// A province in one call.
#[derive(Debug, Serialize, ToSchema)]
pub struct Profile {
    pub province: ProvinceView,
    /// The period asked for; figures are the latest up to its end.
    pub period: Option<String>,
    pub figures: Vec<ProfileFigure>,
    /// Targets (of the period, if given), with their attainment.
    pub targets: Vec<TargetView>,
    /// Awards (of the period, if given).
    pub awards: Vec<AwardView>,
    /// For a unit formed on 1 July 2025 that has no figures of its own yet: its predecessors
    /// that do (their profiles, or `/series?include_predecessors=true`, give their history).
    pub predecessors_with_figures: Vec<String>,
    /// Why `figures` is empty, when it is.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProfileQuery {
    /// Figures up to the end of this period, and its targets and awards; default everything.
    #[param(example = "2023")]
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub period: Option<String>,
    /// For a GSO code used in both eras: the unit in force on this date (default today).
    #[param(format = Date)]
    pub as_of: Option<String>,
    /// Label language: `en` (default) or `vi`.
    #[param(value_type = Option<crate::api::params::Lang>, example = "vi")]
    pub lang: Option<String>,
}

/// A province's profile: for each indicator its latest value (up to `period`) with its rank
/// among provinces and its citation, the targets with their attainment, and the awards.
#[utoipa::path(
    tag = "provinces",
    params(("id" = String, Path, description = "Slug, GSO code or ISO code", example = "dak-nong"), ProfileQuery),
    responses(
        (status = 200, description = "The profile", body = Profile),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such province", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/provinces/{id}/profile")]
async fn get_profile(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ProfileQuery>,
    catalogue: super::catalogue::CatalogueRef,
) -> ApiResult<HttpResponse> {
    let lang = params::lang(&req, query.lang.as_deref())?;
    let period = query
        .period
        .as_deref()
        .map(|p| params::period("period", p))
        .transpose()?;
    let as_of = params::date("as_of", query.as_of.as_deref())?
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let reference = path.into_inner();
    let profile = with_read(&req, move |conn| {
        let resolved = crate::store::provinces::resolve(conn, &reference, as_of)?
            .ok_or_else(|| ApiError::not_found("province", reference.clone()))?;
        let id = resolved.province.id.clone();
        let province = super::provinces::views(conn, vec![resolved.province], Some(as_of))?
            .remove(0)
            .localized(lang);

        let own = observations::matching(
            conn,
            &ObservationFilter {
                province_ids: vec![id.clone()],
                ends_by: period.map(|p| p.end_date()),
                ..Default::default()
            },
        )?;
        // The latest per indicator: the latest end, then the longest period (a year over its 11 months).
        let mut latest: HashMap<String, Observation> = HashMap::new();
        for o in own {
            let better = latest
                .get(&o.indicator_code)
                .is_none_or(|b| (o.period_end, b.period_start) > (b.period_end, o.period_start));
            if better {
                latest.insert(o.indicator_code.clone(), o);
            }
        }
        let indicators = &catalogue;
        let peers = observations::matching(
            conn,
            &ObservationFilter {
                indicator_codes: latest.keys().cloned().collect(),
                period_ids: latest.values().map(|o| o.period_id.clone()).collect(),
                ..Default::default()
            },
        )?;
        let registry = &catalogue.provinces;
        let companions: Vec<String> = latest
            .keys()
            .filter_map(|code| indicators.indicator(code).and_then(rank_companion))
            .collect();
        let reported = reported_ranks(
            conn,
            companions,
            latest.values().map(|o| o.period_id.clone()).collect(),
        )?;
        let mut figures: Vec<ProfileFigure> = latest
            .into_values()
            .filter_map(|o| {
                let indicator = indicators.indicator(&o.indicator_code)?;
                let printed: Printed = rank_companion(indicator)
                    .and_then(|code| {
                        let key = (code, o.province_id.clone(), o.period_id.clone());
                        reported.get(&key).map(|rank| (o.province_id.clone(), *rank))
                    })
                    .into_iter()
                    .collect();
                let same = peers
                    .iter()
                    .filter(|p| p.indicator_code == o.indicator_code && p.period_id == o.period_id);
                let direction = Direction::parse(&indicator.direction).unwrap_or(Direction::Higher);
                let ranked = rank_among(registry, same, (None, o.period_end), direction, &printed);
                let place = ranked
                    .places
                    .iter()
                    .find(|(p, _)| p.id == o.id)
                    .map(|(_, place)| *place)
                    .unwrap_or_else(|| standing(1, 1, ranked.units, printed.get(&o.province_id).copied()));
                Some(ProfileFigure {
                    indicator_name: lang.pick(&indicator.name_en, &indicator.name_vi).to_owned(),
                    category: indicator.category.clone(),
                    unit: o.unit,
                    direction: indicator.direction.clone(),
                    period: o.period_id,
                    value: o.value,
                    status: o.status,
                    qualifier: o.qualifier,
                    rank: place.rank,
                    rank_of: place.rank_of,
                    rank_basis: place.basis,
                    computed_rank: place.computed_rank,
                    computed_rank_of: place.computed_rank_of,
                    units: ranked.units,
                    observation_id: o.id,
                    source_id: o.source_id,
                    quote: o.quote,
                    indicator: o.indicator_code,
                })
            })
            .collect();
        figures.sort_by(|a, b| {
            a.category
                .cmp(&b.category)
                .then_with(|| a.indicator.cmp(&b.indicator))
        });

        let period_ids: Vec<String> = period.map(|p| vec![p.to_string()]).unwrap_or_default();
        let all = PageRequest {
            limit: 10_000,
            after: None,
        };
        let target_rows = targets::list(
            conn,
            &TargetFilter {
                province_ids: vec![id.clone()],
                period_ids: period_ids.clone(),
                ..Default::default()
            },
            &all,
            None,
        )?
        .rows;
        let targets = with_actuals(
            conn,
            target_rows.into_iter().map(TargetView::from).collect(),
        )?;
        let awards = awards::list(
            conn,
            &AwardFilter {
                province_ids: vec![id],
                period_ids,
                ..Default::default()
            },
            &all,
            None,
        )?
        .rows
        .into_iter()
        .map(AwardView::from)
        .collect();
        let mut predecessors_with_figures = Vec::new();
        let mut note = None;
        if figures.is_empty() {
            let predecessors: Vec<String> = crate::store::provinces::lineage_of(conn, std::slice::from_ref(&province.id))?
                .into_iter()
                .filter(|link| link.successor_id == province.id)
                .map(|link| link.predecessor_id)
                .collect();
            if !predecessors.is_empty() {
                let with_figures = observations::matching(
                    conn,
                    &ObservationFilter {
                        province_ids: predecessors.clone(),
                        ends_by: period.map(|p| p.end_date()),
                        ..Default::default()
                    },
                )?;
                predecessors_with_figures = predecessors
                    .into_iter()
                    .filter(|p| with_figures.iter().any(|o| &o.province_id == p))
                    .collect();
            }
            note = Some(if predecessors_with_figures.is_empty() {
                format!("chiso has no figures for {} yet", province.id)
            } else {
                format!(
                    "{} has no figures of its own yet; the units merged into it do: {} (see their profiles, or /api/v1/series?include_predecessors=true)",
                    province.id,
                    predecessors_with_figures.join(", ")
                )
            });
        }
        Ok(Profile {
            province,
            period: period.map(|p| p.to_string()),
            figures,
            targets,
            awards,
            predecessors_with_figures,
            note,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(profile))
}
