use std::collections::HashSet;

use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn lists_every_unit_of_both_eras() {
    let app = spawn_app().await;
    let body = app.get_ok("/api/v1/provinces?limit=1000").await;
    assert_eq!(body["meta"]["total"], 86);
    assert_eq!(body["data"].as_array().unwrap().len(), 86);
    assert_eq!(
        app.get_ok("/api/v1/provinces?era=2008").await["meta"]["total"],
        63
    );
    assert_eq!(
        app.get_ok("/api/v1/provinces?era=2025").await["meta"]["total"],
        34
    );
    assert_eq!(
        app.get_ok("/api/v1/provinces?as_of=2024-12-31").await["meta"]["total"],
        63
    );
    assert_eq!(
        app.get_ok("/api/v1/provinces?as_of=2025-07-01").await["meta"]["total"],
        34
    );
}

#[actix_web::test]
async fn paginates_provinces_by_cursor_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let (items, pages) = app.collect_pages("/api/v1/provinces?limit=10").await;
    assert_eq!(pages, 9);
    let ids: Vec<&str> = items.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 86);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 86);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[actix_web::test]
async fn search_ignores_case_and_diacritics() {
    let app = spawn_app().await;
    for q in ["bac%20giang", "B%E1%BA%AEC%20GIANG", "B%E1%BA%AFc%20Giang"] {
        let body = app.get_ok(&format!("/api/v1/provinces?q={q}")).await;
        let ids: Vec<&str> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec!["bac-giang"], "q={q}");
    }
    // "đ" matches "d": Đắk Nông and Đắk Lắk.
    let body = app.get_ok("/api/v1/provinces?q=dak").await;
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"dak-nong") && ids.contains(&"dak-lak"),
        "{ids:?}"
    );
}

#[actix_web::test]
async fn both_units_named_bac_ninh_are_found_with_their_eras() {
    let app = spawn_app().await;
    let body = app.get_ok("/api/v1/provinces?q=bac%20ninh").await;
    let found: Vec<(String, String)> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_owned(), p["eras"].to_string()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("bac-ninh".to_owned(), "[\"2008\"]".to_owned()),
            ("bac-ninh-2025".to_owned(), "[\"2025\"]".to_owned())
        ]
    );
}

#[actix_web::test]
async fn gets_a_province_by_slug_gso_code_or_iso_code() {
    let app = spawn_app().await;
    let by_slug = app.get_ok("/api/v1/provinces/bac-giang").await;
    assert_eq!(by_slug["name_vi"], "Bắc Giang");
    assert_eq!(by_slug["successors"], serde_json::json!(["bac-ninh-2025"]));
    assert_eq!(
        app.get_ok("/api/v1/provinces/VN-54").await["id"],
        "bac-giang"
    );
    assert_eq!(
        app.get_ok("/api/v1/provinces/vn-54").await["id"],
        "bac-giang"
    );
    assert_eq!(app.get_ok("/api/v1/provinces/67").await["id"], "dak-nong");
}

#[actix_web::test]
async fn a_gso_code_used_in_both_eras_resolves_by_date_and_names_the_other_unit() {
    let app = spawn_app().await;
    let today = app.get_ok("/api/v1/provinces/24").await;
    assert_eq!(today["id"], "bac-ninh-2025");
    assert_eq!(
        today["shares_gso_code_with"],
        serde_json::json!(["bac-giang"])
    );
    assert_eq!(
        today["predecessors"],
        serde_json::json!(["bac-giang", "bac-ninh"])
    );
    let before = app.get_ok("/api/v1/provinces/24?as_of=2024-12-31").await;
    assert_eq!(before["id"], "bac-giang");
    assert_eq!(
        before["shares_gso_code_with"],
        serde_json::json!(["bac-ninh-2025"])
    );
}

#[actix_web::test]
async fn unchanged_units_span_both_eras() {
    let app = spawn_app().await;
    let thanh_hoa = app.get_ok("/api/v1/provinces/thanh-hoa").await;
    assert_eq!(thanh_hoa["eras"], serde_json::json!(["2008", "2025"]));
    assert_eq!(thanh_hoa["predecessors"], serde_json::json!([]));
    assert_eq!(thanh_hoa["successors"], serde_json::json!([]));
}

#[actix_web::test]
async fn rejects_unknown_province_filters() {
    let app = spawn_app().await;
    let problem = app.get("/api/v1/provinces?kind=state").await.problem(400);
    assert_eq!(problem["parameter"], "kind");
    let problem = app.get("/api/v1/provinces?era=1999").await.problem(400);
    assert_eq!(problem["parameter"], "era");
    let problem = app
        .get("/api/v1/provinces?as_of=yesterday")
        .await
        .problem(400);
    assert_eq!(problem["parameter"], "as_of");
    app.get("/api/v1/provinces/atlantis").await.problem(404);
}

#[actix_web::test]
async fn a_unit_answers_with_the_name_and_kind_it_bore_on_a_date() {
    let app = spawn_app().await;
    let before = app.get_ok("/api/v1/provinces/46?as_of=2024-12-31").await;
    assert_eq!(
        (&before["id"], &before["name_vi"], &before["kind"]),
        (&json!("hue"), &json!("Thừa Thiên Huế"), &json!("province"))
    );
    let after = app.get_ok("/api/v1/provinces/46?as_of=2025-03-01").await;
    assert_eq!(
        (&after["name_vi"], &after["name_en"], &after["kind"]),
        (&json!("Huế"), &json!("Hue"), &json!("municipality"))
    );
    // Without a date: today's name, with the earlier ones beside it.
    let today = app.get_ok("/api/v1/provinces/hue").await;
    assert_eq!(today["name_vi"], "Huế");
    assert_eq!(today["former_names"][0]["name_vi"], "Thừa Thiên Huế");
    assert_eq!(today["former_names"][0]["valid_to"], "2024-12-31");
    // Đồng Nai changed kind without a merger.
    let dong_nai = |date: &'static str| {
        let app = &app;
        async move {
            app.get_ok(&format!("/api/v1/provinces/dong-nai-2025?as_of={date}"))
                .await["kind"]
                .clone()
        }
    };
    assert_eq!(dong_nai("2025-08-01").await, "province");
    assert_eq!(dong_nai("2026-05-01").await, "municipality");
    // Lists as of a date use the names of that date.
    let listed = app
        .get_ok("/api/v1/provinces?as_of=2024-06-01&kind=province&limit=1000")
        .await;
    assert!(listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "hue" && p["name_vi"] == "Thừa Thiên Huế"));
}

#[actix_web::test]
async fn a_unit_is_found_by_any_of_its_names() {
    let app = spawn_app().await;
    let found = app.get_ok("/api/v1/provinces?q=thua%20thien%20hue").await;
    assert_eq!(found["data"][0]["id"], "hue");
    let searched = app
        .get_ok("/api/v1/search?q=Th%E1%BB%ABa%20Thi%C3%AAn")
        .await;
    assert!(searched.to_string().contains("\"hue\""), "{searched}");
    // And a filter takes the former name.
    assert_eq!(
        app.total("/api/v1/observations?province=Thua%20Thien%20Hue")
            .await,
        app.total("/api/v1/observations?province=hue").await
    );
}
