//! One series read (40 rows of one province and indicator), answered as JSON by either driver:
//!
//! - `blocking`: as chiso read PostgreSQL before its asynchronous reads (and still reads all but a
//!   series and the data version). Diesel over libpq, a statement prepared once per
//!   connection, run on actix's blocking pool (`web::block`) with a connection from an r2d2 pool;
//! - `async`: tokio-postgres on the worker thread itself, one connection per worker, so the
//!   queries of concurrent requests share it (pipelined) and nothing changes thread.
//!
//! Neither checks a data version or caches: the difference between them is the driver and the
//! thread hop alone.

use std::cell::RefCell;
use std::rc::Rc;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sql_types::{Double, Integer, Nullable, Text};
use serde::Serialize;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SELECT: &str = "SELECT id, province_id, indicator_code, period_id, \
    period_start::text, period_end::text, value, value_text, unit, status, qualifier, rank_of, \
    denominator, source_id, quote FROM observations WHERE province_id = ";
const REST: &str = " AND period_start >= '2021-09-01' AND period_end <= '2024-12-31' \
    ORDER BY id LIMIT 41";

#[derive(Serialize, Queryable)]
struct Row {
    id: i32,
    province_id: String,
    indicator_code: String,
    period_id: String,
    period_start: String,
    period_end: String,
    value: f64,
    value_text: Option<String>,
    unit: String,
    status: String,
    qualifier: Option<String>,
    rank_of: Option<i32>,
    denominator: Option<i32>,
    source_id: Option<String>,
    quote: Option<String>,
}

/// The province and indicator of the request (`bench/random_series.lua` picks them).
fn series_of(req: &HttpRequest) -> (String, String) {
    let (mut province, mut indicator) = (String::new(), String::new());
    for pair in req.query_string().split('&') {
        if let Some(value) = pair.strip_prefix("province=") {
            province = value.to_owned();
        }
        if let Some(value) = pair.strip_prefix("indicator=") {
            indicator = value.to_owned();
        }
    }
    (province, indicator)
}

fn json(rows: &[Row]) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(serde_json::to_vec(rows).expect("rows serialize"))
}

/// The statement with a fixed text, so Diesel keeps it prepared per connection.
#[derive(QueryId)]
struct Series {
    province: String,
    indicator: String,
}

impl QueryFragment<Pg> for Series {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(SELECT);
        out.push_bind_param::<Text, _>(&self.province)?;
        out.push_sql(" AND indicator_code = ");
        out.push_bind_param::<Text, _>(&self.indicator)?;
        out.push_sql(REST);
        Ok(())
    }
}

impl Query for Series {
    type SqlType = (
        Integer,
        Text,
        Text,
        Text,
        Text,
        Text,
        Double,
        Nullable<Text>,
        Text,
        Text,
        Nullable<Text>,
        Nullable<Integer>,
        Nullable<Integer>,
        Nullable<Text>,
        Nullable<Text>,
    );
}

impl RunQueryDsl<PgConnection> for Series {}

type PgPool = Pool<ConnectionManager<PgConnection>>;

async fn blocking(req: HttpRequest, pool: web::Data<PgPool>) -> HttpResponse {
    let (province, indicator) = series_of(&req);
    let pool = pool.clone();
    let rows = web::block(move || {
        let mut conn = pool.get().expect("a pooled connection");
        Series {
            province,
            indicator,
        }
        .load::<Row>(&mut conn)
    })
    .await
    .expect("the blocking pool runs")
    .expect("the query runs");
    json(&rows)
}

type Prepared = Rc<(tokio_postgres::Client, tokio_postgres::Statement)>;

thread_local! {
    /// This worker's connection and prepared statement.
    static CONNECTION: RefCell<Option<Prepared>> = const { RefCell::new(None) };
}

async fn connection(url: &str) -> Prepared {
    if let Some(prepared) = CONNECTION.with(|c| c.borrow().clone()) {
        return prepared;
    }
    let (client, io) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL answers");
    actix_rt::spawn(async move { io.await.expect("the connection stays up") });
    let sql = format!("{SELECT}$1 AND indicator_code = $2{REST}");
    let statement = client.prepare(&sql).await.expect("the statement prepares");
    let prepared = Rc::new((client, statement));
    CONNECTION.with(|c| *c.borrow_mut() = Some(prepared.clone()));
    prepared
}

async fn asynchronous(req: HttpRequest, url: web::Data<String>) -> HttpResponse {
    let (province, indicator) = series_of(&req);
    let prepared = connection(&url).await;
    let (client, statement) = &*prepared;
    let rows: Vec<Row> = client
        .query(statement, &[&province, &indicator])
        .await
        .expect("the query runs")
        .iter()
        .map(|r| Row {
            id: r.get(0),
            province_id: r.get(1),
            indicator_code: r.get(2),
            period_id: r.get(3),
            period_start: r.get(4),
            period_end: r.get(5),
            value: r.get(6),
            value_text: r.get(7),
            unit: r.get(8),
            status: r.get(9),
            qualifier: r.get(10),
            rank_of: r.get(11),
            denominator: r.get(12),
            source_id: r.get(13),
            quote: r.get(14),
        })
        .collect();
    json(&rows)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(mode), Some(bind)) = (args.next(), args.next()) else {
        eprintln!("usage: pg-driver blocking|async HOST:PORT (DATABASE_URL: chiso's database)");
        std::process::exit(2);
    };
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
    // As chiso's pool: its default size, and no test query on each checkout.
    let pool = Pool::builder()
        .max_size(8)
        .test_on_check_out(false)
        .build(ConnectionManager::<PgConnection>::new(url.clone()))
        .expect("PostgreSQL answers");
    let (pool, url) = (web::Data::new(pool), web::Data::new(url));
    HttpServer::new(move || {
        let app = App::new().app_data(pool.clone()).app_data(url.clone());
        match mode.as_str() {
            "blocking" => app.default_service(web::to(blocking)),
            _ => app.default_service(web::to(asynchronous)),
        }
    })
    .bind(bind)?
    .run()
    .await
}
