//! The district's calendar: its time zone and the Italian way of writing
//! a day, shared by pages, calls, receipts and emails.

/// The time zone of the district: days, calls and receipts are counted in it.
pub const ZONE: &str = "Europe/Rome";

/// Italian month names, lowercase as they are written in a date.
pub const MESI: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// [`ZONE`], from the time zone database built into the binary (UTC only
/// if that were missing, which `tzdb-bundle-always` rules out).
pub fn rome() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(ZONE).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// `21 luglio 2022`, `1º gennaio 2023`: the one Italian way of writing a
/// day.
pub fn italian_day(date: jiff::civil::Date) -> String {
    let month = usize::try_from(date.month() - 1)
        .ok()
        .and_then(|m| MESI.get(m))
        .copied()
        .unwrap_or("");
    if date.day() == 1 {
        format!("1º {month} {}", date.year())
    } else {
        format!("{} {month} {}", date.day(), date.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_italian_day_for_every_caller() {
        assert_eq!(
            italian_day(jiff::civil::date(2026, 12, 1)),
            "1º dicembre 2026"
        );
        assert_eq!(
            italian_day(jiff::civil::date(2022, 7, 21)),
            "21 luglio 2022"
        );
        assert_eq!(
            italian_day(jiff::civil::date(2023, 2, 28)),
            "28 febbraio 2023"
        );
    }
}
