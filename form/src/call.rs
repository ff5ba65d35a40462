//! A call (avviso): a form that opens and closes on stated dates, made
//! under a stated rule, with a responsible office and its own documents.
//! The generator shows its status as of the build; the forms service
//! enforces the dates on every post, so a call closes on time without a
//! rebuild.

use crate::calendar::{italian_day, rome};
use jiff::civil::{Date, DateTime, Time};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The call's dates and facts, compiled into the form definition.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// When posts start being accepted; none: open from publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<Timestamp>,
    /// When posts stop being accepted; none: no deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes: Option<Timestamp>,
    /// The legal basis (e.g. art. 55 D.Lgs. 117/2017).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The office or role responsible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    /// What happens after sending: who reads it, whether a reply is owed,
    /// what may follow. Shown on the form page and, by the forms service,
    /// on the receipt and in the emails, in the same words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The call's own documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
}

/// One document of a call.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// What the link says.
    pub label: String,
    /// Its address (a page link until the site resolves it).
    pub link: String,
}

/// Where a call stands at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Before `opens`.
    NotYetOpen,
    /// Between `opens` and `closes`.
    Open,
    /// After `closes`.
    Closed,
}

/// Which end of a day a date alone stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// `opens`: the day's first second.
    Start,
    /// `closes`: 23:59:59 that day.
    Finish,
}

/// Reads `2026-12-01`, `2026-12-01 12:00` or `2026-12-01T12:00:00` as a
/// moment in Europe/Rome. `None` when it is none of those.
pub fn parse_moment(text: &str, end: End) -> Option<Timestamp> {
    let text = text.trim();
    // jiff reads a date alone as a date-time at midnight: only text with
    // a time part is a date-time here.
    let civil = if text.contains([' ', 'T']) {
        text.replacen(' ', "T", 1).parse::<DateTime>().ok()?
    } else {
        let day: Date = text.parse().ok()?;
        let time = match end {
            End::Start => Time::midnight(),
            End::Finish => Time::constant(23, 59, 59, 0),
        };
        day.to_datetime(time)
    };
    civil.to_zoned(rome()).ok().map(|z| z.timestamp())
}

/// `1º dicembre 2026 alle 09:00`: a moment as people in Italy read it
/// (the time left out at midnight and at 23:59:59, the ends of a day).
pub fn italian(moment: Timestamp) -> String {
    let z = moment.to_zoned(rome());
    let date = italian_day(z.date());
    let whole_day = (z.hour(), z.minute(), z.second()) == (0, 0, 0)
        || (z.hour(), z.minute(), z.second()) == (23, 59, 59);
    if whole_day {
        date
    } else {
        format!("{date} alle {:02}:{:02}", z.hour(), z.minute())
    }
}

/// What a call without dates is: no procedure open, nothing ranked, no
/// reply owed.
pub const NO_PROCEDURE: &str = "Nessuna procedura aperta: con questo modulo si fa conoscere il proprio interesse, senza scadenza, senza graduatoria e senza una risposta dovuta.";

impl Call {
    /// Where the call stands at `now`.
    pub fn status(&self, now: Timestamp) -> Status {
        if self.opens.is_some_and(|o| now < o) {
            Status::NotYetOpen
        } else if self.closes.is_some_and(|c| now > c) {
            Status::Closed
        } else {
            Status::Open
        }
    }

    /// The status in one Italian sentence: «Non ancora aperto: apre il …»,
    /// «Aperto fino al …», «Chiuso il …».
    pub fn status_text(&self, now: Timestamp) -> String {
        match (self.status(now), self.opens, self.closes) {
            (Status::NotYetOpen, Some(o), _) => {
                format!(
                    "Avviso non ancora aperto: si potrà partecipare dal {}.",
                    italian(o)
                )
            }
            (Status::Closed, _, Some(c)) => format!(
                "Avviso chiuso il {}: non è più possibile partecipare.",
                italian(c)
            ),
            (_, _, Some(c)) => format!("Avviso aperto fino al {}.", italian(c)),
            (_, Some(o), None) => format!("Aperto dal {}, senza scadenza.", italian(o)),
            // Without dates no procedure is open: the form only lets
            // someone make their interest known, which nobody ranks.
            _ => NO_PROCEDURE.to_string(),
        }
    }

    /// What a post gets when the call is not open: the Italian message,
    /// or `None` when it is open.
    pub fn refusal(&self, now: Timestamp) -> Option<String> {
        match self.status(now) {
            Status::Open => None,
            Status::NotYetOpen | Status::Closed => Some(self.status_text(now)),
        }
    }
}

/// The call's box above its form: status as of `now`, rule, responsible
/// office and documents; when closed, the closing notice that takes the
/// form's place.
pub fn notice_html(call: &Call, now: Timestamp) -> String {
    use crate::escape::escape;
    use std::fmt::Write as _;
    let status = call.status(now);
    let class = match status {
        Status::NotYetOpen => "non-aperto",
        Status::Open => "aperto",
        Status::Closed => "chiuso",
    };
    let mut out = String::from(
        "<section class=\"avviso\" aria-labelledby=\"avviso-titolo\">\n<h2 id=\"avviso-titolo\">In sintesi</h2>\n",
    );
    let _ = writeln!(
        out,
        "<p class=\"avviso-stato avviso-stato--{class}\"><strong>{}</strong></p>",
        escape(&call.status_text(now))
    );
    out.push_str("<dl class=\"avviso-dati\">\n");
    if let Some(o) = call.opens {
        let _ = writeln!(out, "<dt>Apertura</dt><dd>{}</dd>", italian(o));
    }
    if let Some(c) = call.closes {
        let _ = writeln!(out, "<dt>Scadenza</dt><dd>{}</dd>", italian(c));
    }
    if let Some(rule) = &call.rule {
        let _ = writeln!(
            out,
            "<dt>Riferimento normativo</dt><dd>{}</dd>",
            escape(rule)
        );
    }
    if let Some(who) = &call.responsible {
        let _ = writeln!(out, "<dt>Ente responsabile</dt><dd>{}</dd>", escape(who));
    }
    if let Some(next) = &call.next {
        // The form script repeats it in its confirmation.
        let _ = writeln!(
            out,
            "<dt>Dopo l’invio</dt><dd id=\"dopo-invio\">{}</dd>",
            escape(next)
        );
    }
    if !call.documents.is_empty() {
        out.push_str("<dt>Documenti dell’avviso</dt>\n");
        for d in &call.documents {
            let _ = writeln!(
                out,
                "<dd><a href=\"{}\">{}</a></dd>",
                escape(&d.link),
                escape(&d.label)
            );
        }
    }
    out.push_str("</dl>\n");
    if status == Status::Closed {
        out.push_str("<p class=\"avviso-chiuso\">Il termine per partecipare è scaduto: il modulo non è più disponibile.</p>\n");
    }
    out.push_str("</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        parse_moment(s, End::Start).unwrap()
    }

    #[test]
    fn a_date_alone_closes_at_the_end_of_the_day_in_rome() {
        let closes = parse_moment("2026-12-01", End::Finish).unwrap();
        // CET is UTC+1 in December.
        assert_eq!(closes.to_string(), "2026-12-01T22:59:59Z");
        let opens = parse_moment("2026-07-01", End::Start).unwrap();
        // CEST is UTC+2 in July.
        assert_eq!(opens.to_string(), "2026-06-30T22:00:00Z");
        let noon = parse_moment("2026-07-01 12:30", End::Finish).unwrap();
        assert_eq!(noon.to_string(), "2026-07-01T10:30:00Z");
        assert!(parse_moment("1 luglio", End::Start).is_none());
        assert!(parse_moment("2026-02-30", End::Start).is_none());
    }

    #[test]
    fn status_follows_the_dates() {
        let call = Call {
            opens: parse_moment("2026-12-01", End::Start),
            closes: parse_moment("2026-12-15 12:00", End::Finish),
            ..Call::default()
        };
        assert_eq!(call.status(at("2026-11-30 23:59")), Status::NotYetOpen);
        assert_eq!(call.status(at("2026-12-01")), Status::Open);
        assert_eq!(call.status(at("2026-12-15 12:00")), Status::Open);
        assert_eq!(call.status(at("2026-12-15 12:01")), Status::Closed);
        assert_eq!(
            call.status_text(at("2026-11-01")),
            "Avviso non ancora aperto: si potrà partecipare dal 1º dicembre 2026."
        );
        assert_eq!(
            call.status_text(at("2026-12-02")),
            "Avviso aperto fino al 15 dicembre 2026 alle 12:00."
        );
        assert_eq!(
            call.status_text(at("2027-01-02")),
            "Avviso chiuso il 15 dicembre 2026 alle 12:00: non è più possibile partecipare."
        );
        assert_eq!(call.refusal(at("2026-12-02")), None);
    }

    #[test]
    fn without_a_closing_date_no_deadline_is_claimed() {
        let open_from = Call {
            opens: parse_moment("2026-12-01", End::Start),
            ..Call::default()
        };
        assert_eq!(
            open_from.status_text(at("2026-12-02")),
            "Aperto dal 1º dicembre 2026, senza scadenza."
        );
        assert_eq!(
            Call::default().status_text(at("2026-12-02")),
            "Nessuna procedura aperta: con questo modulo si fa conoscere il proprio interesse, senza scadenza, senza graduatoria e senza una risposta dovuta."
        );
        // The box says so too, with what happens after sending.
        let call = Call {
            rule: Some("art. 55 D.Lgs. 117/2017".into()),
            next: Some("La legge l’ufficio.".into()),
            ..Call::default()
        };
        let html = notice_html(&call, at("2026-12-02"));
        assert!(
            html.contains("<strong>Nessuna procedura aperta: "),
            "{html}"
        );
        assert!(
            html.contains("<dt>Dopo l’invio</dt><dd id=\"dopo-invio\">La legge l’ufficio.</dd>"),
            "{html}"
        );
    }
}
