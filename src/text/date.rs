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
    date: jiff::civil::Date,
    time: Option<TimeOfDay>,
}

/// A time of day as written after a date, checked by jiff, with its
/// offset from UTC when one was written (`Z`, `+02:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct TimeOfDay {
    time: jiff::civil::Time,
    offset: Option<jiff::tz::Offset>,
}

pub use ambito_form::calendar::{italian_day, rome, MESI, ZONE};

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
        // Four and two digits: every value fits jiff's ranges.
        let (year, month, day) = (num(0..4) as i16, num(5..7) as i8, num(8..10) as i8);
        if !(1..=12).contains(&month) {
            return Err(msg!(DATE_MONTH));
        }
        let date = jiff::civil::Date::new(year, month, day).map_err(|_| {
            let max =
                jiff::civil::Date::new(year, month, 1).map_or(31, jiff::civil::Date::days_in_month);
            msg!(DATE_DAY, max = max)
        })?;
        let time = match rest.get(1..).map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(TimeOfDay::parse(t)?),
        };
        Ok(Date { date, time })
    }

    /// RFC 3339, as Atom feeds require a full date and time: a date alone
    /// is its midnight, a time without zone is taken as UTC.
    pub fn rfc3339(self) -> String {
        let date = self.date.to_string();
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

    /// Today in Italy (Europe/Rome), as calls and receipts count days.
    pub fn today() -> Date {
        Date::in_rome(jiff::Timestamp::now())
    }

    /// The day `moment` falls on in Italy.
    pub fn in_rome(moment: jiff::Timestamp) -> Date {
        Date::of(moment.to_zoned(rome()).date())
    }

    /// The day of a Unix time seen at a UTC offset in seconds (a git
    /// commit's, or 0 for a file's modification time).
    pub fn from_unix(seconds: i64, offset: i32) -> Date {
        let offset = jiff::tz::Offset::from_seconds(offset).unwrap_or(jiff::tz::Offset::UTC);
        let day = jiff::Timestamp::from_second(seconds)
            .map_or(jiff::civil::date(1970, 1, 1), |t| {
                offset.to_datetime(t).date()
            });
        Date::of(day)
    }

    /// A day without a time.
    pub fn of(date: jiff::civil::Date) -> Date {
        Date { date, time: None }
    }

    /// `21 luglio 2022`, `1º gennaio 2023`.
    pub fn italian(&self) -> String {
        italian_day(self.date)
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
        write!(f, "{}", self.date)?;
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
    fn days_of_unix_times_at_their_offset() {
        assert_eq!(Date::from_unix(0, 0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_unix(19_358 * 86_400, 0).to_string(),
            "2023-01-01"
        );
        assert_eq!(
            Date::from_unix(11_016 * 86_400, 0).to_string(),
            "2000-02-29"
        );
        // 23:30 UTC is already the next day in Rome in winter (+01:00).
        let late = 19_357 * 86_400 + 23 * 3600 + 1800;
        assert_eq!(Date::from_unix(late, 0).to_string(), "2022-12-31");
        assert_eq!(Date::from_unix(late, 3600).to_string(), "2023-01-01");
        assert_eq!(Date::from_unix(-1, 0).to_string(), "1969-12-31");
    }

    #[test]
    fn days_are_counted_in_rome() {
        // 23:30 UTC on 31 December is already New Year's Day in Rome,
        // and 22:30 UTC on 30 June is 00:30 on 1 July (summer time).
        let new_year: jiff::Timestamp = "2022-12-31T23:30:00Z".parse().unwrap();
        assert_eq!(Date::in_rome(new_year).to_string(), "2023-01-01");
        let summer: jiff::Timestamp = "2023-06-30T22:30:00Z".parse().unwrap();
        assert_eq!(Date::in_rome(summer).to_string(), "2023-07-01");
        let noon: jiff::Timestamp = "2023-06-30T10:00:00Z".parse().unwrap();
        assert_eq!(Date::in_rome(noon).to_string(), "2023-06-30");
    }
}
