//! Computations over figures already read: rankings, series with the 2025 lineage, target
//! attainment, chart axes. No queries and no HTTP: a handler reads what it needs, calls these,
//! and renders the result, so each rule is tested here on its own.

pub mod attainment;
pub mod axis;
pub mod ranking;
pub mod series;

pub use attainment::{attainment, AttainmentStatus};
pub use series::Transform;
