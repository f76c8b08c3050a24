//! One test binary that drives the real HTTP app. Runs on SQLite, or on PostgreSQL when
//! `CHISO_TEST_POSTGRES_URL` is set.

mod dataset;
mod errors;
mod health;
mod helpers;
mod lists;
mod observations;
mod openapi;
mod provinces;
mod resources;
