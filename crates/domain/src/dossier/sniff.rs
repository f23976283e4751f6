//! What an uploaded file really is, decided from its bytes alone.
//!
//! The filename and the client's `Content-Type` are whatever the sender typed: an `.exe` renamed
//! `申请书.pdf` claims to be a PDF. Only the magic numbers at the start of the file decide, and a
//! zip counts as a Word document only if its central directory lists `word/document.xml`.

use std::io::Cursor;

/// The kinds of file a dossier accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
    Docx,
}

impl FileType {
    /// The media type sent back on download (never the one the uploader claimed).
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}

/// `%PDF-` (ISO 32000-1, 7.5.2: the header is the first line of the file).
const PDF: &[u8] = b"%PDF-";
/// SOI marker followed by the start of another marker.
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
/// The PNG signature (ISO/IEC 15948, 5.2).
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// A zip local file header.
const ZIP: &[u8] = b"PK\x03\x04";

/// The type of `bytes`, or `None` when it is none of the accepted kinds.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(PDF) {
        Some(FileType::Pdf)
    } else if bytes.starts_with(JPEG) {
        Some(FileType::Jpeg)
    } else if bytes.starts_with(PNG) {
        Some(FileType::Png)
    } else if bytes.starts_with(ZIP) && is_word_document(bytes) {
        Some(FileType::Docx)
    } else {
        None
    }
}

/// A zip whose central directory names the main part of a WordprocessingML package
/// (ECMA-376 Part 1, 11.3.10: `word/document.xml` by convention of every producer).
fn is_word_document(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes))
        .map(|z| z.file_names().any(|n| n == "word/document.xml"))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {

    use std::io::Write;

    use super::*;

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for n in names {
            w.start_file(*n, opts).unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_pdf_is_known_by_its_header() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3"), Some(FileType::Pdf));
        assert_eq!(sniff(b" %PDF-1.7"), None, "the header must come first");
        assert_eq!(sniff(b"%PDF"), None, "too short to be a header");
    }

    #[test]
    fn images_are_known_by_their_signatures() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(FileType::Jpeg)
        );
        assert_eq!(sniff(&[0xFF, 0xD8]), None);
        let mut png = PNG.to_vec();
        png.extend_from_slice(b"\0\0\0\rIHDR");
        assert_eq!(sniff(&png), Some(FileType::Png));
        assert_eq!(sniff(b"GIF89a"), None, "GIF is not accepted");
    }

    #[test]
    fn a_zip_is_a_docx_only_with_word_document_xml() {
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(sniff(&docx), Some(FileType::Docx));
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(sniff(&xlsx), None, "a workbook is a zip but not a docx");
        assert_eq!(sniff(b"PK\x03\x04garbage"), None, "a broken zip is refused");
    }

    #[test]
    fn an_executable_is_refused_whatever_it_is_called() {
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(sniff(b"\x7FELF\x02\x01\x01"), None);
        assert_eq!(sniff(b""), None);
    }
}
