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

pub mod awards;
pub mod catalogue;
pub mod changes;
pub mod export;
pub mod indicators;
pub mod observations;
pub mod periods;
pub mod provinces;
pub mod seed;
pub mod sources;
pub mod targets;
pub mod tokens;
pub mod version;
pub mod vintage;

/// Which rows a list call wants: at most `limit`, after the key `after` in the list's order.
#[derive(Debug, Clone)]
pub struct PageRequest<K> {
    pub limit: i64,
    pub after: Option<K>,
}

/// One page of rows, the number of rows matching the filters, and the key to continue from.
#[derive(Debug, Clone)]
pub struct Page<T, K> {
    pub rows: Vec<T>,
    pub total: i64,
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    pub fn from_overfetch(mut rows: Vec<T>, limit: i64, total: i64, key: impl Fn(&T) -> K) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next = if more { rows.last().map(key) } else { None };
        Page { rows, total, next }
    }
}
