//! The OpenAPI 3.1 document. One function builds it from the registered routes; the server,
//! `chiso openapi` and the drift test all call it, so the committed file cannot silently differ.

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::api::error::Problem;
use crate::domain::vocab;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "chiso",
        description = "Open data API for Vietnam's provincial ICT and digital-transformation statistics: \
telephone and internet subscribers, DTI, PCI and PAR Index ranks, online public services, BTS stations, \
revenue, targets and awards, each figure cited to the article and sentence it came from.\n\n\
Lists share one shape, `{\"data\": [...], \"meta\": {\"total\", \"limit\", \"next_cursor\"}}`, with an RFC 8288 \
`Link: <...>; rel=\"next\"` header; pass `meta.next_cursor` as `cursor` for the next page. Every list is also \
CSV with `?format=csv` or `Accept: text/csv`. Unknown query parameters, unknown provinces, indicators or \
vocabulary values in filters are a 400; well-formed filters that match nothing give an empty list. \
Empty parameters (`?period=`) count as not given. \
Every error is an RFC 9457 `application/problem+json` document naming the parameter at fault.",
        license(name = "Data: CC BY 4.0; code: MIT OR Apache-2.0"),
    ),
    paths(docs_page),
    modifiers(&BearerAuth),
    components(schemas(
        Problem,
        // The closed vocabularies, each a named enum for generated clients.
        vocab::ObservationStatus,
        vocab::Qualifier,
        vocab::Category,
        vocab::Direction,
        vocab::Comparator,
        vocab::AwardType,
        vocab::RecipientKind,
        vocab::ProvinceKind,
        vocab::Region,
        vocab::Era,
        vocab::Resource,
        crate::domain::PeriodKind,
        crate::domain::PeriodId,
        crate::analysis::Transform,
        crate::analysis::AttainmentStatus,
        crate::store::observations::ObservationSort,
        crate::api::listing::Format,
        crate::api::params::Lang,
        crate::api::citations::CitationFormat,
        crate::api::series::SeriesFormat,
        crate::api::series::CsvShape,
        crate::api::series::Aggregate,
    )),
    tags(
        (name = "provinces", description = "Provincial-level units of both eras, with the 1 July 2025 merger lineage"),
        (name = "periods", description = "Reporting periods"),
        (name = "indicators", description = "The bilingual indicator catalogue"),
        (name = "observations", description = "Figures, each with its source and verbatim quote"),
        (name = "targets", description = "Goals provinces set"),
        (name = "awards", description = "Awards the articles report"),
        (name = "sources", description = "The articles"),
        (name = "series", description = "Indicators over time, with transforms and charts"),
        (name = "search", description = "Provinces, indicators and sources by name"),
        (name = "changes", description = "The audit feed of every write"),
        (name = "export", description = "The whole dataset in one download"),
        (name = "imports", description = "Bulk loading of observations"),
        (name = "auth", description = "Token revocation"),
        (name = "meta", description = "The API's own description"),
        (name = "health", description = "Probes"),
    )
)]
struct ApiDoc;

/// Writes need `Authorization: Bearer <JWT>`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A token from `chiso token issue`; role `editor` writes observations, targets, awards and sources, `admin` also provinces and indicators",
                    ))
                    .build(),
            ),
        );
    }
}

/// The interactive API documentation (Swagger UI, served from the binary, no CDN).
#[utoipa::path(
    get,
    path = "/docs/",
    tag = "meta",
    responses((status = 200, description = "An HTML page", content_type = "text/html", body = String))
)]
#[allow(dead_code)] // Served by `utoipa_swagger_ui`; this function only documents the route.
fn docs_page() {}

/// The serialized document, as the server hands it out.
pub struct OpenApiJson(pub String);

/// Builds the document from the same route configuration the server registers.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::api::configure)
        .split_for_parts();
    conventions::apply(with_list_schemas(doc))
}

/// Registers the page schema of every list (`ListAnswers` refers to them by name), with the
/// schemas they refer to.
fn with_list_schemas(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use crate::api::listing::{list_schema_name, ListResponse};
    use utoipa::{PartialSchema, ToSchema};
    fn add<V: ToSchema>(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((list_schema_name::<V>(), ListResponse::<V>::schema()));
        schemas.push((V::name().into_owned(), V::schema()));
        ListResponse::<V>::schemas(schemas);
    }
    let mut schemas = Vec::new();
    add::<crate::api::awards::AwardView>(&mut schemas);
    add::<crate::api::changes::ChangeView>(&mut schemas);
    add::<crate::api::indicators::IndicatorView>(&mut schemas);
    add::<crate::api::observations::ObservationView>(&mut schemas);
    add::<crate::api::periods::PeriodView>(&mut schemas);
    add::<crate::api::provinces::ProvinceView>(&mut schemas);
    add::<crate::api::sources::SourceView>(&mut schemas);
    add::<crate::api::targets::TargetView>(&mut schemas);
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
    }
    doc
}

pub fn document_json() -> String {
    document()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
}

/// Rules the server applies to every route, written into the document in one place rather than
/// on each annotation: empty query parameters, conditional requests and their headers, the
/// change reason, control characters in text, and merge-patch bodies.
mod conventions;

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("$ref", Value::String(target)) => found.push(target),
                        _ => references(value, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }

    /// Some schemas are registered by hand (the list pages in `with_list_schemas`, the
    /// vocabularies): a list or enum added without its registration leaves a dangling reference.
    #[test]
    fn every_reference_names_a_registered_schema() {
        let document: Value = serde_json::from_str(&super::document_json()).expect("JSON");
        let schemas = document["components"]["schemas"]
            .as_object()
            .expect("components");
        let mut found = Vec::new();
        references(&document, &mut found);
        let dangling: Vec<&str> = found
            .into_iter()
            .filter(|target| {
                let name = target.trim_start_matches("#/components/schemas/");
                !schemas.contains_key(name)
            })
            .collect();
        assert!(dangling.is_empty(), "{dangling:?}");
    }
}
