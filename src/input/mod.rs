//! What a write must satisfy, in one place for every way data comes in: the API's writes,
//! `chiso import`, `POST /imports` and the shipped dataset (`dataset`), whose CSV rows are read
//! into the same inputs. Inputs are parsed and checked against the catalogue
//! (`store::catalogue`), and every refusal names its field as a JSON pointer. Nothing here
//! knows HTTP.

pub mod award;
pub mod indicator;
pub mod observation;
pub mod province;
pub mod refs;
pub mod source;
pub mod target;

use crate::error::FieldError;

/// Collects validation errors field by field.
#[derive(Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, pointer: &str, detail: impl Into<String>) {
        self.0.push(FieldError::at(pointer, detail));
    }

    /// Keeps the value, or records the error and gives `None`.
    pub fn check<T>(&mut self, pointer: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(pointer, e);
                None
            }
        }
    }

    pub fn one_of(&mut self, pointer: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.add(
                pointer,
                format!("`{value}` is not one of: {}", allowed.join(", ")),
            );
        }
    }

    /// Records an error when `text` takes more than `max` bytes of UTF-8.
    pub fn at_most_bytes(&mut self, pointer: &str, text: &str, max: usize) {
        if text.len() > max {
            self.add(
                pointer,
                format!(
                    "is {} bytes of UTF-8; at most {max} are allowed",
                    text.len()
                ),
            );
        }
    }

    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

// Bounds on free text, in bytes of UTF-8: a PostgreSQL B-tree entry holds at most 2,704 bytes,
// and these fields are in entries. A quote is in awards' natural key, and an observation's every
// column is in its series index (migration 9), so that a series is read from the index alone.
// With these bounds and the slugs' (100 bytes), the widest observation entry is about 2,200
// bytes. The longest quote in the shipped data is 601 bytes.

/// The most a quote (the sentence a figure came from) may take.
pub const MAX_QUOTE_BYTES: usize = 1500;
/// The most a figure's printed text (`value_text`, or `value` given as text) may take.
pub const MAX_PRINTED_BYTES: usize = 200;
/// The most an indicator's unit may take.
pub const MAX_UNIT_BYTES: usize = 100;

/// A slug: lowercase ASCII letters, digits and single hyphens.
pub fn check_slug(errors: &mut Errors, pointer: &str, id: &str) {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--");
    if !ok {
        errors.add(
            pointer,
            format!("`{id}` is not a slug: lowercase ASCII letters, digits and single hyphens"),
        );
    }
}
