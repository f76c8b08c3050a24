//! chiso: Vietnam's provincial ICT and digital-transformation statistics as a versioned HTTP API.
//!
//! Layers, outside in: `startup` (the CLI's commands and the server's wiring) and `api` (HTTP:
//! parameters, views, handlers, the OpenAPI document, problem+json) call the layers below, which
//! never call back up and know nothing of HTTP: `input` (what a write must satisfy), `import`
//! and `dataset` (bulk data in), `store` (queries, one module per resource) over `db` (one
//! connection type for SQLite and PostgreSQL), with `domain` (parsed types), `analysis`
//! (rankings, series and attainment over rows already read), `auth` (tokens) and `error` (the
//! domain's one error enum) beside them.

pub mod analysis;
pub mod api;
pub mod auth;
pub mod config;
pub mod dataset;
pub mod db;
pub mod domain;
pub mod error;
pub mod import;
pub mod input;
pub mod startup;
pub mod store;

/// What the library's own tests share.
#[cfg(test)]
mod test_support {
    /// Property tests' settings: `cases` inputs, and shrunk failures reported, not written to a
    /// regressions folder in the tree (a failure found becomes a unit test).
    pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
        proptest::test_runner::Config {
            cases,
            failure_persistence: None,
            ..Default::default()
        }
    }
}
