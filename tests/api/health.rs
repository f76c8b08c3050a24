use crate::helpers::spawn_app;

#[actix_web::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
}

#[actix_web::test]
async fn readyz_checks_the_database() {
    let app = spawn_app().await;
    assert_eq!(app.get_ok("/readyz").await["status"], "ok");
}
