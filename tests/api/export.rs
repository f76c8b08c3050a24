//! The whole dataset in one download: a zipped Frictionless Data Package, also at a version,
//! and the same file from `chiso export`.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};

use chiso::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

/// A package's entries, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut entries = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8 entries");
        entries.insert(file.name().unwrap().into_owned(), text);
    }
    entries
}

async fn download(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

fn rows(csv_text: &str) -> (Vec<String>, usize) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    (header, reader.records().count())
}

#[actix_web::test]
async fn the_package_describes_every_table_and_holds_what_the_api_lists() {
    let app = spawn_app().await;
    let (headers, bytes) = download(&app, "/api/v1/export").await;
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(headers["data-version"], "0");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"chiso-data-v0.zip\""
    );
    let entries = unzip(&bytes);
    let package: Value = serde_json::from_str(&entries["datapackage.json"]).unwrap();
    assert_eq!(package["name"], "chiso");
    assert_eq!(package["version"], "0");
    let resources = package["resources"].as_array().unwrap();
    assert_eq!(entries.len(), resources.len() + 1);
    for resource in resources {
        let name = resource["name"].as_str().unwrap();
        let text = &entries[resource["path"].as_str().unwrap()];
        assert!(!text.starts_with('\u{feff}'), "{name}: no byte-order mark");
        let (header, count) = rows(text);
        let fields: Vec<&str> = resource["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(header, fields, "{name}: the header is the schema");
        assert!(!resource["schema"]["primaryKey"]
            .as_array()
            .unwrap()
            .is_empty());
        if !["province_names", "province_lineage"].contains(&name) {
            let total = app.total(&format!("/api/v1/{name}?limit=1")).await;
            assert_eq!(count as i64, total, "{name}");
        }
    }
    let observations = &resources
        .iter()
        .find(|r| r["name"] == "observations")
        .unwrap()["schema"];
    assert_eq!(
        observations["foreignKeys"][0],
        json!({"fields": ["province_id"], "reference": {"resource": "provinces", "fields": ["id"]}})
    );
    // A figure reads back as the API serves it.
    let data = &entries["data/observations.csv"];
    assert!(data.contains("thanh-hoa,mobile_subscribers,2023,2023-01-01,2023-12-31,2980000.0,\"2,98 triệu\",subscribers,estimated"));
}

#[actix_web::test]
async fn a_pinned_package_stays_the_same_and_the_cli_writes_the_same() {
    let app = spawn_app().await;
    let (_, before) = download(&app, "/api/v1/export").await;
    let editor = app.token(Role::Editor);
    let created = app
        .post(
            "/api/v1/observations",
            &editor,
            &json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations", "period_id": "2031", "value": 1}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let (headers, pinned) = download(&app, "/api/v1/export?as_of_version=0").await;
    assert_eq!(headers["data-version"], "0");
    assert_eq!(pinned, before, "the same bytes");
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let revalidated = app
        .send(
            reqwest::Method::GET,
            "/api/v1/export?as_of_version=0",
            None,
            None,
            &[("if-none-match", etag.as_str())],
        )
        .await;
    assert_eq!(revalidated.status, 304);
    let (headers, now) = download(&app, "/api/v1/export").await;
    assert_eq!(headers["data-version"], "1");
    let count = |bytes: &[u8]| rows(&unzip(bytes)["data/observations.csv"]).1;
    assert_eq!(count(&now), count(&before) + 1);

    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [(vec![], &now), (vec!["--as-of-version", "0"], &before)] {
        let file = dir.path().join("chiso.zip");
        let status = Command::new(env!("CARGO_BIN_EXE_chiso"))
            .arg("export")
            .arg(&file)
            .args(&args)
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .status()
            .expect("chiso export runs");
        assert!(status.success(), "{args:?}");
        assert_eq!(&std::fs::read(&file).unwrap(), expected, "{args:?}");
    }
    let refused = Command::new(env!("CARGO_BIN_EXE_chiso"))
        .arg("export")
        .arg(dir.path().join("future.zip"))
        .args(["--as-of-version", "99"])
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr)
        .contains("--as-of-version: version 99 is in the future"));
    assert!(!dir.path().join("future.zip").exists());
    app.get("/api/v1/export?as_of_version=99")
        .await
        .problem(400);
}
