//! Unguessable tokens: 128 bits from the operating system's generator, as
//! 32 lowercase hex digits (the addresses of confirmation pages, the
//! files kept for a form sent back with errors).

/// A new token.
pub fn new() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `s` has the shape of a token (before it is looked up).
pub fn is_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
