//! Never a 500: concurrent writers, text that would break outputs, codes that must stay unique.

use chiso::auth::Role;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn concurrent_writers_get_no_server_error_and_every_acknowledged_write_stays() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    // 64 distinct months of one unchanged province: every write is valid and new.
    let bodies: Vec<_> = (0..64)
        .map(|i| {
            json!({
                "province_id": "thanh-hoa", "indicator_code": "bts_stations",
                "period_id": format!("{}-{:02}", 2019 + i / 12, i % 12 + 1), "value": 1000 + i
            })
        })
        .collect();
    let writes = bodies
        .iter()
        .map(|body| app.post("/api/v1/observations", &token, body));
    let reads = (0..32).map(|_| app.get("/api/v1/observations?province=thanh-hoa"));
    let (written, read) = tokio::join!(join_all(writes), join_all(reads));
    for reply in written.iter().chain(read.iter()) {
        assert!(reply.status < 500, "{}: {}", reply.status, reply.body);
    }
    let created: Vec<_> = written.iter().filter(|r| r.status == 201).collect();
    assert_eq!(created.len(), 64, "every distinct write is created");
    for reply in created {
        let location = reply.header("location").unwrap();
        assert_eq!(app.get(&location).await.status, 200, "{location} is there");
    }
}

#[actix_web::test]
async fn control_characters_in_text_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let reply = app
        .post(
            "/api/v1/sources",
            &token,
            &json!({"id": "bad-title", "title": "Báo cáo\u{14} năm\u{85}", "language": "vi"}),
        )
        .await;
    let problem = reply.problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/title");
    assert!(problem["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("U+0014"));
    assert_eq!(app.get("/api/v1/sources/bad-title").await.status, 404);

    // A quote may span lines; a title may not.
    let multi_line = json!({
        "province_id": "thanh-hoa", "indicator_code": "bts_stations", "period_id": "2024",
        "value": 1200, "quote": "dòng một\ndòng hai"
    });
    assert_eq!(
        app.post("/api/v1/observations", &token, &multi_line)
            .await
            .status,
        201
    );

    let csv = "province_id,indicator_code,period_id,value,quote\n\
               thanh-hoa,bts_stations,2021,1100,\"bad\u{7}bell\"\n";
    let reply = app
        .send_raw(
            Method::POST,
            "/api/v1/imports",
            &token,
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    let problem = reply.problem(422);
    assert_eq!(problem["errors"][0]["row"], 2);
    assert_eq!(problem["errors"][0]["column"], "quote");
}

#[actix_web::test]
async fn a_gso_code_names_one_unit_at_any_date() {
    let app = spawn_app().await;
    let admin = app.token(Role::Admin);
    let reply = app
        .send(
            Method::PATCH,
            "/api/v1/provinces/thanh-hoa",
            Some(&admin),
            Some(&json!({"gso_code": "24"})),
            &[],
        )
        .await;
    let problem = reply.problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/gso_code");
    assert!(problem["detail"].as_str().unwrap().contains("bac-giang"));
    assert_eq!(
        app.get_ok("/api/v1/provinces/thanh-hoa").await["gso_code"],
        "38"
    );
}

/// Another process (`chiso import`, a second server) holding SQLite's write lock: readers keep
/// being served, and a writer that cannot get the lock in time gets a 503 it can retry.
#[actix_web::test]
async fn a_held_sqlite_write_lock_leaves_reads_served_and_writes_503() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    if crate::helpers::postgres_base_url().is_some() {
        // PostgreSQL has row locks and no database-wide write lock: nothing to hold here.
        return;
    }
    let app = spawn_app().await;
    let path = app.database_url.trim_start_matches("sqlite://").to_owned();
    let (locked, release) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let mut other = diesel::SqliteConnection::establish(&path).unwrap();
        other.batch_execute("BEGIN IMMEDIATE").unwrap();
        locked.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(7));
        other.batch_execute("ROLLBACK").unwrap();
    });
    release.recv().unwrap();
    let token = app.token(Role::Editor);
    // More writers than the read pool has connections: they must not take the readers' ones.
    let bodies: Vec<_> = (1..=6)
        .map(|month| {
            json!({"province_id": "thanh-hoa", "indicator_code": "bts_stations",
                   "period_id": format!("2024-{month:02}"), "value": month})
        })
        .collect();
    let writes = join_all(
        bodies
            .iter()
            .map(|b| app.post("/api/v1/observations", &token, b)),
    );
    let reads = join_all((0..16).map(|_| app.get("/api/v1/observations?province=thanh-hoa")));
    let (written, read) = tokio::join!(writes, reads);
    assert!(read.iter().all(|r| r.status == 200), "reads are served");
    let mut busy = 0;
    for reply in &written {
        match reply.status {
            201 => {}
            503 => {
                reply.problem(503);
                assert_eq!(reply.header("retry-after").as_deref(), Some("1"));
                busy += 1;
            }
            other => panic!("{other}: {}", reply.body),
        }
    }
    assert!(busy > 0, "a writer waited out the busy timeout");
    holder.join().unwrap();
    // Once the lock is released, writes go through.
    for (body, reply) in bodies.iter().zip(&written) {
        if reply.status == 503 {
            assert_eq!(
                app.post("/api/v1/observations", &token, body).await.status,
                201
            );
        }
    }
}

/// PostgreSQL closes the server's connections (a restart, a failover, an administrator): they
/// are replaced and every request is still answered. A read caught on a lost pooled connection
/// runs again on one the pool has checked (it checks them all after a loss); the version reads
/// and the asynchronous reads open a new connection at once.
#[actix_web::test]
async fn postgres_connections_cut_by_the_server_are_replaced() {
    use diesel::connection::SimpleConnection;
    let Some(base_url) = crate::helpers::postgres_base_url() else {
        // SQLite has no server to cut the connection.
        return;
    };
    let app = spawn_app().await;
    // A second server on the same data whose connections carry a name of their own.
    let name = format!("chiso_cut_{}", std::process::id());
    let mut named = app.settings.clone();
    named.database_url = format!("{}&application_name={name}", app.database_url);
    let server = app.alongside_with(named).await;
    // A series (read asynchronously) and the same rows by the general query (through libpq).
    let series = "/api/v1/observations?province=thanh-hoa&indicator=bts_stations";
    let general = format!("{series}&status=final,estimated,provisional");
    let before = server.get_ok(series).await;
    assert_eq!(server.get_ok(&general).await["data"], before["data"]);
    assert_eq!(server.get_ok("/readyz").await["postgres_reads"], "async");

    let mut admin = chiso::db::establish_postgres(&base_url).unwrap();
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{name}'"
        ))
        .unwrap();
    for round in 0..10 {
        // New URLs each round, so that no cached answer stands in for a read.
        for path in [series, general.as_str()] {
            let reply = server.get(&format!("{path}&limit={}", 50 + round)).await;
            assert_eq!(reply.status, 200, "round {round}, {path}: {}", reply.body);
            assert_eq!(reply.json()["data"], before["data"]);
        }
    }
    assert_eq!(server.get_ok("/readyz").await["postgres_reads"], "async");
}
