//! Ready citations, worded against the shipped data.

use chiso::auth::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

async fn id_of(app: &TestApp, list: &str) -> i64 {
    let body = app.get_ok(list).await;
    assert_eq!(body["meta"]["total"], 1, "{list}: {body}");
    body["data"][0]["id"].as_i64().unwrap()
}

async fn text(app: &TestApp, path: &str) -> String {
    let reply = app.get(path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    reply.body
}

#[actix_web::test]
async fn an_estimate_is_cited_as_printed_with_its_source_and_permalink() {
    let app = spawn_app().await;
    let id = id_of(
        &app,
        "/api/v1/observations?province=thanh-hoa&indicator=mobile_subscribers&period=2023",
    )
    .await;
    let permalink = format!("{}/api/v1/observations/{id}?as_of_version=0", app.address);
    let vi = text(
        &app,
        &format!("/api/v1/observations/{id}/citation?lang=vi&format=text"),
    )
    .await;
    assert_eq!(
        vi,
        format!(
            "Thanh Hóa: Thuê bao di động 2,98 triệu thuê bao (ước đạt), năm 2023. \
             Nguồn: “Triển khai nhiệm vụ Thông tin và Truyền thông năm 2024”, ngày 02/01/2024. \
             Truy xuất qua chiso, phiên bản dữ liệu 0: {permalink}"
        )
    );
    let en = app
        .get_ok(&format!("/api/v1/observations/{id}/citation?lang=en"))
        .await;
    assert_eq!(
        en["text"],
        format!(
            "Thanh Hoa: Mobile subscribers, 2,980,000 subscribers (estimated; printed as “2,98 triệu”), 2023. \
             Source: “Triển khai nhiệm vụ Thông tin và Truyền thông năm 2024”, 2 January 2024. \
             Retrieved via chiso, data version 0: {permalink}"
        )
    );
    assert_eq!(en["permalink"], permalink);
    assert_eq!(en["data_version"], 0);
    // The permalink answers the observation cited.
    let pinned = app
        .get_ok(&format!("/api/v1/observations/{id}?as_of_version=0"))
        .await;
    assert_eq!(pinned["value_text"], "2,98 triệu");
}

#[actix_web::test]
async fn a_rank_names_the_unit_as_it_was_then_and_its_field() {
    let app = spawn_app().await;
    let id = id_of(
        &app,
        "/api/v1/observations?province=hue&indicator=dti_rank&period=2022",
    )
    .await;
    let vi = text(
        &app,
        &format!("/api/v1/observations/{id}/citation?lang=vi&format=text"),
    )
    .await;
    assert!(
        vi.starts_with("Thừa Thiên Huế: Xếp hạng Chỉ số chuyển đổi số (DTI) 4/63 (số chính thức), năm 2022. Nguồn: "),
        "{vi}"
    );
    let en = text(
        &app,
        &format!("/api/v1/observations/{id}/citation?format=text"),
    )
    .await;
    assert!(en.contains("4/63 (final; printed as “4”), 2022."), "{en}");
}

#[actix_web::test]
async fn targets_and_awards_are_cited_too() {
    let app = spawn_app().await;
    let target = id_of(
        &app,
        "/api/v1/targets?province=thanh-hoa&indicator=phone_subscribers&period=2024",
    )
    .await;
    let vi = text(
        &app,
        &format!("/api/v1/targets/{target}/citation?lang=vi&format=text"),
    )
    .await;
    assert!(
        vi.starts_with("Thanh Hóa: chỉ tiêu thuê bao điện thoại đạt ít nhất 3 triệu thuê bao, năm 2024. Nguồn: “Triển khai nhiệm vụ"),
        "{vi}"
    );
    let awards = app
        .get_ok("/api/v1/awards?province=bac-giang&limit=1")
        .await;
    let award = awards["data"][0]["id"].as_i64().unwrap();
    let vi = text(
        &app,
        &format!("/api/v1/awards/{award}/citation?lang=vi&format=text"),
    )
    .await;
    assert!(
        vi.starts_with("Bắc Giang: Bằng khen của Ban Chỉ đạo 35 tỉnh Bắc Giang trao cho Sở TT&TT tỉnh Bắc Giang, ngày 29/12/2022. Nguồn: "),
        "{vi}"
    );
    let en = text(
        &app,
        &format!("/api/v1/awards/{award}/citation?format=text"),
    )
    .await;
    assert!(
        en.starts_with("Bac Giang: Certificate of merit (“Bằng khen”) from Ban Chỉ đạo 35 tỉnh Bắc Giang to Sở TT&TT tỉnh Bắc Giang, 29 December 2022."),
        "{en}"
    );
    // Accept: text/plain asks for the text as well.
    let reply = app
        .request(
            Method::GET,
            &format!("/api/v1/awards/{award}/citation"),
            Some("text/plain"),
        )
        .await;
    assert_eq!(reply.body, en);
    app.get(&format!("/api/v1/awards/{award}/citation?format=pdf"))
        .await
        .problem(400);
    app.get("/api/v1/awards/999999/citation").await.problem(404);
}

#[actix_web::test]
async fn a_correction_changes_the_citation_and_the_old_one_still_answers() {
    let app = spawn_app().await;
    let id = id_of(
        &app,
        "/api/v1/observations?province=thanh-hoa&indicator=mobile_subscribers&period=2023",
    )
    .await;
    let editor = app.token(Role::Editor);
    let corrected = app
        .send(
            Method::PATCH,
            &format!("/api/v1/observations/{id}"),
            Some(&editor),
            Some(&json!({"value": 3010000, "value_text": "3,01 triệu", "status": "final"})),
            &[],
        )
        .await;
    assert_eq!(corrected.status, 200, "{}", corrected.body);
    let now = text(
        &app,
        &format!("/api/v1/observations/{id}/citation?lang=vi&format=text"),
    )
    .await;
    assert!(now.contains("3,01 triệu thuê bao (số chính thức)"), "{now}");
    assert!(now.ends_with(&format!(
        "phiên bản dữ liệu 1: {}/api/v1/observations/{id}?as_of_version=1",
        app.address
    )));
    let then = text(
        &app,
        &format!("/api/v1/observations/{id}/citation?lang=vi&format=text&as_of_version=0"),
    )
    .await;
    assert!(then.contains("2,98 triệu thuê bao (ước đạt)"), "{then}");
}
