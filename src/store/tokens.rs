//! Revoked token ids. Checked on every authenticated request, so a revocation made by the CLI or
//! another server takes effect at once everywhere.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::revoked_tokens;
use crate::db::DbConnection;

#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = revoked_tokens)]
pub struct RevokedToken {
    pub jti: String,
    pub revoked_at: NaiveDateTime,
    pub revoked_by: String,
    pub reason: Option<String>,
}

pub fn is_revoked(conn: &mut DbConnection, jti: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(revoked_tokens::table.find(jti))).get_result(conn)
}

/// Revokes `jti`; revoking twice keeps the first record. Returns whether it was new.
pub fn revoke(conn: &mut DbConnection, token: &RevokedToken) -> QueryResult<bool> {
    let inserted = crate::with_backend!(conn, c => diesel::insert_into(revoked_tokens::table)
        .values(token)
        .on_conflict(revoked_tokens::jti)
        .do_nothing()
        .execute(c))?;
    Ok(inserted > 0)
}
