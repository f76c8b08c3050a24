//! The one list shape (`{"data": [...], "meta": {...}}` plus an RFC 8288 `Link` header), opaque
//! keyset cursors, and CSV output for every list.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::list_query::ListShape;
use crate::api::error::{ApiError, ApiResult};
use crate::db::DbConnection;
use crate::store::{Page, PageRequest};

/// A page of a list.
// (`respond` writes it without this type, which serves the document and the tests.)
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    /// The items of this page.
    pub data: Vec<T>,
    pub meta: ListMeta,
}

/// What every list answers, declared once for the document: a page as JSON (a
/// `ListResponse_<View>` schema, registered by `api::openapi`) or as CSV, or a 400 naming the
/// parameter at fault. Use as `responses(ListAnswers<View>)`.
pub struct ListAnswers<V>(std::marker::PhantomData<V>);

impl<V: ToSchema> utoipa::IntoResponses for ListAnswers<V> {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder, ResponsesBuilder};
        let page = ResponseBuilder::new()
            .description("A page of the list: JSON, or CSV with `format=csv` or `Accept: text/csv`")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(list_schema_name::<V>())))
                    .build(),
            )
            .content(
                "text/csv",
                ContentBuilder::new()
                    .schema(Some(<String as utoipa::PartialSchema>::schema()))
                    .build(),
            );
        ResponsesBuilder::new()
            .response("200", page)
            .response(
                "400",
                super::error::problem_response("A parameter is invalid: the problem names it"),
            )
            .build()
            .into()
    }
}

/// The name of `ListResponse<V>` among the document's schemas, as utoipa names a generic.
pub fn list_schema_name<V: ToSchema>() -> String {
    format!("{}_{}", <ListResponse<V> as ToSchema>::name(), V::name())
}

/// Where this page sits in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// How many items match the filters, over all pages.
    #[schema(example = 104)]
    pub total: i64,
    /// The page size used.
    #[schema(example = 100)]
    pub limit: i64,
    /// Pass as `cursor` to get the next page; null on the last page.
    #[schema(example = "eyJzIjoiaWQiLCJrIjoxMDB9")]
    pub next_cursor: Option<String>,
    /// The version of the data this page reflects: the number of the last change in the audit
    /// trail (`/changes`) it includes; pass it as `as_of_version` to get this page again later.
    #[schema(example = 42)]
    pub data_version: i32,
}

/// List totals by resource and filter, valid while the data version stays the same: counting a
/// million rows for every page would cost more than the page.
#[derive(Default)]
pub struct TotalCache(std::sync::Mutex<std::collections::HashMap<String, (i64, i64)>>);

/// Entries kept before the cache starts over.
const TOTAL_CACHE_ENTRIES: usize = 10_000;

impl TotalCache {
    /// Runs `list` with the cached total for `filter` when the data has not changed since it
    /// was counted, and remembers the total it counts otherwise.
    pub fn page<T, K, F: std::fmt::Debug>(
        &self,
        conn: &mut crate::db::DbConnection,
        version: Option<i64>,
        resource: &str,
        filter: &F,
        list: impl FnOnce(&mut crate::db::DbConnection, Option<i64>) -> diesel::QueryResult<Page<T, K>>,
    ) -> ApiResult<Page<T, K>> {
        // The version this request is answered at (see `api::vintage::SeenBefore`), or now.
        let version = match version {
            Some(version) => version,
            None => crate::store::version::current(conn)?,
        };
        let key = Self::key(resource, filter);
        let known = self.known(&key, version);
        let page = list(conn, known)?;
        if known.is_none() {
            self.remember(key, version, page.total);
        }
        Ok(page)
    }

    /// [`page`](Self::page) for a read on an asynchronous connection, at `version`, of the rows
    /// remembered by `key` ([`TotalCache::key`]); `also` is whatever else the read tells.
    pub async fn page_async<T, K, Also>(
        &self,
        version: i64,
        key: String,
        list: impl AsyncFnOnce(Option<i64>) -> diesel::QueryResult<(Page<T, K>, Also)>,
    ) -> ApiResult<(Page<T, K>, Also)> {
        let known = self.known(&key, version);
        let (page, also) = list(known).await?;
        if known.is_none() {
            self.remember(key, version, page.total);
        }
        Ok((page, also))
    }

    /// What a total is remembered by: the resource and its filters.
    pub fn key<F: std::fmt::Debug>(resource: &str, filter: &F) -> String {
        format!("{resource} {filter:?}")
    }

    /// The total counted for `key` at `version`, if it was.
    fn known(&self, key: &str, version: i64) -> Option<i64> {
        let cache = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, total)| *total)
    }

    fn remember(&self, key: String, version: i64, total: i64) {
        let mut cache = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if cache.len() >= TOTAL_CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, (version, total));
    }
}

crate::domain::vocab::vocabulary! {
    /// The representations a list comes in.
    pub enum Format {
        Json = "json",
        Csv = "csv",
    }
}

impl Format {
    /// `?format=` wins; otherwise `Accept: text/csv` asks for CSV; JSON by default.
    pub fn negotiate(req: &HttpRequest, format: Option<&str>) -> ApiResult<Self> {
        super::params::format(req, format, &[("text/csv", Self::Csv)], Self::Json)
    }
}

/// The cursor's content: the sort it belongs to and the last key seen.
#[derive(Serialize, Deserialize)]
struct Cursor<K> {
    s: String,
    k: K,
}

/// Decodes `cursor` into a page request for `sort`.
pub fn page_request<K: DeserializeOwned>(
    limit: i64,
    cursor: Option<&str>,
    sort: &str,
) -> ApiResult<PageRequest<K>> {
    let after = match cursor {
        None => None,
        Some(raw) => {
            let invalid = || {
                ApiError::invalid(
                    "cursor",
                    "`cursor` is not a cursor this API issued: pass `meta.next_cursor` unchanged",
                )
            };
            let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| invalid())?;
            let cursor: Cursor<K> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
            if cursor.s != sort {
                return Err(ApiError::invalid(
                    "cursor",
                    format!("`cursor` belongs to sort `{}`, not `{sort}`: keep the same sort across pages", cursor.s),
                ));
            }
            Some(cursor.k)
        }
    };
    Ok(PageRequest { limit, after })
}

fn encode_cursor<K: Serialize>(sort: &str, key: &K) -> String {
    let json = serde_json::to_vec(&Cursor {
        s: sort.to_owned(),
        k: key,
    })
    .expect("cursor keys serialize");
    URL_SAFE_NO_PAD.encode(json)
}

/// How a store lists a resource: a page of the rows `filter` selects, counting them only when
/// the total is not already known.
pub type StoreList<F, T, K> =
    fn(&mut DbConnection, &F, &PageRequest<K>, Option<i64>) -> diesel::QueryResult<Page<T, K>>;

/// The end of a list handler: reads the page `filter` selects, with the total counted once per
/// data version (see [`TotalCache`]), and renders it. `version` is the data version the
/// request is answered at when the handler already knows it.
pub async fn serve<F, T, K, V>(
    req: &HttpRequest,
    resource: (&'static str, Option<i64>),
    filter: F,
    page: (ListShape, PageRequest<K>),
    list: StoreList<F, T, K>,
    view: impl Fn(T) -> V,
) -> ApiResult<HttpResponse>
where
    F: std::fmt::Debug + Clone + Send + 'static,
    T: Send + 'static,
    K: Serialize + Clone + Send + 'static,
    V: Serialize + Default,
{
    let rows = |_: &mut DbConnection, rows| Ok(rows);
    serve_with(req, resource, filter, page, (list, rows), view).await
}

/// [`serve`], with the page's rows completed from the database (`rows`) in the same read.
pub async fn serve_with<F, T, U, K, V, R>(
    req: &HttpRequest,
    (resource, version): (&'static str, Option<i64>),
    filter: F,
    (shape, page_request): (ListShape, PageRequest<K>),
    (list, rows): (StoreList<F, T, K>, R),
    view: impl Fn(U) -> V,
) -> ApiResult<HttpResponse>
where
    F: std::fmt::Debug + Clone + Send + 'static,
    T: Send + 'static,
    U: Send + 'static,
    K: Serialize + Clone + Send + 'static,
    V: Serialize + Default,
    R: FnOnce(&mut DbConnection, Vec<T>) -> ApiResult<Vec<U>> + Clone + Send + 'static,
{
    let totals = req
        .app_data::<web::Data<TotalCache>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("list totals not configured")))?;
    let page = super::with_read(req, move |conn| {
        let page = totals.page(conn, version, resource, &filter, |conn, known| {
            list(conn, &filter, &page_request, known)
        })?;
        Ok(Page {
            rows: rows(conn, page.rows)?,
            total: page.total,
            next: page.next,
        })
    })
    .await?;
    Ok(respond(req, shape, resource, page, view))
}

/// Renders a page as JSON or CSV, with the `Link` header to the next page.
pub fn respond<T, V, K>(
    req: &HttpRequest,
    shape: ListShape,
    file_stem: &str,
    page: Page<T, K>,
    view: impl FnMut(T) -> V,
) -> HttpResponse
where
    V: Serialize + Default,
    K: Serialize,
{
    respond_written(req, shape, file_stem, page, view, serialized)
}

/// A row as `serde_json` writes it.
pub fn serialized<V: Serialize>(out: &mut Vec<u8>, row: &V) {
    serde_json::to_writer(out, row).expect("views serialize");
}

/// [`respond`], with each row's JSON written by `write_row`, which must write what
/// [`serialized`] would: a hot list's writer knows its rows' shape and skips work `serde_json`
/// does field by field.
pub fn respond_written<T, V, K>(
    req: &HttpRequest,
    shape: ListShape,
    file_stem: &str,
    page: Page<T, K>,
    view: impl FnMut(T) -> V,
    write_row: impl FnMut(&mut Vec<u8>, &V),
) -> HttpResponse
where
    V: Serialize + Default,
    K: Serialize,
{
    let ListShape {
        format,
        sort,
        limit,
        ..
    } = shape;
    let next_cursor = page.next.as_ref().map(|k| encode_cursor(sort, k));
    let data_version = reflected_version(req);
    let data: Vec<V> = page.rows.into_iter().map(view).collect();
    let mut response = match format {
        Format::Json => {
            let meta = ListMeta {
                total: page.total,
                limit,
                next_cursor: next_cursor.clone(),
                data_version,
            };
            let body = json_body(&data, &meta, write_row);
            let capacity = super::caching::BodyCapacity(body.capacity());
            let mut response = HttpResponse::Ok()
                .content_type("application/json")
                .body(body);
            response.extensions_mut().insert(capacity);
            response
        }
        Format::Csv => csv_response(&data, file_stem),
    };
    if let Some(cursor) = next_cursor {
        if let Ok(value) =
            header::HeaderValue::from_str(&format!("<{}>; rel=\"next\"", next_link(req, &cursor)))
        {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

/// A [`ListResponse`] of `data`, each row written by `write_row`.
fn json_body<V>(
    data: &[V],
    meta: &ListMeta,
    mut write_row: impl FnMut(&mut Vec<u8>, &V),
) -> Vec<u8> {
    // Sized for the rows up front: growing by doubling copied the body several times.
    let mut body = Vec::with_capacity(512 + 400 * data.len());
    body.extend_from_slice(br#"{"data":["#);
    for (i, row) in data.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        write_row(&mut body, row);
    }
    body.extend_from_slice(br#"],"meta":"#);
    serde_json::to_writer(&mut body, meta).expect("the meta serializes");
    body.push(b'}');
    body
}

/// The version the request's data was read at (see `api::vintage`).
pub fn reflected_version(req: &HttpRequest) -> i32 {
    use actix_web::HttpMessage;
    let extensions = req.extensions();
    match extensions.get::<super::vintage::Pinned>() {
        Some(pin) => pin.0,
        None => extensions
            .get::<super::vintage::Reflects>()
            .map_or(0, |r| r.0),
    }
}

/// The request's own path and query with `cursor` replaced (and its pin kept).
fn next_link(req: &HttpRequest, cursor: &str) -> String {
    use actix_web::HttpMessage;
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "cursor");
    pairs.push(("cursor".into(), cursor.into()));
    if let Some(pin) = req.extensions().get::<super::vintage::Pinned>() {
        pairs.push((super::vintage::AS_OF_VERSION.into(), pin.0.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}?{query}", req.path())
}

/// CSV with a header row, UTF-8 with a byte-order mark so spreadsheet programs keep the
/// Vietnamese text intact. Columns come from the view's fields, in order, even for an empty
/// list; arrays are joined with `;`.
pub fn csv_response<V: Serialize + Default>(rows: &[V], file_stem: &str) -> HttpResponse {
    // Nested objects (a target's `attainment`) become `parent.child` columns.
    let columns: Vec<Vec<String>> = match serde_json::to_value(V::default()) {
        Ok(serde_json::Value::Object(map)) => map
            .iter()
            .flat_map(|(key, value)| match value {
                serde_json::Value::Object(inner) => inner
                    .keys()
                    .map(|k| vec![key.clone(), k.clone()])
                    .collect::<Vec<_>>(),
                _ => vec![vec![key.clone()]],
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::with_capacity(64 + rows.len() * 128);
    out.extend_from_slice("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer
            .write_record(columns.iter().map(|path| path.join(".")))
            .expect("writing to memory");
        for row in rows {
            let value = serde_json::to_value(row).expect("views serialize");
            let record = columns
                .iter()
                .map(|path| cell(path.iter().try_fold(&value, |v, k| v.get(k))));
            writer.write_record(record).expect("writing to memory");
        }
        writer.flush().expect("writing to memory");
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8; header=present")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_stem}.csv\""),
        ))
        .body(out)
}

fn cell(value: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| cell(Some(v)))
            .collect::<Vec<_>>()
            .join(";"),
        // Whole numbers print without a trailing ".0" so spreadsheets see integers.
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_written_as_its_list_response_serializes() {
        #[derive(Serialize)]
        struct Row {
            id: i32,
            name: &'static str,
        }
        let meta = || ListMeta {
            total: 3,
            limit: 2,
            next_cursor: Some("eyJzIjoiaWQiLCJrIjoyfQ".into()),
            data_version: 7,
        };
        for data in [
            vec![],
            vec![
                Row {
                    id: 1,
                    name: "Hà \"Nội\"",
                },
                Row { id: 2, name: "" },
            ],
        ] {
            let written = json_body(&data, &meta(), serialized);
            let expected = serde_json::to_vec(&ListResponse { data, meta: meta() }).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }
}
