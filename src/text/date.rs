//! Calendar dates as staff write them (`2022-07-21`, or with a time:
//! `2022-07-21T10:30:00+02:00`, `2022-07-21 10:30:00 +0200` as Jekyll
//! writes it) and as citizens read them (`21 luglio 2022`).

use crate::msg;
use crate::report::messages::Message;
use std::fmt;

/// A valid Gregorian calendar date, with the time of day when one was
/// written. Construct it with [`Date::parse`] or [`Date::today`]; an
/// impossible date (`2022-02-30`) or time (`25:99`) cannot exist.
///
/// Dates order by day, then by the time as written (a time without zone
/// comes before any time on the same day, offsets are not converted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
    time: Option<TimeOfDay>,
}

/// A time of day as written after a date, checked by jiff, with its
/// offset from UTC when one was written (`Z`, `+02:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct TimeOfDay {
    time: jiff::civil::Time,
    offset: Option<jiff::tz::Offset>,
}

/// The months in Italian, January first: dates shown on the site and
/// in the calls of the forms service.
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

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl Date {
    /// Parses `YYYY-MM-DD`, optionally followed by a time (`T10:00`,
    /// `T10:00:00Z`, ` 10:00:00 +0200`), which is checked and kept.
    /// What is wrong comes back as a catalogue message.
    pub fn parse(text: &str) -> Result<Date, Message> {
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
        if !shape_ok || !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
            return Err(msg!(DATE_SHAPE));
        }
        let num = |r: std::ops::Range<usize>| date_part[r].parse::<u32>().unwrap_or(0);
        let (year, month, day) = (num(0..4) as i32, num(5..7) as u8, num(8..10) as u8);
        if !(1..=12).contains(&month) {
            return Err(msg!(DATE_MONTH));
        }
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(msg!(DATE_DAY, max = max));
        }
        let time = match rest.get(1..).map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(TimeOfDay::parse(t)?),
        };
        Ok(Date {
            year,
            month,
            day,
            time,
        })
    }

    /// RFC 3339, as Atom feeds require a full date and time: a date alone
    /// is its midnight, a time without zone is taken as UTC.
    pub fn rfc3339(self) -> String {
        let date = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        match self.time {
            None => format!("{date}T00:00:00Z"),
            Some(TimeOfDay { offset: None, time }) => format!("{date}T{time}Z"),
            Some(_) => self.to_string(),
        }
    }

    /// The date for a sitemap's `<lastmod>` (W3C datetime): the time only
    /// when its zone is known, since a time without zone is not allowed there.
    #[must_use]
    pub fn for_sitemap(self) -> Date {
        match self.time {
            Some(t) if t.offset.is_some() => self,
            _ => Date { time: None, ..self },
        }
    }

    /// The day alone, without a time (`2022-07-21`).
    #[must_use]
    pub fn day(self) -> Date {
        Date { time: None, ..self }
    }

    /// Today's date in UTC (the build machine's clock).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// The civil date of an instant, `seconds` after the Unix epoch, where
    /// the clock is `offset` seconds ahead of UTC (a commit's own offset;
    /// 0 for a file's modification time, as [`Date::today`] uses UTC).
    pub fn from_unix(seconds: i64, offset: i32) -> Date {
        Date::from_days_since_epoch((seconds + i64::from(offset)).div_euclid(86_400))
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
        Date {
            year,
            month,
            day,
            time: None,
        }
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
    /// ISO 8601 (`2022-07-21`, `2022-07-21T10:30:00+02:00`): what
    /// `<time datetime>` and sitemaps need.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        if let Some(t) = self.time {
            write!(f, "T{}", t.time)?;
            if let Some(offset) = t.offset {
                let secs = offset.seconds();
                let sign = if secs < 0 { '-' } else { '+' };
                let abs = secs.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)?;
            }
        }
        Ok(())
    }
}

impl TimeOfDay {
    /// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff`, then optionally `Z` or an
    /// offset (`+02:00`, `+0200`, `+02`), with or without a space before it.
    fn parse(text: &str) -> Result<TimeOfDay, Message> {
        let shape = || msg!(TIME_SHAPE);
        let end = text
            .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
            .unwrap_or(text.len());
        let (clock, zone) = (&text[..end], text[end..].trim());
        let mut parts = clock.split(':');
        let field = |p: Option<&str>| -> Result<i8, Message> {
            match p {
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse::<i8>().map_err(|_| shape())
                }
                _ => Err(shape()),
            }
        };
        let hour = field(parts.next())?;
        let minute = field(parts.next())?;
        let (second, nanos) = match parts.next() {
            None => (0, 0),
            Some(s) => {
                let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
                if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(shape());
                }
                let nanos = format!("{frac:0<9}").parse::<i32>().unwrap_or(0);
                (field(Some(whole))?, nanos)
            }
        };
        if parts.next().is_some() {
            return Err(shape());
        }
        if hour > 23 {
            return Err(msg!(TIME_HOUR, found = format!("{hour:02}")));
        }
        if minute > 59 {
            return Err(msg!(TIME_MINUTES, found = format!("{minute:02}")));
        }
        if second > 59 {
            return Err(msg!(TIME_SECONDS, found = format!("{second:02}")));
        }
        let time = jiff::civil::Time::new(hour, minute, second, nanos)
            .map_err(|e| msg!(TIME_IMPOSSIBLE, clock = clock, detail = e.to_string()))?;
        Ok(TimeOfDay {
            time,
            offset: parse_offset(zone)?,
        })
    }
}

/// `Z`, `+02:00`, `+0200` or `+02` (and `-`): the offset from UTC.
fn parse_offset(zone: &str) -> Result<Option<jiff::tz::Offset>, Message> {
    let shape = || msg!(TIME_ZONE_SHAPE);
    if zone.is_empty() {
        return Ok(None);
    }
    if zone.eq_ignore_ascii_case("z") {
        return Ok(Some(jiff::tz::Offset::UTC));
    }
    let (sign, digits) = match zone.split_at_checked(1) {
        Some(("+", d)) => (1, d),
        Some(("-", d)) => (-1, d),
        _ => return Err(shape()),
    };
    let digits = digits.replacen(':', "", 1);
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(shape());
    }
    let hours: i32 = digits[..2].parse().unwrap_or(0);
    let minutes: i32 = digits.get(2..).map_or(0, |m| m.parse().unwrap_or(0));
    if hours > 14 || minutes > 59 {
        return Err(msg!(TIME_ZONE_RANGE, zone = zone));
    }
    jiff::tz::Offset::from_seconds(sign * (hours * 3600 + minutes * 60))
        .map(Some)
        .map_err(|e| msg!(TIME_ZONE_IMPOSSIBLE, zone = zone, detail = e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::messages::Lang;

    #[test]
    fn parses_valid_dates_only() {
        assert_eq!(Date::parse("2022-07-21").unwrap().to_string(), "2022-07-21");
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(
            Date::parse("2022-07-21T10:00:00Z").unwrap().to_string(),
            "2022-07-21T10:00:00+00:00"
        );
        assert!(Date::parse("2023-02-29").is_err());
        assert_eq!(
            Date::parse("2022-07-21T10:00:00Z")
                .unwrap()
                .for_sitemap()
                .to_string(),
            "2022-07-21T10:00:00+00:00"
        );
        assert_eq!(
            Date::parse("2022-07-21T10:00")
                .unwrap()
                .for_sitemap()
                .to_string(),
            "2022-07-21"
        );
        assert!(Date::parse("2022-13-01").is_err());
        assert!(Date::parse("21/07/2022").is_err());
        assert!(Date::parse("2022-7-1").is_err());
        assert!(Date::parse("2022-07-21garbage").is_err());
        assert!(Date::parse("").is_err());
        assert!(Date::parse("ééééééééééé").is_err());
    }

    #[test]
    fn times_are_checked_and_kept() {
        let shown = |t: &str| Date::parse(t).map(|d| d.to_string());
        assert_eq!(
            shown("2022-07-21T10:30:00+02:00").unwrap(),
            "2022-07-21T10:30:00+02:00"
        );
        // Jekyll's form, with spaces.
        assert_eq!(
            shown("2022-07-21 10:30:00 +0200").unwrap(),
            "2022-07-21T10:30:00+02:00"
        );
        assert_eq!(shown("2022-07-21T09:05").unwrap(), "2022-07-21T09:05:00");
        assert_eq!(
            shown("2022-07-21T10:30:00.5-05:00").unwrap(),
            "2022-07-21T10:30:00.5-05:00"
        );
        assert_eq!(
            shown("2022-07-21T25:99").unwrap_err().render(Lang::En),
            "hour must be 00 to 23, found 25"
        );
        assert_eq!(
            shown("2022-07-21T10:99").unwrap_err().render(Lang::En),
            "minutes must be 00 to 59, found 99"
        );
        assert_eq!(
            shown("2022-07-21T10:00:60").unwrap_err().render(Lang::En),
            "seconds must be 00 to 59, found 60"
        );
        assert!(shown("2022-07-21T10")
            .unwrap_err()
            .render(Lang::En)
            .starts_with("expected a time"));
        assert!(shown("2022-07-21T10:00 CEST")
            .unwrap_err()
            .render(Lang::En)
            .starts_with("expected the time zone"));
        assert!(shown("2022-07-21T10:00+25:00")
            .unwrap_err()
            .render(Lang::En)
            .contains("does not exist"));
        // Ordered by day, then time.
        assert!(
            Date::parse("2022-07-21T09:00").unwrap() < Date::parse("2022-07-21T10:00").unwrap()
        );
        assert!(Date::parse("2022-07-21T23:00").unwrap() < Date::parse("2022-07-22").unwrap());
        assert_eq!(
            Date::parse("2022-07-21T23:00+02:00").unwrap().italian(),
            "21 luglio 2022"
        );
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
