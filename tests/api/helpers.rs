//! `spawn_app()`: the real application on port 0 over a fresh database, SQLite by default or a
//! PostgreSQL schema of its own when `CHISO_TEST_POSTGRES_URL` is set.

use std::sync::atomic::{AtomicUsize, Ordering};

use chiso::auth::{Keys, Role};
use chiso::config::{AuthSettings, PostgresReads, Settings};
use chiso::startup::Application;
use diesel::connection::SimpleConnection;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database_url: String,
    pub settings: Settings,
    _db: TestDatabase,
}

enum TestDatabase {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        base_url: String,
        schema: String,
    },
    /// Another app's: it goes when that app does.
    Shared,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { base_url, schema } = self {
            if let Ok(mut conn) = chiso::db::establish_postgres(base_url) {
                let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
            }
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The PostgreSQL server the suite runs against, if any. Set but unreachable is a failure,
/// never a silent fall-back to SQLite.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("CHISO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh database URL: a temporary SQLite file, or a new schema on the test PostgreSQL.
fn fresh_database() -> (String, TestDatabase) {
    match postgres_base_url() {
        Some(base_url) => {
            let schema = format!(
                "chiso_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos()
            );
            let mut conn = chiso::db::establish_postgres(&base_url).unwrap_or_else(|e| {
                panic!("CHISO_TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {e}")
            });
            conn.batch_execute(&format!("CREATE SCHEMA \"{schema}\""))
                .expect("create test schema");
            let separator = if base_url.contains('?') { '&' } else { '?' };
            let url = format!("{base_url}{separator}options=-csearch_path%3D{schema}");
            (url, TestDatabase::Postgres { base_url, schema })
        }
        None => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!("sqlite://{}", dir.path().join("chiso.db").display());
            (url, TestDatabase::Sqlite(dir))
        }
    }
}

/// The HS256 secret test servers are configured with.
pub const SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Some(SECRET)).await
}

/// A server with no token key configured: read-only.
pub async fn spawn_read_only_app() -> TestApp {
    spawn_app_with(None).await
}

async fn spawn_app_with(secret: Option<&str>) -> TestApp {
    spawn_app_with_auth(signed_by(secret)).await
}

fn signed_by(secret: Option<&str>) -> AuthSettings {
    AuthSettings {
        secret: secret.map(str::to_owned),
        ..auth_defaults()
    }
}

/// A server verifying tokens as `auth` says.
pub async fn spawn_app_with_auth(auth: AuthSettings) -> TestApp {
    spawn_app_with_settings(auth, 32).await
}

/// A server that caches no answers (`CHISO_RESPONSE_CACHE_MB=0`).
pub async fn spawn_app_without_response_cache() -> TestApp {
    spawn_app_with_settings(signed_by(Some(SECRET)), 0).await
}

async fn spawn_app_with_settings(auth: AuthSettings, response_cache_mb: usize) -> TestApp {
    let _ = env_logger::builder().is_test(true).try_init();
    let (database_url, db) = fresh_database();
    let settings = Settings {
        database_url,
        bind: "127.0.0.1:0".into(),
        pool_size: 4,
        response_cache_mb,
        memory_rows: 2_000_000,
        postgres_reads: PostgresReads::Async,
        auth,
    };
    start(settings, db).await
}

/// Runs the application with `settings` on `db`.
async fn start(settings: Settings, db: TestDatabase) -> TestApp {
    let app = Application::build(settings.clone())
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        database_url: settings.database_url.clone(),
        settings,
        _db: db,
    }
}

impl TestApp {
    /// A second server on this app's database, with these settings.
    pub async fn alongside_with(&self, settings: Settings) -> TestApp {
        start(settings, TestDatabase::Shared).await
    }
}

pub fn auth_defaults() -> AuthSettings {
    AuthSettings {
        issuer: "chiso".into(),
        audience: "chiso-api".into(),
        ..AuthSettings::default()
    }
}

/// A response read whole.
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Asserts an RFC 9457 problem with this status and returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "body: {}",
            self.body
        );
        let problem = self.json();
        for field in ["type", "title", "status", "detail"] {
            assert!(
                problem.get(field).is_some(),
                "problem lacks `{field}`: {problem}"
            );
        }
        assert_eq!(problem["status"], status);
        problem
    }
}

impl TestApp {
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        accept: Option<&str>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = request.send().await.expect("request reaches the app");
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body reads"),
        }
    }

    /// A fresh valid token for `role`.
    pub fn token(&self, role: Role) -> String {
        let keys = Keys::from_settings(&self.settings.auth)
            .unwrap()
            .expect("keys configured");
        keys.issue(
            if role == Role::Admin { "ada" } else { "emil" },
            role,
            std::time::Duration::from_secs(3600),
        )
        .unwrap()
        .0
    }

    /// Sends a request with an optional bearer token, JSON body and extra headers.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(serde_json::to_vec(body).unwrap());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request reaches the app");
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body reads"),
        }
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(token), Some(body), &[])
            .await
    }

    /// Sends a raw body with a content type.
    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let response = self
            .client
            .request(method, format!("{}{path}", self.address))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request reaches the app");
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body reads"),
        }
    }

    /// How many items a list holds.
    pub async fn total(&self, path: &str) -> i64 {
        self.get_ok(path).await["meta"]["total"].as_i64().unwrap()
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(reqwest::Method::GET, path, None).await
    }

    pub async fn get_csv(&self, path: &str) -> Reply {
        self.request(reqwest::Method::GET, path, Some("text/csv"))
            .await
    }

    /// GETs a JSON 200 and returns its body.
    pub async fn get_ok(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
        reply.json()
    }

    /// Imports CSV rows through the API as an editor would; returns the import's report.
    pub async fn import_csv(&self, csv: &str) -> Value {
        let reply = self
            .send_raw(
                reqwest::Method::POST,
                "/api/v1/imports",
                &self.token(Role::Editor),
                "text/csv",
                csv.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()
    }

    /// Follows `meta.next_cursor` from `path` to the end, checking the `Link` header on the way.
    pub async fn collect_pages(&self, path: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(path.to_owned());
        while let Some(current) = next.take() {
            let reply = self.get(&current).await;
            assert_eq!(reply.status, 200, "GET {current}: {}", reply.body);
            let body = reply.json();
            pages += 1;
            items.extend(body["data"].as_array().expect("data array").iter().cloned());
            let next_link = reply
                .headers
                .get_all("link")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|l| l.ends_with("rel=\"next\""))
                .map(str::to_owned);
            if let Some(cursor) = body["meta"]["next_cursor"].as_str() {
                let link = next_link.expect("a next link on every page but the last");
                assert!(link.contains(cursor), "{link}");
                let target = link
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .to_owned();
                next = Some(target);
            } else {
                assert!(next_link.is_none(), "no next link on the last page");
            }
            assert!(pages < 1000, "pagination does not end");
        }
        (items, pages)
    }
}

/// The ids of a list page's items, in order.
pub fn ids_of(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .expect("a list page")
        .iter()
        .map(|item| item["id"].as_i64().expect("an integer id"))
        .collect()
}

/// Parses a CSV body (after its byte-order mark) into header and rows.
pub fn parse_csv(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let body = body
        .strip_prefix('\u{feff}')
        .expect("CSV starts with a UTF-8 byte-order mark");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader
        .headers()
        .expect("header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("CSV record").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}
