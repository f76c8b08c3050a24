//! `GET /export`: the whole dataset in one download, a zipped Frictionless Data Package.
//!
//! The package is written to a temporary file inside the read (a snapshot, or a rewound
//! vintage), then streamed from it: memory stays flat however big the data, and a slow client
//! never holds a transaction open.

use std::io::{Read, Seek, SeekFrom};

use actix_web::body::SizedStream;
use actix_web::web::Bytes;
use actix_web::{get, http::header, web, HttpMessage, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::vintage::with_long_read;
use super::vintage::Pinned;
use crate::api::error::{ApiError, ApiResult};
use crate::store::{changes, export};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_package);
}

/// Bytes read from the file per chunk of the answer.
const CHUNK: usize = 64 * 1024;

/// Download the whole dataset.
///
/// A zip holding `datapackage.json` (a Frictionless Data Package: a table schema per resource
/// with primary and foreign keys) and one UTF-8 CSV per table under `data/`: provinces, former
/// names, the 2025 lineage, indicators, periods, sources, observations, targets and awards.
/// With `as_of_version` it is the data as it stood then, byte for byte the same every time.
/// `chiso export FILE` writes the same package.
#[utoipa::path(
    tag = "export",
    responses(
        (status = 200, description = "The data package", content_type = "application/zip", body = Vec<u8>,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"chiso-data-vN.zip\""))),
    )
)]
#[get("/export")]
async fn export_package(req: HttpRequest) -> ApiResult<HttpResponse> {
    let pinned = req.extensions().get::<Pinned>().copied();
    let (version, file) = with_long_read(&req, move |conn| {
        let version = match pinned {
            Some(pin) => pin.0,
            None => changes::latest_id(conn)?,
        };
        let mut file = tempfile::tempfile().map_err(internal)?;
        export::write_package(conn, version, &mut file).map_err(|e| match e {
            export::ExportError::Storage(e) => e.into(),
            other => internal(other),
        })?;
        Ok((version, file))
    })
    .await?;
    // The same data makes the same bytes, so the package has a strong ETag like any answer.
    let (length, etag, chunks) = web::block(move || -> std::io::Result<_> {
        let mut file = file;
        file.seek(SeekFrom::Start(0))?;
        let etag = super::caching::etag_of_reader(&mut file)?;
        let length = file.seek(SeekFrom::End(0))?;
        file.seek(SeekFrom::Start(0))?;
        Ok((length, etag, file))
    })
    .await?
    .map_err(internal)?;
    if super::caching::client_holds(&req, &etag) {
        let mut response = HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish();
        response.extensions_mut().insert(super::caching::Uncached);
        return Ok(response);
    }
    let body = futures_util::stream::unfold(Some(chunks), |file| async move {
        let mut file = file?;
        let read = web::block(move || {
            let mut buffer = vec![0; CHUNK];
            let n = file.read(&mut buffer)?;
            buffer.truncate(n);
            Ok::<_, std::io::Error>((buffer, file))
        })
        .await;
        match read {
            Ok(Ok((buffer, _))) if buffer.is_empty() => None,
            Ok(Ok((buffer, file))) => Some((Ok(Bytes::from(buffer)), Some(file))),
            Ok(Err(e)) => Some((Err(ApiError::Internal(e.into())), None)),
            Err(e) => Some((Err(ApiError::from(e)), None)),
        }
    });
    let mut response = HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((header::ETAG, etag))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"chiso-data-v{version}.zip\""),
        ))
        .body(SizedStream::new(length, body));
    response.extensions_mut().insert(super::caching::Uncached);
    Ok(response)
}

fn internal(e: impl Into<anyhow::Error>) -> ApiError {
    ApiError::Internal(e.into())
}
