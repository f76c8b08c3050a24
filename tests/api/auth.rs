//! Reads are public; writes need a valid, unrevoked token of the right role.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chiso::auth::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{
    auth_defaults, spawn_app, spawn_app_with_auth, spawn_read_only_app, TestApp, SECRET,
};

fn new_source(id: &str) -> Value {
    json!({"id": id, "title": "Một bài báo", "language": "vi"})
}

fn claims(overrides: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "sub": "mallory", "role": "editor", "jti": uuid::Uuid::new_v4().to_string(),
        "iat": now, "nbf": now, "exp": now + 3600, "iss": "chiso", "aud": "chiso-api"
    });
    for (k, v) in overrides.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn write_with(app: &TestApp, token: &str) -> crate::helpers::Reply {
    app.post("/api/v1/sources", token, &new_source("token-probe"))
        .await
}

#[actix_web::test]
async fn a_reader_needs_no_token() {
    let app = spawn_app().await;
    app.get_ok("/api/v1/observations").await;
    app.get_ok("/api/v1/changes").await;
}

#[actix_web::test]
async fn a_write_without_a_token_is_401() {
    let app = spawn_app().await;
    let reply = app
        .send(
            reqwest::Method::POST,
            "/api/v1/sources",
            None,
            Some(&new_source("x")),
            &[],
        )
        .await;
    reply.problem(401);
    assert!(reply
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer"));
    assert_eq!(app.total("/api/v1/sources").await, shipped_sources());
}

#[actix_web::test]
async fn without_a_configured_key_writes_explain_how_to_configure() {
    let app = spawn_read_only_app().await;
    let forged = sign(&claims(json!({})), Algorithm::HS256, SECRET);
    let problem = write_with(&app, &forged).await.problem(401);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("CHISO_JWT_SECRET"),
        "{problem}"
    );
}

#[actix_web::test]
async fn a_valid_editor_token_writes() {
    let app = spawn_app().await;
    assert_eq!(write_with(&app, &app.token(Role::Editor)).await.status, 201);
}

#[actix_web::test]
async fn refuses_every_kind_of_bad_token() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(json!({}))).unwrap());
    let none_alg = format!("{header_none}.{payload}.");
    let tampered = {
        let good = app.token(Role::Editor);
        let parts: Vec<&str> = good.split('.').collect();
        let mut body: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        body["role"] = json!("admin");
        format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap()),
            parts[2]
        )
    };
    let cases = [
        ("none algorithm", none_alg),
        (
            "another algorithm",
            sign(&claims(json!({})), Algorithm::HS512, SECRET),
        ),
        (
            "wrong key",
            sign(
                &claims(json!({})),
                Algorithm::HS256,
                "another-secret-that-is-32-bytes-long!!",
            ),
        ),
        (
            "expired",
            sign(
                &claims(json!({"exp": now - 3600, "iat": now - 7200, "nbf": now - 7200})),
                Algorithm::HS256,
                SECRET,
            ),
        ),
        (
            "not yet valid",
            sign(
                &claims(json!({"nbf": now + 3600})),
                Algorithm::HS256,
                SECRET,
            ),
        ),
        (
            "wrong audience",
            sign(
                &claims(json!({"aud": "someone-else"})),
                Algorithm::HS256,
                SECRET,
            ),
        ),
        (
            "wrong issuer",
            sign(
                &claims(json!({"iss": "someone-else"})),
                Algorithm::HS256,
                SECRET,
            ),
        ),
        ("role tampered after signing", tampered),
        ("not a JWT", "abc".to_owned()),
    ];
    for (what, token) in cases {
        let problem = write_with(&app, &token).await.problem(401);
        assert!(problem["detail"].is_string(), "{what}");
    }
    let reply = app
        .send(
            reqwest::Method::POST,
            "/api/v1/sources",
            None,
            Some(&new_source("x")),
            &[("authorization", "Basic YWxhZGRpbjpvcGVu")],
        )
        .await;
    reply.problem(401);
    assert_eq!(
        app.total("/api/v1/sources").await,
        shipped_sources(),
        "nothing was written"
    );
}

#[actix_web::test]
async fn a_revoked_token_is_refused_by_a_running_server() {
    let app = spawn_app().await;
    let editor = app.token(Role::Editor);
    let jti = {
        let payload = editor.split('.').nth(1).unwrap();
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        claims["jti"].as_str().unwrap().to_owned()
    };
    assert_eq!(write_with(&app, &editor).await.status, 201);
    // Revoked the way `chiso token revoke` does it: straight into the shared database.
    let settings = app.settings.clone();
    let revoked = jti.clone();
    actix_web::web::block(move || {
        chiso::startup::revoke_token(&settings, &revoked, Some("leaked".into()))
    })
    .await
    .unwrap()
    .unwrap();
    let problem = app
        .post("/api/v1/sources", &editor, &new_source("after-revocation"))
        .await
        .problem(401);
    assert!(problem["detail"].as_str().unwrap().contains("revoked"));
}

#[actix_web::test]
async fn admins_revoke_tokens_over_http_and_editors_cannot() {
    let app = spawn_app().await;
    let editor = app.token(Role::Editor);
    let other_editor = app.token(Role::Editor);
    let jti = |token: &str| -> String {
        let claims: Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(token.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap();
        claims["jti"].as_str().unwrap().to_owned()
    };
    app.post(
        "/api/v1/token-revocations",
        &editor,
        &json!({"jti": jti(&other_editor)}),
    )
    .await
    .problem(403);
    let admin = app.token(Role::Admin);
    let reply = app
        .post(
            "/api/v1/token-revocations",
            &admin,
            &json!({"jti": jti(&other_editor), "reason": "left the newsroom"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(
        app.post(
            "/api/v1/token-revocations",
            &admin,
            &json!({"jti": jti(&other_editor)})
        )
        .await
        .status,
        200
    );
    write_with(&app, &other_editor).await.problem(401);
    assert_eq!(write_with(&app, &editor).await.status, 201);
}

#[actix_web::test]
async fn only_admins_write_provinces_and_indicators() {
    let app = spawn_app().await;
    let indicator = json!({
        "code": "fiber_households", "name_vi": "Hộ gia đình có cáp quang", "name_en": "Households with fibre",
        "description_vi": "Số hộ.", "description_en": "Households.", "unit": "households",
        "category": "telecom", "direction": "higher", "additive": true
    });
    app.post("/api/v1/indicators", &app.token(Role::Editor), &indicator)
        .await
        .problem(403);
    assert_eq!(
        app.post("/api/v1/indicators", &app.token(Role::Admin), &indicator)
            .await
            .status,
        201
    );
    let province = json!({
        "id": "test-province", "gso_code": "99", "name_vi": "Tỉnh Thử", "name_en": "Test Province",
        "kind": "province", "region": "southeast", "valid_from": "2030-01-01"
    });
    app.post("/api/v1/provinces", &app.token(Role::Editor), &province)
        .await
        .problem(403);
    let reply = app
        .post("/api/v1/provinces", &app.token(Role::Admin), &province)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let found = app.get_ok("/api/v1/provinces?q=tinh%20thu").await;
    assert_eq!(found["data"][0]["id"], "test-province");
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[actix_web::test]
async fn rs256_and_eddsa_keys_sign_and_verify_and_refuse_algorithm_confusion() {
    for (algorithm, key) in [("RS256", "rsa"), ("EdDSA", "ed25519")] {
        let auth = chiso::config::AuthSettings {
            public_key: Some(fixture(&format!("{key}-public.pem"))),
            private_key: Some(fixture(&format!("{key}-private.pem"))),
            algorithm: Some(algorithm.to_owned()),
            ..auth_defaults()
        };
        let app = spawn_app_with_auth(auth.clone()).await;
        let keys = chiso::auth::Keys::from_settings(&auth).unwrap().unwrap();
        let (token, _) = keys
            .issue("kim", Role::Editor, std::time::Duration::from_secs(600))
            .unwrap();
        assert_eq!(write_with(&app, &token).await.status, 201, "{algorithm}");
        // The public key used as an HMAC secret: the classic confusion attack.
        let public = std::fs::read(fixture(&format!("{key}-public.pem"))).unwrap();
        let confused = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims(json!({})),
            &EncodingKey::from_secret(&public),
        )
        .unwrap();
        write_with(&app, &confused).await.problem(401);
        let hs256 = sign(&claims(json!({})), Algorithm::HS256, SECRET);
        write_with(&app, &hs256).await.problem(401);
    }
}

/// How many sources the shipped dataset holds.
fn shipped_sources() -> i64 {
    chiso::dataset::Dataset::embedded().unwrap().sources.len() as i64
}
