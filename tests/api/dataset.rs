//! The shipped dataset: every quote verbatim in its article, and loading twice changes nothing.

use std::collections::HashMap;
use std::path::PathBuf;

use chiso::dataset::{self, Dataset};
use chiso::db::{self, DatabaseUrl};

use crate::helpers::spawn_app;

/// The texts every shipped figure is quoted from, one file per source, shipped in the repo.
fn articles_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/articles"))
}

fn article(id: &str) -> String {
    let path = articles_dir().join(format!("{id}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn every_shipped_quote_occurs_verbatim_in_its_article() {
    let data = Dataset::embedded().expect("dataset parses");
    let articles: HashMap<String, String> = data
        .sources
        .iter()
        .map(|s| (s.id.clone(), article(&s.id)))
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

/// A web page's text opens with its address; the five seed articles are the originals.
#[test]
fn every_article_names_its_page_or_is_a_seed_copy() {
    let data = Dataset::embedded().expect("dataset parses");
    // CI sets CHISO_SEEDS_DIR to the originals beside the clone; a clean clone has none.
    let seeds = std::env::var_os("CHISO_SEEDS_DIR").map(PathBuf::from);
    for source in &data.sources {
        let text = article(&source.id);
        match (&source.seed_file, &source.url) {
            (Some(seed), _) => {
                if let Some(dir) = &seeds {
                    let original = std::fs::read_to_string(dir.join(seed))
                        .unwrap_or_else(|e| panic!("CHISO_SEEDS_DIR: {seed}: {e}"));
                    assert_eq!(text, original, "{} differs from its seed {seed}", source.id);
                }
            }
            (None, Some(url)) => assert_eq!(
                text.lines().next(),
                Some(format!("# {url}").as_str()),
                "{} opens with its URL",
                source.id
            ),
            (None, None) => panic!("{} has neither a seed file nor a URL", source.id),
        }
    }
    let shipped = std::fs::read_dir(articles_dir()).unwrap().count();
    assert_eq!(
        shipped,
        data.sources.len(),
        "one article per source, no strays"
    );
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
    assert_eq!(report.observations, 0, "nothing to write: {report:?}");
    assert_eq!(snapshot(&app).await, before);
    assert_eq!(
        app.total("/api/v1/changes").await,
        0,
        "and nothing to record"
    );
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
