//! The query string of a paged list: the resource's own filters and the four parameters every
//! list shares (`limit`, `cursor`, `format`, `lang`), declared once. Both are read in one pass,
//! so an unknown name is still a 400 that names it and lists every parameter the route takes.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{query_problem, ApiError, ApiResult};
use super::listing::{self, Format};
use super::params::{self, Lang};
use crate::store::PageRequest;

/// The parameters every paged list takes. Document them beside the filters with
/// `params(XListQuery, PageParams)`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `meta.next_cursor` of the previous page, asked with the same filters and order.
    pub cursor: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` also gives CSV.
    #[param(value_type = Option<crate::api::listing::Format>, example = "json")]
    pub format: Option<String>,
    /// Label language: `en` (default) or `vi`; `Accept-Language: vi` also gives Vietnamese.
    #[param(value_type = Option<crate::api::params::Lang>, example = "vi")]
    pub lang: Option<String>,
}

impl PageParams {
    const NAMES: &'static [&'static str] = &["limit", "cursor", "format", "lang"];

    /// The answer's shape and the page asked for, in a list ordered by `sort`.
    pub fn read<K: DeserializeOwned>(
        &self,
        req: &HttpRequest,
        sort: &'static str,
    ) -> ApiResult<(ListShape, PageRequest<K>)> {
        let format = Format::negotiate(req, self.format.as_deref())?;
        let lang = params::lang(req, self.lang.as_deref())?;
        let limit = params::limit(self.limit.as_deref())?;
        let request = listing::page_request(limit, self.cursor.as_deref(), sort)?;
        let shape = ListShape {
            format,
            lang,
            sort,
            limit,
        };
        Ok((shape, request))
    }
}

/// How a list answers: its format, language, order and page size, checked.
#[derive(Debug, Clone, Copy)]
pub struct ListShape {
    pub format: Format,
    pub lang: Lang,
    /// The order the next page's cursor belongs to.
    pub sort: &'static str,
    pub limit: i64,
}

/// The filters of a list that has none of its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoFilters {}

/// A list's query string: `filters` as the resource declares them, and the shared `page`.
pub struct ListQuery<F> {
    pub filters: F,
    pub page: PageParams,
}

impl<F: DeserializeOwned> ListQuery<F> {
    pub fn parse(query: &str) -> ApiResult<Self> {
        // The query split as it is, by each parameter's decoded name: decoding the values once,
        // in the deserializers, not once to split them and again after encoding them back.
        let (mut own, mut shared) = (String::new(), String::new());
        for parameter in query.split('&').filter(|p| !p.is_empty()) {
            let name = form_urlencoded::parse(parameter.as_bytes())
                .next()
                .map(|(name, _)| name);
            let part = match name {
                Some(name) if PageParams::NAMES.contains(&&*name) => &mut shared,
                _ => &mut own,
            };
            if !part.is_empty() {
                part.push('&');
            }
            part.push_str(parameter);
        }
        // The filters come first, as the document lists them; a name neither knows is unknown
        // to the filters, which then name the shared parameters too.
        let filters = serde_urlencoded::from_str::<F>(&own)
            .map_err(|e| query_problem(&e.to_string(), PageParams::NAMES))?;
        let page = serde_urlencoded::from_str::<PageParams>(&shared)
            .map_err(|e| query_problem(&e.to_string(), &[]))?;
        Ok(ListQuery { filters, page })
    }
}

impl<F: DeserializeOwned> FromRequest for ListQuery<F> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Self::parse(req.query_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Filters {
        province: Option<String>,
    }

    fn unknown_parameter(query: &str) -> (String, String) {
        match ListQuery::<Filters>::parse(query) {
            Err(ApiError::InvalidParameter { parameter, detail }) => (parameter, detail),
            other => panic!("{:?}", other.map(|q| q.filters)),
        }
    }

    #[test]
    fn splits_the_shared_parameters_from_the_filters() {
        let query = ListQuery::<Filters>::parse("province=hue&limit=5&lang=vi").unwrap();
        assert_eq!(query.filters.province.as_deref(), Some("hue"));
        assert_eq!(query.page.limit.as_deref(), Some("5"));
        assert_eq!(query.page.lang.as_deref(), Some("vi"));
        assert!(query.page.cursor.is_none());
    }

    #[test]
    fn an_unknown_name_lists_every_parameter_of_the_route() {
        let (parameter, detail) = unknown_parameter("provnce=hue");
        assert_eq!(parameter, "provnce");
        assert!(detail.contains("did you mean `province`?"), "{detail}");
        assert!(
            detail.contains("province, limit, cursor, format, lang"),
            "{detail}"
        );
        let (parameter, detail) = unknown_parameter("limt=5");
        assert_eq!(parameter, "limt");
        assert!(detail.contains("did you mean `limit`?"), "{detail}");
    }

    #[test]
    fn names_are_decoded_before_they_are_told_apart() {
        let query =
            ListQuery::<Filters>::parse("pro%76ince=h%C3%BA%20e&li%6Dit=5&&lang=vi").unwrap();
        assert_eq!(query.filters.province.as_deref(), Some("hú e"));
        assert_eq!(query.page.limit.as_deref(), Some("5"));
        assert_eq!(query.page.lang.as_deref(), Some("vi"));
    }

    #[test]
    fn a_repeated_shared_parameter_is_named() {
        let (parameter, _) = unknown_parameter("limit=5&limit=6");
        assert_eq!(parameter, "limit");
    }
}
