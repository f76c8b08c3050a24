//! The committed OpenAPI document is the one the server serves, and lists every route.

use crate::helpers::spawn_app;

const EXPECTED_PATHS: &[&str] = &[
    "/api/v1/awards",
    "/api/v1/awards/{id}",
    "/api/v1/awards/{id}/citation",
    "/api/v1/changes",
    "/api/v1/export",
    "/api/v1/imports",
    "/api/v1/indicators",
    "/api/v1/indicators/{code}",
    "/api/v1/indicators/{code}/ranking",
    "/api/v1/observations",
    "/api/v1/observations/{id}",
    "/api/v1/observations/{id}/citation",
    "/api/v1/observations/{id}/history",
    "/api/v1/openapi.json",
    "/api/v1/periods",
    "/api/v1/periods/{id}",
    "/api/v1/provinces",
    "/api/v1/provinces/{id}",
    "/api/v1/provinces/{id}/profile",
    "/api/v1/search",
    "/api/v1/series",
    "/api/v1/sources",
    "/api/v1/sources/{id}",
    "/api/v1/targets",
    "/api/v1/targets/{id}",
    "/api/v1/targets/{id}/citation",
    "/api/v1/token-revocations",
    "/docs/",
    "/healthz",
    "/readyz",
];

#[actix_web::test]
async fn served_document_equals_the_committed_one() {
    let app = spawn_app().await;
    let served = app.get_ok("/api/v1/openapi.json").await;
    let committed_text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed");
    let committed: serde_json::Value =
        serde_json::from_str(&committed_text).expect("committed document is JSON");
    assert!(
        served == committed,
        "openapi/openapi.json is out of date: regenerate it with `cargo run -- openapi > openapi/openapi.json`"
    );
    assert_eq!(served["openapi"], "3.1.0");
}

#[actix_web::test]
async fn document_lists_every_route() {
    let app = spawn_app().await;
    let served = app.get_ok("/api/v1/openapi.json").await;
    let paths: Vec<&str> = served["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(paths, EXPECTED_PATHS);
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let documented = operation.get("description").or(operation.get("summary"));
            assert!(documented.is_some(), "{method} {path} has no description");
        }
    }
}

#[actix_web::test]
async fn docs_page_is_served_from_the_binary() {
    let app = spawn_app().await;
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("swagger"),
        "{}",
        &page.body[..200.min(page.body.len())]
    );
    assert!(
        !page.body.contains("cdn") && !page.body.contains("unpkg"),
        "no CDN assets"
    );
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200);
    assert!(bundle.body.len() > 100_000);
}
