//! What an uploaded media file really is, from its first bytes (never the name or the client's
//! `Content-Type`), and which lesson kinds it may serve.

use super::LessonKind;
use crate::dossier::{FileType, sniff};

/// The media a course accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
    Gif,
    Webp,
    Mp3,
    M4a,
    Mp4,
    Webm,
    Pdf,
    Docx,
}

impl MediaType {
    /// The media type sent back (never the one the uploader claimed).
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Mp3 => "audio/mpeg",
            Self::M4a => "audio/mp4",
            Self::Mp4 => "video/mp4",
            Self::Webm => "video/webm",
            Self::Pdf => "application/pdf",
            Self::Docx => FileType::Docx.content_type(),
        }
    }

    /// The lesson kind this file can be.
    pub fn lesson_kind(self) -> LessonKind {
        match self {
            Self::Jpeg | Self::Png | Self::Gif | Self::Webp => LessonKind::Image,
            Self::Mp3 | Self::M4a => LessonKind::Audio,
            Self::Mp4 | Self::Webm => LessonKind::Video,
            Self::Pdf | Self::Docx => LessonKind::Document,
        }
    }

    pub fn from_content_type(s: &str) -> Option<Self> {
        [
            Self::Jpeg,
            Self::Png,
            Self::Gif,
            Self::Webp,
            Self::Mp3,
            Self::M4a,
            Self::Mp4,
            Self::Webm,
            Self::Pdf,
            Self::Docx,
        ]
        .into_iter()
        .find(|t| t.content_type() == s)
    }
}

/// The type of `bytes`, or `None` when it is none of the accepted kinds.
///
/// Signatures: GIF87a/GIF89a; RIFF….WEBP (RFC 9649 §2); an MP3 starts with an ID3v2 tag or an
/// MPEG audio frame sync (11 set bits); MP4 and M4A are ISO base media files whose first box is
/// `ftyp` (ISO/IEC 14496-12 §4.3), told apart by the major brand; WebM is EBML (`1A 45 DF A3`).
pub fn sniff_media(bytes: &[u8]) -> Option<MediaType> {
    if let Some(t) = sniff(bytes) {
        return Some(match t {
            FileType::Pdf => MediaType::Pdf,
            FileType::Jpeg => MediaType::Jpeg,
            FileType::Png => MediaType::Png,
            FileType::Docx => MediaType::Docx,
        });
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(MediaType::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(MediaType::Webp);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        return Some(if brand == b"M4A " || brand == b"M4B " {
            MediaType::M4a
        } else {
            MediaType::Mp4
        });
    }
    if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some(MediaType::Webm);
    }
    if bytes.starts_with(b"ID3")
        || (bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0)
    {
        return Some(MediaType::Mp3);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_and_audio_are_known_by_their_boxes() {
        let mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";
        assert_eq!(sniff_media(mp4), Some(MediaType::Mp4));
        let m4a = b"\0\0\0\x18ftypM4A \0\0\x02\0";
        assert_eq!(sniff_media(m4a), Some(MediaType::M4a));
        assert_eq!(
            sniff_media(&[0x1A, 0x45, 0xDF, 0xA3, 0x9F]),
            Some(MediaType::Webm)
        );
        assert_eq!(sniff_media(b"ID3\x04\0"), Some(MediaType::Mp3));
        assert_eq!(sniff_media(&[0xFF, 0xFB, 0x90]), Some(MediaType::Mp3));
    }

    #[test]
    fn images_and_documents_come_through_the_dossier_sniffer() {
        assert_eq!(sniff_media(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        assert_eq!(sniff_media(b"GIF89a\x01\0"), Some(MediaType::Gif));
        assert_eq!(sniff_media(b"RIFF\0\0\0\0WEBPVP8 "), Some(MediaType::Webp));
        assert_eq!(MediaType::Webp.lesson_kind(), LessonKind::Image);
    }

    #[test]
    fn a_script_or_executable_is_refused_whatever_it_is_called() {
        assert_eq!(sniff_media(b"<script>alert(1)</script>"), None);
        assert_eq!(sniff_media(b"MZ\x90\0"), None);
        assert_eq!(sniff_media(b"\0\0\0\x18fty"), None, "too short for a box");
        assert_eq!(sniff_media(b""), None);
    }

    #[test]
    fn content_types_round_trip() {
        for t in [
            MediaType::Mp4,
            MediaType::Mp3,
            MediaType::Docx,
            MediaType::Webp,
        ] {
            assert_eq!(MediaType::from_content_type(t.content_type()), Some(t));
        }
    }
}
