use crate::helpers::{postgres_base_url, spawn_app};

#[actix_web::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
}

#[actix_web::test]
async fn readyz_checks_the_database() {
    let app = spawn_app().await;
    let ready = app.get_ok("/readyz").await;
    assert_eq!(ready["status"], "ok");
    match postgres_base_url() {
        Some(_) => {
            assert_eq!(ready["database"], "postgres");
            assert_eq!(ready["postgres_reads"], "async");
        }
        None => {
            assert_eq!(ready["database"], "sqlite");
            assert!(ready.get("postgres_reads").is_none(), "{ready}");
        }
    }
}
