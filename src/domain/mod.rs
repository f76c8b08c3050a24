//! Validated domain types: reporting periods, Vietnamese numbers, search folding and the closed
//! vocabularies (statuses, categories, ...). Nothing here touches HTTP or the database.

pub mod citation;
pub mod period;
pub mod text;
pub mod vn_number;
pub mod vocab;

pub use period::{PeriodId, PeriodKind};
