//! The list shape, pagination and CSV, for every resource.

use std::collections::HashSet;

use crate::helpers::{parse_csv, spawn_app};

const LISTS: &[(&str, &str)] = &[
    ("/api/v1/provinces", "id"),
    ("/api/v1/periods", "id"),
    ("/api/v1/indicators", "code"),
    ("/api/v1/observations", "id"),
    ("/api/v1/targets", "id"),
    ("/api/v1/awards", "id"),
    ("/api/v1/sources", "id"),
];

#[actix_web::test]
async fn every_list_has_the_same_shape() {
    let app = spawn_app().await;
    for (path, _) in LISTS {
        let body = app.get_ok(path).await;
        assert!(body["data"].is_array(), "{path}");
        assert!(
            !body["data"].as_array().unwrap().is_empty(),
            "{path} ships data"
        );
        assert!(body["meta"]["total"].as_i64().unwrap() > 0, "{path}");
        assert_eq!(body["meta"]["limit"], 100, "{path}");
        assert!(body["meta"].get("next_cursor").is_some(), "{path}");
    }
}

#[actix_web::test]
async fn every_list_pages_through_all_items_once() {
    let app = spawn_app().await;
    for (path, key) in LISTS {
        let total = app.get_ok(path).await["meta"]["total"].as_i64().unwrap() as usize;
        let (items, pages) = app.collect_pages(&format!("{path}?limit=3")).await;
        assert_eq!(items.len(), total, "{path}");
        assert_eq!(pages, total.div_ceil(3), "{path}");
        let keys: HashSet<String> = items.iter().map(|i| i[*key].to_string()).collect();
        assert_eq!(keys.len(), total, "{path}: repeated items");
    }
}

#[actix_web::test]
async fn every_list_is_available_as_csv() {
    let app = spawn_app().await;
    for (path, key) in LISTS {
        let json = app.get_ok(&format!("{path}?limit=1000")).await;
        let reply = app.get_csv(&format!("{path}?limit=1000")).await;
        assert_eq!(reply.status, 200, "{path}");
        let (header, rows) = parse_csv(&reply.body);
        assert_eq!(header[0], *key, "{path}");
        assert_eq!(rows.len(), json["data"].as_array().unwrap().len(), "{path}");
    }
}

#[actix_web::test]
async fn every_item_of_a_list_is_reachable_by_its_id() {
    let app = spawn_app().await;
    for (path, key) in LISTS {
        let body = app.get_ok(&format!("{path}?limit=5")).await;
        for item in body["data"].as_array().unwrap() {
            let id = match &item[*key] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(
                app.get_ok(&format!("{path}/{id}")).await,
                *item,
                "{path}/{id}"
            );
        }
    }
}
