//! One test binary that drives the real HTTP app. Runs on SQLite, or on PostgreSQL when
//! `CHISO_TEST_POSTGRES_URL` is set.

mod analysis;
mod auth;
mod changes;
mod citations;
mod contract;
mod dataset;
mod dti;
mod edges;
mod errors;
mod export;
mod freshness;
mod health;
mod helpers;
mod imports;
mod journalists;
mod lists;
mod observations;
mod openapi;
mod properties;
mod provinces;
mod readme;
mod reliability;
mod resources;
mod vintages;
mod writes;
