//! What a write must satisfy, in one place for every way data comes in: the API's writes,
//! `chiso import` and `POST /imports`. Inputs are parsed and checked against the catalogue
//! (`store::catalogue`), and every refusal names its field as a JSON pointer. Nothing here
//! knows HTTP.

pub mod observation;
pub mod refs;

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

    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}
