//! CSV export of all submissions, for the district office: UTF-8 with a
//! byte-order mark and `;` separators, which is what Excel in Italian
//! expects, one column per question.

use crate::mail::italian_datetime;
use crate::store::Stored;
use std::io::Write;

/// Cells starting with these are formulas to a spreadsheet; a leading `'`
/// makes them text (CSV injection).
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn csv(submissions: &[Stored], out: impl Write) -> Result<(), csv::Error> {
    // Questions in order of first appearance (forms can change over time).
    let mut columns: Vec<(String, String)> = Vec::new();
    for s in submissions {
        for a in &s.answers {
            if !columns.iter().any(|(n, _)| n == &a.name) {
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
        "Protocollo".to_string(),
        "Ricevuta il".into(),
        "Modulo".into(),
        "Stato".into(),
        "Tentativi".into(),
        "Ultimo errore".into(),
    ];
    header.extend(columns.iter().map(|(_, label)| label.clone()));
    w.write_record(&header)?;
    for s in submissions {
        let mut row = vec![
            s.protocol.to_string(),
            italian_datetime(s.received_at),
            s.form_id.clone(),
            s.status.as_str().to_string(),
            s.attempts.to_string(),
            s.last_error.clone().unwrap_or_default(),
        ];
        for (name, _) in &columns {
            row.push(
                s.answers
                    .iter()
                    .find(|a| &a.name == name)
                    .map(|a| a.display.clone())
                    .unwrap_or_default(),
            );
        }
        w.write_record(row.iter().map(|c| cell(c)))?;
    }
    w.flush()?;
    Ok(())
}
