//! The data version: incremented inside every write transaction, read before serving anything
//! cached. Being in the database, it is shared by every process writing to it.

use diesel::prelude::*;

use crate::db::schema::data_version;
use crate::db::DbConnection;

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
