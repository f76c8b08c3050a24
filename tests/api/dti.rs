//! The Ministry's DTI ranking for every province: 63 real units, ties as printed, each rank
//! cited to the line of the ranking page it came from.

use serde_json::{json, Value};

use crate::helpers::spawn_app;

fn row<'a>(ranking: &'a Value, province: &str) -> &'a Value {
    ranking["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["province_id"] == province)
        .unwrap_or_else(|| panic!("{province} is ranked"))
}

#[actix_web::test]
async fn the_2022_dti_ranking_ranks_all_63_provinces() {
    let app = spawn_app().await;
    let ranking = app
        .get_ok("/api/v1/indicators/dti_rank/ranking?period=2022")
        .await;
    assert_eq!(ranking["meta"]["units"], 63);
    assert_eq!(ranking["meta"]["with_value"], 63);
    assert_eq!(ranking["meta"]["complete"], true);
    assert_eq!(ranking["meta"]["note"], Value::Null);
    assert_eq!(ranking["data"].as_array().unwrap().len(), 63);
    // Every rank is chiso's own now, agrees with the printed one, and is out of 63.
    for r in ranking["data"].as_array().unwrap() {
        assert_eq!(r["rank_basis"], "computed");
        assert_eq!(r["rank_of"], 63);
        assert_eq!(r["rank"].as_f64(), r["reported_rank"].as_f64(), "{r}");
    }
    // Spot values, each against its line of dti.gov.vn/xep-hang-2022.
    for (province, rank, line) in [
        ("da-nang", 1, "1 TP. Đà Nẵng"),
        ("bac-giang", 9, "9 Bắc Giang"),
        ("ha-noi", 24, "24 TP. Hà Nội"),
        ("bac-kan", 63, "63 Bắc Kạn"),
    ] {
        let r = row(&ranking, province);
        assert_eq!(r["rank"], rank, "{province}");
        assert_eq!(r["quote"], line);
        assert_eq!(r["source_id"], "dti-gov-vn-xep-hang-2022");
    }
    // Thanh Hóa and Yên Bái share 15th, as printed; nobody is 16th.
    assert_eq!(row(&ranking, "thanh-hoa")["rank"], 15);
    assert_eq!(row(&ranking, "yen-bai")["rank"], 15);
    assert_eq!(row(&ranking, "hau-giang")["rank"], 17);
    assert!(ranking["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["rank"] != 16));
}

#[actix_web::test]
async fn a_profile_shows_the_dti_rank_among_63() {
    let app = spawn_app().await;
    let profile = app
        .get_ok("/api/v1/provinces/bac-giang/profile?period=2022")
        .await;
    let dti = profile["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"] == "dti_rank")
        .expect("a DTI rank");
    assert_eq!(dti["period"], "2022");
    assert_eq!(
        (&dti["rank"], &dti["rank_of"], &dti["rank_basis"]),
        (&json!(9), &json!(63), &json!("computed"))
    );
}

/// Sources repeat each other: a page's "up 5 places" must match the ranks that other pages
/// and articles give for the two years, and a figure two sources give is shipped once.
#[test]
fn figures_that_repeat_each_other_agree() {
    use std::collections::HashMap;
    let data = chiso::dataset::Dataset::embedded().unwrap();
    let value = |indicator: &str| -> HashMap<(String, i32), f64> {
        data.observation_records
            .iter()
            .filter(|o| o.indicator_code == indicator)
            .filter_map(|o| Some(((o.province_id.clone(), o.period_id.parse().ok()?), o.value)))
            .collect()
    };
    let ranks = value("dti_rank");
    let mut checked = 0;
    for ((province, year), change) in value("dti_rank_change") {
        if let (Some(before), Some(after)) = (
            ranks.get(&(province.clone(), year - 1)),
            ranks.get(&(province.clone(), year)),
        ) {
            assert_eq!(
                before - after,
                change,
                "{province} {year}: {before} -> {after}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} rank changes could be checked");
    // The articles' own figures stand beside the pages': Bắc Giang 10/63 in 2021, 9 in 2022.
    assert_eq!(ranks[&("bac-giang".to_owned(), 2021)], 10.0);
    assert_eq!(ranks[&("bac-giang".to_owned(), 2022)], 9.0);
    let mut keys = std::collections::HashSet::new();
    for o in &data.observation_records {
        assert!(
            keys.insert((&o.province_id, &o.indicator_code, &o.period_id)),
            "{}/{}/{} is shipped twice",
            o.province_id,
            o.indicator_code,
            o.period_id
        );
    }
}
