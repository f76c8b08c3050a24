//! Provinces, their 2025 merger lineage, and resolving a slug, GSO code or ISO code to a unit.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{province_lineage, province_names, provinces};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::text::{fold, like_contains};

pub use lineage::{
    former_names, lineage_of, upsert_former_name, upsert_lineage, FormerName, LineageLink,
};
pub use registry::{resolve, Registry, Resolved};

mod lineage;
mod registry;

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

keyset_list!(provinces, id: String, Province, ProvinceFilter);
keyed_by_text!(Provinces, provinces, id, Province);

pub fn with_gso_codes(conn: &mut DbConnection, codes: &[String]) -> QueryResult<Vec<Province>> {
    provinces::table
        .filter(provinces::gso_code.eq_any(codes))
        .order(provinces::id.asc())
        .select(Province::as_select())
        .load(conn)
}

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
        .filter(|p| spans_overlap((p.valid_from, p.valid_to), (from, to)))
        .collect())
}

/// Whether two spans `from..=to` share a date; an open end is unbounded.
pub fn spans_overlap(
    (a_from, a_to): (Option<NaiveDate>, Option<NaiveDate>),
    (b_from, b_to): (Option<NaiveDate>, Option<NaiveDate>),
) -> bool {
    let starts_before_end = match (a_from, b_to) {
        (Some(start), Some(end)) => start <= end,
        _ => true,
    };
    let ends_after_start = match (a_to, b_from) {
        (Some(end), Some(start)) => end >= start,
        _ => true,
    };
    starts_before_end && ends_after_start
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    provinces::table.count().get_result(conn)
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
