//! HTTP range requests on stored media, so a phone can seek in a video without downloading it.
//!
//! RFC 9110 §14.1.2 (`Range: bytes=first-last`, `first-`, `-suffix`), §15.3.7 (206 with
//! `Content-Range: bytes first-last/length`) and §15.5.17 (416 with `Content-Range: bytes */length`
//! when no range overlaps the representation). A request for several ranges is answered with the
//! whole file (§14.2 lets a server ignore `Range`): browsers' media players never ask for more than
//! one, and multipart/byteranges is not worth its code here.

/// An inclusive byte range within a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub first: u64,
    pub last: u64,
}

impl ByteRange {
    pub fn len(self) -> u64 {
        self.last - self.first + 1
    }
    pub fn is_empty(self) -> bool {
        false
    }
}

/// How to answer a request for a file of `length` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAnswer {
    /// 200 with the whole file: no `Range`, one that is not `bytes=`, several ranges, or a
    /// malformed one (§14.2: an invalid `Range` is ignored).
    Whole,
    /// 206 with this part.
    Partial(ByteRange),
    /// 416: a well-formed range that starts past the end.
    Unsatisfiable,
}

/// Decides the answer to a `Range` header (absent: `None`) for a file of `length` bytes.
pub fn answer_range(header: Option<&str>, length: u64) -> RangeAnswer {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeAnswer::Whole;
    };
    if spec.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeAnswer::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    match (num(a), num(b), a.is_empty()) {
        // bytes=-500: the last 500 bytes (all of a shorter file).
        (None, Some(suffix), true) => {
            if suffix == 0 || length == 0 {
                RangeAnswer::Unsatisfiable
            } else {
                RangeAnswer::Partial(ByteRange {
                    first: length.saturating_sub(suffix),
                    last: length - 1,
                })
            }
        }
        (Some(first), last, false) if b.is_empty() || last.is_some() => {
            if last.is_some_and(|l| l < first) {
                return RangeAnswer::Whole;
            }
            if first >= length {
                return RangeAnswer::Unsatisfiable;
            }
            let last = last.map_or(length - 1, |l| l.min(length - 1));
            RangeAnswer::Partial(ByteRange { first, last })
        }
        _ => RangeAnswer::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(first: u64, last: u64) -> RangeAnswer {
        RangeAnswer::Partial(ByteRange { first, last })
    }

    #[test]
    fn the_three_forms_of_a_byte_range() {
        assert_eq!(answer_range(Some("bytes=0-99"), 1000), part(0, 99));
        assert_eq!(answer_range(Some("bytes=500-"), 1000), part(500, 999));
        assert_eq!(answer_range(Some("bytes=-100"), 1000), part(900, 999));
        assert_eq!(answer_range(Some("bytes=-5000"), 1000), part(0, 999));
    }

    #[test]
    fn the_last_byte_is_the_boundary() {
        assert_eq!(answer_range(Some("bytes=999-"), 1000), part(999, 999));
        assert_eq!(answer_range(Some("bytes=0-999"), 1000), part(0, 999));
        assert_eq!(
            answer_range(Some("bytes=0-1000"), 1000),
            part(0, 999),
            "clipped"
        );
        assert_eq!(
            answer_range(Some("bytes=1000-"), 1000),
            RangeAnswer::Unsatisfiable
        );
        assert_eq!(
            answer_range(Some("bytes=1001-2000"), 1000),
            RangeAnswer::Unsatisfiable
        );
        assert_eq!(
            answer_range(Some("bytes=0-"), 0),
            RangeAnswer::Unsatisfiable
        );
        assert_eq!(
            answer_range(Some("bytes=-0"), 1000),
            RangeAnswer::Unsatisfiable
        );
    }

    #[test]
    fn anything_else_gets_the_whole_file() {
        assert_eq!(answer_range(None, 1000), RangeAnswer::Whole);
        assert_eq!(answer_range(Some("items=0-1"), 1000), RangeAnswer::Whole);
        assert_eq!(
            answer_range(Some("bytes=0-1,5-6"), 1000),
            RangeAnswer::Whole
        );
        assert_eq!(answer_range(Some("bytes=9-3"), 1000), RangeAnswer::Whole);
        assert_eq!(answer_range(Some("bytes=a-b"), 1000), RangeAnswer::Whole);
        assert_eq!(answer_range(Some("bytes=+1-2"), 1000), RangeAnswer::Whole);
    }

    #[test]
    fn a_range_knows_its_length() {
        assert_eq!(ByteRange { first: 0, last: 99 }.len(), 100);
    }
}
