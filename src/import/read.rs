//! Reading an import's rows, CSV or JSON, into observation inputs; every refusal names its row
//! and column.

use std::collections::HashMap;

use super::{column_of, ImportFormat, ALIASES, COLUMNS, REQUIRED};
use crate::error::FieldError;
use crate::input::observation::ObservationInput;
use crate::input::refs::NumberInput;

/// Reads the rows into inputs. Row numbers count the CSV header as row 1, and the first JSON
/// element as row 1.
fn canonical_column(name: &str) -> Option<&'static str> {
    let name = name.trim().trim_start_matches('\u{feff}');
    COLUMNS.iter().copied().find(|c| *c == name).or_else(|| {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, c)| *c)
    })
}

pub fn read(
    format: ImportFormat,
    body: &[u8],
) -> Result<Vec<(usize, ObservationInput)>, Vec<FieldError>> {
    match format {
        ImportFormat::Csv => read_csv(body),
        ImportFormat::Json => read_json(body),
    }
}

fn read_csv(body: &[u8]) -> Result<Vec<(usize, ObservationInput)>, Vec<FieldError>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| vec![FieldError::cell(1, "(header)", e.to_string())])?
        .clone();
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for name in headers.iter() {
        match canonical_column(name) {
            Some(c) if columns.contains(&Some(c)) => {
                errors.push(FieldError::cell(1, name, "repeated column"))
            }
            Some(c) => columns.push(Some(c)),
            None => {
                errors.push(FieldError::cell(
                    1,
                    name,
                    format!("unknown column; the columns are {}", COLUMNS.join(", ")),
                ));
                columns.push(None);
            }
        }
    }
    for required in REQUIRED {
        if !columns.contains(&Some(*required)) {
            errors.push(FieldError::cell(1, *required, "required column is missing"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError::cell(row, "(row)", e.to_string()));
                continue;
            }
        };
        let mut cells: HashMap<&str, String> = HashMap::new();
        for (column, cell) in columns.iter().zip(record.iter()) {
            let cell = cell.trim();
            if let Some(column) = column {
                let multiline = crate::domain::text::MULTILINE_FIELDS.contains(column);
                if let Some(reason) = crate::domain::text::control_character(cell, multiline) {
                    errors.push(FieldError::cell(row, *column, reason));
                } else if !cell.is_empty() {
                    cells.insert(column, cell.to_owned());
                }
            }
        }
        let mut integer = |name: &str| -> Option<i32> {
            let text = cells.get(name)?;
            match text.parse::<i32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError::cell(
                        row,
                        name,
                        format!("`{text}` is not an integer"),
                    ));
                    None
                }
            }
        };
        let rank_of = integer("rank_of");
        let denominator = integer("denominator");
        let mut missing = false;
        for required in REQUIRED {
            if !cells.contains_key(required) {
                errors.push(FieldError::cell(row, *required, "empty"));
                missing = true;
            }
        }
        if missing {
            continue;
        }
        let mut take = |name: &str| cells.remove(name);
        rows.push((
            row,
            ObservationInput {
                province_id: take("province_id").unwrap_or_default(),
                indicator_code: take("indicator_code").unwrap_or_default(),
                period_id: take("period_id").unwrap_or_default(),
                value: NumberInput::Text(take("value").unwrap_or_default()),
                unit: take("unit"),
                status: take("status"),
                qualifier: take("qualifier"),
                rank_of,
                denominator,
                value_text: take("value_text"),
                source_id: take("source_id"),
                quote: take("quote"),
            },
        ));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn read_json(body: &[u8]) -> Result<Vec<(usize, ObservationInput)>, Vec<FieldError>> {
    let items: Vec<serde_json::Value> = serde_json::from_slice(body).map_err(|e| {
        vec![FieldError::cell(
            0,
            "(body)",
            format!("the body must be a JSON array of observations: {e}"),
        )]
    })?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let row = index + 1;
        let item = match item {
            serde_json::Value::Object(mut map) => {
                for (alias, column) in ALIASES {
                    if let Some(v) = map.remove(*alias) {
                        map.entry(column.to_string()).or_insert(v);
                    }
                }
                serde_json::Value::Object(map)
            }
            _ => {
                errors.push(FieldError::cell(
                    row,
                    "(row)",
                    "each element must be an object",
                ));
                continue;
            }
        };
        let refused = crate::domain::text::control_characters_in(&item);
        if !refused.is_empty() {
            for (pointer, reason) in refused {
                errors.push(FieldError::cell(row, column_of(&pointer), reason));
            }
            continue;
        }
        match serde_path_to_error::deserialize::<_, ObservationInput>(item) {
            Ok(input) => rows.push((row, input)),
            Err(e) => errors.push(FieldError::cell(
                row,
                column_of(&format!("/{}", e.path())),
                e.inner().to_string(),
            )),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}
