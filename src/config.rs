//! Settings, from environment variables with command-line flags able to override them.

use clap::Args;

use crate::db::DatabaseUrl;

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
