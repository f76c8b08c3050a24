use chiso::config::{PostgresReads, Settings};
use serde_json::Value;

use crate::helpers::{ids_of, parse_csv, postgres_base_url, spawn_app};

#[actix_web::test]
async fn a_figure_comes_with_its_source_and_quote() {
    let app = spawn_app().await;
    let body = app
        .get_ok("/api/v1/observations?province=bac-giang&indicator=phone_subscribers&period=2022")
        .await;
    assert_eq!(body["meta"]["total"], 1);
    let figure = &body["data"][0];
    assert_eq!(figure["value"], 1_850_000.0);
    assert_eq!(figure["status"], "estimated");
    assert_eq!(figure["value_text"], "1,85 triệu");
    assert!(figure["quote"]
        .as_str()
        .unwrap()
        .contains("ước đạt 1,85 triệu"));
    let source = app
        .get_ok(&format!(
            "/api/v1/sources/{}",
            figure["source_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(source["published_on"], "2022-12-29");
    let id = figure["id"].as_i64().unwrap();
    assert_eq!(
        app.get_ok(&format!("/api/v1/observations/{id}")).await,
        *figure
    );
}

#[actix_web::test]
async fn ranks_carry_their_denominator() {
    let app = spawn_app().await;
    // GSO code 24 was Bắc Giang's until 30 June 2025 and is the new Bắc Ninh's since: without
    // `as_of` it means both units, so Bắc Giang's figures come back.
    let both = app
        .get_ok("/api/v1/observations?province=24&indicator=dti_rank")
        .await;
    assert!(both["meta"]["total"].as_i64().unwrap() > 0);
    assert!(both["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["province_id"] == "bac-giang"));
    let then = app
        .get_ok("/api/v1/observations?province=24&indicator=dti_rank&as_of=2024-12-31")
        .await;
    assert_eq!(then["meta"]["total"], both["meta"]["total"]);
    // As of today, 24 is the 2025 Bắc Ninh, which has no figures of its own yet.
    let now = app
        .get_ok("/api/v1/observations?province=24&indicator=dti_rank&as_of=2025-08-01")
        .await;
    assert_eq!(now["meta"]["total"], 0);
    let body = app
        .get_ok("/api/v1/observations?province=VN-54&indicator=dti_rank&period=2021")
        .await;
    assert_eq!(body["data"][0]["value"], 10.0);
    assert_eq!(body["data"][0]["rank_of"], 63);
}

#[actix_web::test]
async fn filters_by_several_values_and_period_ranges() {
    let app = spawn_app().await;
    let both = app
        .get_ok("/api/v1/observations?province=bac-giang,thanh-hoa&limit=1000")
        .await;
    let provinces: std::collections::HashSet<&str> = both["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["province_id"].as_str().unwrap())
        .collect();
    assert_eq!(provinces, ["bac-giang", "thanh-hoa"].into_iter().collect());

    let ranged = app
        .get_ok("/api/v1/observations?from=2022&to=2022&limit=1000")
        .await;
    for o in ranged["data"].as_array().unwrap() {
        assert!(o["period_id"].as_str().unwrap().starts_with("2022"), "{o}");
    }
    assert!(ranged["meta"]["total"].as_i64().unwrap() > 0);

    let estimated = app
        .get_ok("/api/v1/observations?status=estimated&limit=1000")
        .await;
    assert!(estimated["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["status"] == "estimated"));

    let telecom = app
        .get_ok("/api/v1/observations?category=telecom&limit=1000")
        .await;
    assert!(telecom["meta"]["total"].as_i64().unwrap() > 0);
    for o in telecom["data"].as_array().unwrap() {
        let indicator = app
            .get_ok(&format!(
                "/api/v1/indicators/{}",
                o["indicator_code"].as_str().unwrap()
            ))
            .await;
        assert_eq!(indicator["category"], "telecom");
    }
}

#[actix_web::test]
async fn sorts_by_value_descending_across_pages() {
    let app = spawn_app().await;
    let all = app
        .get_ok("/api/v1/observations?sort=-value&limit=1000")
        .await;
    let (paged, pages) = app
        .collect_pages("/api/v1/observations?sort=-value&limit=7")
        .await;
    assert!(pages > 2);
    assert_eq!(paged, *all["data"].as_array().unwrap());
    let values: Vec<f64> = paged.iter().map(|o| o["value"].as_f64().unwrap()).collect();
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "not descending: {values:?}"
    );
    assert_eq!(paged.len() as i64, all["meta"]["total"].as_i64().unwrap());
}

#[actix_web::test]
async fn sorts_by_period_across_pages() {
    let app = spawn_app().await;
    let (paged, _) = app
        .collect_pages("/api/v1/observations?sort=period&limit=9")
        .await;
    let all = app.get_ok("/api/v1/observations?limit=1000").await;
    assert_eq!(paged.len(), all["data"].as_array().unwrap().len());
    let first = paged.first().unwrap()["period_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(first, "2020", "the earliest figure is Tây Ninh's DTI 2020");
}

#[actix_web::test]
async fn serves_csv_by_accept_header_or_format_parameter() {
    let app = spawn_app().await;
    let by_header = app.get_csv("/api/v1/observations?province=bac-giang").await;
    let by_param = app
        .get("/api/v1/observations?province=bac-giang&format=csv")
        .await;
    assert_eq!(by_header.status, 200);
    assert_eq!(by_header.body, by_param.body);
    assert!(by_header
        .header("content-type")
        .unwrap()
        .starts_with("text/csv; charset=utf-8"));
    assert!(by_header
        .header("content-disposition")
        .unwrap()
        .contains("observations.csv"));
    let (header, rows) = parse_csv(&by_header.body);
    assert_eq!(
        &header[..7],
        [
            "id",
            "province_id",
            "province_name",
            "indicator_code",
            "indicator_name",
            "period_id",
            "value"
        ]
    );
    assert!(rows.iter().all(|r| r[2] == "Bac Giang"));
    let (_, vietnamese) = parse_csv(
        &app.get("/api/v1/observations?province=bac-giang&format=csv&lang=vi")
            .await
            .body,
    );
    assert_eq!(vietnamese[0][2], "Bắc Giang");
    let json = app.get_ok("/api/v1/observations?province=bac-giang").await;
    assert_eq!(rows.len(), json["data"].as_array().unwrap().len());
    let phone = rows
        .iter()
        .find(|r| r[3] == "phone_subscribers")
        .expect("phone row");
    assert_eq!(phone[4], "Telephone subscribers");
    assert_eq!(phone[6], "1850000");
    let quote = header.iter().position(|h| h == "quote").unwrap();
    assert!(
        phone[quote].contains("Toàn tỉnh Bắc Giang"),
        "Vietnamese text intact: {}",
        phone[quote]
    );
}

#[actix_web::test]
async fn csv_of_an_empty_list_still_has_its_header() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/observations?period=2031&format=csv").await;
    let (header, rows) = parse_csv(&reply.body);
    assert!(header.contains(&"quote".to_owned()));
    assert!(rows.is_empty());
}

#[actix_web::test]
async fn rejects_bad_observation_filters_naming_them() {
    let app = spawn_app().await;
    for (query, parameter) in [
        ("province=atlantis", "province"),
        ("indicator=happiness", "indicator"),
        ("period=2023-H3", "period"),
        ("from=last-year", "from"),
        ("status=guessed", "status"),
        ("category=sports", "category"),
        ("sort=-height", "sort"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("format=xml", "format"),
    ] {
        let problem = app
            .get(&format!("/api/v1/observations?{query}"))
            .await
            .problem(400);
        assert_eq!(problem["parameter"], parameter, "{query}: {problem}");
    }
}

/// One province's series of one indicator is read by statements of its own (the commonest
/// read); it answers exactly what the general query answers: the same rows, order and total,
/// on one page or across pages.
#[actix_web::test]
async fn a_single_series_reads_as_the_general_query_does() {
    let app = spawn_app().await;
    let mut csv = String::from("province,indicator,period,value,status\n");
    // Months written out of order, a neighbour's figures between them, and a quarter inside
    // the range: ids do not follow the periods.
    for (i, month) in [7, 1, 12, 3, 9, 5, 11, 2, 8, 4, 10, 6].iter().enumerate() {
        for year in [2010, 2011] {
            csv.push_str(&format!(
                "lao-cai,bts_stations,{year}-{month:02},{},final\n",
                100 + i
            ));
            csv.push_str(&format!(
                "yen-bai,bts_stations,{year}-{month:02},{},final\n",
                200 + i
            ));
        }
    }
    csv.push_str("lao-cai,bts_stations,2010-Q3,7,estimated\n");
    app.import_csv(&csv).await;

    let series =
        "/api/v1/observations?province=lao-cai&indicator=bts_stations&from=2010-03&to=2011-06";
    let one_page = app.get_ok(&format!("{series}&limit=1000")).await;
    // Every status: the same rows, through the general query.
    let general = app
        .get_ok(&format!(
            "{series}&limit=1000&status=final,estimated,provisional"
        ))
        .await;
    assert_eq!(one_page["data"], general["data"]);
    assert_eq!(one_page["meta"]["total"], general["meta"]["total"]);
    // March 2010 to June 2011 is 16 months, and the third quarter of 2010 lies within.
    assert_eq!(one_page["meta"]["total"], 17);
    let ids = ids_of(&one_page);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in id order: {ids:?}");

    let (paged, _) = app.collect_pages(&format!("{series}&limit=5")).await;
    assert_eq!(serde_json::Value::Array(paged), one_page["data"]);
    // A first page that holds the series exactly is read whole (its rows sorted by chiso, the
    // total counted from them); one row fewer is read sorted by the database, and counted.
    for limit in [17, 16] {
        let page = app.get_ok(&format!("{series}&limit={limit}")).await;
        assert_eq!(page["meta"]["total"], 17, "limit={limit}");
        assert_eq!(
            page["data"].as_array().unwrap()[..],
            one_page["data"].as_array().unwrap()[..limit],
            "limit={limit}"
        );
        assert_eq!(
            page["meta"]["next_cursor"].is_null(),
            limit == 17,
            "limit={limit}"
        );
    }
    // Without dates: the whole series, 24 months and the quarter.
    let whole = "/api/v1/observations?province=lao-cai&indicator=bts_stations";
    assert_eq!(app.total(whole).await, 25);

    // This server answers a series from memory (`store::replica`). Servers that hold none
    // read it from the database: on PostgreSQL asynchronously (`db::pg_async`), or through
    // libpq alone. All answer the same, byte for byte, page after page.
    let from_database = |postgres_reads| Settings {
        memory_rows: 0,
        postgres_reads,
        ..app.settings.clone()
    };
    let database = app
        .alongside_with(from_database(PostgresReads::Async))
        .await;
    let libpq = app
        .alongside_with(from_database(PostgresReads::Libpq))
        .await;
    let reads = |ready: Value| ready["postgres_reads"].as_str().map(str::to_owned);
    let expected = postgres_base_url().map(|_| "async".to_owned());
    assert_eq!(reads(database.get_ok("/readyz").await), expected);
    let expected = postgres_base_url().map(|_| "libpq".to_owned());
    assert_eq!(reads(libpq.get_ok("/readyz").await), expected);
    for path in [
        format!("{series}&limit=1000"),
        format!("{series}&limit=5"),
        format!("{series}&limit=5&format=csv"),
        format!("{series}&limit=5&lang=vi"),
        whole.to_owned(),
        format!("{whole}&from=2090"),
        "/api/v1/observations?province=lao-cai&indicator=internet_subscribers".to_owned(),
    ] {
        let ours = app.get(&path).await;
        assert_eq!(ours.status, 200, "{path}: {}", ours.body);
        for other in [&database, &libpq] {
            assert_eq!(ours.body, other.get(&path).await.body, "{path}");
        }
    }
    for other in [&database, &libpq] {
        let (their_pages, _) = other.collect_pages(&format!("{series}&limit=5")).await;
        assert_eq!(serde_json::Value::Array(their_pages), one_page["data"]);
    }
}

/// Series asked at once by a server reading the database are read together on PostgreSQL (one
/// statement for the first pages a worker's requests ask meanwhile, `store::series_reads`):
/// each request still gets its own series, whole, cut to its page, empty, as CSV or a later
/// page, as the server that holds the data in memory answers it. PostgreSQL's series rows leave
/// out the province and indicator, which the answer takes from the series.
#[actix_web::test]
async fn series_asked_at_once_each_get_their_own_rows() {
    let app = spawn_app().await;
    // Series of two years' months beside the shipped ones (mostly a figure or two each).
    let mut csv = String::from("province,indicator,period,value\n");
    let long = ["lao-cai", "yen-bai", "ha-giang", "son-la"];
    for (i, province) in long.iter().enumerate() {
        for month in 1..=24 {
            let (year, month) = (2010 + (month - 1) / 12, (month - 1) % 12 + 1);
            csv.push_str(&format!(
                "{province},bts_stations,{year}-{month:02},{}\n",
                100 * i + month as usize
            ));
        }
    }
    app.import_csv(&csv).await;
    let database = app
        .alongside_with(Settings {
            memory_rows: 0,
            ..app.settings.clone()
        })
        .await;
    let all = app.get_ok("/api/v1/observations?limit=1000").await;
    let mut series: Vec<(String, String)> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let text = |field: &str| o[field].as_str().unwrap().to_owned();
            (text("province_id"), text("indicator_code"))
        })
        .collect();
    series.sort();
    series.dedup();
    assert!(
        series.len() > 20,
        "the shipped data has many series: {series:?}"
    );
    let mut paths = Vec::new();
    for (i, (province, indicator)) in series.iter().enumerate() {
        let base = format!("/api/v1/observations?province={province}&indicator={indicator}");
        // Whole, a first page too small for the series, none in range, a date range, as CSV,
        // and a later page.
        paths.push(match i % 6 {
            0 => base,
            1 => format!("{base}&limit=1"),
            2 => format!("{base}&from=2090"),
            3 => format!("{base}&from=2010-03&to=2024-06&lang=vi"),
            4 => format!("{base}&format=csv"),
            _ => {
                let first = app.get_ok(&format!("{base}&limit=1")).await;
                match first["meta"]["next_cursor"].as_str() {
                    Some(cursor) => format!("{base}&limit=1&cursor={cursor}"),
                    None => format!("{base}&limit=1"),
                }
            }
        });
    }
    assert!(paths.iter().any(|p| p.contains("cursor=")), "{paths:?}");
    // The long series whole, whatever their kind above.
    for province in long {
        paths.push(format!(
            "/api/v1/observations?province={province}&indicator=bts_stations"
        ));
    }
    let answers = futures_util::future::join_all(paths.iter().map(|path| database.get(path))).await;
    let mut sizes = Vec::new();
    for (path, answer) in paths.iter().zip(answers) {
        let expected = app.get(path).await;
        assert_eq!(expected.status, 200, "{path}: {}", expected.body);
        assert_eq!(answer.body, expected.body, "{path}");
        if !path.contains("format=csv") {
            let page: Value = serde_json::from_str(&expected.body).unwrap();
            sizes.push(page["data"].as_array().unwrap().len());
        }
    }
    // Long series and empty ones were asked together.
    assert!(sizes.iter().any(|&n| n > 5), "{sizes:?}");
    assert!(sizes.contains(&0), "{sizes:?}");
}

/// On PostgreSQL a series is an index-only scan: `observations_series` holds every column of
/// the table (migration 9; SQLite's since migration 8, checked by a unit test of its plan). A
/// column added to the table but not to the index would bring back a heap fetch per row.
#[actix_web::test]
async fn the_series_index_holds_every_column_on_postgres() {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    #[derive(QueryableByName)]
    struct Named {
        #[diesel(sql_type = Text)]
        name: String,
    }
    if postgres_base_url().is_none() {
        return;
    }
    let app = spawn_app().await;
    let mut conn = chiso::db::establish_postgres(&app.database_url).unwrap();
    let columns: Vec<String> = diesel::sql_query(
        "SELECT column_name::TEXT AS name FROM information_schema.columns \
          WHERE table_schema = current_schema() AND table_name = 'observations'",
    )
    .load::<Named>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|c| c.name)
    .collect();
    let indexed: Vec<String> = diesel::sql_query(
        "SELECT a.attname::TEXT AS name FROM pg_index i \
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) \
          WHERE i.indexrelid = 'observations_series'::regclass",
    )
    .load::<Named>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|c| c.name)
    .collect();
    assert!(columns.len() >= 15, "{columns:?}");
    let missing: Vec<&String> = columns.iter().filter(|c| !indexed.contains(c)).collect();
    assert!(
        missing.is_empty(),
        "not in observations_series: {missing:?}"
    );
}

/// A list of many series, read from the database, names each row's own province and indicator
/// in the language asked (the rows alternate, so names carried over from the row before would
/// show).
#[actix_web::test]
async fn each_row_of_a_mixed_list_names_its_own_province_and_indicator() {
    let app = spawn_app().await;
    for (lang, field) in [("en", "name_en"), ("vi", "name_vi")] {
        let list = app
            .get_ok(&format!(
                "/api/v1/observations?province=bac-giang,thanh-hoa,lao-cai&sort=-value&limit=200&lang={lang}"
            ))
            .await;
        let rows = list["data"].as_array().unwrap();
        let mut changes = 0;
        for pair in rows.windows(2) {
            changes += usize::from(
                pair[0]["province_id"] != pair[1]["province_id"]
                    || pair[0]["indicator_code"] != pair[1]["indicator_code"],
            );
        }
        assert!(changes > 10, "the rows alternate: {changes} changes");
        let mut provinces = std::collections::HashMap::new();
        let mut indicators = std::collections::HashMap::new();
        for row in rows {
            let province = row["province_id"].as_str().unwrap().to_owned();
            if !provinces.contains_key(&province) {
                let named = app.get_ok(&format!("/api/v1/provinces/{province}")).await;
                provinces.insert(province.clone(), named[field].clone());
            }
            let indicator = row["indicator_code"].as_str().unwrap().to_owned();
            if !indicators.contains_key(&indicator) {
                let named = app
                    .get_ok(&format!("/api/v1/indicators/{indicator}?lang={lang}"))
                    .await;
                indicators.insert(indicator.clone(), named["name"].clone());
            }
            assert_eq!(row["province_name"], provinces[&province], "{row}");
            assert_eq!(row["indicator_name"], indicators[&indicator], "{row}");
        }
    }
}
