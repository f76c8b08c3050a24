//! The `chiso` command line: parse, then hand over to the library.

use clap::{Parser, Subcommand};

use chiso::config::Settings;

/// mimalloc rather than the system allocator: a cold series read allocates a few hundred small
/// strings and frees them again, and glibc's malloc spent 13% of that read's CPU on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "chiso",
    version,
    about = "Open data API for Vietnam's provincial ICT statistics"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (the default). Creates, migrates and loads an empty database first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load (or refresh) the shipped dataset into the database; running it twice changes nothing.
    /// A refresh records what it changes in the audit trail.
    Seed,
    /// Print the OpenAPI document to standard output.
    Openapi,
    /// Import observations from a CSV or JSON file: all rows or none, upserted by natural key.
    Import {
        /// A `.csv` file with a header row, or a `.json` array of objects.
        file: std::path::PathBuf,
        /// Validate and report what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Recorded as the author of the changes.
        #[arg(long, default_value = "cli")]
        actor: String,
        /// Recorded as the reason for the changes.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Write the whole dataset as a zipped Frictionless Data Package (what GET /api/v1/export
    /// serves).
    Export {
        /// The `.zip` file to write.
        file: std::path::PathBuf,
        /// The data as it stood right after this change of the audit trail (0: before any).
        #[arg(long)]
        as_of_version: Option<i32>,
    },
    /// Issue or revoke write tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a signed token (and nothing else) on standard output.
    Issue {
        /// Who the token is for; recorded as the author of every change made with it.
        #[arg(long)]
        sub: String,
        /// `editor` or `admin`.
        #[arg(long, default_value = "editor")]
        role: chiso::auth::Role,
        /// Lifetime, e.g. `30d`, `12h`.
        #[arg(long, default_value = "30d", value_parser = humantime::parse_duration)]
        ttl: std::time::Duration,
    },
    /// Deny a token from now on, on every server using this database.
    Revoke {
        /// The token's `jti` claim.
        jti: String,
        /// Why, for the record.
        #[arg(long)]
        reason: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.settings),
        Command::Migrate => {
            let applied = chiso::startup::migrate(&cli.settings)?;
            log::info!("applied {applied} migration(s)");
            Ok(())
        }
        Command::Seed => {
            let report = chiso::startup::seed(&cli.settings)?;
            println!("{report}");
            Ok(())
        }
        Command::Openapi => {
            println!("{}", chiso::api::openapi::document_json());
            Ok(())
        }
        Command::Import {
            file,
            dry_run,
            actor,
            reason,
        } => {
            let report = chiso::startup::import_file(
                &cli.settings,
                &file,
                &actor,
                reason.as_deref(),
                dry_run,
            )?;
            println!(
                "{} rows: {} created, {} updated, {} unchanged{}",
                report.rows,
                report.created,
                report.updated,
                report.unchanged,
                if report.dry_run {
                    " (dry run: nothing written)"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Command::Export {
            file,
            as_of_version,
        } => {
            let (version, counts) =
                chiso::startup::export_file(&cli.settings, &file, as_of_version)?;
            let rows: Vec<String> = counts.iter().map(|(t, n)| format!("{n} {t}")).collect();
            println!(
                "wrote {} (data version {version}): {}",
                file.display(),
                rows.join(", ")
            );
            Ok(())
        }
        Command::Token(TokenCommand::Issue { sub, role, ttl }) => {
            let keys = chiso::auth::Keys::from_settings(&cli.settings.auth)?.ok_or_else(|| {
                anyhow::anyhow!("no key configured: set CHISO_JWT_SECRET, or CHISO_JWT_PUBLIC_KEY and CHISO_JWT_PRIVATE_KEY")
            })?;
            let (token, claims) = keys.issue(&sub, role, ttl)?;
            log::info!(
                "issued token jti={} for {} ({:?}), expires at {}",
                claims.jti,
                claims.sub,
                claims.role,
                claims.exp
            );
            println!("{token}");
            Ok(())
        }
        Command::Token(TokenCommand::Revoke { jti, reason }) => {
            let newly = chiso::startup::revoke_token(&cli.settings, &jti, reason)?;
            log::info!(
                "{}",
                if newly {
                    format!("revoked {jti}")
                } else {
                    format!("{jti} was already revoked")
                }
            );
            Ok(())
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = chiso::startup::Application::build(settings).await?;
        log::info!("chiso listening on http://{}", app.address());
        app.run_until_stopped().await?;
        Ok(())
    })
}
