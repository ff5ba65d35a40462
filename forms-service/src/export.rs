//! CSV export of all submissions, for the district office: UTF-8 with a
//! byte-order mark and `;` separators, which is what Excel in Italian
//! expects, one column per question.

use crate::mail::italian_datetime;
use crate::store::Stored;
use std::io::Write;

/// Cells starting with these are formulas to a spreadsheet; a leading `'`
/// makes them text (CSV injection).
/// Control characters other than line breaks and tabs (escape sequences
/// that would reach a terminal printing the export) become `?`.
fn cell(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                '?'
            } else {
                c
            }
        })
        .collect();
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// Writes every submission as CSV, one column per question. Linear in
/// the number of answers: columns are found through a map, never by
/// searching a list.
pub fn csv(submissions: &[Stored], out: impl Write) -> Result<(), csv::Error> {
    // Questions in order of first appearance (forms can change over time).
    let mut columns: Vec<(String, String)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for s in submissions {
        for a in &s.answers {
            if !index.contains_key(a.name.as_str()) {
                index.insert(a.name.as_str(), columns.len());
                columns.push((a.name.clone(), a.label.clone()));
            }
        }
    }
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let mut header = vec![
        "Numero di ricevuta".to_string(),
        "Ricevuta il".into(),
        "Modulo".into(),
        "Stato".into(),
        "Tentativi".into(),
        "Ultimo errore".into(),
    ];
    header.extend(columns.iter().map(|(_, label)| label.clone()));
    // Files: one column, only when some submission has any.
    let with_files = submissions.iter().any(|s| !s.files.is_empty());
    if with_files {
        header.push("File allegati (nome, SHA-256)".into());
    }
    // Labels come from stored data too (a spam post's own keys, in
    // databases written before honeypot catches were trimmed).
    w.write_record(header.iter().map(|c| cell(c)))?;
    for s in submissions {
        let mut row = vec![
            s.protocol.to_string(),
            italian_datetime(s.received_at),
            s.form_id.clone(),
            s.status.as_str().to_string(),
            s.attempts.to_string(),
            s.last_error.clone().unwrap_or_default(),
        ];
        let mut answers = vec![String::new(); columns.len()];
        for a in &s.answers {
            if let Some(&i) = index.get(a.name.as_str()) {
                answers[i] = a.display.clone();
            }
        }
        row.extend(answers);
        if with_files {
            let files: Vec<String> = s
                .files
                .iter()
                .map(|f| format!("{} (SHA-256 {})", f.name, f.sha256))
                .collect();
            row.push(files.join("\n"));
        }
        w.write_record(row.iter().map(|c| cell(c)))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Protocol, Status, StoredAnswer};

    fn stored(answers: Vec<StoredAnswer>) -> Stored {
        Stored {
            id: 1,
            protocol: serde_json::from_str::<Protocol>("\"MS-2026-000001\"").unwrap(),
            form_id: "f".into(),
            form_title: "Modulo".into(),
            received_at: 1_782_900_000,
            answers,
            sender: None,
            status: Status::Spam,
            attempts: 0,
            next_attempt_at: 0,
            last_error: None,
            district_sent_at: None,
            receipt_sent_at: None,
            files: Vec::new(),
        }
    }

    fn answer(name: &str, value: &str) -> StoredAnswer {
        StoredAnswer {
            name: name.into(),
            label: name.into(),
            value: ambito_form::Answer::One(value.into()),
            display: value.into(),
        }
    }

    #[test]
    fn header_cells_get_the_formula_guard_too() {
        let s = stored(vec![answer("=HYPERLINK(\"http://x\")", "=1+1")]);
        let mut out = Vec::new();
        csv(&[s], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(";\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"),
            "{text}"
        );
        assert!(text.contains(";'=1+1\r\n"), "{text}");
    }

    #[test]
    fn export_is_linear_in_the_answers() {
        // Ten old-style spam rows with 6,500 keys each took 25 s before.
        let rows: Vec<Stored> = (0..10)
            .map(|r| {
                stored(
                    (0..6_500)
                        .map(|i| answer(&format!("k{r}-{i}"), "x"))
                        .collect(),
                )
            })
            .collect();
        let started = std::time::Instant::now();
        let mut out = Vec::new();
        csv(&rows, &mut out).unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
}
