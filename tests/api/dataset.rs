//! The shipped dataset: every quote verbatim in its article, and loading twice changes nothing.

use std::collections::HashMap;
use std::path::PathBuf;

use chiso::dataset::{self, Dataset};
use chiso::db::{self, DatabaseUrl};

use crate::helpers::spawn_app;

/// The five articles, in `../shared/seeds/` beside the repository (or `CHISO_SEEDS_DIR`).
fn seeds_dir() -> PathBuf {
    std::env::var_os("CHISO_SEEDS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds")))
}

#[test]
fn every_shipped_quote_occurs_verbatim_in_its_article() {
    let data = Dataset::embedded().expect("dataset parses");
    let dir = seeds_dir();
    let articles: HashMap<String, String> = data
        .sources
        .iter()
        .map(|s| {
            let file = s
                .seed_file
                .clone()
                .expect("every shipped source names its seed file");
            let text = std::fs::read_to_string(dir.join(&file)).unwrap_or_else(|e| {
                panic!(
                    "cannot read {} ({e}); set CHISO_SEEDS_DIR",
                    dir.join(&file).display()
                )
            });
            (s.id.clone(), text)
        })
        .collect();
    let mut checked = 0;
    let mut cite =
        |what: &str, source: Option<&str>, quote: Option<&str>, value_text: Option<&str>| {
            let (Some(source), Some(quote)) = (source, quote) else {
                panic!("{what} has no citation")
            };
            let article = &articles[source];
            assert!(
                article.contains(quote),
                "{what}: quote not verbatim in {source}: {quote}"
            );
            if let Some(text) = value_text {
                assert!(quote.contains(text), "{what}: `{text}` not in its quote");
            }
            checked += 1;
        };
    for o in &data.observation_records {
        let what = format!(
            "observation {}/{}/{}",
            o.province_id, o.indicator_code, o.period_id
        );
        cite(
            &what,
            o.source_id.as_deref(),
            o.quote.as_deref(),
            o.value_text.as_deref(),
        );
    }
    for t in &data.target_records {
        let what = format!(
            "target {}/{}/{}",
            t.province_id, t.indicator_code, t.period_id
        );
        cite(
            &what,
            t.source_id.as_deref(),
            t.quote.as_deref(),
            t.value_text.as_deref(),
        );
    }
    for a in &data.award_records {
        cite(
            &format!("award {}", a.quote),
            Some(&a.source_id),
            Some(&a.quote),
            None,
        );
    }
    assert!(checked > 100, "only {checked} citations checked");
}

#[actix_web::test]
async fn loading_the_dataset_twice_changes_nothing() {
    let app = spawn_app().await;
    let before = snapshot(&app).await;
    let url = DatabaseUrl::parse(&app.database_url).unwrap();
    let report = actix_web::web::block(move || {
        let pool = db::build_pool(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        dataset::load(&mut conn, &Dataset::embedded().unwrap()).unwrap()
    })
    .await
    .unwrap();
    assert!(report.observations > 0);
    assert_eq!(snapshot(&app).await, before);
}

async fn snapshot(app: &crate::helpers::TestApp) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    for path in [
        "provinces",
        "indicators",
        "observations",
        "targets",
        "awards",
        "sources",
    ] {
        all.push(app.get_ok(&format!("/api/v1/{path}?limit=1000")).await);
    }
    all
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |backend: &str| -> Vec<String> {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).join(backend);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in &names {
            for file in ["up.sql", "down.sql"] {
                assert!(
                    dir.join(name).join(file).exists(),
                    "{backend}/{name}/{file} missing"
                );
            }
        }
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite,
        names("postgres"),
        "migrations/sqlite and migrations/postgres must hold the same migrations"
    );
}
