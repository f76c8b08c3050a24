//! Who is writing: the bearer token of a write request, verified (`auth::Keys`) and looked up
//! in the revocation table.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use super::error::ApiError;
use crate::auth::{Auth, Claims, Role};
use crate::db::Pool;

/// The authenticated caller of a write.
#[derive(Debug, Clone)]
pub struct Caller {
    pub claims: Claims,
}

impl Caller {
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.claims.role >= role {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs the `{}` role; the token has `{}`",
                if role == Role::Admin {
                    "admin"
                } else {
                    "editor"
                },
                if self.claims.role == Role::Admin {
                    "admin"
                } else {
                    "editor"
                },
            )))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let auth = req.app_data::<web::Data<Auth>>().cloned();
        let pool = req.app_data::<web::Data<Pool>>().cloned();
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_owned));
        Box::pin(async move {
            let auth = auth.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("auth not configured in app data"))
            })?;
            let keys = auth
                .0
                .as_ref()
                .ok_or_else(|| ApiError::Unauthorized(crate::auth::HOW_TO_CONFIGURE.to_owned()))?;
            let header = match header {
                None => {
                    return Err(ApiError::Unauthorized(
                        "writes need `Authorization: Bearer <token>`".into(),
                    ))
                }
                Some(Err(_)) => {
                    return Err(ApiError::Unauthorized(
                        "the Authorization header is not ASCII".into(),
                    ))
                }
                Some(Ok(h)) => h,
            };
            let token = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .ok_or_else(|| {
                    ApiError::Unauthorized(
                        "the Authorization header must be `Bearer <token>`".into(),
                    )
                })?
                .trim()
                .to_owned();
            let claims = keys.verify(&token).map_err(ApiError::Unauthorized)?;
            let pool =
                pool.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("pool not configured")))?;
            let jti = claims.jti.clone();
            let revoked = super::with_conn(&pool, move |conn| {
                Ok(crate::store::tokens::is_revoked(conn, &jti)?)
            })
            .await?;
            if revoked {
                return Err(ApiError::Unauthorized("the token has been revoked".into()));
            }
            Ok(Caller { claims })
        })
    }
}
