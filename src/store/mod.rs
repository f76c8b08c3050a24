//! Queries, one module per resource. Functions take a connection and return `QueryResult`;
//! they know nothing of HTTP. Lists are keyset-paginated: a page asks for the rows after the
//! last key it saw, so page 500 costs what page 1 costs.

/// Narrows a boxed query to rows whose `column` is one of `values` (no narrowing when empty):
/// `column = ?` for one value, `column IN (...)` for more. One value is the common case, and
/// SQLite cannot keep a statement with `IN` over bound values prepared: with `=` the statement
/// is prepared once per connection and reused.
macro_rules! filter_any {
    ($query:ident, $column:expr, $values:expr) => {
        match $values.as_slice() {
            [] => {}
            [one] => $query = $query.filter($column.eq(one)),
            many => $query = $query.filter($column.eq_any(many)),
        }
    };
}

/// `list` for a table paged by one key column in key order (`id`, or `code`, named like the
/// row's field): the rows the module's `filtered(filter)` selects after `page.after`, counting
/// them only when neither the page nor `known_total` tells the total.
macro_rules! keyset_list {
    ($table:ident, $key:ident: $Key:ty, $Row:ty, $Filter:ty) => {
        pub fn list(
            conn: &mut DbConnection,
            filter: &$Filter,
            page: &$crate::store::PageRequest<$Key>,
            known_total: Option<i64>,
        ) -> QueryResult<$crate::store::Page<$Row, $Key>> {
            let mut query = filtered(filter);
            if let Some(after) = &page.after {
                query = query.filter($table::$key.gt(after));
            }
            let rows = query
                .order($table::$key.asc())
                .limit(page.limit + 1)
                .select(<$Row>::as_select())
                .load(conn)?;
            let total = match page.total_without_count(&rows, known_total) {
                Some(total) => total,
                None => filtered(filter).count().get_result(conn)?,
            };
            Ok($crate::store::Page::from_overfetch(
                rows,
                page.limit,
                total,
                |row| row.$key.clone(),
            ))
        }
    };
}

/// `find`, `insert` (giving the id the database assigned), `update` and `delete` of a table
/// keyed by an integer `id`, and its [`Keyed`] implementation `$Table`.
macro_rules! keyed_by_id {
    ($Table:ident, $table:ident, $Row:ty, $New:ty) => {
        pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<$Row>> {
            $table::table
                .find(id)
                .select(<$Row>::as_select())
                .first(conn)
                .optional()
        }

        pub fn insert(conn: &mut DbConnection, row: &$New) -> QueryResult<i32> {
            $crate::with_backend!(conn, c => diesel::insert_into($table::table)
                .values(row)
                .returning($table::id)
                .get_result(c))
        }

        pub fn update(conn: &mut DbConnection, id: i32, row: &$New) -> QueryResult<usize> {
            diesel::update($table::table.find(id)).set(row).execute(conn)
        }

        pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
            diesel::delete($table::table.find(id)).execute(conn)
        }

        /// This table, by id.
        pub struct $Table;

        impl $crate::store::Keyed for $Table {
            type Key = i32;
            type Row = $Row;
            type New = $New;

            fn find(conn: &mut DbConnection, id: &i32) -> QueryResult<Option<$Row>> {
                find(conn, *id)
            }
            fn insert(conn: &mut DbConnection, row: &$New) -> QueryResult<i32> {
                insert(conn, row)
            }
            fn update(conn: &mut DbConnection, id: &i32, row: &$New) -> QueryResult<usize> {
                update(conn, *id, row)
            }
            fn delete(conn: &mut DbConnection, id: &i32) -> QueryResult<usize> {
                delete(conn, *id)
            }
        }
    };
}

/// `find`, `insert` and `update` of a table keyed by a text `$key` the row carries (`code`,
/// `id`), and its [`Keyed`] implementation `$Table`, which deletes with the module's own
/// `delete` (a province takes its lineage links with it).
macro_rules! keyed_by_text {
    ($Table:ident, $table:ident, $key:ident, $Row:ty) => {
        pub fn find(conn: &mut DbConnection, key: &str) -> QueryResult<Option<$Row>> {
            $table::table
                .find(key)
                .select(<$Row>::as_select())
                .first(conn)
                .optional()
        }

        pub fn insert(conn: &mut DbConnection, row: &$Row) -> QueryResult<usize> {
            diesel::insert_into($table::table).values(row).execute(conn)
        }

        pub fn update(conn: &mut DbConnection, key: &str, row: &$Row) -> QueryResult<usize> {
            diesel::update($table::table.find(key))
                .set(row)
                .execute(conn)
        }

        /// This table, by its text key.
        pub struct $Table;

        impl $crate::store::Keyed for $Table {
            type Key = String;
            type Row = $Row;
            type New = $Row;

            fn find(conn: &mut DbConnection, key: &String) -> QueryResult<Option<$Row>> {
                find(conn, key)
            }
            fn insert(conn: &mut DbConnection, row: &$Row) -> QueryResult<String> {
                insert(conn, row)?;
                Ok(row.$key.clone())
            }
            fn update(conn: &mut DbConnection, key: &String, row: &$Row) -> QueryResult<usize> {
                update(conn, key, row)
            }
            fn delete(conn: &mut DbConnection, key: &String) -> QueryResult<usize> {
                delete(conn, key)
            }
        }
    };
}

pub mod awards;
pub mod batched;
pub mod catalogue;
pub mod changes;
pub mod export;
pub mod indicators;
pub mod observations;
pub mod periods;
pub mod provinces;
pub mod replica;
pub mod seed;
pub mod series_reads;
pub mod sources;
pub mod targets;
pub mod tokens;
pub mod version;
pub mod vintage;

use diesel::QueryResult;

use crate::db::DbConnection;

/// A table written through the API, by key: what `api::edit` needs of storage. The plain cases
/// are written by `keyed_by_id!` and `keyed_by_text!`.
pub trait Keyed {
    /// The key as a path gives it: an `i32` id, or a text code.
    type Key;
    type Row;
    /// What a write stores.
    type New;
    fn find(conn: &mut DbConnection, key: &Self::Key) -> QueryResult<Option<Self::Row>>;
    /// Inserts `row` and gives its key: the id the database assigned, or the row's own.
    fn insert(conn: &mut DbConnection, row: &Self::New) -> QueryResult<Self::Key>;
    fn update(conn: &mut DbConnection, key: &Self::Key, row: &Self::New) -> QueryResult<usize>;
    fn delete(conn: &mut DbConnection, key: &Self::Key) -> QueryResult<usize>;
}

/// Which rows a list call wants: at most `limit`, after the key `after` in the list's order.
#[derive(Debug, Clone)]
pub struct PageRequest<K> {
    pub limit: i64,
    pub after: Option<K>,
}

impl<K> PageRequest<K> {
    /// The total of a list whose page (`rows`, overfetched by one) was read first, when it is
    /// known without counting: a first page without its extra row holds the whole list, or
    /// the total was `known` for the list's filters.
    pub fn total_without_count<T>(&self, rows: &[T], known: Option<i64>) -> Option<i64> {
        let whole = self.after.is_none() && rows.len() as i64 <= self.limit;
        whole.then_some(rows.len() as i64).or(known)
    }
}

/// One page of rows, the number of rows matching the filters, and the key to continue from.
#[derive(Debug, Clone)]
pub struct Page<T, K> {
    pub rows: Vec<T>,
    pub total: i64,
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// The same page, its rows borrowed.
    pub fn borrowed(&self) -> Page<&T, K>
    where
        K: Clone,
    {
        Page {
            rows: self.rows.iter().collect(),
            total: self.total,
            next: self.next.clone(),
        }
    }

    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    pub fn from_overfetch(mut rows: Vec<T>, limit: i64, total: i64, key: impl Fn(&T) -> K) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next = if more { rows.last().map(key) } else { None };
        Page { rows, total, next }
    }
}
