//! Settings, from environment variables with command-line flags able to override them.

use clap::Args;

use crate::db::DatabaseUrl;

/// How PostgreSQL reads run (see `db::pg_async`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PostgresReads {
    Async,
    Libpq,
}

/// Where the data lives and how the server listens.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// SQLite path or `sqlite://PATH`, or `postgres://USER@HOST:PORT/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://chiso.db",
        global = true
    )]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(
        long,
        env = "CHISO_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// Database connections in the pool.
    #[arg(long, env = "CHISO_POOL_SIZE", default_value_t = 8, global = true)]
    pub pool_size: u32,

    /// Memory for cached whole answers, in MiB (`api::caching`); 0 turns the cache off.
    #[arg(
        long,
        env = "CHISO_RESPONSE_CACHE_MB",
        default_value_t = 32,
        global = true
    )]
    pub response_cache_mb: usize,

    /// Observations held in memory, by series, to answer a province's series of an indicator
    /// without the database (`store::replica`, about 55 bytes each); with more stored than
    /// this, or 0, every read goes to the database.
    #[arg(
        long,
        env = "CHISO_MEMORY_ROWS",
        default_value_t = 2_000_000,
        value_parser = clap::value_parser!(i64).range(0..),
        global = true
    )]
    pub memory_rows: i64,

    /// How PostgreSQL serves the reads that have an asynchronous form (a series): `async`, on
    /// each worker's own connection, or `libpq`, on the blocking pool as every other read.
    /// `async` falls back to `libpq` when tokio-postgres cannot connect where libpq can (libpq's
    /// certificate options, a password from `PGPASSWORD` or `.pgpass`).
    #[arg(
        long,
        env = "CHISO_POSTGRES_READS",
        value_enum,
        default_value_t = PostgresReads::Async,
        global = true
    )]
    pub postgres_reads: PostgresReads,

    #[command(flatten)]
    pub auth: AuthSettings,
}

/// How write tokens are signed and checked. With neither a secret nor a public key, writes are
/// refused with an explanation; there is no built-in default secret.
#[derive(Clone, Args, Default)]
pub struct AuthSettings {
    /// HS256 shared secret (at least 32 bytes).
    #[arg(
        long = "jwt-secret",
        env = "CHISO_JWT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub secret: Option<String>,

    /// PEM public key file that verifies RS256 or EdDSA tokens.
    #[arg(long = "jwt-public-key", env = "CHISO_JWT_PUBLIC_KEY", global = true)]
    pub public_key: Option<std::path::PathBuf>,

    /// PEM private key file, for `chiso token issue` with RS256 or EdDSA.
    #[arg(long = "jwt-private-key", env = "CHISO_JWT_PRIVATE_KEY", global = true)]
    pub private_key: Option<std::path::PathBuf>,

    /// `HS256` (with a secret), `RS256` or `EdDSA` (with key files).
    #[arg(long = "jwt-algorithm", env = "CHISO_JWT_ALGORITHM", global = true)]
    pub algorithm: Option<String>,

    /// The `iss` tokens must carry.
    #[arg(
        long = "jwt-issuer",
        env = "CHISO_JWT_ISSUER",
        default_value = "chiso",
        global = true
    )]
    pub issuer: String,

    /// The `aud` tokens must carry.
    #[arg(
        long = "jwt-audience",
        env = "CHISO_JWT_AUDIENCE",
        default_value = "chiso-api",
        global = true
    )]
    pub audience: String,
}

/// Never prints the secret.
impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("public_key", &self.public_key)
            .field("private_key", &self.private_key)
            .field("algorithm", &self.algorithm)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

impl Settings {
    pub fn database(&self) -> anyhow::Result<DatabaseUrl> {
        DatabaseUrl::parse(&self.database_url).map_err(anyhow::Error::msg)
    }

    /// The URL with any password replaced, for logs.
    pub fn redacted_database_url(&self) -> String {
        match self.database_url.split_once("://") {
            Some((scheme, rest)) => match rest.split_once('@') {
                Some((userinfo, host)) => {
                    let user = userinfo.split(':').next().unwrap_or("");
                    let masked = if userinfo.contains(':') {
                        format!("{user}:***")
                    } else {
                        user.to_owned()
                    };
                    format!("{scheme}://{masked}@{host}")
                }
                None => self.database_url.clone(),
            },
            None => self.database_url.clone(),
        }
    }
}
