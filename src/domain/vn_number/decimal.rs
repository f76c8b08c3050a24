//! The digits of a figure: "." and "," read as decimal mark or thousands separator, into
//! decimal digits and a power of ten.

/// Reads "1.663.000", "1,85", "99.29", "1.234,5" into (digits, power of ten).
pub(super) fn read_decimal(s: &str) -> Option<(String, i32)> {
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let (int_part, frac_part) = match (dots, commas) {
        (0, 0) => (s.to_owned(), String::new()),
        // Both present: the last one is the decimal mark, the other groups thousands.
        (_, _) if dots > 0 && commas > 0 => {
            let decimal = if s.rfind('.') > s.rfind(',') {
                '.'
            } else {
                ','
            };
            let group = if decimal == '.' { ',' } else { '.' };
            let (int, frac) = s.rsplit_once(decimal)?;
            if int.matches(decimal).count() > 0 || !is_grouped(int, group) {
                return None;
            }
            (int.replace(group, ""), frac.to_owned())
        }
        (_, 0) => {
            if is_grouped(s, '.') {
                (s.replace('.', ""), String::new())
            } else if dots == 1 {
                let (int, frac) = s.split_once('.')?;
                (int.to_owned(), frac.to_owned())
            } else {
                return None;
            }
        }
        (0, _) => {
            if commas > 1 && is_grouped(s, ',') {
                (s.replace(',', ""), String::new())
            } else if commas == 1 {
                let (int, frac) = s.split_once(',')?;
                (int.to_owned(), frac.to_owned())
            } else {
                return None;
            }
        }
        _ => unreachable!("all combinations handled above"),
    };
    if int_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let exponent = -(frac_part.len() as i32);
    Some((format!("{int_part}{frac_part}"), exponent))
}

/// "1.663.000": a first group of 1-3 digits not starting a zero-led number, then groups of three.
fn is_grouped(s: &str, sep: char) -> bool {
    let mut groups = s.split(sep);
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first != "0"
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}
