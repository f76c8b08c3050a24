//! Periods, indicators, targets, awards and sources.

use crate::helpers::spawn_app;

#[actix_web::test]
async fn periods_cover_every_kind_with_dates() {
    let app = spawn_app().await;
    let ytd = app.get_ok("/api/v1/periods/2023-11M").await;
    assert_eq!(ytd["kind"], "year_to_date");
    assert_eq!(ytd["end_date"], "2023-11-30");
    assert_eq!(app.get_ok("/api/v1/periods/2023-6M").await["id"], "2023-H1");
    let year = app.get_ok("/api/v1/periods?year=2023").await;
    assert_eq!(year["meta"]["total"], 27);
    let quarters = app
        .get_ok("/api/v1/periods?kind=quarter&from=2022&to=2023")
        .await;
    let ids: Vec<&str> = quarters["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
    );
    app.get("/api/v1/periods?kind=decade").await.problem(400);
    app.get("/api/v1/periods?year=twenty").await.problem(400);
}

#[actix_web::test]
async fn indicators_are_bilingual_and_searchable_without_diacritics() {
    let app = spawn_app().await;
    let phone = app.get_ok("/api/v1/indicators/phone_subscribers").await;
    assert_eq!(phone["name_en"], "Telephone subscribers");
    assert_eq!(phone["direction"], "higher");
    assert_eq!(phone["additive"], true);
    assert_eq!(
        app.get_ok("/api/v1/indicators/dti_rank").await["direction"],
        "lower"
    );
    let plain = app
        .get_ok("/api/v1/indicators?q=thue%20bao&limit=1000")
        .await;
    let accented = app
        .get_ok("/api/v1/indicators?q=THU%C3%8A%20BAO&limit=1000")
        .await;
    assert!(plain["meta"]["total"].as_i64().unwrap() > 0);
    assert_eq!(plain, accented);
    let telecom = app
        .get_ok("/api/v1/indicators?category=telecom&limit=1000")
        .await;
    assert!(telecom["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["category"] == "telecom"));
    app.get("/api/v1/indicators?category=weather")
        .await
        .problem(400);
}

#[actix_web::test]
async fn targets_for_next_year_are_cited() {
    let app = spawn_app().await;
    let body = app
        .get_ok("/api/v1/targets?province=thanh-hoa&indicator=ict_revenue")
        .await;
    assert_eq!(body["meta"]["total"], 1);
    let target = &body["data"][0];
    assert_eq!(target["period_id"], "2024");
    assert_eq!(target["comparator"], "at_least");
    assert_eq!(target["target_value"], 5.3e12);
    assert_eq!(target["value_text"], "5.300 tỷ đồng");
    let dti = app
        .get_ok("/api/v1/targets?province=bac-giang&period=2023")
        .await;
    assert_eq!(dti["data"][0]["comparator"], "at_most");
}

#[actix_web::test]
async fn awards_carry_recipients_and_counts() {
    let app = spawn_app().await;
    let body = app
        .get_ok("/api/v1/awards?province=thanh-hoa&limit=1000")
        .await;
    let counts: Vec<i64> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["recipient_count"].as_i64())
        .collect();
    assert!(counts.contains(&19) && counts.contains(&28), "{counts:?}");
    let merits = app
        .get_ok("/api/v1/awards?award_type=certificate_of_merit&limit=1000")
        .await;
    assert!(merits["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["award_type"] == "certificate_of_merit"));
}

#[actix_web::test]
async fn sources_are_the_articles_and_pages_cited() {
    let app = spawn_app().await;
    let body = app.get_ok("/api/v1/sources?limit=1000").await;
    let sources = body["data"].as_array().unwrap();
    let seeds = sources
        .iter()
        .filter(|s| s["seed_file"].is_string())
        .count();
    assert_eq!(seeds, 5, "the five seed articles");
    assert!(
        sources.len() > 5,
        "and the pages the DTI rankings come from"
    );
    assert!(sources
        .iter()
        .filter(|s| s["seed_file"].is_null())
        .all(|s| s["url"].as_str().is_some_and(|u| u.starts_with("https://"))));
    assert!(sources
        .iter()
        .any(|s| s["seed_file"] == "004_6020447fa6f477a9.txt"));
    let tay_ninh = app
        .get_ok("/api/v1/sources?published_from=2022-01-01&published_to=2022-01-31")
        .await;
    assert_eq!(tay_ninh["data"][0]["publisher"], "Báo Tây Ninh");
}
