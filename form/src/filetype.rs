//! The types a `file` field accepts, recognised by content rather than by
//! name: a PDF starts with `%PDF-`, images by their magic bytes, and a
//! `.p7m` is a CMS SignedData (DER, or the same in base64) whose
//! encapsulated content is itself one of the other types. Only the first
//! bytes of a file are needed ([`SNIFF_LEN`]).

use serde::{Deserialize, Serialize};

/// How many leading bytes [`detect`] needs at most.
pub const SNIFF_LEN: usize = 64 * 1024;

/// A file type a `file` field may accept.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    /// A PDF document.
    Pdf,
    /// A document signed with CAdES (CMS SignedData), `.p7m`.
    P7m,
    /// A JPEG image.
    Jpg,
    /// A PNG image.
    Png,
}

/// Types as staff write them in `accept`.
pub const FILE_TYPES: &[(&str, FileType)] = &[
    ("pdf", FileType::Pdf),
    ("p7m", FileType::P7m),
    ("jpg", FileType::Jpg),
    ("png", FileType::Png),
];

impl FileType {
    /// The name people know it by: «PDF», «immagine PNG».
    pub fn italian(self) -> &'static str {
        match self {
            FileType::Pdf => "un PDF",
            FileType::P7m => "un file firmato digitalmente (.p7m)",
            FileType::Jpg => "un’immagine JPEG",
            FileType::Png => "un’immagine PNG",
        }
    }

    /// Extensions a file of this type may have, for the input's `accept`.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Pdf => &[".pdf"],
            FileType::P7m => &[".p7m"],
            FileType::Jpg => &[".jpg", ".jpeg"],
            FileType::Png => &[".png"],
        }
    }
}

/// What a file's content is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detected {
    /// Its type.
    pub kind: FileType,
    /// For a `.p7m`: the type of the signed document inside.
    pub signed: Option<FileType>,
}

/// Recognises a file from its first bytes (up to [`SNIFF_LEN`]).
/// `None`: none of the accepted types, or a `.p7m` whose signed content
/// is not one of them either.
pub fn detect(head: &[u8]) -> Option<Detected> {
    if let Some(kind) = plain(head) {
        return Some(Detected { kind, signed: None });
    }
    let inner: Option<Vec<u8>> = signed_content(head).map(<[u8]>::to_vec).or_else(|| {
        let der = base64_prefix(head)?;
        signed_content(&der).map(<[u8]>::to_vec)
    });
    // A signature of a signature (counter-signed documents) is still a p7m.
    let kind = inner.and_then(|c| plain(&c).or_else(|| signed_content(&c).and_then(plain)))?;
    Some(Detected {
        kind: FileType::P7m,
        signed: Some(kind),
    })
}

fn plain(head: &[u8]) -> Option<FileType> {
    if head.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else {
        None
    }
}

/// The OID 1.2.840.113549.1.7.2, id-signedData.
const SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

/// One TLV header: tag, content length (`None` when indefinite), header size.
fn header(buf: &[u8]) -> Option<(u8, Option<usize>, usize)> {
    let tag = *buf.first()?;
    let first = *buf.get(1)?;
    if first < 0x80 {
        return Some((tag, Some(usize::from(first)), 2));
    }
    if first == 0x80 {
        return Some((tag, None, 2));
    }
    let n = usize::from(first & 0x7F);
    if n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | usize::from(*buf.get(2 + i)?);
    }
    Some((tag, Some(len), 2 + n))
}

/// Steps into an element with `tag`, returning what follows its header.
fn enter(buf: &[u8], tag: u8) -> Option<&[u8]> {
    let (t, _, h) = header(buf)?;
    (t == tag).then(|| buf.get(h..))?
}

/// Skips one whole element with `tag` (it needs a definite length).
fn skip(buf: &[u8], tag: u8) -> Option<&[u8]> {
    let (t, len, h) = header(buf)?;
    (t == tag).then_some(())?;
    buf.get(h.checked_add(len?)?..)
}

/// The start of the content a CMS SignedData encapsulates.
fn signed_content(buf: &[u8]) -> Option<&[u8]> {
    let ci = enter(buf, 0x30)?;
    let (t, len, h) = header(ci)?;
    if t != 0x06 || ci.get(h..h.checked_add(len?)?)? != SIGNED_DATA {
        return None;
    }
    let sd = enter(skip(ci, 0x06)?, 0xA0)?;
    let sd = enter(sd, 0x30)?;
    let sd = skip(sd, 0x02)?; // version
    let sd = skip(sd, 0x31)?; // digestAlgorithms
    let eci = enter(sd, 0x30)?;
    let eci = enter(skip(eci, 0x06)?, 0xA0)?;
    match eci.first()? {
        0x04 => enter(eci, 0x04),
        // BER: a constructed OCTET STRING, its first chunk.
        0x24 => enter(enter(eci, 0x24)?, 0x04),
        _ => None,
    }
}

/// The first bytes of a base64 text (line breaks allowed), decoded.
fn base64_prefix(text: &[u8]) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in text {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            break;
        }
        acc = (acc << 6) | u32::from(value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    (out.len() >= 16).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DER element with `tag` around `content`.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let n = content.len();
        if n < 0x80 {
            out.push(n as u8);
        } else if n < 0x100 {
            out.extend([0x81, n as u8]);
        } else {
            out.extend([0x82, (n >> 8) as u8, n as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    /// A minimal CMS SignedData around `content` (no signer infos: the
    /// walk only reads as far as the encapsulated content).
    pub(crate) fn p7m(content: &[u8]) -> Vec<u8> {
        let data_oid = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
        let sha256 = tlv(
            0x30,
            &tlv(
                0x06,
                &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01],
            ),
        );
        let eci = [tlv(0x06, &data_oid), tlv(0xA0, &tlv(0x04, content))].concat();
        let sd = [
            tlv(0x02, &[1]),
            tlv(0x31, &sha256),
            tlv(0x30, &eci),
            tlv(0x31, &[]),
        ]
        .concat();
        tlv(
            0x30,
            &[tlv(0x06, SIGNED_DATA), tlv(0xA0, &tlv(0x30, &sd))].concat(),
        )
    }

    fn base64(data: &[u8]) -> Vec<u8> {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        for (i, chunk) in data.chunks(3).enumerate() {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for j in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * j)) & 63) as usize]);
            }
            if i % 16 == 15 {
                out.push(b'\n');
            }
        }
        out
    }

    // The walk reads untrusted bytes from the network: whatever they are
    // (random, a real p7m cut short, or one with bytes changed), it ends
    // without a panic, and a p7m still found is one of the accepted types.
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let _ = detect(&bytes);
            let mut der = vec![0x30, 0x80];
            der.extend_from_slice(&bytes);
            let _ = detect(&der);
        }

        #[test]
        fn mutated_or_cut_p7m_never_panics(
            changes in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 0..6),
            cut in proptest::prelude::any::<usize>(),
            as_base64 in proptest::prelude::any::<bool>(),
        ) {
            let mut der = p7m(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj");
            for (at, byte) in &changes {
                let i = at % der.len();
                der[i] = *byte;
            }
            der.truncate(cut % (der.len() + 1));
            let input = if as_base64 { base64(&der) } else { der };
            if let Some(found) = detect(&input) {
                proptest::prop_assert!(found.signed.is_none() || found.kind == FileType::P7m);
            }
        }
    }

    #[test]
    fn types_are_recognised_by_content() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let jpg = b"\xFF\xD8\xFF\xE0\0\x10JFIF".to_vec();
        assert_eq!(detect(&pdf).unwrap().kind, FileType::Pdf);
        assert_eq!(detect(&png).unwrap().kind, FileType::Png);
        assert_eq!(detect(&jpg).unwrap().kind, FileType::Jpg);
        assert_eq!(detect(b"hello, world"), None);
        assert_eq!(detect(b""), None);
        let signed = detect(&p7m(&pdf)).unwrap();
        assert_eq!(
            signed,
            Detected {
                kind: FileType::P7m,
                signed: Some(FileType::Pdf)
            }
        );
        // A long document: lengths over 255 bytes.
        let mut long = pdf.clone();
        long.resize(5000, b' ');
        assert_eq!(detect(&p7m(&long)).unwrap().signed, Some(FileType::Pdf));
        // The same in base64, as some signing programs save it.
        assert_eq!(
            detect(&base64(&p7m(&pdf))).unwrap().signed,
            Some(FileType::Pdf)
        );
        // Signed twice.
        assert_eq!(
            detect(&p7m(&p7m(&pdf))).unwrap().signed,
            Some(FileType::Pdf)
        );
        // A SignedData around text is not a document we accept.
        assert_eq!(detect(&p7m(b"just some text here")), None);
        // Truncated or garbage DER never panics.
        let full = p7m(&pdf);
        for n in 0..full.len() {
            let _ = detect(&full[..n]);
        }
    }
}
