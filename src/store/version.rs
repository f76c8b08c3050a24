//! The data version: incremented inside every write transaction, read before serving anything
//! cached. Being in the database, it is shared by every process writing to it.

use std::sync::Mutex;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::schema::data_version;
use crate::db::{DatabaseUrl, DbConnection, Pool};

pub fn current(conn: &mut DbConnection) -> QueryResult<i64> {
    data_version::table
        .find(1)
        .select(data_version::version)
        .first(conn)
}

/// Call inside the write's transaction.
pub fn bump(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::update(data_version::table.find(1))
        .set(data_version::version.eq(data_version::version + 1))
        .execute(conn)
}

/// Sets the version row: only inside a transaction that is rolled back (a rewound vintage, so
/// that what reads the version there sees the vintage's own, see `api::vintage::Pinned`).
pub fn set(conn: &mut DbConnection, version: i64) -> QueryResult<usize> {
    diesel::update(data_version::table.find(1))
        .set(data_version::version.eq(version))
        .execute(conn)
}

#[derive(QueryableByName)]
struct PragmaDataVersion {
    #[diesel(sql_type = BigInt)]
    data_version: i64,
}

/// Tells, on every request and cheaply, which data version the database holds, so cached
/// answers are served only while they are current, whoever wrote (this server, another one,
/// `chiso import`).
///
/// On SQLite a connection of its own asks `PRAGMA data_version`, which changes exactly when
/// another connection has committed (it reads shared memory, not the file); only then is the
/// version row read again. PostgreSQL reads the one-row table by primary key.
pub enum VersionWatch {
    Sqlite(Mutex<SqliteWatch>),
    Postgres(Pool),
}

pub struct SqliteWatch {
    conn: diesel::SqliteConnection,
    /// The last `PRAGMA data_version` seen, and the version row read then.
    seen: Option<(i64, i64)>,
}

impl VersionWatch {
    pub fn new(url: &DatabaseUrl, pool: &Pool) -> anyhow::Result<Self> {
        Ok(match url {
            DatabaseUrl::Sqlite(path) => {
                let conn = diesel::SqliteConnection::establish(path)?;
                VersionWatch::Sqlite(Mutex::new(SqliteWatch { conn, seen: None }))
            }
            DatabaseUrl::Postgres(_) => VersionWatch::Postgres(pool.clone()),
        })
    }

    /// Whether [`current`](Self::current) is cheap enough to call on an async worker: SQLite's
    /// check reads shared memory; PostgreSQL's is a network round trip, better off the worker.
    pub fn is_local(&self) -> bool {
        matches!(self, VersionWatch::Sqlite(_))
    }

    /// The data version now.
    pub fn current(&self) -> anyhow::Result<i64> {
        match self {
            VersionWatch::Sqlite(watch) => {
                let mut watch = watch.lock().unwrap_or_else(|p| p.into_inner());
                let pragma = diesel::sql_query("PRAGMA data_version")
                    .get_result::<PragmaDataVersion>(&mut watch.conn)?
                    .data_version;
                match watch.seen {
                    Some((seen, version)) if seen == pragma => Ok(version),
                    _ => {
                        let version = data_version::table
                            .find(1)
                            .select(data_version::version)
                            .first(&mut watch.conn)?;
                        watch.seen = Some((pragma, version));
                        Ok(version)
                    }
                }
            }
            VersionWatch::Postgres(pool) => Ok(current(&mut *pool.get()?)?),
        }
    }
}
