//! Checks for Italian identifiers and contact details, used by form
//! validation. Each takes the value as typed (already trimmed) and returns
//! the normalised value, or `None` when it is not valid.

/// An email (or PEC) address: `nome@dominio.it`, checked by the
/// `email_address` crate, the same parser the mailer (lettre) uses, so an
/// address the form accepts is one a receipt can be sent to. On top of it:
/// a domain name with a dot (no bare hosts or IP literals, which no sender
/// of a public form has), no quoted local part (`":"@esempio.it` is valid
/// in RFC 5322, but lettre's mailbox parser refuses some such addresses, and
/// no sender needs one), and at most 254 characters (the SMTP limit).
pub fn email(s: &str) -> Option<String> {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = s.rsplit_once('@')?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('[')
        && email_address::EmailAddress::is_valid_domain(domain);
    let local_ok =
        !local.starts_with('"') && email_address::EmailAddress::is_valid_local_part(local);
    (domain_ok && local_ok).then(|| s.to_string())
}

/// An Italian phone number, with or without `+39`/`0039`: a landline
/// (starting with 0, 6 to 11 digits) or a mobile (starting with 3, 9 or 10
/// digits). Spaces, dots, dashes, slashes and brackets are allowed between
/// digits. Normalised as `+39` followed by the digits.
pub fn tel(s: &str) -> Option<String> {
    let mut rest = s.trim();
    if let Some(r) = rest.strip_prefix("+39") {
        rest = r;
    } else if let Some(r) = rest.strip_prefix("0039") {
        rest = r;
    }
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '/' | '(' | ')' => {}
            _ => return None,
        }
    }
    let ok = match digits.as_bytes().first() {
        Some(b'0') => (6..=11).contains(&digits.len()),
        Some(b'3') => (9..=10).contains(&digits.len()),
        _ => false,
    };
    ok.then(|| format!("+39{digits}"))
}

/// Landline area codes of two and three digits (the rest have four), to
/// group a number as people write it.
const SHORT_AREA_CODES: &[&str] = &[
    "02", "06", "010", "011", "015", "019", "030", "031", "035", "039", "040", "041", "045", "049",
    "050", "051", "055", "059", "070", "071", "075", "079", "080", "081", "085", "089", "090",
    "091", "095", "099",
];

/// A phone number as stored (`+390583123456`) as people read it:
/// `+39 0583 123456` (area code apart), `+39 347 1234567` (mobile prefix
/// apart). Anything else is shown as it is.
pub fn tel_display(stored: &str) -> String {
    let Some(digits) = stored.strip_prefix("+39") else {
        return stored.to_string();
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return stored.to_string();
    }
    let split = if digits.starts_with('0') {
        SHORT_AREA_CODES
            .iter()
            .find(|c| digits.starts_with(**c))
            .map_or(4, |c| c.len())
    } else {
        3
    };
    if digits.len() <= split {
        return format!("+39 {digits}");
    }
    format!("+39 {} {}", &digits[..split], &digits[split..])
}

/// The codice fiscale of an organisation: 11 digits whose last one is the
/// check digit of the partita IVA algorithm.
pub fn codice_fiscale_ente(s: &str) -> Option<String> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let digits: Vec<u32> = s.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if digits.len() != 11 || digits.iter().all(|&d| d == 0) {
        return None;
    }
    let mut sum = 0;
    for (i, &d) in digits[..10].iter().enumerate() {
        if i % 2 == 0 {
            sum += d;
        } else {
            let dd = d * 2;
            sum += if dd > 9 { dd - 9 } else { dd };
        }
    }
    let check = (10 - sum % 10) % 10;
    (check == digits[10]).then_some(s)
}

/// What is wrong with an organisation's codice fiscale that
/// [`codice_fiscale_ente`] refuses, said to the person who typed it: a
/// wrong length and a wrong check digit need different corrections.
pub fn codice_fiscale_ente_problem(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let n = s.chars().count();
    if !s.chars().all(|c| c.is_ascii_digit()) {
        "il codice fiscale di un ente è fatto solo di cifre: togli lettere e altri segni.".into()
    } else if n != 11 {
        format!(
            "il codice fiscale di un ente ha 11 cifre, {}: controlla di averlo copiato per intero.",
            if n == 1 {
                "ne hai scritta 1".to_string()
            } else {
                format!("ne hai scritte {n}")
            }
        )
    } else {
        "le 11 cifre non formano un codice fiscale valido: l’ultima, la cifra di controllo, non corrisponde alle altre. Controlla di non aver scambiato o sbagliato una cifra.".into()
    }
}

/// What is wrong with a person's codice fiscale that [`codice_fiscale`]
/// refuses: the length, the pattern, or the check letter.
pub fn codice_fiscale_problem(s: &str) -> String {
    let n = s.chars().filter(|c| !c.is_whitespace()).count();
    if n != 16 {
        format!("il codice fiscale ha 16 caratteri, lettere e numeri; ne hai scritti {n}: controlla di averlo copiato per intero.")
    } else if codice_fiscale_shape(s) {
        "l’ultima lettera, quella di controllo, non corrisponde agli altri caratteri: controlla di non aver scambiato o sbagliato un carattere.".into()
    } else {
        "lettere e numeri non sono nell’ordine di un codice fiscale (6 lettere, 2 numeri, una lettera, 2 numeri, una lettera, 3 numeri, una lettera).".into()
    }
}

/// Value of a character of a personal codice fiscale in odd positions
/// (1st, 3rd, ...), per the Ministry of Finance's table.
fn odd_value(c: char) -> Option<u32> {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let idx = match c {
        '0'..='9' => c as usize - '0' as usize,
        'A'..='Z' => c as usize - 'A' as usize,
        _ => return None,
    };
    ODD.get(idx).copied()
}

fn even_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32),
        _ => None,
    }
}

/// A person's codice fiscale: 16 characters (6 letters, 2 digits, month
/// letter, 2 digits, a letter, 3 digits, check letter), digits possibly
/// replaced by omocodia letters (L M N P Q R S T U V), check letter verified.
/// Normalised to upper case.
pub fn codice_fiscale(s: &str) -> Option<String> {
    if !codice_fiscale_shape(s) {
        return None;
    }
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let chars: Vec<char> = s.chars().collect();
    let mut sum = 0;
    for (i, &c) in chars[..15].iter().enumerate() {
        sum += if i % 2 == 0 {
            odd_value(c)?
        } else {
            even_value(c)?
        };
    }
    let check = char::from(b'A' + (sum % 26) as u8);
    (check == chars[15]).then_some(s)
}

/// Whether a person's codice fiscale has 16 characters in the right
/// pattern (the check letter aside).
fn codice_fiscale_shape(s: &str) -> bool {
    let chars: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
        .chars()
        .collect();
    if chars.len() != 16 {
        return false;
    }
    const OMOCODIA: &str = "LMNPQRSTUV";
    let digit_like = |c: char| c.is_ascii_digit() || OMOCODIA.contains(c);
    let letter = |c: char| c.is_ascii_uppercase();
    let shape = chars[..6].iter().all(|&c| letter(c))
        && digit_like(chars[6])
        && digit_like(chars[7])
        && "ABCDEHLMPRST".contains(chars[8])
        && digit_like(chars[9])
        && digit_like(chars[10])
        && letter(chars[11])
        && chars[12..15].iter().all(|&c| digit_like(c))
        && letter(chars[15]);
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partita_iva_check_digit() {
        // Check digits computed by hand with the partita IVA algorithm.
        assert_eq!(
            codice_fiscale_ente("00000000018").as_deref(),
            Some("00000000018")
        );
        assert_eq!(
            codice_fiscale_ente("00000000019"),
            None,
            "wrong check digit"
        );
        assert_eq!(
            codice_fiscale_ente("12345678903").as_deref(),
            Some("12345678903")
        );
        assert_eq!(codice_fiscale_ente("12345678901"), None);
        assert_eq!(codice_fiscale_ente("1234567890"), None, "10 digits");
        assert_eq!(codice_fiscale_ente("1234567890A"), None);
        assert_eq!(codice_fiscale_ente("00000000000"), None);
    }

    #[test]
    fn personal_codice_fiscale() {
        // The Agenzia delle Entrate's documentation example.
        assert_eq!(
            codice_fiscale("RSSMRA85T10A562S").as_deref(),
            Some("RSSMRA85T10A562S")
        );
        assert_eq!(
            codice_fiscale("rssmra85t10a562s").as_deref(),
            Some("RSSMRA85T10A562S")
        );
        assert_eq!(
            codice_fiscale("RSSMRA85T10A562T"),
            None,
            "wrong check letter"
        );
        assert_eq!(codice_fiscale("RSSMRA85Z10A562S"), None, "bad month letter");
        assert_eq!(codice_fiscale("RSSMRA85T10A562"), None);
        // Omocodia: the last digit 2 replaced by N changes the check letter.
        let omocode = "RSSMRA85T10A56NH";
        let mut sum = 0;
        for (i, c) in omocode[..15].chars().enumerate() {
            sum += if i % 2 == 0 {
                odd_value(c).unwrap()
            } else {
                even_value(c).unwrap()
            };
        }
        assert_eq!(char::from(b'A' + (sum % 26) as u8), 'H');
        assert_eq!(codice_fiscale(omocode).as_deref(), Some(omocode));
    }

    #[test]
    fn problems_say_length_and_check_digit_apart() {
        let ente = codice_fiscale_ente_problem;
        assert!(ente("1234567890").contains("ha 11 cifre, ne hai scritte 10"));
        assert!(ente("123456789012").contains("ne hai scritte 12"));
        assert!(ente("12345678901").contains("cifra di controllo"));
        assert!(!ente("12345678901").contains("11 cifre,"));
        assert!(ente("1234567890A").contains("solo di cifre"));
        let persona = codice_fiscale_problem;
        assert!(persona("RSSMRA85T10A562").contains("ne hai scritti 15"));
        assert!(persona("RSSMRA85T10A562T").contains("quella di controllo"));
        assert!(persona("RSSMRA85Z10A562S").contains("non sono nell’ordine"));
    }

    #[test]
    fn phones() {
        assert_eq!(tel("0583 123456").as_deref(), Some("+390583123456"));
        assert_eq!(tel("+39 333 123 4567").as_deref(), Some("+393331234567"));
        assert_eq!(
            tel("0039 (0583) 12-34-56").as_deref(),
            Some("+390583123456")
        );
        assert_eq!(tel("12345"), None);
        assert_eq!(tel("333 12"), None);
        assert_eq!(tel("0583 123456\r\nBcc: x"), None);
        assert_eq!(tel("+44 20 7946 0958"), None);
    }

    #[test]
    fn emails() {
        assert!(email("segreteria@associazione.it").is_some());
        assert!(email("ente@pec.it").is_some());
        assert!(email("a@b").is_none());
        assert!(email("a b@c.it").is_none());
        assert!(email("a@c.it\r\nBcc: x@y.it").is_none());
        assert!(email("@c.it").is_none());
        assert!(email("a@.c.it").is_none());
    }
}
