//! Every unit held in memory, and resolving a reference to one: a slug, a GSO or ISO code,
//! or a name of either era.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{former_names, FormerName, Province};
use crate::db::schema::provinces;
use crate::db::DbConnection;
use crate::domain::text::fold;

/// A reference resolved to one unit, with the other units that bore the same GSO code.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub province: Province,
    pub shares_code_with: Vec<Province>,
}

/// Resolves a slug (`bac-giang`), a GSO code (`24`) or an ISO 3166-2 code (`VN-54`).
/// A GSO code used in both eras resolves to the unit in force on `as_of`; when none is, to the
/// one that was in force most recently.
pub fn resolve(
    conn: &mut DbConnection,
    reference: &str,
    as_of: NaiveDate,
) -> QueryResult<Option<Resolved>> {
    Ok(Registry::load(conn)?.resolve(reference, as_of))
}

/// Every unit, in memory: a hundred rows that many lookups (filters, imports) consult.
#[derive(Debug, Clone)]
pub struct Registry {
    all: Vec<Province>,
    by_id: std::collections::HashMap<String, usize>,
    former: Vec<FormerName>,
}

impl Registry {
    pub fn load(conn: &mut DbConnection) -> QueryResult<Self> {
        let all = provinces::table
            .order(provinces::id.asc())
            .select(Province::as_select())
            .load(conn)?;
        Ok(Self::from_rows(all, former_names(conn, None)?))
    }

    /// The registry of rows in memory: what `load` read, or the shipped dataset's before it is
    /// stored. Where a reference names several units equally, the first given wins.
    pub fn from_rows(all: Vec<Province>, former: Vec<FormerName>) -> Self {
        let by_id = all
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        Registry { all, by_id, former }
    }

    /// The unit with this slug.
    pub fn get(&self, id: &str) -> Option<&Province> {
        self.by_id.get(id).map(|&i| &self.all[i])
    }

    /// The unit as it was on `date`: its name and kind then.
    pub fn as_of(&self, province: &Province, date: NaiveDate) -> Province {
        province.clone().as_of(&self.former, date)
    }

    /// Every unit `reference` can name: a slug names one; a GSO code, an ISO code or a name
    /// (Vietnamese or English, diacritics and case ignored) can name a unit of each era.
    pub fn candidates(&self, reference: &str) -> Vec<&Province> {
        let reference = reference.trim();
        let lowered = reference.to_lowercase();
        if let Some(p) = self.all.iter().find(|p| p.id == lowered) {
            return vec![p];
        }
        if (1..=2).contains(&reference.len()) && reference.bytes().all(|b| b.is_ascii_digit()) {
            let code = format!("{reference:0>2}");
            return self.all.iter().filter(|p| p.gso_code == code).collect();
        }
        let upper = reference.to_uppercase();
        let by_iso: Vec<&Province> = self
            .all
            .iter()
            .filter(|p| p.iso_code.as_deref() == Some(upper.as_str()))
            .collect();
        if !by_iso.is_empty() {
            return by_iso;
        }
        let folded = fold(reference);
        if folded.is_empty() {
            return Vec::new();
        }
        let named_before = |p: &Province| {
            self.former.iter().any(|f| {
                f.province_id == p.id && (fold(&f.name_vi) == folded || fold(&f.name_en) == folded)
            })
        };
        self.all
            .iter()
            .filter(|p| fold(&p.name_vi) == folded || fold(&p.name_en) == folded || named_before(p))
            .collect()
    }

    /// The one unit `reference` names on `as_of`, with its name and kind then: among several
    /// candidates, the one in force then, else the one in force most recently;
    /// `shares_code_with` lists the other units that bore its GSO code.
    pub fn resolve(&self, reference: &str, as_of: NaiveDate) -> Option<Resolved> {
        let mut units: Vec<Province> = self.candidates(reference).into_iter().cloned().collect();
        units.sort_by_key(|p| {
            (
                !p.in_force_on(as_of),
                std::cmp::Reverse(p.valid_to.unwrap_or(NaiveDate::MAX)),
            )
        });
        if units.is_empty() {
            return None;
        }
        let province = self.as_of(&units.remove(0), as_of);
        units.retain(|p| p.gso_code == province.gso_code);
        Some(Resolved {
            province,
            shares_code_with: units,
        })
    }

    /// The units in force on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> impl Iterator<Item = &Province> {
        self.all.iter().filter(move |p| p.in_force_on(date))
    }

    /// The slug or name closest to a reference that matched nothing, for "did you mean".
    pub fn suggest(&self, reference: &str) -> Option<String> {
        let folded = fold(reference);
        let candidates = self.all.iter().flat_map(|p| {
            [
                (p.id.clone(), p.id.as_str()),
                (fold(&p.name_vi), p.id.as_str()),
            ]
        });
        crate::domain::text::closest(&folded, candidates).map(str::to_owned)
    }
}
