//! The catalogue as an extractor: a handler that names provinces or indicators takes a
//! [`CatalogueRef`] and resolves them in memory. The data version comes from the caching
//! middleware (one check per request), and the catalogue is reloaded only when it moved.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::vintage::SeenBefore;
use crate::api::error::ApiError;
use crate::db::Pool;
use crate::store::catalogue::{Catalogue, CatalogueCache};

/// The catalogue of the request's data version.
#[derive(Clone)]
pub struct CatalogueRef(pub Arc<Catalogue>);

impl std::ops::Deref for CatalogueRef {
    type Target = Catalogue;
    fn deref(&self) -> &Catalogue {
        &self.0
    }
}

fn missing(what: &str) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("{what} is not configured on the app"))
}

impl FromRequest for CatalogueRef {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let cache = req.app_data::<web::Data<CatalogueCache>>().cloned();
        let states = super::vintage::StateReader::for_request(req);
        let pool = req.app_data::<web::Data<Pool>>().cloned();
        let known = req.extensions().get::<SeenBefore>().copied();
        if let Some(pin) = req.extensions().get::<super::vintage::Pinned>().copied() {
            return Box::pin(pinned(req.clone(), pin));
        }
        Box::pin(async move {
            let cache = cache.ok_or_else(|| missing("the catalogue cache"))?;
            let pool = pool.ok_or_else(|| missing("the pool"))?;
            let version = match known {
                Some(SeenBefore(state)) => state.version,
                None => {
                    let states = states.ok_or_else(|| missing("the version watch"))?;
                    states
                        .current()
                        .await
                        .map_err(ApiError::Unavailable)?
                        .version
                }
            };
            if let Some(current) = cache.cached(version) {
                return Ok(CatalogueRef(current));
            }
            let catalogue = web::block(move || -> Result<_, ApiError> {
                let mut conn = pool.get()?;
                Ok(cache.get(&mut conn, version)?)
            })
            .await??;
            Ok(CatalogueRef(catalogue))
        })
    }
}

/// The catalogue as it stood at a pinned version: rebuilt once per version, in a rewound
/// transaction, and kept (it can never change).
async fn pinned(req: HttpRequest, pin: super::vintage::Pinned) -> Result<CatalogueRef, ApiError> {
    let cache = req
        .app_data::<web::Data<CatalogueCache>>()
        .cloned()
        .ok_or_else(|| missing("the catalogue cache"))?;
    if let Some(catalogue) = cache.pinned(pin.data_version()) {
        return Ok(CatalogueRef(catalogue));
    }
    let catalogue = super::vintage::with_read(&req, move |conn| {
        Ok(Catalogue::load(conn, pin.data_version())?)
    })
    .await?;
    let catalogue = cache.keep_pinned(catalogue);
    Ok(CatalogueRef(catalogue))
}
