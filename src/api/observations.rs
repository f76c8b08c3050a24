//! `/observations`: each figure, with the sentence it came from.

use std::rc::Rc;

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::catalogue::CatalogueRef;
use super::edit::Editable;
use super::list_query::{ListQuery, PageParams};
use super::listing::TotalCache;
use super::listing::{self, ListAnswers};
use super::params::Lang;
use super::refs::{self, Names};
use super::vintage::{held_snapshot, with_read_or_async};
use super::{indicators::resolve_codes, params, provinces::resolve_refs};
use crate::api::error::{ApiResult, Problem};
use crate::auth::Role;
use crate::db::DbConnection;
use crate::domain::vocab;
use crate::error::FieldError;
pub use crate::input::observation::{validate_observation, ObservationInput};
use crate::store::catalogue::Catalogue;
use crate::store::observations::NewObservation;
use crate::store::observations::{
    self as store, Observation, ObservationFilter, ObservationKey, ObservationSort, OneSeries,
    SeriesRow,
};
use crate::store::replica::HeldObservation;
use crate::store::series_reads::SeriesReads;
use crate::store::Page;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_observations)
        .service(get_observation)
        .service(create_observation)
        .service(replace_observation)
        .service(patch_observation)
        .service(delete_observation);
}

/// An indicator's value for a province and a period.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ObservationView {
    #[schema(example = 1)]
    pub id: i32,
    #[schema(example = "bac-giang")]
    pub province_id: String,
    /// The province's name in the requested language (`lang`, `Accept-Language`).
    #[schema(example = "Bac Giang")]
    pub province_name: String,
    #[schema(example = "phone_subscribers")]
    pub indicator_code: String,
    /// The indicator's name in the requested language.
    #[schema(example = "Telephone subscribers")]
    pub indicator_name: String,
    #[schema(example = "2022")]
    pub period_id: String,
    #[schema(example = 1850000.0)]
    pub value: f64,
    #[schema(example = "subscribers")]
    pub unit: String,
    /// `final`, `estimated` ("ước đạt") or `provisional`.
    #[schema(example = "estimated")]
    #[schema(value_type = crate::domain::vocab::ObservationStatus)]
    pub status: String,
    /// `over` ("trên", "hơn"), `about` ("khoảng") or `nearly` ("gần").
    #[schema(value_type = Option<crate::domain::vocab::Qualifier>)]
    pub qualifier: Option<String>,
    /// For ranks: out of how many (10/63 has `rank_of` 63).
    pub rank_of: Option<i32>,
    /// For counts printed as a fraction (19/29 targets met): the denominator.
    pub denominator: Option<i32>,
    /// The figure as printed.
    #[schema(example = "1,85 triệu")]
    pub value_text: Option<String>,
    #[schema(example = "bac-giang-tt-tt-2022-tong-ket")]
    pub source_id: Option<String>,
    /// The verbatim sentence fragment the figure came from.
    #[schema(
        example = "Toàn tỉnh Bắc Giang hiện có tổng thuê bao điện thoại ước đạt 1,85 triệu, bằng 102,8% so với cùng kỳ"
    )]
    pub quote: Option<String>,
    /// Both languages' names of the province and the indicator, for `localized`.
    #[serde(skip)]
    pub names: (Names, Names),
}

impl ObservationView {
    /// Adds the province's and the indicator's names, in `lang`.
    pub fn labelled(mut self, names: (Names, Names), lang: Lang) -> Self {
        self.names = names;
        self.localized(lang)
    }

    pub fn localized(mut self, lang: Lang) -> Self {
        self.province_name = self.names.0.pick(lang);
        self.indicator_name = self.names.1.pick(lang);
        self
    }
}

impl From<Observation> for ObservationView {
    fn from(o: Observation) -> Self {
        ObservationView {
            id: o.id,
            province_id: o.province_id,
            indicator_code: o.indicator_code,
            province_name: String::new(),
            indicator_name: String::new(),
            period_id: o.period_id,
            value: o.value,
            unit: o.unit,
            status: o.status,
            qualifier: o.qualifier,
            rank_of: o.rank_of,
            denominator: o.denominator,
            value_text: o.value_text,
            source_id: o.source_id,
            quote: o.quote,
            names: Default::default(),
        }
    }
}

/// An [`ObservationView`] borrowing its strings (from an observation held in memory,
/// `store::replica`, or from a view) rather than copying them: the same fields in the same
/// order, so the same JSON and CSV.
#[derive(Default, Serialize)]
struct BorrowedObservationView<'a> {
    id: i32,
    province_id: &'a str,
    province_name: &'a str,
    indicator_code: &'a str,
    indicator_name: &'a str,
    period_id: &'a str,
    value: f64,
    unit: &'a str,
    status: &'a str,
    qualifier: Option<&'a str>,
    rank_of: Option<i32>,
    denominator: Option<i32>,
    value_text: Option<&'a str>,
    source_id: Option<&'a str>,
    quote: Option<&'a str>,
}

impl<'a> BorrowedObservationView<'a> {
    /// `o`, with its series' province and indicator names.
    fn of(o: HeldObservation<'a>, (province_name, indicator_name): (&'a str, &'a str)) -> Self {
        BorrowedObservationView {
            id: o.id(),
            province_id: o.province_id,
            province_name,
            indicator_code: o.indicator_code,
            indicator_name,
            period_id: o.period_id(),
            value: o.value(),
            unit: o.unit(),
            status: o.status(),
            qualifier: o.qualifier(),
            rank_of: o.rank_of(),
            denominator: o.denominator(),
            value_text: o.value_text(),
            source_id: o.source_id(),
            quote: o.quote(),
        }
    }
}

/// A [`BorrowedObservationView`] of a row with the owned fields of [`ObservationView`] (a
/// stored observation, a series' row, a view), given its province and indicator.
macro_rules! borrowed_view {
    ($o:expr, $province_id:expr, $indicator_code:expr, $names:expr) => {{
        let (o, (province_name, indicator_name)) = ($o, $names);
        BorrowedObservationView {
            id: o.id,
            province_id: $province_id,
            province_name,
            indicator_code: $indicator_code,
            indicator_name,
            period_id: &o.period_id,
            value: o.value,
            unit: &o.unit,
            status: &o.status,
            qualifier: o.qualifier.as_deref(),
            rank_of: o.rank_of,
            denominator: o.denominator,
            value_text: o.value_text.as_deref(),
            source_id: o.source_id.as_deref(),
            quote: o.quote.as_deref(),
        }
    }};
}

impl<'a> BorrowedObservationView<'a> {
    /// A stored observation, with its province and indicator names.
    fn of_stored(o: &'a Observation, names: (&'a str, &'a str)) -> Self {
        borrowed_view!(o, &o.province_id, &o.indicator_code, names)
    }

    /// A row of the series of `province_id` and `indicator_code`, with their names.
    fn of_series_row(
        o: &'a SeriesRow,
        (province_id, indicator_code): (&'a str, &'a str),
        names: (&'a str, &'a str),
    ) -> Self {
        borrowed_view!(o, province_id, indicator_code, names)
    }
}

impl<'a> From<&'a ObservationView> for BorrowedObservationView<'a> {
    fn from(v: &'a ObservationView) -> Self {
        let names = (v.province_name.as_str(), v.indicator_name.as_str());
        borrowed_view!(v, &v.province_id, &v.indicator_code, names)
    }
}

/// Writes observations as JSON, byte for byte as `serde_json` writes a
/// [`BorrowedObservationView`], in about a third of the time: `serde_json` escapes every key
/// and value, which took a cold series read a quarter of its CPU, and most of it repeats. Keys
/// need no escaping (each is written as one literal with its quotes, colon and comma), and rows
/// in a run of one province and indicator (a series) share their four names, escaped once for
/// the run.
#[derive(Default)]
struct ObservationsJson {
    /// The run's province id and name, indicator code and name, and their part of a row:
    /// `,"province_id":…,"indicator_name":…,"period_id":`.
    run: Option<([String; 4], Vec<u8>)>,
}

/// `,"key":`, for a field's name (which needs no escaping).
macro_rules! key {
    ($name:literal) => {
        concat!(",\"", $name, "\":").as_bytes()
    };
}

impl ObservationsJson {
    fn write(&mut self, out: &mut Vec<u8>, row: &BorrowedObservationView) {
        let names = [
            row.province_id,
            row.province_name,
            row.indicator_code,
            row.indicator_name,
        ];
        let names_part = match &self.run {
            Some((run, part)) if run == &names => part,
            _ => {
                let mut part = Vec::with_capacity(160);
                for (key, name) in [
                    key!("province_id"),
                    key!("province_name"),
                    key!("indicator_code"),
                    key!("indicator_name"),
                ]
                .into_iter()
                .zip(names)
                {
                    Self::field(&mut part, key, name);
                }
                part.extend_from_slice(key!("period_id"));
                &self.run.insert((names.map(str::to_owned), part)).1
            }
        };
        out.extend_from_slice(br#"{"id":"#);
        Self::value(out, row.id);
        out.extend_from_slice(names_part);
        Self::value(out, row.period_id);
        Self::field(out, key!("value"), row.value);
        Self::field(out, key!("unit"), row.unit);
        Self::field(out, key!("status"), row.status);
        Self::field(out, key!("qualifier"), row.qualifier);
        Self::field(out, key!("rank_of"), row.rank_of);
        Self::field(out, key!("denominator"), row.denominator);
        Self::field(out, key!("value_text"), row.value_text);
        Self::field(out, key!("source_id"), row.source_id);
        Self::field(out, key!("quote"), row.quote);
        out.push(b'}');
    }

    /// `key` (`,"name":`, see [`key!`]) and the value.
    fn field(out: &mut Vec<u8>, key: &[u8], value: impl Serialize) {
        out.extend_from_slice(key);
        Self::value(out, value);
    }

    fn value(out: &mut Vec<u8>, value: impl Serialize) {
        value
            .serialize(&mut serde_json::Serializer::new(out))
            .expect("a value serializes");
    }
}

/// Filters, order and page of the observation list. Every list filter takes comma-separated values.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ObservationListQuery {
    /// Provinces by slug, GSO code, ISO code or name (diacritics optional), comma-separated. A
    /// code or name used in both eras means both units unless `as_of` picks one. Unknown: 400.
    #[param(example = "bac-giang")]
    pub province: Option<String>,
    /// With a GSO code, ISO code or name in `province`: the unit in force on this date
    /// (YYYY-MM-DD). Without it, a code or name used in both eras means both units.
    #[param(example = "2024-12-31", format = Date)]
    pub as_of: Option<String>,
    /// Indicator codes. Unknown: 400.
    #[param(example = "phone_subscribers,internet_subscribers")]
    pub indicator: Option<String>,
    /// Period ids (`2023`, `2022-H1`, `2023-11M`...). Malformed: 400; valid but without data: empty list.
    #[param(
        value_type = Option<Vec<crate::domain::PeriodId>>,
        style = Form,
        explode = false,
        example = json!(["2022"])
    )]
    pub period: Option<String>,
    /// Only periods starting on or after the start of this period.
    #[param(example = "2021")]
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub from: Option<String>,
    /// Only periods ending on or before the end of this period.
    #[param(example = "2023")]
    #[param(value_type = Option<crate::domain::PeriodId>)]
    pub to: Option<String>,
    /// Indicator categories. Unknown: 400.
    #[param(value_type = Option<Vec<crate::domain::vocab::Category>>, style = Form, explode = false, example = json!(["telecom"]))]
    pub category: Option<String>,
    /// `final`, `estimated`, `provisional`. Unknown: 400.
    #[param(value_type = Option<Vec<crate::domain::vocab::ObservationStatus>>, style = Form, explode = false, example = json!(["estimated"]))]
    pub status: Option<String>,
    /// Source ids.
    pub source: Option<String>,
    /// Period kinds: `year`, `half`, `quarter`, `month`, `year_to_date`.
    #[param(value_type = Option<Vec<crate::domain::PeriodKind>>, style = Form, explode = false, example = json!(["year"]))]
    pub period_kind: Option<String>,
    /// Only the most recent N periods (of each kind) per province and indicator, like the World
    /// Bank's `mrv`.
    #[param(value_type = Option<i32>, minimum = 1, example = 1)]
    pub latest: Option<String>,
    /// `true`: a post-2025 unit in `province` brings its predecessors' figures too.
    #[param(value_type = Option<bool>, example = true)]
    pub include_predecessors: Option<String>,
    /// `id` (default), `value`, `-value`, `period`, `-period`.
    #[param(value_type = Option<crate::store::observations::ObservationSort>, example = "-value")]
    pub sort: Option<String>,
}

/// List observations.
#[utoipa::path(
    tag = "observations",
    params(ObservationListQuery, PageParams),
    responses(ListAnswers<ObservationView>)
)]
#[get("/observations")]
async fn list_observations(
    req: HttpRequest,
    query: ListQuery<ObservationListQuery>,
    totals: web::Data<TotalCache>,
    catalogue: CatalogueRef,
) -> ApiResult<HttpResponse> {
    let ListQuery {
        filters: query,
        page: paging,
    } = query;
    let sort = params::word("sort", query.sort.as_deref())?.unwrap_or(ObservationSort::Id);
    let (shape, page_request) = paging.read::<ObservationKey>(&req, sort.as_str())?;
    let lang = shape.lang;
    let mut filter = ObservationFilter {
        province_ids: Vec::new(),
        indicator_codes: params::list(query.indicator.as_deref()),
        period_ids: params::periods("period", query.period.as_deref())?,
        starts_from: params::from_period(query.from.as_deref())?,
        ends_by: params::to_period(query.to.as_deref())?,
        categories: params::one_of_each(
            "category",
            query.category.as_deref(),
            vocab::Category::WORDS,
        )?,
        statuses: params::one_of_each(
            "status",
            query.status.as_deref(),
            vocab::ObservationStatus::WORDS,
        )?,
        source_ids: params::list(query.source.as_deref()),
        period_kinds: params::one_of_each(
            "period_kind",
            query.period_kind.as_deref(),
            crate::domain::PeriodKind::WORDS,
        )?,
        latest: params::positive("latest", query.latest.as_deref())?,
    };
    let include_predecessors = params::flag(
        "include_predecessors",
        query.include_predecessors.as_deref(),
    )?;
    let province_refs = params::list(query.province.as_deref());
    let as_of = params::date("as_of", query.as_of.as_deref())?;
    filter.province_ids = resolve_refs(&catalogue, "province", &province_refs, as_of)?;
    filter.indicator_codes = resolve_codes(&catalogue, "indicator", &filter.indicator_codes)?;
    let version = catalogue.version;
    let series = (!include_predecessors)
        .then(|| OneSeries::of(&filter, sort, &page_request))
        .flatten();
    // One series (the commonest read) is answered from memory when the replica holds the data
    // as this request saw it; else it also has an asynchronous form, for PostgreSQL.
    if let Some(series) = &series {
        if let Some(snapshot) = held_snapshot(&req).await {
            let page = snapshot.page(series);
            // Every row is of the series: its names are looked up once.
            let (province, indicator, ..) = series.parts();
            let names = refs::names_in(&catalogue, province, indicator, lang);
            let mut json = ObservationsJson::default();
            return Ok(listing::respond_written(
                &req,
                shape,
                "observations",
                page,
                |o| BorrowedObservationView::of(o, names),
                |out, row| json.write(out, row),
            ));
        }
    }
    let series_reads = req.app_data::<Rc<SeriesReads>>().cloned();
    let fast = series.zip(series_reads).map(|(series, reads)| {
        let totals = totals.clone();
        let key = TotalCache::key("observations", &filter);
        async move |conn: &diesel_async::AsyncPgConnection| {
            let list = async |known| series.read_async(&reads, conn, known).await;
            let (page, state) = totals.page_async(version, key, list).await?;
            // The series' province and indicator, for its rows, which do not repeat them.
            let (province, indicator, ..) = series.parts();
            let ids = (province.to_owned(), indicator.to_owned());
            Ok((ReadRows::OfSeries(page, ids), state))
        }
    });
    let work = move |conn: &mut DbConnection| {
        if include_predecessors {
            filter.province_ids = with_predecessors(conn, &filter.province_ids)?;
        }
        let page = totals.page(
            conn,
            Some(version),
            "observations",
            &filter,
            |conn, known| store::list(conn, &filter, sort, &page_request, known),
        )?;
        Ok(ReadRows::Stored(page))
    };
    let mut json = ObservationsJson::default();
    let write = |out: &mut Vec<u8>, row: &BorrowedObservationView| json.write(out, row);
    let response = match with_read_or_async(&req, work, fast).await? {
        ReadRows::Stored(page) => {
            let mut names = refs::NamesOfRows::new(&catalogue, lang);
            listing::respond_written(
                &req,
                shape,
                "observations",
                page.borrowed(),
                |o| {
                    BorrowedObservationView::of_stored(
                        o,
                        names.of(&o.province_id, &o.indicator_code),
                    )
                },
                write,
            )
        }
        ReadRows::OfSeries(page, (province, indicator)) => {
            let (province, indicator) = (province.as_str(), indicator.as_str());
            let names = refs::names_in(&catalogue, province, indicator, lang);
            listing::respond_written(
                &req,
                shape,
                "observations",
                page.borrowed(),
                |o| BorrowedObservationView::of_series_row(o, (province, indicator), names),
                write,
            )
        }
    };
    Ok(response)
}

/// The rows an observation list read: stored observations (any filter), or the rows of one
/// series read on PostgreSQL's asynchronous connection, which leave out the series' province
/// and indicator (given beside them).
enum ReadRows {
    Stored(Page<Observation, ObservationKey>),
    OfSeries(Page<SeriesRow, ObservationKey>, (String, String)),
}

/// Get one observation.
#[utoipa::path(
    tag = "observations",
    params(("id" = i32, Path, example = 1), params::LangQuery),
    responses(
        (status = 200, description = "The observation", body = ObservationView),
        (status = 400, description = "The id is not an integer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such observation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/observations/{id}")]
async fn get_observation(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<params::LangQuery>,
) -> ApiResult<HttpResponse> {
    super::edit::fetch::<ObservationEdit>(&req, path.into_inner(), query.lang.as_deref()).await
}

/// Observations are written by editors.
pub struct ObservationEdit;

impl Editable for ObservationEdit {
    const RESOURCE: &'static str = "observation";
    const ROLE: Role = Role::Editor;
    const PRINTED_TEXT_OF: Option<(&'static str, &'static str)> = Some(("value", "value_text"));
    type Input = ObservationInput;
    type View = ObservationView;
    type Valid = NewObservation;
    type Key = i32;
    type Store = store::Observations;

    fn parse_key(raw: &str) -> ApiResult<i32> {
        params::id("observation", raw)
    }
    const DERIVED: &'static [&'static str] = &["province_name", "indicator_name"];

    fn load(conn: &mut DbConnection, key: &i32) -> ApiResult<Option<ObservationView>> {
        let Some(row) = store::find(conn, *key)? else {
            return Ok(None);
        };
        let names = refs::names_of(conn, &row.province_id, &row.indicator_code)?;
        Ok(Some(ObservationView::from(row).labelled(names, Lang::En)))
    }
    fn localize(view: ObservationView, lang: Lang) -> ObservationView {
        view.localized(lang)
    }
    fn validate(
        conn: &mut DbConnection,
        input: ObservationInput,
    ) -> ApiResult<Result<NewObservation, Vec<FieldError>>> {
        Ok(validate_observation(&Catalogue::load_current(conn)?, input))
    }
    fn holder(conn: &mut DbConnection, valid: &NewObservation) -> ApiResult<Option<i32>> {
        Ok(store::find_by_key(
            conn,
            &valid.province_id,
            &valid.indicator_code,
            &valid.period_id,
        )?)
    }
}

crate::write_handlers! {
    editable: ObservationEdit, input: ObservationInput, view: ObservationView, tag: "observations",
    collection: "/observations", item: "/observations/{id}", param: "id", base: "/api/v1/observations", key: i32,
    create: create_observation, replace: replace_observation, patch: patch_observation, delete: delete_observation,
}

/// The ids plus every unit merged into them, recursively.
pub fn with_predecessors(conn: &mut DbConnection, ids: &[String]) -> ApiResult<Vec<String>> {
    let mut all: Vec<String> = ids.to_vec();
    let mut frontier = ids.to_vec();
    while !frontier.is_empty() {
        let links = crate::store::provinces::lineage_of(conn, &frontier)?;
        frontier = links
            .into_iter()
            .filter(|l| frontier.contains(&l.successor_id) && !all.contains(&l.predecessor_id))
            .map(|l| l.predecessor_id)
            .collect();
        frontier.dedup();
        all.extend(frontier.iter().cloned());
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Owned rows, for the writer to borrow from.
    fn view() -> impl Strategy<Value = ObservationView> {
        // Names from a few, so that runs of one province and indicator come up; any text
        // (quotes, backslashes, control characters, Vietnamese) in the rest.
        let name = prop_oneof!["[a-c]", "Hà \"Nội\"\\\n", any::<String>()];
        let text = || any::<String>();
        let maybe = || prop::option::of(any::<String>());
        (
            (any::<i32>(), name.clone(), name.clone(), name.clone(), name),
            (text(), any::<f64>(), text(), text(), maybe()),
            (
                any::<Option<i32>>(),
                any::<Option<i32>>(),
                maybe(),
                maybe(),
                maybe(),
            ),
        )
            .prop_map(|(names, figures, rest)| {
                let (id, province_id, province_name, indicator_code, indicator_name) = names;
                let (period_id, value, unit, status, qualifier) = figures;
                let (rank_of, denominator, value_text, source_id, quote) = rest;
                ObservationView {
                    id,
                    province_id,
                    province_name,
                    indicator_code,
                    indicator_name,
                    period_id,
                    value,
                    unit,
                    status,
                    qualifier,
                    rank_of,
                    denominator,
                    value_text,
                    source_id,
                    quote,
                    names: Default::default(),
                }
            })
    }

    proptest! {
        #![proptest_config(crate::test_support::proptest_config(512))]

        /// Every field, every value (NaN and infinities are `null`), every escape, and a row
        /// of another province or indicator after a run: the bytes `serde_json` writes.
        #[test]
        fn observations_are_written_as_serde_json_writes_them(
            views in prop::collection::vec(view(), 1..6),
        ) {
            let mut json = ObservationsJson::default();
            for view in &views {
                // Twice: the second row of a run reuses its names' part.
                for _ in 0..2 {
                    let row = BorrowedObservationView::from(view);
                    let mut written = Vec::new();
                    json.write(&mut written, &row);
                    let expected = serde_json::to_vec(&row).unwrap();
                    prop_assert_eq!(String::from_utf8(written), String::from_utf8(expected));
                }
            }
        }
    }
}
