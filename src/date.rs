//! Calendar dates as staff write them (`2022-07-21`) and as citizens read
//! them (`21 luglio 2022`).

use std::fmt;

/// A valid Gregorian calendar date. Construct it with [`Date::parse`] or
/// [`Date::today`]; an impossible date (`2022-02-30`) cannot exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

const MESI: [&str; 12] = [
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

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl Date {
    /// Parses `YYYY-MM-DD`, optionally followed by a time (`T10:00:00Z`),
    /// which is accepted and ignored: pages are dated by day.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let date_part = text.get(..10).unwrap_or(text);
        let rest = text.get(10..).unwrap_or("");
        let bytes = date_part.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok || !(rest.is_empty() || rest.starts_with(['T', ' '])) {
            return Err("expected a date written as YYYY-MM-DD, e.g. 2022-07-21".into());
        }
        let num = |r: std::ops::Range<usize>| date_part[r].parse::<u32>().unwrap_or(0);
        let (year, month, day) = (num(0..4) as i32, num(5..7) as u8, num(8..10) as u8);
        if !(1..=12).contains(&month) {
            return Err("month must be 01 to 12".into());
        }
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(format!("day must be 01 to {max} for that month"));
        }
        Ok(Date { year, month, day })
    }

    /// Today's date in UTC (the build machine's clock).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Civil date from a day count (Howard Hinnant's `civil_from_days`).
    fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// `21 luglio 2022`; the first of the month as `1º` is the Italian style.
    pub fn italian(&self) -> String {
        let day = if self.day == 1 {
            "1º".to_string()
        } else {
            self.day.to_string()
        };
        format!("{day} {} {}", MESI[usize::from(self.month - 1)], self.year)
    }
}

/// Serialised as written (`2022-07-21`): what templates and JSON get.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Date {
    /// ISO 8601 (`2022-07-21`): what `<time datetime>` and sitemaps need.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_dates_only() {
        assert_eq!(Date::parse("2022-07-21").unwrap().to_string(), "2022-07-21");
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(
            Date::parse("2022-07-21T10:00:00Z").unwrap().to_string(),
            "2022-07-21"
        );
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2022-13-01").is_err());
        assert!(Date::parse("21/07/2022").is_err());
        assert!(Date::parse("2022-7-1").is_err());
        assert!(Date::parse("2022-07-21garbage").is_err());
        assert!(Date::parse("").is_err());
        assert!(Date::parse("ééééééééééé").is_err());
    }

    #[test]
    fn italian_format() {
        assert_eq!(
            Date::parse("2022-07-21").unwrap().italian(),
            "21 luglio 2022"
        );
        assert_eq!(
            Date::parse("2017-01-02").unwrap().italian(),
            "2 gennaio 2017"
        );
        assert_eq!(
            Date::parse("2020-09-01").unwrap().italian(),
            "1º settembre 2020"
        );
    }

    #[test]
    fn civil_from_days() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(19_358).to_string(),
            "2023-01-01"
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
    }
}
