//! The audit trail: every write, its author and reason, before and after.

use chiso::auth::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn every_write_is_in_the_public_feed() {
    let app = spawn_app().await;
    assert_eq!(
        app.total("/api/v1/changes").await,
        0,
        "loading the shipped dataset is not an edit"
    );
    let token = app.token(Role::Editor);
    let body = json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations", "period_id": "2023", "value": 10});
    let created = app
        .send(
            Method::POST,
            "/api/v1/observations",
            Some(&token),
            Some(&body),
            &[("x-change-reason", "first count")],
        )
        .await;
    let path = created.header("location").unwrap();
    app.send(
        Method::PATCH,
        &path,
        Some(&token),
        Some(&json!({"value": 11})),
        &[],
    )
    .await;
    app.send(Method::DELETE, &path, Some(&token), None, &[])
        .await;

    let feed = app.get_ok("/api/v1/changes").await;
    let changes = feed["data"].as_array().unwrap();
    let actions: Vec<&str> = changes
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    assert!(changes
        .iter()
        .all(|c| c["actor"] == "emil" && c["resource"] == "observation"));
    assert_eq!(changes[0]["reason"], "first count");
    assert!(changes[0]["before"].is_null());
    assert_eq!(changes[1]["before"]["value"], 10.0);
    assert_eq!(changes[1]["after"]["value"], 11.0);
    assert!(changes[2]["after"].is_null());

    let since = changes[0]["id"].as_i64().unwrap();
    let later = app.get_ok(&format!("/api/v1/changes?since={since}")).await;
    assert_eq!(later["meta"]["total"], 2);
    app.get("/api/v1/changes?since=yesterday")
        .await
        .problem(400);
}

#[actix_web::test]
async fn failed_writes_leave_no_trace() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let bad = json!({"province_id": "atlantis", "indicator_code": "bts_stations", "period_id": "2023", "value": 1});
    app.post("/api/v1/observations", &token, &bad)
        .await
        .problem(422);
    assert_eq!(app.total("/api/v1/changes").await, 0);
}

#[actix_web::test]
async fn an_observation_history_shows_estimate_then_final_with_reasons() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let estimate = json!({"province_id": "dak-nong", "indicator_code": "bts_stations", "period_id": "2024", "value": "ước đạt 1.200"});
    let created = app
        .send(
            Method::POST,
            "/api/v1/observations",
            Some(&token),
            Some(&estimate),
            &[("x-change-reason", "January conference")],
        )
        .await;
    let path = created.header("location").unwrap();
    let revised = app
        .send(
            Method::PATCH,
            &path,
            Some(&token),
            Some(&json!({"value": 1214, "status": "final", "value_text": null})),
            &[("x-change-reason", "June statistics")],
        )
        .await;
    assert_eq!(revised.status, 200, "{}", revised.body);
    let history = app.get_ok(&format!("{path}/history")).await;
    let revisions = history["data"].as_array().unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0]["after"]["status"], "estimated");
    assert_eq!(revisions[0]["reason"], "January conference");
    assert_eq!(revisions[1]["before"]["value"], 1200.0);
    assert_eq!(revisions[1]["after"]["status"], "final");
    assert_eq!(revisions[1]["after"]["value"], 1214.0);
    assert_eq!(revisions[1]["reason"], "June statistics");
}
