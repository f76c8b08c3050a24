//! Every failure is an RFC 9457 problem, including actix's own routing and extractor failures.

use crate::helpers::spawn_app;

#[actix_web::test]
async fn a_non_numeric_limit_names_the_parameter() {
    let app = spawn_app().await;
    let problem = app.get("/api/v1/provinces?limit=abc").await.problem(400);
    assert_eq!(problem["parameter"], "limit");
    assert!(problem["detail"].as_str().unwrap().contains("abc"));
}

#[actix_web::test]
async fn an_unknown_query_parameter_is_named() {
    let app = spawn_app().await;
    let problem = app
        .get("/api/v1/observations?provnce=bac-giang")
        .await
        .problem(400);
    assert!(
        problem["detail"].as_str().unwrap().contains("provnce"),
        "{problem}"
    );
}

#[actix_web::test]
async fn an_unknown_route_is_a_problem() {
    let app = spawn_app().await;
    app.get("/api/v1/nowhere").await.problem(404);
    app.get("/api/v2/provinces").await.problem(404);
}

#[actix_web::test]
async fn a_wrong_method_is_405_with_allow() {
    let app = spawn_app().await;
    for (method, path, allowed) in [
        (
            reqwest::Method::DELETE,
            "/api/v1/provinces",
            vec!["GET", "POST"],
        ),
        (
            reqwest::Method::POST,
            "/api/v1/observations/1",
            vec!["GET", "PUT", "PATCH", "DELETE"],
        ),
        (reqwest::Method::PUT, "/api/v1/changes", vec!["GET"]),
        (
            reqwest::Method::POST,
            "/api/v1/observations/1/history",
            vec!["GET"],
        ),
    ] {
        let reply = app.request(method, path, None).await;
        let problem = reply.problem(405);
        assert_eq!(reply.header("allow"), Some(allowed.join(", ")), "{path}");
        assert_eq!(problem["allowed"], serde_json::json!(allowed), "{path}");
    }
}

#[actix_web::test]
async fn a_malformed_path_id_is_a_problem() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/observations/abc",
        "/api/v1/targets/1.5",
        "/api/v1/awards/99999999999",
    ] {
        let problem = app.get(path).await.problem(400);
        assert_eq!(problem["parameter"], "id", "{path}");
    }
    app.get("/api/v1/periods/20x3").await.problem(400);
}

#[actix_web::test]
async fn missing_single_resources_are_404() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/observations/999999",
        "/api/v1/targets/999999",
        "/api/v1/awards/999999",
        "/api/v1/sources/no-such-article",
        "/api/v1/indicators/no_such_indicator",
        "/api/v1/periods/2099",
        "/api/v1/provinces/99",
    ] {
        app.get(path).await.problem(404);
    }
}

#[actix_web::test]
async fn a_forged_or_foreign_cursor_is_refused() {
    let app = spawn_app().await;
    let problem = app
        .get("/api/v1/observations?cursor=not-a-cursor")
        .await
        .problem(400);
    assert_eq!(problem["parameter"], "cursor");
    let first = app.get_ok("/api/v1/observations?limit=2").await;
    let cursor = first["meta"]["next_cursor"].as_str().unwrap();
    let problem = app
        .get(&format!(
            "/api/v1/observations?limit=2&sort=-value&cursor={cursor}"
        ))
        .await
        .problem(400);
    assert!(
        problem["detail"].as_str().unwrap().contains("sort"),
        "{problem}"
    );
}

#[actix_web::test]
async fn empty_parameters_count_as_not_given() {
    let app = spawn_app().await;
    let plain = app.get_ok("/api/v1/observations?province=bac-giang").await;
    let with_empties = app
        .get_ok("/api/v1/observations?province=bac-giang&period=&format=&limit=&lang=")
        .await;
    assert_eq!(plain, with_empties);
}
