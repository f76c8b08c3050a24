//! Search folding: "BẮC GIANG", "Bắc Giang" and "bac giang" all fold to "bac giang".

/// Lowercase ASCII with diacritics removed (`đ` becomes `d`) and whitespace collapsed.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
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

#[cfg(test)]
mod tests {
    use super::*;

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
