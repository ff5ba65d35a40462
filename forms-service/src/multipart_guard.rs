//! A watch on a multipart body as it streams in, before the parser sees
//! it: the parser (multer) holds a part's headers, and anything before
//! the first boundary, in memory until they end, and looks for their end
//! again over the whole buffer at each chunk. A body that never ends its
//! headers (or never sends its boundary) would be held whole and scanned
//! quadratically. The guard follows the same structure in one linear pass
//! and stops the stream as soon as a preamble or a part's headers grow
//! past a few kilobytes, whatever the body's declared length.

/// The longest run of part headers accepted (browsers send two or three
/// short lines).
pub const MAX_PART_HEADERS: usize = 8 * 1024;

/// The longest text accepted before the first boundary (browsers send none).
pub const MAX_PREAMBLE: usize = 8 * 1024;

/// Why the guard stopped a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    /// No boundary within the first [`MAX_PREAMBLE`] bytes.
    #[error("no multipart boundary within the first {MAX_PREAMBLE} bytes")]
    NoBoundary,
    /// A part's headers ran past [`MAX_PART_HEADERS`] bytes.
    #[error("a part's headers are longer than {MAX_PART_HEADERS} bytes")]
    HeadersTooLong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first boundary.
    Preamble,
    /// After a boundary, until the blank line that ends the headers.
    Headers,
    /// A part's content, until the next delimiter.
    Data,
}

/// The scanner: feed it the body's chunks in order.
#[derive(Debug)]
pub struct Guard {
    /// `--boundary`, what starts the first part.
    first: Vec<u8>,
    /// `\r\n--boundary`, what ends a part's content.
    delimiter: Vec<u8>,
    state: State,
    /// Bytes seen in the current state (preamble or headers).
    run: usize,
    /// The end of the previous chunk that may begin a pattern cut in two.
    carry: Vec<u8>,
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

impl Guard {
    /// A guard for bodies with this `boundary`.
    pub fn new(boundary: &str) -> Guard {
        let first = [b"--", boundary.as_bytes()].concat();
        let delimiter = [b"\r\n", first.as_slice()].concat();
        Guard {
            first,
            delimiter,
            state: State::Preamble,
            run: 0,
            carry: Vec::new(),
        }
    }

    /// Follows one more chunk of the body; an error once a limit is passed.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), GuardError> {
        // The carried tail is shorter than the longest pattern, so each
        // byte is looked at a bounded number of times: linear overall.
        // Carried bytes were not counted yet: counting stops where the
        // carry begins.
        let mut window = std::mem::take(&mut self.carry);
        window.extend_from_slice(chunk);
        let mut at = 0;
        loop {
            let (pattern, limit): (&[u8], Option<(usize, GuardError)>) = match self.state {
                State::Preamble => (&self.first, Some((MAX_PREAMBLE, GuardError::NoBoundary))),
                State::Headers => (
                    b"\r\n\r\n",
                    Some((MAX_PART_HEADERS, GuardError::HeadersTooLong)),
                ),
                State::Data => (&self.delimiter, None),
            };
            match find(&window[at..], pattern) {
                Some(i) => {
                    let end = at + i + pattern.len();
                    if let Some((max, error)) = limit {
                        self.run += end - at;
                        if self.run > max + pattern.len() {
                            return Err(error);
                        }
                    }
                    self.state = match self.state {
                        State::Preamble | State::Data => State::Headers,
                        State::Headers => State::Data,
                    };
                    self.run = 0;
                    at = end;
                }
                None => {
                    let keep = pattern.len().saturating_sub(1);
                    let tail = window.len().saturating_sub(keep).max(at);
                    if let Some((max, error)) = limit {
                        self.run += tail - at;
                        if self.run > max {
                            return Err(error);
                        }
                    }
                    self.carry = window[tail..].to_vec();
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(headers: &str, content: &[u8]) -> Vec<u8> {
        let mut b = format!("--XyZ\r\n{headers}\r\n\r\n").into_bytes();
        b.extend_from_slice(content);
        b.extend_from_slice(b"\r\n--XyZ--\r\n");
        b
    }

    fn feed_in(guard: &mut Guard, bytes: &[u8], size: usize) -> Result<(), GuardError> {
        bytes.chunks(size).try_for_each(|c| guard.feed(c))
    }

    #[test]
    fn ordinary_bodies_pass_whatever_the_chunking() {
        let mut content = vec![b'a'; 100_000];
        content.extend_from_slice(b"\r\n--Xy not the boundary\r\n\r\n");
        let b = body("Content-Disposition: form-data; name=\"f\"", &content);
        for size in [1, 2, 3, 7, 64, 4096, b.len()] {
            let mut g = Guard::new("XyZ");
            assert_eq!(feed_in(&mut g, &b, size), Ok(()), "chunks of {size}");
            assert_eq!(g.state, State::Headers, "after the closing boundary");
        }
    }

    #[test]
    fn endless_headers_are_stopped_early() {
        let pad = format!("X-Pad: {}", "a".repeat(400_000));
        let b = body(
            &format!("Content-Disposition: form-data; name=\"x\"\r\n{pad}"),
            b"",
        );
        for size in [1, 1000, 16 * 1024] {
            let mut g = Guard::new("XyZ");
            let mut fed = 0;
            let mut result = Ok(());
            for c in b.chunks(size) {
                fed += c.len();
                result = g.feed(c);
                if result.is_err() {
                    break;
                }
            }
            assert_eq!(result, Err(GuardError::HeadersTooLong), "chunks of {size}");
            assert!(
                fed <= MAX_PART_HEADERS + 2 * size + 64,
                "stopped after {fed}"
            );
        }
    }

    #[test]
    fn headers_just_under_the_limit_pass_and_just_over_do_not() {
        let name = "Content-Disposition: form-data; name=\"x\"\r\nX-Pad: ";
        let under = format!("{name}{}", "a".repeat(MAX_PART_HEADERS - name.len() - 10));
        let mut g = Guard::new("XyZ");
        assert_eq!(feed_in(&mut g, &body(&under, b"ok"), 10), Ok(()));
        let over = format!("{name}{}", "a".repeat(MAX_PART_HEADERS + 10));
        let mut g = Guard::new("XyZ");
        assert_eq!(
            feed_in(&mut g, &body(&over, b"ok"), 10),
            Err(GuardError::HeadersTooLong)
        );
    }

    #[test]
    fn a_body_without_its_boundary_is_stopped() {
        let mut g = Guard::new("XyZ");
        let junk = vec![b'z'; 1_000_000];
        assert_eq!(feed_in(&mut g, &junk, 4096), Err(GuardError::NoBoundary));
    }
}
