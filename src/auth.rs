//! Bearer JWTs for writes. Reads are public. The algorithm is pinned by configuration, never
//! taken from the token; `exp`, `nbf`, `iss` and `aud` are checked, and every token's `jti` is
//! looked up in the revocation table on each request.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::AuthSettings;

/// What a token lets its bearer do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Writes observations, targets, awards and sources.
    Editor,
    /// Also writes provinces and indicators, and revokes tokens.
    Admin,
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            other => Err(format!("unknown role `{other}`: use `editor` or `admin`")),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Signing and verification keys, from configuration.
pub struct Keys {
    algorithm: Algorithm,
    decoding: DecodingKey,
    encoding: Option<EncodingKey>,
    issuer: String,
    audience: String,
}

/// The server's view of authentication: configured keys, or none (writes refused).
pub struct Auth(pub Option<Keys>);

pub const HOW_TO_CONFIGURE: &str = "writes are disabled: this server has no token key configured. \
Set CHISO_JWT_SECRET (HS256, at least 32 bytes) or CHISO_JWT_PUBLIC_KEY with CHISO_JWT_ALGORITHM \
(RS256 or EdDSA), then issue a token with `chiso token issue --sub NAME --role editor`";

impl Keys {
    /// Reads the keys `settings` name; `Ok(None)` when none are configured.
    pub fn from_settings(settings: &AuthSettings) -> anyhow::Result<Option<Keys>> {
        let algorithm = match settings.algorithm.as_deref() {
            None | Some("HS256") if settings.secret.is_some() => Algorithm::HS256,
            None if settings.public_key.is_some() => Algorithm::RS256,
            None => return Ok(None),
            Some("HS256") => anyhow::bail!("CHISO_JWT_ALGORITHM=HS256 needs CHISO_JWT_SECRET"),
            Some("RS256") => Algorithm::RS256,
            Some("EdDSA") => Algorithm::EdDSA,
            Some(other) => anyhow::bail!(
                "CHISO_JWT_ALGORITHM `{other}` is not supported: use HS256, RS256 or EdDSA"
            ),
        };
        let read = |path: &std::path::Path| {
            std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("cannot read key file {}: {e}", path.display()))
        };
        let (decoding, encoding) = match algorithm {
            Algorithm::HS256 => {
                let secret = settings.secret.as_deref().unwrap_or_default();
                if secret.len() < 32 {
                    anyhow::bail!("CHISO_JWT_SECRET must be at least 32 bytes long");
                }
                (
                    DecodingKey::from_secret(secret.as_bytes()),
                    Some(EncodingKey::from_secret(secret.as_bytes())),
                )
            }
            Algorithm::RS256 | Algorithm::EdDSA => {
                let public = settings
                    .public_key
                    .as_deref()
                    .ok_or_else(|| anyhow::anyhow!("{algorithm:?} needs CHISO_JWT_PUBLIC_KEY"))?;
                let public = read(public)?;
                let private = settings.private_key.as_deref().map(read).transpose()?;
                if algorithm == Algorithm::RS256 {
                    (
                        DecodingKey::from_rsa_pem(&public)?,
                        private.map(|p| EncodingKey::from_rsa_pem(&p)).transpose()?,
                    )
                } else {
                    (
                        DecodingKey::from_ed_pem(&public)?,
                        private.map(|p| EncodingKey::from_ed_pem(&p)).transpose()?,
                    )
                }
            }
            _ => unreachable!("only the algorithms above are configured"),
        };
        Ok(Some(Keys {
            algorithm,
            decoding,
            encoding,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
        }))
    }

    /// Signs a new token with a fresh `jti`.
    pub fn issue(
        &self,
        subject: &str,
        role: Role,
        ttl: std::time::Duration,
    ) -> anyhow::Result<(String, Claims)> {
        let encoding = self.encoding.as_ref().ok_or_else(|| {
            anyhow::anyhow!(
                "issuing {:?} tokens needs CHISO_JWT_PRIVATE_KEY",
                self.algorithm
            )
        })?;
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: subject.to_owned(),
            role,
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now,
            nbf: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        let token = jsonwebtoken::encode(&Header::new(self.algorithm), &claims, encoding)?;
        Ok((token, claims))
    }

    /// Verifies signature, algorithm, time window, issuer and audience.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        let mut validation = Validation::new(self.algorithm);
        validation.algorithms = vec![self.algorithm];
        validation.leeway = 30;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                match e.kind() {
                    ErrorKind::ExpiredSignature => "the token has expired".to_owned(),
                    ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".to_owned(),
                    ErrorKind::InvalidAudience => "the token is for another audience".to_owned(),
                    ErrorKind::InvalidIssuer => "the token comes from another issuer".to_owned(),
                    ErrorKind::InvalidAlgorithm => {
                        format!("the token must be signed with {:?}", self.algorithm)
                    }
                    ErrorKind::InvalidSignature => {
                        "the token's signature does not verify".to_owned()
                    }
                    ErrorKind::MissingRequiredClaim(claim) => {
                        format!("the token lacks the `{claim}` claim")
                    }
                    _ => format!("the token is not valid: {e}"),
                }
            })
    }
}
