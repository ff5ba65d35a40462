//! Italian number formats for citizens: `197.769,00 €`, `10.125`.

/// Groups the digits of a non-negative integer string with dots: `197769` → `197.769`.
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// An integer with Italian thousands separators: `10125` → `10.125`.
pub fn integer(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group(&n.unsigned_abs().to_string()))
}

/// A decimal with two decimals, Italian style: `197769.5` → `197.769,50`.
pub fn decimal2(n: f64) -> String {
    let fixed = format!("{:.2}", n.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, "00"));
    let sign = if n < 0.0 && fixed != "0.00" { "-" } else { "" };
    format!("{sign}{},{frac}", group(int))
}

/// An amount in euro: `197.769,00 €`, with a no-break space so the symbol
/// never wraps to the next line.
pub fn euro(n: f64) -> String {
    format!("{}\u{a0}€", decimal2(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(euro(197769.0), "197.769,00\u{a0}€");
        assert_eq!(euro(65644.0), "65.644,00\u{a0}€");
        assert_eq!(euro(0.5), "0,50\u{a0}€");
        assert_eq!(decimal2(-1234.567), "-1.234,57");
        assert_eq!(integer(10125), "10.125");
        assert_eq!(integer(584), "584");
        assert_eq!(integer(-1000000), "-1.000.000");
    }
}
