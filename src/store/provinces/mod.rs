//! Provinces, their 2025 merger lineage, and resolving a slug, GSO code or ISO code to a unit.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{Page, PageRequest};
use crate::db::schema::{province_lineage, province_names, provinces};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::text::{fold, like_contains};

/// A unit; it also reads back from the audit trail's images (its API view), without its
/// derived `search_text`.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Deserialize,
    serde::Serialize,
)]
#[diesel(table_name = provinces)]
#[diesel(treat_none_as_null = true)]
pub struct Province {
    pub id: String,
    pub gso_code: String,
    pub iso_code: Option<String>,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub region: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    #[serde(default, skip_serializing)]
    pub search_text: String,
}

impl Province {
    /// The unit with the name and kind it bore on `date`, given its former names.
    pub fn as_of<'a>(
        mut self,
        former: impl IntoIterator<Item = &'a FormerName>,
        date: NaiveDate,
    ) -> Self {
        if let Some(then) = former
            .into_iter()
            .find(|f| f.province_id == self.id && f.covers(date))
        {
            self.name_vi = then.name_vi.clone();
            self.name_en = then.name_en.clone();
            self.kind = then.kind.clone();
        }
        self
    }

    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_to.is_none_or(|to| to >= date)
    }
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = province_lineage)]
pub struct LineageLink {
    pub predecessor_id: String,
    pub successor_id: String,
    pub effective_date: NaiveDate,
}

/// A name and kind a unit bore before today's (Thừa Thiên Huế, a province, to 2024-12-31).
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = province_names)]
#[diesel(treat_none_as_null = true)]
pub struct FormerName {
    pub province_id: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: NaiveDate,
}

impl FormerName {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && date <= self.valid_to
    }
}

/// What a search matches a unit by: every name it has borne, its slug and its codes.
pub fn search_text<'a>(
    province: &'a Province,
    former_names: impl IntoIterator<Item = &'a FormerName>,
) -> String {
    let mut parts = vec![
        province.name_vi.as_str(),
        province.name_en.as_str(),
        province.id.as_str(),
        province.gso_code.as_str(),
    ];
    parts.extend(province.iso_code.as_deref());
    for former in former_names {
        parts.push(&former.name_vi);
        parts.push(&former.name_en);
    }
    parts.into_iter().map(fold).collect::<Vec<_>>().join(" | ")
}

/// The earlier names of the units `ids` (all units when `ids` is None), oldest first.
pub fn former_names(
    conn: &mut DbConnection,
    ids: Option<&[String]>,
) -> QueryResult<Vec<FormerName>> {
    let mut query = province_names::table.into_boxed();
    if let Some(ids) = ids {
        query = query.filter(province_names::province_id.eq_any(ids));
    }
    query
        .order((
            province_names::province_id.asc(),
            province_names::valid_to.asc(),
        ))
        .select(FormerName::as_select())
        .load(conn)
}

pub fn upsert_former_name(conn: &mut DbConnection, row: &FormerName) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(province_names::table)
        .values(row)
        .on_conflict((province_names::province_id, province_names::valid_to))
        .do_update()
        .set(row)
        .execute(c))
}

#[derive(Debug, Clone, Default)]
pub struct ProvinceFilter {
    /// Folded search text (see `domain::text::fold`).
    pub q: Option<String>,
    pub kinds: Vec<String>,
    pub regions: Vec<String>,
    pub in_force_on: Option<NaiveDate>,
}

fn filtered(filter: &ProvinceFilter) -> provinces::BoxedQuery<'_, MultiBackend> {
    let mut query = provinces::table.into_boxed();
    if let Some(q) = &filter.q {
        query = query.filter(provinces::search_text.like(like_contains(q)).escape('\\'));
    }
    match (filter.kinds.is_empty(), filter.in_force_on) {
        (true, _) => {}
        (false, None) => query = query.filter(provinces::kind.eq_any(&filter.kinds)),
        // On a date, a unit's kind is the one it bore then: a former kind covering the date
        // wins over today's.
        (false, Some(date)) => {
            let former_on_date = province_names::table
                .filter(province_names::province_id.eq(provinces::id))
                .filter(
                    province_names::valid_from
                        .is_null()
                        .or(province_names::valid_from.le(date)),
                )
                .filter(province_names::valid_to.ge(date));
            query = query.filter(
                diesel::dsl::exists(
                    former_on_date.filter(province_names::kind.eq_any(&filter.kinds)),
                )
                .or(diesel::dsl::not(diesel::dsl::exists(former_on_date))
                    .and(provinces::kind.eq_any(&filter.kinds))),
            );
        }
    }
    filter_any!(query, provinces::region, filter.regions);
    if let Some(date) = filter.in_force_on {
        query = query
            .filter(
                provinces::valid_from
                    .is_null()
                    .or(provinces::valid_from.le(date)),
            )
            .filter(
                provinces::valid_to
                    .is_null()
                    .or(provinces::valid_to.ge(date)),
            );
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ProvinceFilter,
    page: &PageRequest<String>,
    known_total: Option<i64>,
) -> QueryResult<Page<Province, String>> {
    let total = match known_total {
        Some(total) => total,
        None => filtered(filter).count().get_result(conn)?,
    };
    let mut query = filtered(filter);
    if let Some(after) = &page.after {
        query = query.filter(provinces::id.gt(after));
    }
    let rows = query
        .order(provinces::id.asc())
        .limit(page.limit + 1)
        .select(Province::as_select())
        .load(conn)?;
    Ok(Page::from_overfetch(rows, page.limit, total, |p| {
        p.id.clone()
    }))
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Province>> {
    provinces::table
        .find(id)
        .select(Province::as_select())
        .first(conn)
        .optional()
}

pub fn with_gso_codes(conn: &mut DbConnection, codes: &[String]) -> QueryResult<Vec<Province>> {
    provinces::table
        .filter(provinces::gso_code.eq_any(codes))
        .order(provinces::id.asc())
        .select(Province::as_select())
        .load(conn)
}

/// Lineage links touching any of `ids`, as predecessor or successor.
/// Other units holding `gso_code` at some date of the period `from..=to` (open ends are
/// unbounded): a code must name one unit at any date.
pub fn gso_code_holders(
    conn: &mut DbConnection,
    gso_code: &str,
    except_id: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> QueryResult<Vec<Province>> {
    let holders: Vec<Province> = provinces::table
        .filter(provinces::gso_code.eq(gso_code))
        .filter(provinces::id.ne(except_id))
        .select(Province::as_select())
        .load(conn)?;
    Ok(holders
        .into_iter()
        .filter(|p| {
            let starts_before_end = match (p.valid_from, to) {
                (Some(start), Some(end)) => start <= end,
                _ => true,
            };
            let ends_after_start = match (p.valid_to, from) {
                (Some(end), Some(start)) => end >= start,
                _ => true,
            };
            starts_before_end && ends_after_start
        })
        .collect())
}

pub fn lineage_of(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<LineageLink>> {
    province_lineage::table
        .filter(
            province_lineage::predecessor_id
                .eq_any(ids)
                .or(province_lineage::successor_id.eq_any(ids)),
        )
        .order((
            province_lineage::successor_id.asc(),
            province_lineage::predecessor_id.asc(),
        ))
        .select(LineageLink::as_select())
        .load(conn)
}

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
        let by_id = all
            .iter()
            .enumerate()
            .map(|(i, p): (usize, &Province)| (p.id.clone(), i))
            .collect();
        Ok(Registry {
            all,
            by_id,
            former: former_names(conn, None)?,
        })
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

pub fn upsert(conn: &mut DbConnection, row: &Province) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(provinces::table)
        .values(row)
        .on_conflict(provinces::id)
        .do_update()
        .set(row)
        .execute(c))
}

pub fn upsert_lineage(conn: &mut DbConnection, row: &LineageLink) -> QueryResult<usize> {
    crate::with_backend!(conn, c => diesel::insert_into(province_lineage::table)
        .values(row)
        .on_conflict((province_lineage::predecessor_id, province_lineage::successor_id))
        .do_update()
        .set(province_lineage::effective_date.eq(row.effective_date))
        .execute(c))
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    provinces::table.count().get_result(conn)
}

pub fn insert(conn: &mut DbConnection, row: &Province) -> QueryResult<usize> {
    diesel::insert_into(provinces::table)
        .values(row)
        .execute(conn)
}

pub fn update(conn: &mut DbConnection, id: &str, row: &Province) -> QueryResult<usize> {
    diesel::update(provinces::table.find(id))
        .set(row)
        .execute(conn)
}

/// Deletes a province and its lineage links (observations referring to it block the delete).
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(
        province_lineage::table.filter(
            province_lineage::predecessor_id
                .eq(id)
                .or(province_lineage::successor_id.eq(id)),
        ),
    )
    .execute(conn)?;
    diesel::delete(provinces::table.find(id)).execute(conn)
}
