//! chiso: Vietnam's provincial ICT and digital-transformation statistics as a versioned HTTP API.
//!
//! Layers, outside in: `api` (HTTP: parameters, views, handlers) calls `store` (queries, one
//! module per resource) over `db` (one connection type for SQLite and PostgreSQL); `domain`
//! holds validated types shared by both; `dataset` is the shipped data.

pub mod api;
pub mod auth;
pub mod config;
pub mod dataset;
pub mod db;
pub mod domain;
pub mod error;
pub mod import;
pub mod input;
pub mod openapi;
pub mod startup;
pub mod store;
