//! Vintages: the data as it stood right after change N of the audit trail.
//!
//! The audit trail holds every write's before and after image, so the state at N is today's
//! state with every change after N undone: a row changed since N takes the *before* image of its
//! first change after N (or disappears, when that change created it). [`rewind`] does exactly
//! that, inside a transaction the caller rolls back, so every read of the API (filters,
//! `latest`, rankings, totals, names) runs unchanged against the past and nobody else sees it.
//! Version 0 is the data before the first change: the shipped dataset.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text};

use super::awards::Award;
use super::indicators::Indicator;
use super::observations::Observation;
use super::provinces::Province;
use super::sources::Source;
use super::targets::Target;
use crate::db::schema::{awards, changes, indicators, observations, provinces, sources, targets};
use crate::db::DbConnection;
use crate::domain::PeriodId;

/// Why a vintage could not be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum RewindError {
    #[error(transparent)]
    Storage(#[from] diesel::result::Error),
    /// An audit image this code cannot read back (written by a version with other fields).
    #[error("change {change} ({resource} {id}) cannot be undone: {reason}")]
    Unreadable {
        change: i32,
        resource: String,
        id: String,
        reason: String,
    },
}

/// The first change after a version to one item, with the item's image before it.
#[derive(QueryableByName)]
struct FirstChange {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    resource: String,
    #[diesel(sql_type = Text)]
    resource_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    before: Option<String>,
}

/// Items whose first change after the version is `$1`... : plain SQL both backends accept, since
/// Diesel has no DSL for the correlated minimum.
const FIRST_CHANGES: &str = "SELECT c.id, c.resource, c.resource_id, c.before FROM changes c \
     WHERE c.id > $1 AND c.id = (SELECT MIN(f.id) FROM changes f \
       WHERE f.resource = c.resource AND f.resource_id = c.resource_id AND f.id > $1)";

/// The resources the audit trail records whose rows have server-assigned integer ids and that
/// nothing references: undone by deleting every row changed since the version, then inserting
/// the before images.
const DEPENDENT: [(&str, &str); 3] = [
    ("observation", "observations"),
    ("target", "targets"),
    ("award", "awards"),
];

/// Undoes, on `conn`, every change after `version`. Call inside a transaction and roll it back.
pub fn rewind(conn: &mut DbConnection, version: i32) -> Result<(), RewindError> {
    if version >= super::changes::latest_id(conn)? {
        return Ok(());
    }
    // 1. Rows that reference others go first, in bulk: a big import since the version costs one
    //    statement, not one per row.
    for (resource, table) in DEPENDENT {
        diesel::sql_query(format!(
            "DELETE FROM {table} WHERE id IN (SELECT CAST(resource_id AS INTEGER) FROM changes \
             WHERE resource = '{resource}' AND id > $1)"
        ))
        .bind::<Integer, _>(version)
        .execute(conn)?;
    }
    let mut firsts = first_changes(conn, version, true)?;
    // 2. The catalogue: items created since go, the others take their image back.
    for created in first_changes(conn, version, false)? {
        match created.resource.as_str() {
            "source" => delete_source(conn, &created.resource_id)?,
            "indicator" => delete_indicator(conn, &created.resource_id)?,
            "province" => delete_province(conn, &created.resource_id)?,
            _ => {}
        }
    }
    // Provinces before indicators before sources, then the rows that reference them.
    let order = |resource: &str| match resource {
        "province" => 0,
        "indicator" => 1,
        "source" => 2,
        _ => 3,
    };
    firsts.sort_by_key(|f| (order(&f.resource), f.id));
    for first in firsts {
        let image = first.before.as_deref().unwrap_or("null");
        let unreadable = |reason: String| RewindError::Unreadable {
            change: first.id,
            resource: first.resource.clone(),
            id: first.resource_id.clone(),
            reason,
        };
        let restore: Restore = match first.resource.as_str() {
            "province" => restore_province,
            "indicator" => restore_indicator,
            "source" => restore_source,
            "observation" => restore_observation,
            "target" => restore_target,
            "award" => restore_award,
            _ => continue,
        };
        restore(conn, image).map_err(|e| e.or_unreadable(unreadable))?;
    }
    Ok(())
}

/// The first change after `version` of every item, those with a before image (`existed`: the
/// item was there at the version) or those without (it was created since).
fn first_changes(
    conn: &mut DbConnection,
    version: i32,
    existed: bool,
) -> QueryResult<Vec<FirstChange>> {
    let condition = if existed {
        " AND c.before IS NOT NULL"
    } else {
        " AND c.before IS NULL AND c.resource IN ('province', 'indicator', 'source')"
    };
    diesel::sql_query(format!("{FIRST_CHANGES}{condition} ORDER BY c.id"))
        .bind::<Integer, _>(version)
        .load(conn)
}

/// Puts an item back as its audit image shows it.
type Restore = fn(&mut DbConnection, &str) -> Result<(), RestoreError>;

/// A restore's failure: storage, or an image that does not read back.
enum RestoreError {
    Storage(diesel::result::Error),
    Image(String),
}

impl From<diesel::result::Error> for RestoreError {
    fn from(e: diesel::result::Error) -> Self {
        RestoreError::Storage(e)
    }
}

impl From<serde_json::Error> for RestoreError {
    fn from(e: serde_json::Error) -> Self {
        RestoreError::Image(e.to_string())
    }
}

impl RestoreError {
    fn or_unreadable(self, unreadable: impl FnOnce(String) -> RewindError) -> RewindError {
        match self {
            RestoreError::Storage(e) => RewindError::Storage(e),
            RestoreError::Image(reason) => unreadable(reason),
        }
    }
}

fn period_dates(period_id: &str) -> Result<(NaiveDate, NaiveDate), RestoreError> {
    let period: PeriodId = period_id
        .parse()
        .map_err(|e| RestoreError::Image(format!("period `{period_id}`: {e}")))?;
    Ok((period.start_date(), period.end_date()))
}

fn delete_source(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::delete(sources::table.find(id)).execute(conn)?;
    Ok(())
}

fn delete_indicator(conn: &mut DbConnection, code: &str) -> QueryResult<()> {
    diesel::delete(indicators::table.find(code)).execute(conn)?;
    Ok(())
}

fn delete_province(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::delete(provinces::table.find(id)).execute(conn)?;
    Ok(())
}

// The catalogue is updated in place (rows reference it); when the item was deleted since, it
// is inserted again. Derived columns are derived again, as a write derives them.

fn restore_province(conn: &mut DbConnection, image: &str) -> Result<(), RestoreError> {
    let mut row: Province = serde_json::from_str(image)?;
    let former = super::provinces::former_names(conn, Some(std::slice::from_ref(&row.id)))?;
    row.search_text = super::provinces::search_text(&row, &former);
    if diesel::update(provinces::table.find(&row.id))
        .set(&row)
        .execute(conn)?
        == 0
    {
        diesel::insert_into(provinces::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

fn restore_indicator(conn: &mut DbConnection, image: &str) -> Result<(), RestoreError> {
    let mut row: Indicator = serde_json::from_str(image)?;
    row.search_text = super::indicators::search_text(&row.code, &row.name_vi, &row.name_en);
    if diesel::update(indicators::table.find(&row.code))
        .set(&row)
        .execute(conn)?
        == 0
    {
        diesel::insert_into(indicators::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

fn restore_source(conn: &mut DbConnection, image: &str) -> Result<(), RestoreError> {
    let row: Source = serde_json::from_str(image)?;
    if diesel::update(sources::table.find(&row.id))
        .set(&row)
        .execute(conn)?
        == 0
    {
        diesel::insert_into(sources::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

// Rows nobody references were deleted in bulk: their images go back with their own ids.

fn restore_observation(conn: &mut DbConnection, image: &str) -> Result<(), RestoreError> {
    let mut row: Observation = serde_json::from_str(image)?;
    (row.period_start, row.period_end) = period_dates(&row.period_id)?;
    diesel::insert_into(observations::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

fn restore_target(conn: &mut DbConnection, image: &str) -> Result<(), RestoreError> {
    let mut row: Target = serde_json::from_str(image)?;
    (row.period_start, row.period_end) = period_dates(&row.period_id)?;
    diesel::insert_into(targets::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

fn restore_award(conn: &mut DbConnection, image: &str) -> Result<(), RestoreError> {
    let row: Award = serde_json::from_str(image)?;
    diesel::insert_into(awards::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// A vintage as asked for: a change number, or a point in time.
#[derive(Debug, Clone, PartialEq)]
pub enum PinRequest {
    Version(i32),
    Time(NaiveDateTime),
}

/// A vintage that exists: its version, and when its change was made (none for version 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vintage {
    pub version: i32,
    pub made_at: Option<NaiveDateTime>,
}

/// Why a vintage asked for does not exist.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("version {asked} is in the future: the latest change is {latest}")]
    FutureVersion { asked: i32, latest: i32 },
    #[error("there is no change {0}: see /api/v1/changes for the versions there are")]
    UnknownVersion(i32),
    #[error("{0}Z is in the future: a vintage is fixed only once it has passed")]
    FutureTime(NaiveDateTime),
    #[error(transparent)]
    Storage(#[from] diesel::result::Error),
}

/// Checks a pin against the audit trail: a version must be 0 or a change's number, a time must
/// have passed (it resolves to the last change made by then).
pub fn resolve(conn: &mut DbConnection, pin: &PinRequest) -> Result<Vintage, PinError> {
    let version = match *pin {
        PinRequest::Version(asked) => {
            let latest = super::changes::latest_id(conn)?;
            if asked > latest {
                return Err(PinError::FutureVersion { asked, latest });
            }
            asked
        }
        PinRequest::Time(t) if t > chrono::Utc::now().naive_utc() => {
            return Err(PinError::FutureTime(t))
        }
        PinRequest::Time(t) => changes::table
            .filter(changes::changed_at.le(t))
            .select(diesel::dsl::max(changes::id))
            .first::<Option<i32>>(conn)?
            .unwrap_or(0),
    };
    if version == 0 {
        return Ok(Vintage {
            version,
            made_at: None,
        });
    }
    let made_at = changes::table
        .find(version)
        .select(changes::changed_at)
        .first(conn)
        .optional()?;
    match made_at {
        Some(made_at) => Ok(Vintage {
            version,
            made_at: Some(made_at),
        }),
        None => Err(PinError::UnknownVersion(version)),
    }
}
