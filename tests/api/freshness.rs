//! Cached answers never outlive a write: not one made through this server, not an import run
//! by another process on the same database, not a write through a second server.

use std::process::{Command, Stdio};

use chiso::auth::Role;
use chiso::config::Settings;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_without_response_cache, TestApp, SECRET};

const LIST: &str = "/api/v1/observations?province=thanh-hoa&indicator=bts_stations";

/// The list's total and ETag, read twice so that the answer is cached (the cache files an
/// answer computed a second time).
async fn state(app: &TestApp) -> (i64, String) {
    app.get(LIST).await;
    let reply = app.get(LIST).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    (
        reply.json()["meta"]["total"].as_i64().unwrap(),
        reply.header("etag").unwrap(),
    )
}

#[actix_web::test]
async fn a_cached_answer_never_outlives_an_api_write() {
    answers_follow_an_api_write(spawn_app().await).await;
}

/// `CHISO_RESPONSE_CACHE_MB=0`: every answer is built anew, with the same validators.
#[actix_web::test]
async fn without_the_response_cache_answers_revalidate_and_follow_writes() {
    answers_follow_an_api_write(spawn_app_without_response_cache().await).await;
}

async fn answers_follow_an_api_write(app: TestApp) {
    let (total, etag) = state(&app).await;
    let revalidated = app
        .send(Method::GET, LIST, None, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(revalidated.status, 304);
    let token = app.token(Role::Editor);
    let created = app
        .post(
            "/api/v1/observations",
            &token,
            &json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations",
                    "period_id": "2021", "value": 1500}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let (after, new_etag) = state(&app).await;
    assert_eq!(after, total + 1);
    assert_ne!(new_etag, etag);
    let stale = app
        .send(Method::GET, LIST, None, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(stale.status, 200, "an old ETag no longer matches");
    // A single item too.
    let location = created.header("location").unwrap();
    app.get(&location).await;
    app.send(
        Method::PATCH,
        &location,
        Some(&token),
        Some(&json!({"value": 1501})),
        &[],
    )
    .await;
    assert_eq!(app.get_ok(&location).await["value"], 1501.0);
}

/// `chiso import` of `csv` into the app's database, run as a process of its own.
fn import_in_another_process(app: &TestApp, csv: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("figures.csv");
    std::fs::write(&file, csv).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_chiso"))
        .arg("import")
        .arg(&file)
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()
        .expect("chiso import runs");
    assert!(status.success());
}

#[actix_web::test]
async fn an_import_by_another_process_is_seen_on_the_next_request() {
    let app = spawn_app().await;
    let (total, etag) = state(&app).await;
    import_in_another_process(
        &app,
        "province,indicator,period,value\nthanh-hoa,bts_stations,2020,1400\nthanh-hoa,bts_stations,2019,1300\n",
    );
    let (after, new_etag) = state(&app).await;
    assert_eq!(after, total + 2);
    assert_ne!(new_etag, etag);
}

#[actix_web::test]
async fn a_write_through_a_second_server_is_seen_on_the_next_request() {
    let app = spawn_app().await;
    let (total, etag) = state(&app).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut second = Command::new(env!("CARGO_BIN_EXE_chiso"))
        .arg("serve")
        .env("DATABASE_URL", &app.database_url)
        .env("CHISO_BIND", format!("127.0.0.1:{port}"))
        .env("CHISO_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("a second server starts");
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..100 {
        if reqwest::get(format!("{base}/readyz")).await.is_ok() {
            ready = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "the second server answers");
    let created = app
        .client
        .post(format!("{base}/api/v1/observations"))
        .bearer_auth(app.token(Role::Editor))
        .json(
            &json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations",
                      "period_id": "2018", "value": 1200}),
        )
        .send()
        .await
        .unwrap();
    let status = created.status().as_u16();
    second.kill().ok();
    second.wait().ok();
    assert_eq!(status, 201);
    let (after, new_etag) = state(&app).await;
    assert_eq!(after, total + 1);
    assert_ne!(new_etag, etag);
}

/// A series answered from memory (`store::replica`) follows every write: one through this
/// server (create, change, delete) and an import by another process. After each, its answer
/// is byte for byte that of a server reading the database.
#[actix_web::test]
async fn a_series_in_memory_follows_every_write() {
    let app = spawn_app().await;
    let database = app
        .alongside_with(Settings {
            memory_rows: 0,
            ..app.settings.clone()
        })
        .await;
    let same = async |step: &str| {
        let ours = app.get(LIST).await;
        assert_eq!(ours.status, 200, "{step}: {}", ours.body);
        assert_eq!(ours.body, database.get(LIST).await.body, "{step}");
        ours.json()
    };
    let total = |page: &serde_json::Value| page["meta"]["total"].as_i64().unwrap();
    let before = total(&same("before").await);
    let token = app.token(Role::Editor);
    let created = app
        .post(
            "/api/v1/observations",
            &token,
            &json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations",
                    "period_id": "2017", "value": 1100, "value_text": "1.100"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let page = same("created").await;
    assert_eq!(total(&page), before + 1);
    let location = created.header("location").unwrap();
    let changed = app
        .send(
            Method::PATCH,
            &location,
            Some(&token),
            Some(&json!({"value": 1101, "value_text": "1.101"})),
            &[],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let page = same("changed").await;
    assert!(page["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["value"] == 1101.0 && o["value_text"] == "1.101"));
    let deleted = app
        .send(Method::DELETE, &location, Some(&token), None, &[])
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(total(&same("deleted").await), before);

    import_in_another_process(
        &app,
        "province,indicator,period,value\nthanh-hoa,bts_stations,2016,1000\n",
    );
    assert_eq!(total(&same("imported").await), before + 1);
}

/// Many clients asking at once for an answer not yet cached (as after every write) wait for the
/// first one's computation: each gets the same answer, and an answer that is not cached (a 404)
/// leaves nobody waiting.
#[actix_web::test]
async fn requests_missing_the_same_answer_at_once_all_get_it() {
    let app = spawn_app().await;
    const COLD: &str = "/api/v1/observations?limit=1000&sort=-value";
    const MISSING: &str = "/api/v1/observations/999999";
    let ask = |path: &'static str| {
        let (client, url) = (app.client.clone(), format!("{}{path}", app.address));
        actix_web::rt::spawn(async move {
            let response = client
                .get(url)
                .send()
                .await
                .expect("request reaches the app");
            let status = response.status().as_u16();
            let etag = response.headers().get("etag").cloned();
            (status, etag, response.text().await.expect("body reads"))
        })
    };
    let asked: Vec<_> = (0..32)
        .map(|i| ask(if i % 4 == 3 { MISSING } else { COLD }))
        .collect();
    let mut answers = Vec::new();
    for reply in asked {
        let wait = std::time::Duration::from_secs(60);
        let reply = actix_web::rt::time::timeout(wait, reply).await;
        answers.push(reply.expect("every request is answered").unwrap());
    }
    let expected = app.get(COLD).await;
    for (i, (status, etag, body)) in answers.into_iter().enumerate() {
        if i % 4 == 3 {
            assert_eq!(status, 404, "{body}");
        } else {
            assert_eq!(status, 200, "{body}");
            assert_eq!(etag.as_ref(), expected.headers.get("etag"));
            assert_eq!(body, expected.body);
        }
    }
}
