//! Vintages and permalinks: `as_of_version` answers as the data stood after a change, every
//! answer names its version and links to itself pinned there, and a pinned answer never changes.

use chiso::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{ids_of, spawn_app, Reply, TestApp};

/// The `rel="memento"` target of an answer's `Link` header.
fn memento(reply: &Reply) -> String {
    let links: Vec<String> = reply
        .headers
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(", <").map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let link = links
        .iter()
        .find(|l| l.contains("rel=\"memento\""))
        .unwrap_or_else(|| panic!("no memento link in {links:?}"));
    link.trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_owned()
}

async fn ok(app: &TestApp, path: &str) -> Reply {
    let reply = app.get(path).await;
    assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
    reply
}

/// Reads that embed observations, targets, awards and catalogue names.
const READS: &[&str] = &[
    "/api/v1/observations?province=thanh-hoa&limit=1000",
    "/api/v1/observations?indicator=mobile_subscribers&sort=-value&limit=5",
    "/api/v1/targets?province=thanh-hoa",
    "/api/v1/awards?limit=1000",
    "/api/v1/indicators/dti_rank/ranking?period=2022",
    "/api/v1/series?indicator=mobile_subscribers&province=thanh-hoa&from=2019&to=2024",
    "/api/v1/provinces/thanh-hoa/profile",
    "/api/v1/indicators/mobile_subscribers",
];

#[actix_web::test]
async fn a_vintage_answers_as_the_data_stood_and_never_changes() {
    let app = spawn_app().await;
    let editor = app.token(Role::Editor);
    let admin = app.token(Role::Admin);

    // Version 0: the shipped data, before any change.
    let mut before = Vec::new();
    for path in READS {
        let reply = ok(&app, path).await;
        assert_eq!(reply.header("data-version").as_deref(), Some("0"), "{path}");
        assert!(memento(&reply).ends_with("as_of_version=0"), "{path}");
        before.push(reply);
    }
    let list = before[0].json();
    assert_eq!(list["meta"]["data_version"], 0);
    let shipped = list["data"].as_array().unwrap();
    let corrected = shipped
        .iter()
        .find(|o| o["indicator_code"] == "mobile_subscribers" && o["period_id"] == "2023")
        .expect("Thanh Hoa's 2023 mobile subscribers ship");
    let corrected_id = corrected["id"].as_i64().unwrap();
    let removed_id = shipped.iter().find(|o| o["id"] != corrected["id"]).unwrap()["id"]
        .as_i64()
        .unwrap();

    // Changes 1-5: the estimate replaced by a final figure, a new figure, a deletion, a renamed
    // indicator, a new award.
    let patched = app
        .send(
            Method::PATCH,
            &format!("/api/v1/observations/{corrected_id}"),
            Some(&editor),
            Some(&json!({"value": 3010000, "status": "final"})),
            &[],
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let created = app
        .post(
            "/api/v1/observations",
            &editor,
            &json!({"province_id": "thanh-hoa", "indicator_code": "mobile_subscribers", "period_id": "2024", "value": 3100000}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let created_id = created.json()["id"].as_i64().unwrap();
    let deleted = app
        .send(
            Method::DELETE,
            &format!("/api/v1/observations/{removed_id}"),
            Some(&editor),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    let renamed = app
        .send(
            Method::PATCH,
            "/api/v1/indicators/mobile_subscribers",
            Some(&admin),
            Some(&json!({"name_en": "Mobile phone subscriptions"})),
            &[],
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let award = app.get_ok("/api/v1/awards?limit=1").await["data"][0].clone();
    let mut new_award = award.clone();
    let object = new_award.as_object_mut().unwrap();
    object.remove("id");
    object.insert(
        "quote".into(),
        json!("Một trích dẫn khác cho phần thưởng mới"),
    );
    let awarded = app.post("/api/v1/awards", &editor, &new_award).await;
    assert_eq!(awarded.status, 201, "{}", awarded.body);

    // The present has moved on...
    let now = ok(&app, READS[0]).await;
    assert_eq!(now.header("data-version").as_deref(), Some("5"));
    assert_eq!(now.json()["meta"]["data_version"], 5);
    assert_eq!(ok(&app, READS[4]).await.json()["meta"]["data_version"], 5);
    assert_ne!(now.json()["data"], before[0].json()["data"]);

    // ... and version 0 answers exactly as before, for every read.
    for (path, then) in READS.iter().zip(&before) {
        let pinned = ok(&app, &memento(then)).await;
        let (pinned_body, then_body) = (pinned.json(), then.json());
        assert_eq!(pinned_body["data"], then_body["data"], "{path}");
        if then_body.get("data").is_none() {
            assert_eq!(pinned.body, then.body, "{path}");
        }
        assert_eq!(pinned.header("data-version").as_deref(), Some("0"));
        assert!(pinned.header("link").unwrap().contains("rel=\"original\""));
        if let Some(version) = pinned_body["meta"].get("data_version") {
            assert_eq!(version, 0, "{path}");
        }
    }

    // Single items: as they were, or not there yet, or still there.
    let at = |version: i32, id: i64| format!("/api/v1/observations/{id}?as_of_version={version}");
    assert_eq!(
        app.get_ok(&at(0, corrected_id)).await["status"],
        "estimated"
    );
    assert_eq!(app.get_ok(&at(1, corrected_id)).await["status"], "final");
    assert_eq!(app.get(&at(1, created_id)).await.status, 404);
    assert_eq!(app.get_ok(&at(2, created_id)).await["value"], 3100000.0);
    assert_eq!(app.get_ok(&at(2, removed_id)).await["id"], removed_id);
    assert_eq!(app.get(&at(3, removed_id)).await.status, 404);
    assert_eq!(
        app.get_ok("/api/v1/indicators/mobile_subscribers?as_of_version=3")
            .await["name_en"],
        before[7].json()["name_en"]
    );
    assert_eq!(
        app.total("/api/v1/awards?as_of_version=4").await + 1,
        app.total("/api/v1/awards").await
    );
    // The audit trail of a vintage ends at it.
    assert_eq!(app.total("/api/v1/changes?as_of_version=2").await, 2);

    // A permalink answers the same bytes and ETag after further writes.
    let pinned_path = memento(&now);
    let first = ok(&app, &pinned_path).await;
    let again = app
        .send(
            Method::PATCH,
            &format!("/api/v1/observations/{created_id}"),
            Some(&editor),
            Some(&json!({"value": 3200000})),
            &[],
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let later = ok(&app, &pinned_path).await;
    assert_eq!(later.body, first.body);
    assert_eq!(later.header("etag"), first.header("etag"));
    assert_eq!(first.json()["data"], now.json()["data"]);
    let revalidated = app
        .send(
            Method::GET,
            &pinned_path,
            None,
            None,
            &[("if-none-match", first.header("etag").unwrap().as_str())],
        )
        .await;
    assert_eq!(revalidated.status, 304);
    assert_eq!(revalidated.header("data-version").as_deref(), Some("5"));
}

#[actix_web::test]
async fn pages_of_a_vintage_stay_in_it() {
    let app = spawn_app().await;
    let editor = app.token(Role::Editor);
    let first = app
        .get_ok("/api/v1/observations?province=thanh-hoa&limit=3")
        .await;
    let id = first["data"][0]["id"].as_i64().unwrap();
    app.send(
        Method::DELETE,
        &format!("/api/v1/observations/{id}"),
        Some(&editor),
        None,
        &[],
    )
    .await;
    let (pinned, _) = app
        .collect_pages("/api/v1/observations?province=thanh-hoa&limit=3&as_of_version=0")
        .await;
    let (present, _) = app
        .collect_pages("/api/v1/observations?province=thanh-hoa&limit=3")
        .await;
    assert_eq!(pinned.len(), present.len() + 1);
    assert_eq!(pinned[0]["id"], id);
    let csv = app
        .get_csv("/api/v1/observations?province=thanh-hoa&as_of_version=0")
        .await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("data-version").as_deref(), Some("0"));
    assert_eq!(csv.body.lines().count() - 1, pinned.len());
}

#[actix_web::test]
async fn a_time_resolves_to_the_last_change_made_by_then() {
    let app = spawn_app().await;
    let editor = app.token(Role::Editor);
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let body = json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations", "period_id": "2031", "value": 1});
    assert_eq!(
        app.post("/api/v1/observations", &editor, &body)
            .await
            .status,
        201
    );
    let path = |t: chrono::DateTime<chrono::Utc>| {
        format!(
            "/api/v1/observations?period=2031&as_of_time={}",
            t.format("%Y-%m-%dT%H:%M:%S%.fZ")
        )
    };
    let then = ok(&app, &path(before)).await;
    assert_eq!(then.json()["meta"]["total"], 0);
    assert_eq!(then.header("data-version").as_deref(), Some("0"));
    assert!(memento(&then).ends_with("period=2031&as_of_version=0"));
    let now = chrono::Utc::now();
    let after = ok(&app, &path(now)).await;
    assert_eq!(after.json()["meta"]["total"], 1);
    assert_eq!(after.header("data-version").as_deref(), Some("1"));
    // An offset other than Z, percent-encoded or not.
    let local = ok(
        &app,
        "/api/v1/observations?period=2031&as_of_time=2020-01-01T07:00:00%2B07:00",
    )
    .await;
    assert_eq!(local.header("data-version").as_deref(), Some("0"));
}

#[actix_web::test]
async fn bad_pins_are_refused_naming_the_parameter() {
    let app = spawn_app().await;
    let future = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M:%SZ");
    for (query, parameter) in [
        ("as_of_version=1".to_owned(), "as_of_version"),
        ("as_of_version=-3".to_owned(), "as_of_version"),
        ("as_of_version=first".to_owned(), "as_of_version"),
        ("as_of_time=last-week".to_owned(), "as_of_time"),
        (format!("as_of_time={future}"), "as_of_time"),
        (
            "as_of_version=0&as_of_time=2026-01-01T00:00:00Z".to_owned(),
            "as_of_time",
        ),
    ] {
        for path in [
            "/api/v1/observations",
            "/api/v1/provinces/thanh-hoa",
            "/api/v1/series?indicator=bts_stations",
        ] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let reply = app.get(&format!("{path}{sep}{query}")).await;
            let problem = reply.problem(400);
            assert_eq!(problem["parameter"], parameter, "{query}: {problem}");
        }
    }
    // A version with no change behind it (a gap in the numbering) is unknown too.
    let empty = app.get("/api/v1/observations?as_of_version=").await;
    assert_eq!(empty.status, 200, "an empty pin is no pin");
}

#[actix_web::test]
async fn every_data_route_documents_the_pin() {
    let app = spawn_app().await;
    let doc: Value = app.get_ok("/api/v1/openapi.json").await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        let names: Vec<&str> = get["parameters"]
            .as_array()
            .map(|p| p.iter().filter_map(|p| p["name"].as_str()).collect())
            .unwrap_or_default();
        let data = path.starts_with("/api/v1/") && path != "/api/v1/openapi.json";
        assert_eq!(names.contains(&"as_of_version"), data, "{path}");
        assert_eq!(names.contains(&"as_of_time"), data, "{path}");
    }
}

#[actix_web::test]
async fn a_refresh_of_the_shipped_data_is_a_recorded_change() {
    let app = spawn_app().await;
    let editor = app.token(Role::Editor);
    let list = "/api/v1/observations?province=thanh-hoa&indicator=mobile_subscribers&period=2023";
    let id = app.get_ok(list).await["data"][0]["id"].as_i64().unwrap();
    let edited = app
        .send(
            Method::PATCH,
            &format!("/api/v1/observations/{id}"),
            Some(&editor),
            Some(&json!({"value": 3010000})),
            &[],
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let before = ok(&app, list).await;
    let seed = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_chiso"))
            .arg("seed")
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .expect("chiso seed runs")
    };
    assert!(seed().status.success());
    // The shipped figure is back, as change 2, by the seed ...
    let after = ok(&app, list).await;
    assert_eq!(after.header("data-version").as_deref(), Some("2"));
    assert_eq!(after.json()["data"][0]["value"], 2980000.0);
    let feed = app.get_ok("/api/v1/changes").await;
    assert_eq!(feed["meta"]["total"], 2);
    assert_eq!(feed["data"][1]["actor"], "chiso seed");
    assert_eq!(feed["data"][1]["before"]["value"], 3010000.0);
    // ... so the edited figure's permalink still answers it.
    let pinned = ok(&app, &memento(&before)).await;
    assert_eq!(pinned.json()["data"], before.json()["data"]);
    // A second refresh changes nothing.
    assert!(seed().status.success());
    assert_eq!(app.total("/api/v1/changes").await, 2);
}

#[actix_web::test]
async fn vintages_and_writes_side_by_side_never_fail() {
    let app = spawn_app().await;
    let editor = app.token(Role::Editor);
    let shipped = app
        .get_ok("/api/v1/observations?province=thanh-hoa&limit=4")
        .await;
    let ids = ids_of(&shipped);
    let writes = ids.iter().enumerate().map(|(n, id)| {
        let (app, editor) = (&app, &editor);
        async move {
            for round in 0..5 {
                let reply = app
                    .send(
                        Method::PATCH,
                        &format!("/api/v1/observations/{id}"),
                        Some(editor),
                        Some(&json!({"value": 1000 + n * 10 + round})),
                        &[],
                    )
                    .await;
                assert!(reply.status == 200 || reply.status == 503, "{}", reply.body);
            }
        }
    });
    // Distinct queries, so every pinned read rewinds instead of hitting the cache.
    let reads = (0..20).map(|n| {
        let app = &app;
        async move {
            let reply = app
                .get(&format!(
                    "/api/v1/observations?province=thanh-hoa&limit={}&as_of_version=0",
                    n + 1
                ))
                .await;
            assert!(reply.status == 200 || reply.status == 503, "{}", reply.body);
            if reply.status == 200 {
                assert_eq!(reply.json()["meta"]["data_version"], 0);
            }
        }
    });
    futures_util::future::join(
        futures_util::future::join_all(writes),
        futures_util::future::join_all(reads),
    )
    .await;
    // Every write landed, and version 0 is still the shipped data.
    assert_eq!(app.total("/api/v1/changes").await, 20);
    let pinned = app
        .get_ok("/api/v1/observations?province=thanh-hoa&limit=4&as_of_version=0")
        .await;
    assert_eq!(pinned["data"], shipped["data"]);
}

#[actix_web::test]
async fn an_answer_read_while_writes_land_names_the_version_it_shows() {
    let app = spawn_app().await;
    let editor = app.token(Role::Editor);
    let shipped = app
        .get_ok("/api/v1/observations?province=thanh-hoa&limit=2")
        .await;
    let id = shipped["data"][0]["id"].as_i64().unwrap();
    let writes = async {
        for round in 0..15 {
            let reply = app
                .send(
                    Method::PATCH,
                    &format!("/api/v1/observations/{id}"),
                    Some(&editor),
                    Some(&json!({"value": 5000 + round})),
                    &[],
                )
                .await;
            assert!(reply.status == 200 || reply.status == 503, "{}", reply.body);
        }
    };
    // Distinct queries, so every read is built while the writes land, not served from the cache.
    let reads = futures_util::future::join_all((0..40).map(|n| {
        let app = &app;
        async move {
            let path = format!("/api/v1/observations?province=thanh-hoa&limit={}", n + 2);
            let reply = app.get(&path).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            let body = reply.json();
            (
                path,
                body["meta"]["data_version"].as_i64().unwrap(),
                body["data"].clone(),
            )
        }
    }));
    let (_, answers) = futures_util::future::join(writes, reads).await;
    // Each answer is exactly the data as of the version it names.
    for (path, version, data) in answers {
        let pinned = app.get_ok(&format!("{path}&as_of_version={version}")).await;
        assert_eq!(pinned["data"], data, "{path} at version {version}");
    }
}
