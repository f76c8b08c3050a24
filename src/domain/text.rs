//! Search folding: "BẮC GIANG", "Bắc Giang" and "bac giang" all fold to "bac giang".

/// Lowercase ASCII with diacritics removed (`đ` becomes `d`) and whitespace collapsed.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Values longer than this get no "did you mean": a long value is no typo, and comparing it
/// with every candidate is slow.
pub const MAX_SUGGESTIBLE: usize = 64;

/// The candidate within two edits of `typed`, for a "did you mean": the closest, the first of
/// equals. Each candidate is (what is compared, what is suggested).
pub fn closest<'a, S: AsRef<str> + 'a>(
    typed: &str,
    candidates: impl IntoIterator<Item = (S, &'a str)>,
) -> Option<&'a str> {
    if typed.len() > MAX_SUGGESTIBLE {
        return None;
    }
    candidates
        .into_iter()
        .map(|(compared, suggested)| (strsim::levenshtein(typed, compared.as_ref()), suggested))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, suggested)| suggested)
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern and wraps it in `%`.
pub fn like_contains(folded: &str) -> String {
    let mut pattern = String::with_capacity(folded.len() + 2);
    pattern.push('%');
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Text fields that may span lines: tab and newline are allowed there, nowhere else.
pub const MULTILINE_FIELDS: &[&str] = &["quote", "description_vi", "description_en", "reason"];

/// Why `text` cannot be stored in a field: it holds a C0 or C1 control character (tab and
/// newline pass in multi-line fields). Stored control characters would flow into JSON, CSV and
/// SVG and break whoever reads them.
pub fn control_character(text: &str, multiline: bool) -> Option<String> {
    let bad = text
        .chars()
        .find(|&c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')))?;
    let allowed = if multiline {
        " (only tab and line breaks are allowed here)"
    } else {
        ""
    };
    Some(format!(
        "contains the control character U+{:04X}{allowed}",
        bad as u32
    ))
}

/// Every string in a JSON document that [`control_character`] refuses, as (JSON pointer,
/// reason). A field is multi-line when the key holding it is one of [`MULTILINE_FIELDS`].
pub fn control_characters_in(value: &serde_json::Value) -> Vec<(String, String)> {
    fn walk(
        value: &serde_json::Value,
        pointer: &mut String,
        key: &str,
        out: &mut Vec<(String, String)>,
    ) {
        match value {
            serde_json::Value::String(text) => {
                if let Some(reason) = control_character(text, MULTILINE_FIELDS.contains(&key)) {
                    out.push((pointer.clone(), reason));
                }
            }
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{index}"));
                    walk(item, pointer, key, out);
                    pointer.truncate(len);
                }
            }
            serde_json::Value::Object(map) => {
                for (name, item) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
                    walk(item, pointer, name, out);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut String::new(), "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_control_characters_outside_multiline_fields() {
        assert!(control_character("Bắc Giang\u{14}", false).is_some());
        assert!(control_character("next\u{85}line", true).is_some());
        assert!(control_character("a\nb", false).is_some());
        assert!(control_character("a\nb\tc", true).is_none());
        assert!(control_character("Thuê bao 1,85 triệu", false).is_none());
        let body =
            serde_json::json!({"title": "x\u{14}", "quote": "a\nb", "tags": ["ok", "\u{7f}"]});
        let found: Vec<String> = control_characters_in(&body)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(found, vec!["/title", "/tags/1"]);
    }

    #[test]
    fn folds_vietnamese_to_ascii() {
        assert_eq!(fold("Bắc Giang"), "bac giang");
        assert_eq!(fold("BẮC  GIANG"), "bac giang");
        assert_eq!(fold("Đắk Nông"), "dak nong");
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_contains("a%b_c"), "%a\\%b\\_c%");
    }
}
