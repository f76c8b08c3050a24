//! The names of the provinces and indicators a row names, in both languages, for the views.

use diesel::QueryResult;

use crate::db::DbConnection;
use crate::store::catalogue::Catalogue;
use crate::store::{indicators, provinces};

/// A name in both languages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub en: String,
    pub vi: String,
}

impl Names {
    pub fn pick(&self, lang: super::params::Lang) -> String {
        lang.pick(&self.en, &self.vi).to_owned()
    }
}

/// The names of a row's province and indicator in `lang`, from the catalogue: a spreadsheet
/// should read "Thanh Hóa", not `thanh-hoa`.
pub fn names_in<'a>(
    catalogue: &'a Catalogue,
    province_id: &str,
    indicator_code: &str,
    lang: super::params::Lang,
) -> (&'a str, &'a str) {
    NamesOfRows::new(catalogue, lang).of(province_id, indicator_code)
}

/// [`names_in`] for the rows of a list, in order: rows mostly name the same province and
/// indicator as the row before (a series, a province's indicators), which costs no lookup.
pub struct NamesOfRows<'a> {
    catalogue: &'a Catalogue,
    lang: super::params::Lang,
    /// The last row's province id and indicator code (the catalogue's own strings), and names.
    last: Option<(&'a str, &'a str, (&'a str, &'a str))>,
}

impl<'a> NamesOfRows<'a> {
    pub fn new(catalogue: &'a Catalogue, lang: super::params::Lang) -> Self {
        NamesOfRows {
            catalogue,
            lang,
            last: None,
        }
    }

    pub fn of(&mut self, province_id: &str, indicator_code: &str) -> (&'a str, &'a str) {
        if let Some((province, indicator, names)) = self.last {
            if province == province_id && indicator == indicator_code {
                return names;
            }
        }
        let province = self.catalogue.provinces.get(province_id);
        let indicator = self.catalogue.indicator(indicator_code);
        let lang = self.lang;
        let names = (
            province.map_or("", |p| lang.pick(&p.name_en, &p.name_vi)),
            indicator.map_or("", |i| lang.pick(&i.name_en, &i.name_vi)),
        );
        if let (Some(p), Some(i)) = (province, indicator) {
            self.last = Some((&p.id, &i.code, names));
        }
        names
    }
}

/// The same for one row, read from storage (single items and writes, off the list path).
pub fn names_of(
    conn: &mut DbConnection,
    province_id: &str,
    indicator_code: &str,
) -> QueryResult<(Names, Names)> {
    let province = provinces::find(conn, province_id)?
        .map(|p| Names {
            en: p.name_en,
            vi: p.name_vi,
        })
        .unwrap_or_default();
    let indicator = indicators::find(conn, indicator_code)?
        .map(|i| Names {
            en: i.name_en,
            vi: i.name_vi,
        })
        .unwrap_or_default();
    Ok((province, indicator))
}
