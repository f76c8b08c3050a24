//! Writing the shipped dataset over a database that may already hold it: what differs is
//! written and, unless this is the first load (version 0 of the data), recorded in the audit
//! trail like any other write, so vintages and permalinks stay true across a refresh.

use crate::db::DbConnection;

/// The audit records of a load: none for the first, one per row written for the others.
pub struct Seeding {
    audited: bool,
    changed_at: chrono::NaiveDateTime,
    changes: Vec<super::changes::NewChange>,
}

impl Seeding {
    pub fn new(first: bool) -> Self {
        Seeding {
            audited: !first,
            changed_at: chrono::Utc::now().naive_utc(),
            changes: Vec::new(),
        }
    }

    /// Writes one shipped row over `old`, the stored row holding its key (if any): inserts it,
    /// updates `old` when they differ, or leaves it. Images are the stored rows as JSON, with
    /// the key under `id` for rows whose id the database assigns. Returns the rows written.
    pub fn put<K: ToString + serde::Serialize, Old: serde::Serialize, New: serde::Serialize>(
        &mut self,
        conn: &mut DbConnection,
        resource: &str,
        old: Option<(K, Old)>,
        new: &New,
        insert: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<K>,
        update: impl FnOnce(&mut DbConnection, &K) -> diesel::QueryResult<usize>,
    ) -> diesel::QueryResult<usize> {
        let image = |key: &K| {
            let mut image = serde_json::to_value(new).expect("rows serialize");
            let key = serde_json::to_value(key).expect("keys serialize");
            if let (Some(fields), true) = (image.as_object_mut(), key.is_number()) {
                fields.insert("id".into(), key);
            }
            image
        };
        let (key, before, after) = match old {
            None => {
                let key = insert(conn)?;
                let after = image(&key);
                (key, None, after)
            }
            Some((key, old)) => {
                let before = serde_json::to_value(&old).expect("rows serialize");
                let after = image(&key);
                if before == after {
                    return Ok(0);
                }
                update(conn, &key)?;
                (key, Some(before), after)
            }
        };
        if self.audited {
            self.changes.push(super::changes::NewChange {
                resource: resource.to_owned(),
                resource_id: key.to_string(),
                action: if before.is_some() { "update" } else { "create" }.to_owned(),
                actor: "chiso seed".to_owned(),
                changed_at: self.changed_at,
                reason: Some("refreshed from the shipped dataset".to_owned()),
                before: before.map(|v| v.to_string()),
                after: Some(after.to_string()),
            });
        }
        Ok(1)
    }

    pub fn record(self, conn: &mut DbConnection) -> diesel::QueryResult<usize> {
        super::changes::record_all(conn, &self.changes)
    }
}
