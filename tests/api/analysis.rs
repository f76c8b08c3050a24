//! What journalists and apps ask: rankings, series, latest values, attainment, profiles,
//! lineage, search, labels and caching.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{parse_csv, spawn_app};

const INTERNET: &str = "province,indicator,period,value,status\n\
    thanh-hoa,internet_subscribers,2019,\"2 triệu\",final\n\
    thanh-hoa,internet_subscribers,2020,\"2,2 triệu\",final\n\
    thanh-hoa,internet_subscribers,2022,\"2,42 triệu\",final\n\
    bac-giang,internet_subscribers,2019,\"1,5 triệu\",final\n\
    bac-giang,internet_subscribers,2020,\"1,6 triệu\",final\n\
    bac-giang,internet_subscribers,2021,\"1,7 triệu\",final\n\
    bac-ninh,internet_subscribers,2021,\"1,4 triệu\",final\n\
    bac-ninh,internet_subscribers,2022,\"1,5 triệu\",final\n\
    tay-ninh,pci_score,2022,\"66,1\",final\n\
    bac-giang,pci_score,2022,\"64,87\",final\n";

#[actix_web::test]
async fn ranks_follow_direction_with_shared_ties_and_reported_ranks() {
    let app = spawn_app().await;
    app.import_csv(INTERNET).await;
    let ranking = app
        .get_ok("/api/v1/indicators/pci_score/ranking?period=2022")
        .await;
    let rows: Vec<(String, u64, Value)> = ranking["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["province_id"].as_str().unwrap().to_owned(),
                r["computed_rank"].as_u64().unwrap(),
                r["reported_rank"].clone(),
            )
        })
        .collect();
    // Tây Ninh 66.1 first; Bắc Giang and Đắk Nông tie on 64.87 and share 2nd.
    assert_eq!(rows[0], ("tay-ninh".into(), 1, Value::Null));
    assert_eq!(rows[1].1, 2);
    assert_eq!(rows[2].1, 2);
    // Three of the 63 units have a 2022 PCI score: chiso's ranks are among those three only, so
    // the rank to quote is the printed one, and only where the source printed it.
    assert_eq!(ranking["meta"]["with_value"], 3);
    assert_eq!(ranking["meta"]["units"], 63);
    assert_eq!(ranking["meta"]["era"], "2008");
    assert_eq!(ranking["meta"]["complete"], false);
    assert!(ranking["meta"]["note"]
        .as_str()
        .unwrap()
        .contains("3 of the 63"));
    assert_eq!(ranking["data"][0]["computed_rank_of"], 3);
    assert_eq!(
        ranking["data"][0]["rank"],
        Value::Null,
        "no printed rank for Tây Ninh"
    );
    let dak_nong = ranking["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["province_id"] == "dak-nong")
        .unwrap();
    assert_eq!(
        dak_nong["reported_rank"], 38.0,
        "the printed 38/63 stands beside the computed rank"
    );
    assert_eq!(dak_nong["reported_rank_of"], 63);
    assert_eq!(dak_nong["reported_rank_indicator"], "pci_rank");
    assert_eq!(
        (
            &dak_nong["rank"],
            &dak_nong["rank_of"],
            &dak_nong["rank_basis"]
        ),
        (&json!(38), &json!(63), &json!("reported")),
        "the printed 38/63 is the headline, not chiso's partial 2 of 3"
    );

    // Ranks: lower is better.
    let dti = app
        .get_ok("/api/v1/indicators/dti_rank/ranking?period=2021")
        .await;
    assert_eq!(dti["meta"]["direction"], "lower");
    assert_eq!(dti["data"][0]["computed_rank"], 1);
    // The 34-unit era has no 2022 PCI figures of its own, and says so.
    let empty = app
        .get_ok("/api/v1/indicators/pci_score/ranking?period=2022&era=2025")
        .await;
    assert_eq!(empty["meta"]["with_value"], 0);
    assert_eq!(empty["meta"]["units"], 34);
    assert!(empty["meta"]["note"]
        .as_str()
        .unwrap()
        .contains("none of the 34 units"));
    let csv = app
        .get_csv("/api/v1/indicators/pci_score/ranking?period=2022")
        .await;
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .contains("ranking-pci_score-2022.csv"));
    app.get("/api/v1/indicators/nope/ranking")
        .await
        .problem(404);
    app.get("/api/v1/indicators/pci_score/ranking?era=1990")
        .await
        .problem(400);
}

#[actix_web::test]
async fn series_have_gaps_not_zeros_and_transforms() {
    let app = spawn_app().await;
    app.import_csv(INTERNET).await;
    let body = app
        .get_ok(
            "/api/v1/series?indicator=internet_subscribers&province=thanh-hoa&from=2019&to=2022",
        )
        .await;
    assert_eq!(body["periods"], json!(["2019", "2020", "2021", "2022"]));
    let values: Vec<Value> = body["series"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].clone())
        .collect();
    assert_eq!(
        values,
        vec![
            json!(2000000.0),
            json!(2200000.0),
            Value::Null,
            json!(2420000.0)
        ]
    );

    let pct = app.get_ok("/api/v1/series?indicator=internet_subscribers&province=thanh-hoa&from=2019&to=2022&transform=pct_change").await;
    let points = pct["series"][0]["points"].as_array().unwrap();
    assert!(points[0]["value"].is_null());
    assert!((points[1]["value"].as_f64().unwrap() - 10.0).abs() < 1e-9);
    assert!(
        points[2]["value"].is_null() && points[3]["value"].is_null(),
        "a gap breaks the change"
    );

    let index = app.get_ok("/api/v1/series?indicator=internet_subscribers&province=thanh-hoa&transform=index&base=2020").await;
    assert_eq!(index["base"], "2020");
    assert_eq!(index["series"][0]["points"][1]["value"], 100.0);
    let change = app
        .get_ok("/api/v1/series?indicator=internet_subscribers&province=thanh-hoa&transform=change")
        .await;
    assert_eq!(change["series"][0]["points"][1]["value"], 200000.0);

    app.get("/api/v1/series?indicator=internet_subscribers&transform=log")
        .await
        .problem(400);
    app.get("/api/v1/series?province=thanh-hoa")
        .await
        .problem(400);
    app.get("/api/v1/series?indicator=internet_subscribers&province=thanh-hoa&transform=index&base=2030").await.problem(400);
}

#[actix_web::test]
async fn series_come_as_wide_or_long_csv_and_as_an_svg_chart() {
    let app = spawn_app().await;
    app.import_csv(INTERNET).await;
    let path = "/api/v1/series?indicator=internet_subscribers&province=thanh-hoa,bac-giang&from=2019&to=2021";
    let wide = app.get(&format!("{path}&format=csv")).await;
    assert!(wide
        .header("content-disposition")
        .unwrap()
        .contains("series-internet_subscribers.csv"));
    let (header, rows) = parse_csv(&wide.body);
    assert_eq!(header, ["period_id", "thanh-hoa", "bac-giang"]);
    assert_eq!(rows[2], ["2021", "", "1700000"]);
    let (header, rows) = parse_csv(&app.get(&format!("{path}&format=csv&shape=long")).await.body);
    assert_eq!(&header[..3], ["province_id", "period_id", "value"]);
    assert_eq!(rows.len(), 6);

    let chart = app.get(&format!("{path}&format=svg&lang=vi")).await;
    assert_eq!(chart.status, 200);
    assert_eq!(
        chart.header("content-type").as_deref(),
        Some("image/svg+xml")
    );
    assert!(chart.body.starts_with("<svg"));
    for label in ["Thanh Hóa", "Bắc Giang", "Tổng hợp: chiso", "2019", "2021"] {
        assert!(chart.body.contains(label), "the chart shows {label}");
    }
    let cited = app
        .get("/api/v1/series?indicator=pci_score&province=dak-nong&format=svg")
        .await;
    assert!(
        cited.body.contains(
            "Source: Hội nghị tổng kết ngành Thông tin và Truyền thông Đắk Nông năm 2023"
        ),
        "the source is under the chart"
    );
}

#[actix_web::test]
async fn a_successor_sums_additive_predecessors_and_marks_partial_periods() {
    let app = spawn_app().await;
    app.import_csv(INTERNET).await;
    let summed = app.get_ok("/api/v1/series?indicator=internet_subscribers&province=bac-ninh-2025&aggregate=successor&from=2020&to=2022").await;
    let line = &summed["series"][0];
    assert_eq!(line["aggregation"], "successor");
    let points = line["points"].as_array().unwrap();
    assert_eq!(
        (points[0]["value"].clone(), points[0]["partial"].clone()),
        (json!(1600000.0), json!(true))
    );
    assert_eq!(
        (points[1]["value"].clone(), points[1]["partial"].clone()),
        (json!(3100000.0), json!(false))
    );

    let scores = app.get_ok("/api/v1/series?indicator=pci_score&province=bac-ninh-2025&aggregate=successor&from=2022&to=2022").await;
    assert_eq!(scores["series"][0]["aggregation"], "not_aggregable");
    assert!(
        scores["series"][0]["points"][0]["value"].is_null(),
        "scores are never summed"
    );

    let with = app.get_ok("/api/v1/series?indicator=internet_subscribers&province=bac-ninh-2025&include_predecessors=true").await;
    let ids: Vec<&str> = with["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["province_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["bac-ninh-2025", "bac-giang", "bac-ninh"]);

    let history = app
        .get_ok("/api/v1/observations?province=bac-ninh-2025&include_predecessors=true&limit=1000")
        .await;
    assert!(history["meta"]["total"].as_i64().unwrap() > 5);
}

#[actix_web::test]
async fn latest_keeps_the_most_recent_periods_per_province_and_indicator() {
    let app = spawn_app().await;
    app.import_csv(INTERNET).await;
    let latest = app.get_ok("/api/v1/observations?indicator=internet_subscribers&period_kind=year&latest=1&limit=1000").await;
    let pairs: Vec<(String, String)> = latest["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["province_id"].as_str().unwrap().to_owned(),
                o["period_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        pairs.contains(&("thanh-hoa".into(), "2023".into())),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("bac-giang".into(), "2022".into())),
        "{pairs:?}"
    );
    assert_eq!(pairs.iter().filter(|(p, _)| p == "thanh-hoa").count(), 1);
    let two = app
        .get_ok("/api/v1/observations?province=thanh-hoa&indicator=internet_subscribers&latest=2")
        .await;
    assert_eq!(two["meta"]["total"], 2);
    app.get("/api/v1/observations?latest=0").await.problem(400);
}

#[actix_web::test]
async fn targets_carry_their_actual_and_attainment() {
    let app = spawn_app().await;
    app.import_csv("province,indicator,period,value\nthanh-hoa,phone_subscribers,2024,\"3,05 triệu\"\nthanh-hoa,internet_subscribers,2024,\"2,4 triệu\"\nbac-giang,dti_rank,2023,12\n").await;
    let all = app.get_ok("/api/v1/targets?limit=1000").await;
    let status = |code: &str| -> (String, Value) {
        let t = all["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["indicator_code"] == code)
            .unwrap();
        (
            t["attainment"]["status"].as_str().unwrap().to_owned(),
            t["actual"].clone(),
        )
    };
    assert_eq!(
        status("phone_subscribers"),
        ("met".into(), json!(3050000.0))
    );
    assert_eq!(
        status("internet_subscribers"),
        ("not_met".into(), json!(2400000.0))
    );
    assert_eq!(
        status("dti_rank"),
        ("not_met".into(), json!(12.0)),
        "rank 12 misses a top-10 target"
    );
    assert_eq!(status("ict_revenue").0, "pending");
    assert_eq!(app.total("/api/v1/targets?status=met").await, 1);
    assert_eq!(app.total("/api/v1/targets?status=not_met").await, 2);
    assert_eq!(app.total("/api/v1/targets?status=pending").await, 1);
    assert_eq!(app.total("/api/v1/targets?status=met,pending").await, 2);
    app.get("/api/v1/targets?status=maybe").await.problem(400);
    let (header, _) = parse_csv(&app.get("/api/v1/targets?format=csv").await.body);
    assert!(header.contains(&"attainment.status".to_owned()));
}

#[actix_web::test]
async fn a_province_profile_in_one_call() {
    let app = spawn_app().await;
    app.import_csv(INTERNET).await;
    let profile = app
        .get_ok("/api/v1/provinces/dak-nong/profile?period=2023")
        .await;
    assert_eq!(profile["province"]["id"], "dak-nong");
    let figures = profile["figures"].as_array().unwrap();
    let pci = figures
        .iter()
        .find(|f| f["indicator"] == "pci_score")
        .unwrap();
    assert_eq!(pci["period"], "2022");
    assert_eq!(
        (
            pci["computed_rank"].clone(),
            pci["computed_rank_of"].clone()
        ),
        (json!(2), json!(3))
    );
    assert_eq!(
        (
            pci["rank"].clone(),
            pci["rank_of"].clone(),
            pci["units"].clone()
        ),
        (json!(38), json!(63), json!(63)),
        "the printed rank is the headline while chiso's is partial"
    );
    assert!(pci["quote"].as_str().unwrap().contains("64,87"));
    assert!(
        figures.iter().all(|f| f["source_id"].is_string()),
        "every figure is cited"
    );
    assert!(!profile["awards"].as_array().unwrap().is_empty());
    let thanh_hoa = app.get_ok("/api/v1/provinces/thanh-hoa/profile").await;
    assert_eq!(thanh_hoa["targets"].as_array().unwrap().len(), 3);
    app.get("/api/v1/provinces/atlantis/profile")
        .await
        .problem(404);
}

#[actix_web::test]
async fn search_spans_provinces_indicators_and_sources() {
    let app = spawn_app().await;
    let hits = app.get_ok("/api/v1/search?q=dak%20nong").await;
    let kinds: Vec<&str> = hits["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"province") && kinds.contains(&"source"),
        "{kinds:?}"
    );
    let accented = app
        .get_ok("/api/v1/search?q=%C4%90%E1%BA%AFk%20N%C3%B4ng")
        .await;
    assert_eq!(accented["data"], hits["data"]);
    let indicator = app.get_ok("/api/v1/search?q=thue%20bao").await;
    assert!(indicator["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["kind"] == "indicator"));
    let (header, rows) = parse_csv(&app.get("/api/v1/search?q=dak%20nong&format=csv").await.body);
    assert_eq!(header, ["kind", "id", "name", "href"]);
    assert_eq!(rows.len(), hits["data"].as_array().unwrap().len());
    app.get("/api/v1/search").await.problem(400);
}

#[actix_web::test]
async fn labels_are_english_by_default_and_vietnamese_on_request() {
    let app = spawn_app().await;
    let english = app.get_ok("/api/v1/indicators/phone_subscribers").await;
    assert_eq!(english["name"], english["name_en"]);
    let by_param = app
        .get_ok("/api/v1/indicators/phone_subscribers?lang=vi")
        .await;
    assert_eq!(by_param["name"], "Thuê bao điện thoại");
    assert_eq!(
        by_param["name_en"], english["name_en"],
        "both names stay available"
    );
    let by_header = app
        .send(
            Method::GET,
            "/api/v1/provinces/dak-nong",
            None,
            None,
            &[("accept-language", "vi-VN,vi;q=0.9,en;q=0.5")],
        )
        .await;
    assert_eq!(by_header.json()["name"], "Đắk Nông");
    app.get("/api/v1/provinces?lang=fr").await.problem(400);
}

#[actix_web::test]
async fn every_get_is_cacheable_and_revalidates_after_a_write() {
    let app = spawn_app().await;
    let path = "/api/v1/observations?province=dak-nong&indicator=bts_stations";
    let first = app.get(path).await;
    let etag = first.header("etag").expect("an ETag on every GET");
    assert!(first.header("cache-control").unwrap().contains("max-age"));
    let again = app
        .send(Method::GET, path, None, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    for other in [
        "/api/v1/indicators/pci_score/ranking",
        "/api/v1/series?indicator=pci_score",
        "/api/v1/provinces/hue/profile",
        "/api/v1/search?q=hue",
    ] {
        assert!(app.get(other).await.header("etag").is_some(), "{other}");
    }
    app.import_csv("province,indicator,period,value\ndak-nong,bts_stations,2023,1170\n")
        .await;
    let after = app
        .send(Method::GET, path, None, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(after.status, 200, "the data changed, so the validator did");
    assert_ne!(after.header("etag").unwrap(), etag);
    let cors = app
        .send(
            Method::GET,
            path,
            None,
            None,
            &[("origin", "https://newsroom.example")],
        )
        .await;
    assert_eq!(
        cors.header("access-control-allow-origin").as_deref(),
        Some("https://newsroom.example")
    );
}
