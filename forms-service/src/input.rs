//! Reading a request body as form fields, strictly: malformed encodings
//! are refused with a clear message instead of being guessed at.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// Why a body could not be read as fields (the message is shown to people).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode(part: &[u8]) -> Result<String, Malformed> {
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let (h, l) = (
                    part.get(i + 1).copied().and_then(hex),
                    part.get(i + 2).copied().and_then(hex),
                );
                match (h, l) {
                    (Some(h), Some(l)) => out.push(h * 16 + l),
                    _ => return Err(Malformed("I dati inviati non sono codificati correttamente (sequenza «%» non valida).".into())),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        Malformed(
            "I dati inviati contengono caratteri non validi (la codifica deve essere UTF-8)."
                .into(),
        )
    })
}

/// `application/x-www-form-urlencoded`, as browsers send it.
pub fn urlencoded(body: &[u8]) -> Result<Vec<(String, String)>, Malformed> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

/// A JSON object whose keys are kept in order and with repeats, so that a
/// repeated key is caught rather than silently overwritten.
struct Entries(Vec<(String, Value)>);

impl<'de> de::Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// `application/json`: an object whose values are text, numbers, true/false
/// (for consent boxes) or lists of text (for multiple choices).
pub fn json(body: &[u8]) -> Result<Vec<(String, String)>, Malformed> {
    let entries: Entries = serde_json::from_slice(body).map_err(|e| {
        Malformed(format!(
            "I dati inviati non sono un oggetto JSON valido ({e})."
        ))
    })?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (key, value) in entries.0 {
        if !seen.insert(key.clone()) {
            return Err(Malformed(format!(
                "Il campo «{key}» è stato inviato più volte."
            )));
        }
        match value {
            Value::Null => {}
            Value::String(s) => out.push((key, s)),
            Value::Bool(b) => out.push((key, if b { "on".into() } else { String::new() })),
            Value::Number(n) => out.push((key, n.to_string())),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::String(s) => out.push((key.clone(), s)),
                        _ => {
                            return Err(Malformed(format!(
                                "Il campo «{key}» deve essere un elenco di testi."
                            )))
                        }
                    }
                }
            }
            Value::Object(_) => {
                return Err(Malformed(format!(
                    "Il campo «{key}» non può contenere un oggetto."
                )))
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_strict() {
        assert_eq!(
            urlencoded(b"a=1&b=Citt%C3%A0+bella&c&&a=2").unwrap(),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "Città bella".into()),
                ("c".into(), String::new()),
                ("a".into(), "2".into())
            ]
        );
        assert!(urlencoded(b"a=%zz").is_err());
        assert!(urlencoded(b"a=%4").is_err());
        assert!(
            urlencoded(b"a=%C3%28").is_err(),
            "invalid UTF-8 after decoding"
        );
        assert!(urlencoded(b"a=\xff").is_err(), "invalid UTF-8 raw");
    }

    #[test]
    fn json_fields() {
        let f = json(br#"{"a": "x", "m": ["1", "2"], "c": true, "n": 3, "z": null}"#).unwrap();
        assert_eq!(f.len(), 5);
        assert!(json(br#"{"a": "x", "a": "y"}"#)
            .unwrap_err()
            .0
            .contains("più volte"));
        assert!(json(br#"["a"]"#).is_err());
        assert!(json(br#"{"a": {"b": 1}}"#).is_err());
        assert!(json(b"{not json").is_err());
    }
}
