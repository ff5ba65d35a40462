//! URL slugs and heading ids: `Novità e attività` → `novita-e-attivita`.

/// Lower-case ASCII letters, digits and single dashes. Accented letters lose
/// their accent (Italian: `à` → `a`), other scripts are transliterated.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Whether a separator was seen since the last letter or digit.
    let mut pending_dash = false;
    let push = |c: char, out: &mut String, pending_dash: &mut bool| {
        if c.is_ascii_alphanumeric() {
            if *pending_dash && !out.is_empty() {
                out.push('-');
            }
            *pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            *pending_dash = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            push(c, &mut out, &mut pending_dash);
        } else if let Some(ascii) = deunicode::deunicode_char(c) {
            for a in ascii.chars() {
                push(a, &mut out, &mut pending_dash);
            }
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_slugs() {
        assert_eq!(slugify("Novità e attività"), "novita-e-attivita");
        assert_eq!(slugify("Perché l’inclusione?"), "perche-l-inclusione");
        assert_eq!(slugify("  Servizi — 2022  "), "servizi-2022");
        assert_eq!(slugify("Caffè & più"), "caffe-piu");
        assert_eq!(slugify("!!!"), "");
    }
}
