//! The `chiso` command line: parse, then hand over to the library.

use clap::{Parser, Subcommand};

use chiso::config::Settings;

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
    Seed,
    /// Print the OpenAPI document to standard output.
    Openapi,
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
            println!("{}", chiso::openapi::document_json());
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
