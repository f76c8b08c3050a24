//! What a journalist and an app developer trip over: audit reasons in Vietnamese, printed
//! figures that must match their numbers, caches that key on format and language, names.

use chiso::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{parse_csv, spawn_app, TestApp};

async fn create(app: &TestApp, body: Value) -> (String, String) {
    let reply = app
        .post("/api/v1/observations", &app.token(Role::Editor), &body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    (
        reply.header("location").unwrap(),
        reply.header("etag").unwrap(),
    )
}

fn bts(period: &str, value: Value) -> Value {
    json!({"province_id": "dak-nong", "indicator_code": "bts_stations", "period_id": period, "value": value})
}

#[actix_web::test]
async fn a_vietnamese_change_reason_is_kept_raw_or_percent_encoded() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let (path, _) = create(&app, bts("2024", json!("ước đạt 1.200"))).await;
    for (header, expected) in [
        ("Sở TT&TT report, January", "Sở TT&TT report, January"),
        (
            "UTF-8''B%C3%A1o%20c%C3%A1o%20ch%C3%ADnh%20th%E1%BB%A9c",
            "Báo cáo chính thức",
        ),
    ] {
        let reply = app
            .send(
                Method::PATCH,
                &path,
                Some(&token),
                Some(&json!({"status": "final"})),
                &[("x-change-reason", header)],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let history = app.get_ok(&format!("{path}/history")).await;
        let latest = history["data"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(latest["reason"], expected, "{history}");
        assert!(latest["changed_at"].as_str().unwrap().ends_with('Z'));
    }
    // Percent-encoded bytes that are not UTF-8: refused, naming the header, nothing written.
    let before = app.get(&path).await.header("etag");
    let reply = app
        .send(
            Method::PATCH,
            &path,
            Some(&token),
            Some(&json!({"value": 1})),
            &[("x-change-reason", "UTF-8''%FF%FE")],
        )
        .await;
    assert_eq!(reply.problem(400)["parameter"], "X-Change-Reason");
    assert_eq!(app.get(&path).await.header("etag"), before);
}

#[actix_web::test]
async fn a_new_value_never_keeps_the_old_printed_text() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let (path, _) = create(&app, bts("2024", json!("ước đạt 1.200"))).await;
    let patched = app
        .send(
            Method::PATCH,
            &path,
            Some(&token),
            Some(&json!({"value": 1214, "status": "final"})),
            &[],
        )
        .await
        .json();
    assert_eq!(patched["value"], 1214.0);
    assert_eq!(
        patched["value_text"],
        Value::Null,
        "the old text described 1200"
    );
    let with_text = app
        .send(
            Method::PATCH,
            &path,
            Some(&token),
            Some(&json!({"value": "1.220"})),
            &[],
        )
        .await
        .json();
    assert_eq!(with_text["value_text"], "1.220");
    // Text that contradicts the number is refused.
    let reply = app
        .send(
            Method::PATCH,
            &path,
            Some(&token),
            Some(&json!({"value": 1300, "value_text": "1.220"})),
            &[],
        )
        .await;
    assert_eq!(reply.problem(422)["errors"][0]["pointer"], "/value_text");
    // The same for a target's printed value.
    let targets = app.get_ok("/api/v1/targets?province=thanh-hoa").await;
    let target = &targets["data"][0];
    let reply = app
        .send(
            Method::PATCH,
            &format!("/api/v1/targets/{}", target["id"]),
            Some(&token),
            Some(&json!({"target_value": 1})),
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["value_text"], Value::Null);
}

#[actix_web::test]
async fn figures_pasted_with_their_unit_word_are_read() {
    let app = spawn_app().await;
    let created = app
        .post(
            "/api/v1/observations",
            &app.token(Role::Editor),
            &json!({"province_id": "dak-nong", "indicator_code": "mobile_subscribers",
                    "period_id": "2024", "value": "2,98 triệu thuê bao"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.json()["value"], 2_980_000.0);
    let (path, _) = create(&app, bts("2023-06", json!("1.167 trạm"))).await;
    assert_eq!(app.get_ok(&path).await["value"], 1167.0);
    let reply = app
        .post(
            "/api/v1/observations",
            &app.token(Role::Editor),
            &bts("2023-07", json!("1.167 thuê bao")),
        )
        .await;
    let detail = reply.problem(422)["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        detail.contains("trạm"),
        "names the accepted words: {detail}"
    );
}

#[actix_web::test]
async fn answers_vary_on_format_and_language_and_expose_their_etag() {
    let app = spawn_app().await;
    let reply = app
        .client
        .get(format!(
            "{}/api/v1/observations?province=thanh-hoa",
            app.address
        ))
        .header("origin", "https://newsroom.example")
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        reply
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let vary = header("vary");
    assert!(
        vary.contains("accept") && vary.contains("accept-language"),
        "{vary}"
    );
    let exposed = header("access-control-expose-headers");
    assert!(
        exposed.contains("etag") && exposed.contains("link"),
        "{exposed}"
    );
}

#[actix_web::test]
async fn provinces_and_indicators_can_be_named_in_filters() {
    let app = spawn_app().await;
    let by_slug = app
        .total("/api/v1/observations?province=thanh-hoa&indicator=mobile_subscribers")
        .await;
    assert!(by_slug > 0);
    for query in [
        "province=Thanh%20H%C3%B3a&indicator=mobile_subscribers",
        "province=thanh%20hoa&indicator=mobile_subscribers",
        "province=thanh-hoa&indicator=Thu%C3%AA%20bao%20di%20%C4%91%E1%BB%99ng",
    ] {
        assert_eq!(
            app.total(&format!("/api/v1/observations?{query}")).await,
            by_slug,
            "{query}"
        );
    }
    let json = app
        .get_ok("/api/v1/observations?province=thanh-hoa&lang=vi&limit=1")
        .await;
    assert_eq!(json["data"][0]["province_name"], "Thanh Hóa");
    let problem = app
        .get("/api/v1/observations?province=bac-giag")
        .await
        .problem(400);
    assert_eq!(problem["parameter"], "province");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("did you mean `bac-giang`?"));
}

#[actix_web::test]
async fn unknown_and_repeated_parameters_are_named() {
    let app = spawn_app().await;
    let problem = app
        .get("/api/v1/observations?indicatr=dti_rank")
        .await
        .problem(400);
    assert_eq!(problem["parameter"], "indicatr");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("did you mean `indicator`?"));
    let problem = app
        .get("/api/v1/observations?sort=value&sort=id")
        .await
        .problem(400);
    assert_eq!(problem["parameter"], "sort");
}

#[actix_web::test]
async fn charts_have_round_ticks_localized_units_and_only_provinces_with_data() {
    let app = spawn_app().await;
    let svg = app
        .get("/api/v1/series?indicator=internet_subscribers&province=thanh-hoa,bac-giang,dak-nong&format=svg&lang=vi")
        .await;
    assert_eq!(svg.status, 200, "{}", svg.body);
    assert!(svg.body.contains("thuê bao"), "the unit in Vietnamese");
    let series = app
        .get_ok("/api/v1/series?indicator=internet_subscribers&province=thanh-hoa,bac-giang,dak-nong&lang=vi")
        .await;
    for line in series["series"].as_array().unwrap() {
        let has_data = line["points"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| !p["value"].is_null());
        let name = line["province_name"].as_str().unwrap();
        assert_eq!(
            svg.body.contains(name),
            has_data,
            "{name} in the legend iff it has data"
        );
    }
}

#[actix_web::test]
async fn a_new_unit_without_figures_points_to_its_predecessors() {
    let app = spawn_app().await;
    let profile = app.get_ok("/api/v1/provinces/bac-ninh-2025/profile").await;
    assert!(profile["figures"].as_array().unwrap().is_empty());
    let predecessors = profile["predecessors_with_figures"].as_array().unwrap();
    assert!(predecessors.contains(&json!("bac-giang")), "{profile}");
    assert!(profile["note"].as_str().unwrap().contains("bac-giang"));
}

#[actix_web::test]
async fn csv_carries_names_in_the_requested_language() {
    let app = spawn_app().await;
    let (header, rows) = parse_csv(
        &app.get("/api/v1/observations?province=dak-nong&format=csv&lang=vi")
            .await
            .body,
    );
    let column = header.iter().position(|h| h == "indicator_name").unwrap();
    assert!(rows.iter().all(|r| !r[column].is_empty()));
    assert!(rows.iter().any(|r| r[column] == "Số trạm BTS"));
}

#[actix_web::test]
async fn a_write_may_name_the_province_and_indicator() {
    let app = spawn_app().await;
    let reply = app
        .post(
            "/api/v1/observations",
            &app.token(Role::Editor),
            &json!({"province_id": "Đắk Nông", "indicator_code": "Số trạm BTS",
                    "period_id": "2024", "value": "1.214 trạm"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created = reply.json();
    assert_eq!(
        (&created["province_id"], &created["indicator_code"]),
        (&json!("dak-nong"), &json!("bts_stations"))
    );
}
