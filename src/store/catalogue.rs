//! The catalogue in memory: every unit (with its lineage-free registry and former names), every
//! indicator and the sources' ids, a few hundred rows that nearly every request (and every
//! write's validation) consults to resolve a slug, a code or a name. It is loaded once per data version, so a lookup is a hash probe, not a query.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use diesel::prelude::*;

use super::indicators::Indicator;
use super::provinces::Registry;
use crate::db::schema::{indicators, sources};
use crate::db::DbConnection;
use crate::domain::text::fold;

/// Provinces and indicators as of one data version.
pub struct Catalogue {
    pub version: i64,
    pub provinces: Registry,
    indicators: Vec<Indicator>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    sources: HashSet<String>,
}

impl Catalogue {
    pub fn load(conn: &mut DbConnection, version: i64) -> QueryResult<Self> {
        let indicators: Vec<Indicator> = indicators::table
            .order(indicators::code.asc())
            .select(Indicator::as_select())
            .load(conn)?;
        let sources: Vec<String> = sources::table.select(sources::id).load(conn)?;
        Ok(Self::from_rows(
            version,
            Registry::load(conn)?,
            indicators,
            sources,
        ))
    }

    /// The catalogue of rows in memory: what `load` read, or the shipped dataset's, which its
    /// figures are validated against before anything is stored. Where a name is shared, the
    /// first indicator given wins.
    pub fn from_rows(
        version: i64,
        provinces: Registry,
        indicators: Vec<Indicator>,
        source_ids: impl IntoIterator<Item = String>,
    ) -> Self {
        let by_code = indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.code.clone(), i))
            .collect();
        let mut by_name = HashMap::new();
        for (i, ind) in indicators.iter().enumerate() {
            by_name.entry(fold(&ind.name_vi)).or_insert(i);
            by_name.entry(fold(&ind.name_en)).or_insert(i);
        }
        Catalogue {
            version,
            provinces,
            indicators,
            by_code,
            by_name,
            sources: source_ids.into_iter().collect(),
        }
    }

    /// The catalogue as `conn` sees it now, uncached: what a write validates against, inside
    /// its transaction.
    pub fn load_current(conn: &mut DbConnection) -> QueryResult<Self> {
        let version = super::version::current(conn)?;
        Self::load(conn, version)
    }

    /// An indicator by code.
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.by_code.get(code).map(|&i| &self.indicators[i])
    }

    /// An indicator by code, or by name in either language (case and diacritics ignored).
    pub fn indicator_by_reference(&self, reference: &str) -> Option<&Indicator> {
        self.indicator(reference).or_else(|| {
            self.by_name
                .get(&fold(reference))
                .map(|&i| &self.indicators[i])
        })
    }

    pub fn has_source(&self, id: &str) -> bool {
        self.sources.contains(id)
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }
}

/// The current catalogue, shared by every request of one server, and the catalogues of the
/// vintages asked for lately (keyed by their negative data version, see `api::vintage`).
#[derive(Default)]
pub struct CatalogueCache(
    RwLock<Option<Arc<Catalogue>>>,
    std::sync::Mutex<std::collections::HashMap<i64, Arc<Catalogue>>>,
);

/// Vintage catalogues kept before that part starts over.
const PINNED_CATALOGUES: usize = 16;

impl CatalogueCache {
    /// The catalogue of `version`, loaded with `conn` only when the version moved.
    pub fn get(&self, conn: &mut DbConnection, version: i64) -> QueryResult<Arc<Catalogue>> {
        if let Some(current) = self.cached(version) {
            return Ok(current);
        }
        let fresh = Arc::new(Catalogue::load(conn, version)?);
        let mut slot = self.0.write().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_none_or(|c| c.version <= version) {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }

    /// The catalogue of a vintage, if kept.
    pub fn pinned(&self, version: i64) -> Option<Arc<Catalogue>> {
        let kept = self.1.lock().unwrap_or_else(|p| p.into_inner());
        kept.get(&version).cloned()
    }

    /// Keeps the catalogue of a vintage.
    pub fn keep_pinned(&self, catalogue: Catalogue) -> Arc<Catalogue> {
        let catalogue = Arc::new(catalogue);
        let mut kept = self.1.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= PINNED_CATALOGUES {
            kept.clear();
        }
        kept.insert(catalogue.version, catalogue.clone());
        catalogue
    }

    /// The catalogue of `version` if it is the one in memory.
    pub fn cached(&self, version: i64) -> Option<Arc<Catalogue>> {
        let slot = self.0.read().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().filter(|c| c.version == version).cloned()
    }
}
