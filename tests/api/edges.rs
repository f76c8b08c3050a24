//! Bad input at the edges: SQL-looking text in every filter, huge numbers, over-long query
//! strings and headers, deeply nested JSON and invalid UTF-8. Each is a clear 4xx problem (or,
//! for free-text search, a 200 that matches nothing), never a 5xx, and nothing is written.
//!
//! The routes and their parameters come from the served OpenAPI document, so a new route or
//! filter is covered without editing this file.

use std::io::{Read, Write};

use chiso::auth::Role;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Reply, TestApp};

const SQL_LOOKING: [&str; 4] = [
    "'; DROP TABLE observations; --",
    "1 OR 1=1",
    "%' --",
    "\" OR \"\"=\"",
];

/// Parameters whose value is free text, or an open-ended identifier (a source's slug): a
/// filter that matches nothing is an honest answer.
const MATCH_NOTHING: [&str; 2] = ["q", "source"];

/// Filters over open vocabularies, answered 200 with nothing matched rather than 400: still
/// never a 5xx, never a match, nothing written.
const KNOWN_GAPS: [(&str, &str); 2] = [
    // Open vocabularies: an indicator unit or a source language nobody uses matches nothing.
    ("/api/v1/indicators", "unit"),
    ("/api/v1/sources", "language"),
];

fn encode(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

/// How many items every list holds and how many changes were recorded: the same before and
/// after means nothing was written.
async fn totals(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut totals = Vec::new();
    for list in [
        "provinces",
        "indicators",
        "periods",
        "observations",
        "targets",
        "awards",
        "sources",
        "changes",
    ] {
        totals.push((list, app.total(&format!("/api/v1/{list}?limit=1")).await));
    }
    totals
}

/// An existing id or code of each resource, for single-item paths.
async fn sample_ids(app: &TestApp) -> Vec<(&'static str, String)> {
    let mut ids = Vec::new();
    for (resource, field) in [
        ("provinces", "id"),
        ("indicators", "code"),
        ("periods", "id"),
        ("observations", "id"),
        ("targets", "id"),
        ("awards", "id"),
        ("sources", "id"),
    ] {
        let list = app.get_ok(&format!("/api/v1/{resource}?limit=1")).await;
        let id = &list["data"][0][field];
        let id = id
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| id.to_string());
        assert!(!id.is_empty() && id != "null", "{resource}: {list}");
        ids.push((resource, id));
    }
    ids
}

/// `path` with its `{...}` parameter replaced by an existing item's id.
fn with_existing_ids(path: &str, ids: &[(&str, String)]) -> String {
    let Some(open) = path.find('{') else {
        return path.to_owned();
    };
    let close = path[open..].find('}').unwrap() + open;
    let resource = path["/api/v1/".len()..open].trim_end_matches('/');
    let id = ids
        .iter()
        .find(|(r, _)| *r == resource)
        .map(|(_, id)| id.clone())
        .unwrap_or_else(|| panic!("no sample id for {path}"));
    format!("{}{}{}", &path[..open], encode(&id), &path[close + 1..])
}

/// Query parameters a route cannot answer without, with a valid value.
fn required_base(path: &str) -> &'static str {
    match path {
        "/api/v1/series" => "indicator=internet_subscribers",
        "/api/v1/search" => "q=bac",
        _ => "",
    }
}

/// The GET routes of the served document, with their query parameters.
async fn read_routes(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let doc = app.get_ok("/api/v1/openapi.json").await;
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        if !path.starts_with("/api/v1/") || path.ends_with("openapi.json") {
            continue;
        }
        let query = get["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        routes.push((path.clone(), query));
    }
    assert!(routes.len() >= 15, "{routes:?}");
    routes
}

/// The write operations of the served document that take a JSON body.
async fn json_writes(app: &TestApp) -> Vec<(Method, String, String)> {
    let doc = app.get_ok("/api/v1/openapi.json").await;
    let mut writes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, verb) in [
            (Method::POST, "post"),
            (Method::PUT, "put"),
            (Method::PATCH, "patch"),
        ] {
            let Some(content) = item[verb]["requestBody"]["content"].as_object() else {
                continue;
            };
            for media in content.keys().filter(|m| m.contains("json")) {
                writes.push((method.clone(), path.clone(), media.clone()));
            }
        }
    }
    assert!(writes.len() >= 15, "{writes:?}");
    writes
}

/// A 4xx problem+json with every RFC 9457 member, whatever the status.
fn client_problem(reply: &Reply) -> Result<(), String> {
    if !(400..500).contains(&reply.status) {
        return Err(format!("status {}", reply.status));
    }
    if reply.header("content-type").as_deref() != Some("application/problem+json") {
        return Err(format!("content type {:?}", reply.header("content-type")));
    }
    let problem: Value = serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
    for field in ["type", "title", "status", "detail"] {
        if problem.get(field).is_none() {
            return Err(format!("no `{field}`"));
        }
    }
    if problem["status"] != reply.status {
        return Err("`status` differs from the answer's".into());
    }
    Ok(())
}

/// A 200 whose lists are all empty: a search that found nothing.
fn matched_nothing(reply: &Reply) -> Result<(), String> {
    let body: Value = serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
    let mut lists: Vec<&Value> = Vec::new();
    for level in [&body, &body["data"]] {
        if let Value::Object(map) = level {
            lists.extend(map.values().filter(|v| v.is_array()));
        }
    }
    if lists.iter().all(|l| l.as_array().unwrap().is_empty()) {
        Ok(())
    } else {
        Err("matched something".into())
    }
}

/// The first characters of a body, for failure messages.
fn excerpt(text: &str) -> String {
    text.chars().take(200).collect()
}

fn assert_client_problem(reply: &Reply, what: &str) {
    if let Err(why) = client_problem(reply) {
        panic!("{what}: {why}: {} {}", reply.status, excerpt(&reply.body));
    }
}

#[actix_web::test]
async fn sql_looking_text_in_any_filter_is_refused_or_matches_nothing() {
    let app = spawn_app().await;
    let before = totals(&app).await;
    let ids = sample_ids(&app).await;
    let mut checked = 0;
    let mut failures = Vec::new();
    for (path, query) in read_routes(&app).await {
        let base = with_existing_ids(&path, &ids);
        let required = required_base(&path);
        for value in SQL_LOOKING {
            for name in &query {
                let mut pairs: Vec<String> = required
                    .split('&')
                    .filter(|p| !p.is_empty() && !p.starts_with(&format!("{name}=")))
                    .map(str::to_owned)
                    .collect();
                pairs.push(format!("{name}={}", encode(value)));
                let url = format!("{base}?{}", pairs.join("&"));
                let reply = app.get(&url).await;
                let verdict = if reply.status == 200 && MATCH_NOTHING.contains(&name.as_str()) {
                    matched_nothing(&reply)
                } else if reply.status == 200
                    && KNOWN_GAPS.contains(&(path.as_str(), name.as_str()))
                {
                    serde_json::from_str::<Value>(&reply.body)
                        .map(drop)
                        .map_err(|e| e.to_string())
                } else {
                    client_problem(&reply)
                };
                if let Err(why) = verdict {
                    failures.push(format!(
                        "{url}: {why}: {} {}",
                        reply.status,
                        excerpt(&reply.body)
                    ));
                }
                checked += 1;
            }
            // The same text as the path's id: not found, or not an id at all.
            if path.contains('{') {
                let open = path.find('{').unwrap();
                let close = path[open..].find('}').unwrap() + open;
                let url = format!("{}{}{}", &path[..open], encode(value), &path[close + 1..]);
                assert_client_problem(&app.get(&url).await, &url);
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 300, "only {checked} requests");
    assert_eq!(totals(&app).await, before);
    app.get_ok("/api/v1/observations?limit=1").await;
}

#[actix_web::test]
async fn sql_looking_text_in_a_write_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let token = app.token(Role::Admin);
    let before = totals(&app).await;
    for value in SQL_LOOKING {
        for field in ["province_id", "indicator_code", "period_id", "value"] {
            let mut body = json!({
                "province_id": "dak-nong",
                "indicator_code": "bts_stations",
                "period_id": "2024",
                "value": 1200,
            });
            body[field] = json!(value);
            let reply = app.post("/api/v1/observations", &token, &body).await;
            assert_client_problem(&reply, &format!("{field} = {value}"));
        }
        let csv =
            format!("province_id,indicator_code,period_id,value\n{value},bts_stations,2024,1\n");
        let reply = app
            .send_raw(
                Method::POST,
                "/api/v1/imports",
                &token,
                "text/csv",
                csv.into_bytes(),
            )
            .await;
        assert_client_problem(&reply, value);
    }
    assert_eq!(totals(&app).await, before);
}

#[actix_web::test]
async fn a_huge_number_in_any_numeric_parameter_is_a_problem() {
    let app = spawn_app().await;
    let huge = "99999999999999999999";
    let ids = sample_ids(&app).await;
    let mut checked = 0;
    for (path, query) in read_routes(&app).await {
        if path.contains('{') {
            let url = format!(
                "{}{huge}{}",
                &path[..path.find('{').unwrap()],
                &path[path.find('}').unwrap() + 1..]
            );
            assert_client_problem(&app.get(&url).await, &url);
        }
        let base = with_existing_ids(&path, &ids);
        for name in query
            .iter()
            .filter(|n| ["limit", "latest", "since", "year", "base"].contains(&n.as_str()))
        {
            let required = required_base(&path);
            let sep = if required.is_empty() { "" } else { "&" };
            let url = format!("{base}?{required}{sep}{name}={huge}");
            let problem = app.get(&url).await;
            assert_client_problem(&problem, &url);
            assert_eq!(problem.json()["parameter"], name.as_str(), "{url}");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} requests");
}

/// The longest query strings that reach the app: the `http` crate's URIs stop just short of
/// 64 KiB, so 60 KiB.
#[actix_web::test]
async fn a_60_kb_query_string_is_a_problem_or_matches_nothing() {
    let app = spawn_app().await;
    let before = totals(&app).await;
    let long = "a".repeat(60 * 1024);
    // A filter that must name something known, or too many parameters.
    for query in [
        format!("/api/v1/observations?province={long}"),
        format!("/api/v1/observations?indicator={long}"),
        format!("/api/v1/observations?period={long}"),
        format!("/api/v1/observations?cursor={long}"),
        format!("/api/v1/observations?limit={}", "9".repeat(60 * 1024)),
        format!("/api/v1/provinces?era={long}"),
        format!("/api/v1/series?indicator={long}"),
        format!("/api/v1/provinces?{}", "x=1&".repeat(15 * 1024)),
        format!("/api/v1/provinces?{}", "limit=1&".repeat(7 * 1024)),
    ] {
        let reply = app.get(&query).await;
        assert_client_problem(&reply, &query[..50]);
    }
    // Free-text search: nothing is called that, or the text is refused as too long.
    for query in [
        format!("/api/v1/provinces?q={long}"),
        format!("/api/v1/indicators?q={long}"),
        format!("/api/v1/search?q={long}"),
        format!("/api/v1/search?q={}", encode(&"Đắk Nông ".repeat(1500))),
    ] {
        let reply = app.get(&query).await;
        let verdict = if reply.status == 200 {
            matched_nothing(&reply)
        } else {
            client_problem(&reply)
        };
        if let Err(why) = verdict {
            panic!(
                "{}: {why}: {} {}",
                &query[..50],
                reply.status,
                excerpt(&reply.body)
            );
        }
    }
    // One province named six thousand times is still one province.
    let repeated = format!(
        "/api/v1/observations?province={}&limit=1",
        "bac-giang,".repeat(6 * 1024)
    );
    assert_eq!(
        app.get_ok(&repeated).await["meta"]["total"],
        app.get_ok("/api/v1/observations?province=bac-giang&limit=1")
            .await["meta"]["total"]
    );
    assert_eq!(totals(&app).await, before);
    app.get_ok("/api/v1/provinces?limit=1").await;
}

/// Sends a raw HTTP/1.1 request and reads the answer's status line, headers and body, however
/// the server ends the connection.
async fn raw_exchange(app: &TestApp, request: Vec<u8>) -> (u16, String, String) {
    let address = app.address.trim_start_matches("http://").to_owned();
    actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        // The server may stop reading and answer before the whole request is sent.
        let _ = stream.write_all(&request);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
            }
        }
        let text = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {head:?}"));
        (status, head.to_owned(), body.to_owned())
    })
    .await
    .unwrap()
}

/// actix-http refuses two kinds of request before any middleware or handler runs, with an
/// empty body and no hook to change it (the responses are built inside its HTTP/1 dispatcher):
/// a URI the `http` crate cannot hold (64 KiB and more) is a bare 400, and a request head past
/// 128 KiB, or with more than 96 headers, a bare 431. The status is a client error either way,
/// and the server goes on serving.
#[actix_web::test]
async fn an_oversized_uri_or_head_is_refused_before_the_app_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let request = |target: &str, headers: &str| {
        format!("GET {target} HTTP/1.1\r\nHost: x\r\n{headers}\r\n").into_bytes()
    };
    let kib = |n: usize| "a".repeat(n * 1024);
    for (what, request, expected) in [
        (
            "100 KiB query string",
            request(&format!("/api/v1/provinces?q={}", kib(100)), ""),
            400,
        ),
        (
            "100 KiB path",
            request(&format!("/api/v1/provinces/{}", kib(100)), ""),
            400,
        ),
        (
            "140 KiB query string",
            request(&format!("/api/v1/provinces?q={}", kib(140)), ""),
            431,
        ),
        (
            "140 KiB header",
            request("/api/v1/provinces", &format!("X-Filler: {}\r\n", kib(140))),
            431,
        ),
        (
            "100 headers",
            request(
                "/api/v1/provinces",
                &(0..100)
                    .map(|i| format!("X-H{i}: {i}\r\n"))
                    .collect::<String>(),
            ),
            431,
        ),
    ] {
        let (status, head, body) = raw_exchange(&app, request).await;
        assert_eq!(status, expected, "{what}: {head}");
        assert!(body.is_empty(), "{what}: {body}");
        app.get_ok("/api/v1/provinces?limit=1").await;
    }
}

/// Under the 128 KiB limit, a long header reaches the app, which reads what it needs from it.
#[actix_web::test]
async fn a_100_kb_header_reaches_the_app_and_is_answered_in_its_own_words() {
    let app = spawn_app().await;
    let long = "a".repeat(100 * 1024);
    // Headers chiso ignores or only reads a little of: the list as usual.
    for name in [
        "x-filler",
        "accept-language",
        "if-none-match",
        "cookie",
        "accept",
    ] {
        let reply = app
            .send(
                Method::GET,
                "/api/v1/provinces?limit=1",
                None,
                None,
                &[(name, &long)],
            )
            .await;
        assert_eq!(reply.status, 200, "{name}: {}", excerpt(&reply.body));
    }
    let before = totals(&app).await;
    let reply = app
        .send(
            Method::POST,
            "/api/v1/observations",
            Some(&long),
            Some(&json!({"province_id": "dak-nong"})),
            &[],
        )
        .await;
    assert_eq!(reply.problem(401)["status"], 401);
    let token = app.token(Role::Editor);
    let reply = app
        .send(
            Method::POST,
            "/api/v1/observations",
            Some(&token),
            Some(&json!({"province_id": "dak-nong"})),
            &[("x-change-reason", &long)],
        )
        .await;
    assert_client_problem(&reply, "100 KiB change reason");
    assert_eq!(totals(&app).await, before);
}

#[actix_web::test]
async fn deeply_nested_json_is_a_problem_on_every_write() {
    let app = spawn_app().await;
    let token = app.token(Role::Admin);
    let before = totals(&app).await;
    let ids = sample_ids(&app).await;
    let brackets = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    let unclosed = "[".repeat(100_000);
    for (method, path, media) in json_writes(&app).await {
        let url = with_existing_ids(&path, &ids);
        for body in [&brackets, &objects, &unclosed] {
            let reply = app
                .send_raw(
                    method.clone(),
                    &url,
                    &token,
                    &media,
                    body.clone().into_bytes(),
                )
                .await;
            assert_client_problem(&reply, &format!("{method} {url} ({media})"));
        }
    }
    assert_eq!(totals(&app).await, before);
    app.get_ok("/api/v1/observations?limit=1").await;
}

#[actix_web::test]
async fn invalid_utf8_bodies_are_problems_and_write_nothing() {
    let app = spawn_app().await;
    let token = app.token(Role::Admin);
    let before = totals(&app).await;
    let ids = sample_ids(&app).await;
    let mut json_body =
        br#"{"province_id":"dak-nong","indicator_code":"bts_stations","period_id":"2024","value":"1.200 "#.to_vec();
    json_body.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    json_body.extend_from_slice(br#"","title":"x"}"#);
    for (method, path, media) in json_writes(&app).await {
        let url = with_existing_ids(&path, &ids);
        let body = if path.ends_with("imports") {
            [b"[".as_slice(), &json_body, b"]"].concat()
        } else {
            json_body.clone()
        };
        let reply = app
            .send_raw(method.clone(), &url, &token, &media, body)
            .await;
        assert_client_problem(&reply, &format!("{method} {url} ({media})"));
    }
    for csv in [
        b"province_id,indicator_code,period_id,value\ndak-nong,bts_stations,2024,1\xff\xfe\n"
            .to_vec(),
        b"province_id,indicator_code,period_id,val\xffue\ndak-nong,bts_stations,2024,1\n".to_vec(),
        b"\xef\xbb\xbf\xff\xfe\x00p\x00r\x00".to_vec(),
    ] {
        for dry_run in ["", "?dry_run=true"] {
            let reply = app
                .send_raw(
                    Method::POST,
                    &format!("/api/v1/imports{dry_run}"),
                    &token,
                    "text/csv",
                    csv.clone(),
                )
                .await;
            assert_client_problem(&reply, "CSV import");
        }
    }
    // A header that is not UTF-8 where text is expected.
    let reply = app
        .client
        .post(format!("{}/api/v1/observations", app.address))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .header(
            "x-change-reason",
            reqwest::header::HeaderValue::from_bytes(b"r\xe9sum\xe9").unwrap(),
        )
        .body(
            json!({"province_id": "dak-nong", "indicator_code": "bts_stations", "period_id": "2024", "value": 1})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    let reply = Reply {
        status: reply.status().as_u16(),
        headers: reply.headers().clone(),
        body: reply.text().await.unwrap(),
    };
    assert_client_problem(&reply, "Latin-1 X-Change-Reason");
    assert_eq!(totals(&app).await, before);
}

/// Found by the 60 KiB query strings above: SQLite refuses a `LIKE` pattern over 50,000 bytes,
/// and a search text that long was a 500. It is a 400 naming `q` (on PostgreSQL, which has no
/// such limit, a search that matches nothing).
#[actix_web::test]
async fn a_search_text_too_long_for_the_database_is_400_naming_q() {
    let app = spawn_app().await;
    let q = "a".repeat(50_001);
    for path in ["/api/v1/provinces", "/api/v1/indicators", "/api/v1/search"] {
        let reply = app.get(&format!("{path}?q={q}")).await;
        if reply.status == 200 {
            matched_nothing(&reply).unwrap_or_else(|why| panic!("{path}: {why}"));
        } else {
            let problem = reply.problem(400);
            assert_eq!(problem["parameter"], "q", "{path}: {problem}");
        }
    }
}
