//! The ceiling for chiso's benchmark: a bare actix-web handler that answers every request with
//! the bytes of a file, as chiso would answer the request measured, doing no other work.
//! `cargo run --release --example ceiling -- PORT BODY_FILE [CONTENT_TYPE]`

use actix_web::{web, App, HttpResponse, HttpServer};

/// The allocator chiso runs with, so that the ceiling is not lowered by a slower one.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .and_then(|p| p.parse().ok())
        .expect("usage: ceiling PORT BODY_FILE [CONTENT_TYPE]");
    let body = web::Bytes::from(std::fs::read(args.next().expect("a body file"))?);
    let content_type = args.next().unwrap_or_else(|| "application/json".into());
    HttpServer::new(move || {
        let body = body.clone();
        let content_type = content_type.clone();
        App::new().default_service(web::to(move || {
            let body = body.clone();
            let content_type = content_type.clone();
            async move { HttpResponse::Ok().content_type(content_type).body(body) }
        }))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
