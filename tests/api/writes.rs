//! Validated writes with natural-key conflicts, ETags and If-Match, for every resource.

use chiso::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

fn observation() -> Value {
    json!({
        "province_id": "thanh-hoa", "indicator_code": "bts_stations", "period_id": "2023",
        "value": "ước đạt 1.234", "source_id": "thanh-hoa-tt-tt-2023-tong-ket"
    })
}

#[actix_web::test]
async fn creates_an_observation_from_vietnamese_text() {
    let app = spawn_app().await;
    let reply = app
        .post(
            "/api/v1/observations",
            &app.token(Role::Editor),
            &observation(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created = reply.json();
    assert_eq!(created["value"], 1234.0);
    assert_eq!(created["status"], "estimated");
    assert_eq!(created["unit"], "stations");
    assert_eq!(created["value_text"], "ước đạt 1.234");
    let location = reply.header("location").unwrap();
    let fetched = app.get(&location).await;
    assert_eq!(fetched.json(), created);
    assert_eq!(fetched.header("etag"), reply.header("etag"));
}

#[actix_web::test]
async fn a_gso_code_names_the_unit_in_force_during_the_period() {
    let app = spawn_app().await;
    let mut body = observation();
    body["province_id"] = json!("24");
    body["period_id"] = json!("2022");
    let created = app
        .post("/api/v1/observations", &app.token(Role::Editor), &body)
        .await
        .json();
    assert_eq!(created["province_id"], "bac-giang");
    body["period_id"] = json!("2026");
    let created = app
        .post("/api/v1/observations", &app.token(Role::Editor), &body)
        .await
        .json();
    assert_eq!(created["province_id"], "bac-ninh-2025");
}

#[actix_web::test]
async fn the_same_natural_key_twice_is_409_unless_upsert() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let first = app
        .post("/api/v1/observations", &token, &observation())
        .await;
    assert_eq!(first.status, 201);
    app.post("/api/v1/observations", &token, &observation())
        .await
        .problem(409);
    let mut revised = observation();
    revised["value"] = json!(1300);
    revised["status"] = json!("final");
    let upserted = app
        .post("/api/v1/observations?upsert=true", &token, &revised)
        .await;
    assert_eq!(upserted.status, 200, "{}", upserted.body);
    assert_eq!(upserted.json()["id"], first.json()["id"]);
    assert_eq!(upserted.json()["value"], 1300.0);
}

#[actix_web::test]
async fn invalid_fields_are_422_each_named_by_pointer() {
    let app = spawn_app().await;
    let before = app.total("/api/v1/observations").await;
    let body = json!({
        "province_id": "atlantis", "indicator_code": "phone_subscribers", "period_id": "2023-Q5",
        "value": "nhiều lắm", "unit": "households", "status": "rumoured"
    });
    let problem = app
        .post("/api/v1/observations", &app.token(Role::Editor), &body)
        .await
        .problem(422);
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    for expected in ["/period_id", "/province_id", "/value", "/unit", "/status"] {
        assert!(
            pointers.contains(&expected),
            "{expected} missing from {pointers:?}"
        );
    }
    let unknown_indicator = json!({"province_id": "thanh-hoa", "indicator_code": "nope", "period_id": "2023", "value": 1});
    let problem = app
        .post(
            "/api/v1/observations",
            &app.token(Role::Editor),
            &unknown_indicator,
        )
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/indicator_code");
    let wrong_type = json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations", "period_id": "2023", "value": [1]});
    app.post(
        "/api/v1/observations",
        &app.token(Role::Editor),
        &wrong_type,
    )
    .await
    .problem(422);
    let unknown_field = json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations", "period_id": "2023", "value": 1, "colour": "red"});
    let problem = app
        .post(
            "/api/v1/observations",
            &app.token(Role::Editor),
            &unknown_field,
        )
        .await
        .problem(422);
    assert!(problem["detail"].as_str().unwrap().contains("colour"));
    let out_of_era = json!({"province_id": "bac-ninh-2025", "indicator_code": "bts_stations", "period_id": "2022", "value": 1});
    let problem = app
        .post(
            "/api/v1/observations",
            &app.token(Role::Editor),
            &out_of_era,
        )
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/province_id");
    assert_eq!(
        app.total("/api/v1/observations").await,
        before,
        "nothing written"
    );
}

#[actix_web::test]
async fn wrong_content_type_size_or_json_write_nothing() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let before = app.total("/api/v1/observations").await;
    let body = serde_json::to_vec(&observation()).unwrap();
    app.send_raw(
        Method::POST,
        "/api/v1/observations",
        &token,
        "text/plain",
        body.clone(),
    )
    .await
    .problem(415);
    app.send_raw(
        Method::POST,
        "/api/v1/observations",
        &token,
        "application/json",
        b"{\"province_id\":".to_vec(),
    )
    .await
    .problem(400);
    let mut huge = observation();
    huge["quote"] = json!("x".repeat(300 * 1024));
    let reply = app
        .send_raw(
            Method::POST,
            "/api/v1/observations",
            &token,
            "application/json",
            serde_json::to_vec(&huge).unwrap(),
        )
        .await;
    reply.problem(413);
    assert_eq!(app.total("/api/v1/observations").await, before);
}

#[actix_web::test]
async fn a_stale_if_match_is_412_and_a_fresh_one_writes() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let created = app
        .post("/api/v1/observations", &token, &observation())
        .await;
    let path = created.header("location").unwrap();
    let etag = created.header("etag").unwrap();

    // Editor A changes the value...
    let patched = app
        .send(
            Method::PATCH,
            &path,
            Some(&token),
            Some(&json!({"value": 1250, "status": "final"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let new_etag = patched.header("etag").unwrap();
    assert_ne!(new_etag, etag);
    assert_eq!(patched.json()["value"], 1250.0);
    assert_eq!(
        patched.json()["source_id"],
        "thanh-hoa-tt-tt-2023-tong-ket",
        "a merge patch keeps other fields"
    );

    // ...so editor B, still holding the old ETag, cannot overwrite, patch or delete.
    let mut replacement = observation();
    replacement["value"] = json!(999);
    app.send(
        Method::PUT,
        &path,
        Some(&token),
        Some(&replacement),
        &[("if-match", &etag)],
    )
    .await
    .problem(412);
    app.send(
        Method::PATCH,
        &path,
        Some(&token),
        Some(&json!({"value": 1})),
        &[("if-match", &etag)],
    )
    .await
    .problem(412);
    app.send(
        Method::DELETE,
        &path,
        Some(&token),
        None,
        &[("if-match", &etag)],
    )
    .await
    .problem(412);
    assert_eq!(app.get_ok(&path).await["value"], 1250.0);

    let replaced = app
        .send(
            Method::PUT,
            &path,
            Some(&token),
            Some(&replacement),
            &[("if-match", &new_etag)],
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(replaced.json()["value"], 999.0);
    assert_eq!(
        replaced.json()["status"],
        "final",
        "a full replacement with a plain number is final"
    );

    let current = replaced.header("etag").unwrap();
    let deleted = app
        .send(
            Method::DELETE,
            &path,
            Some(&token),
            None,
            &[("if-match", &current)],
        )
        .await;
    assert_eq!(deleted.status, 204);
    app.get(&path).await.problem(404);
}

#[actix_web::test]
async fn a_get_with_the_current_etag_is_304() {
    let app = spawn_app().await;
    let first = app.get("/api/v1/provinces/bac-giang").await;
    let etag = first.header("etag").unwrap();
    let again = app
        .request(Method::GET, "/api/v1/provinces/bac-giang", None)
        .await;
    assert_eq!(again.header("etag").unwrap(), etag);
    let conditional = app
        .send(
            Method::GET,
            "/api/v1/provinces/bac-giang",
            None,
            None,
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(conditional.status, 304);
}

#[actix_web::test]
async fn targets_awards_and_sources_round_trip() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let source = app
        .post(
            "/api/v1/sources",
            &token,
            &json!({"id": "dak-nong-2024", "title": "Tổng kết 2024", "published_on": "2025-01-10"}),
        )
        .await;
    assert_eq!(source.status, 201, "{}", source.body);
    app.post(
        "/api/v1/sources",
        &token,
        &json!({"id": "dak-nong-2024", "title": "again"}),
    )
    .await
    .problem(409);
    app.post(
        "/api/v1/sources",
        &token,
        &json!({"id": "Bad Slug", "title": "x"}),
    )
    .await
    .problem(422);

    let target = app
        .post(
            "/api/v1/targets",
            &token,
            &json!({
                "province_id": "dak-nong", "indicator_code": "bts_stations", "period_id": "2024",
                "comparator": "at_least", "target_value": "1.200", "source_id": "dak-nong-2024"
            }),
        )
        .await;
    assert_eq!(target.status, 201, "{}", target.body);
    assert_eq!(target.json()["target_value"], 1200.0);
    let bad = app
        .post(
            "/api/v1/targets",
            &token,
            &json!({
                "province_id": "dak-nong", "indicator_code": "bts_stations", "period_id": "2024",
                "comparator": "roughly", "target_value": 1
            }),
        )
        .await
        .problem(422);
    assert_eq!(bad["errors"][0]["pointer"], "/comparator");

    let award = app
        .post("/api/v1/awards", &token, &json!({
            "province_id": "dak-nong", "period_id": "2024", "award_type": "certificate_of_merit",
            "award_name_vi": "Bằng khen", "recipient_kind": "agency", "source_id": "dak-nong-2024",
            "quote": "trao Bằng khen cho Sở"
        }))
        .await;
    assert_eq!(award.status, 201, "{}", award.body);
    // The source is now cited: deleting it would orphan them. Said in chiso's words, the same on
    // both backends, naming no table or constraint.
    let cited = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/sources/dak-nong-2024",
            Some(&token),
            None,
            &[],
        )
        .await
        .problem(409);
    assert_eq!(
        cited["detail"],
        "the record conflicts with an existing one: other records refer to it, or it refers to one that does not exist: change or delete those first"
    );
    let award_path = award.header("location").unwrap();
    assert_eq!(
        app.send(
            reqwest::Method::DELETE,
            &award_path,
            Some(&token),
            None,
            &[]
        )
        .await
        .status,
        204
    );
}

/// `n` characters of four bytes each that no compressor shortens (CJK Extension B, in a
/// scrambled order): the widest text a byte bound lets in.
fn incompressible(n: usize) -> String {
    let mut state: u32 = 12345;
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from_u32(0x20000 + (state >> 8) % 0xA6D0).unwrap()
        })
        .collect()
}

/// The only error of a 422 is at `pointer`, for the bytes its text takes.
fn refused_for_length(problem: &Value, pointer: &str) {
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["pointer"], pointer, "{problem}");
    let detail = errors[0]["detail"].as_str().unwrap();
    assert!(detail.contains("bytes of UTF-8; at most"), "{problem}");
}

/// Free text is bounded in bytes so that every row fits PostgreSQL's B-tree entries (a quote is
/// in awards' natural key, and every column of an observation in its series index): a write at
/// the bounds, with the longest slugs beside them, is stored and read back on both backends,
/// and one character more is a 422 naming the field.
#[actix_web::test]
async fn text_at_its_byte_bounds_is_stored_and_beyond_them_is_422() {
    let app = spawn_app().await;
    let (admin, editor) = (app.token(Role::Admin), app.token(Role::Editor));
    let source_id = format!("s-{}", "x".repeat(98));
    let source = json!({"id": source_id, "title": "Nguồn dài nhất"});
    assert_eq!(
        app.post("/api/v1/sources", &editor, &source).await.status,
        201
    );
    let code = format!("i_{}", "x".repeat(78));
    let mut indicator = json!({
        "code": code, "name_vi": "Chỉ số thử", "name_en": "Test indicator",
        "description_vi": "Thử.", "description_en": "Test.", "unit": incompressible(26),
        "category": "telecom", "direction": "higher", "additive": true
    });
    let problem = app
        .post("/api/v1/indicators", &admin, &indicator)
        .await
        .problem(422);
    refused_for_length(&problem, "/unit");
    assert!(problem["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("is 104 bytes of UTF-8; at most 100 are allowed"));
    indicator["unit"] = json!(incompressible(25));
    let created = app.post("/api/v1/indicators", &admin, &indicator).await;
    assert_eq!(created.status, 201, "{}", created.body);

    let mut observation = json!({
        "province_id": "thanh-hoa", "indicator_code": code, "period_id": "2023-12",
        "value": 7, "source_id": source_id, "quote": incompressible(375)
    });
    let stored = app
        .post("/api/v1/observations", &editor, &observation)
        .await;
    assert_eq!(stored.status, 201, "{}", stored.body);
    let series = app
        .get_ok(&format!(
            "/api/v1/observations?province=thanh-hoa&indicator={code}&from=2023&to=2023"
        ))
        .await;
    assert_eq!(series["data"][0], stored.json());

    observation["period_id"] = json!("2023-11");
    for (field, value, pointer) in [
        ("quote", json!(incompressible(376)), "/quote"),
        (
            "value_text",
            json!(format!("7{}", " ".repeat(200))),
            "/value_text",
        ),
        (
            "value",
            json!(format!("khoảng {}", "1".repeat(200))),
            "/value",
        ),
    ] {
        let mut refused = observation.clone();
        refused[field] = value;
        let problem = app
            .post("/api/v1/observations", &editor, &refused)
            .await
            .problem(422);
        refused_for_length(&problem, pointer);
    }

    let target = json!({
        "province_id": "thanh-hoa", "indicator_code": code, "period_id": "2025",
        "comparator": "at_least", "target_value": 9, "quote": incompressible(376)
    });
    let problem = app
        .post("/api/v1/targets", &editor, &target)
        .await
        .problem(422);
    refused_for_length(&problem, "/quote");

    let mut award = json!({
        "province_id": "thanh-hoa", "period_id": "2023", "award_type": "certificate_of_merit",
        "award_name_vi": "Bằng khen", "recipient_kind": "agency", "source_id": source_id,
        "quote": incompressible(375)
    });
    let stored = app.post("/api/v1/awards", &editor, &award).await;
    assert_eq!(stored.status, 201, "{}", stored.body);
    award["quote"] = json!(incompressible(376));
    let problem = app
        .post("/api/v1/awards", &editor, &award)
        .await
        .problem(422);
    refused_for_length(&problem, "/quote");
}
