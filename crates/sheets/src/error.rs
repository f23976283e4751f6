//! Why a file could not be read or written, as stable catalogue keys (`sheet.*`).

/// A spreadsheet that cannot be read or written. The `String`s are detail for the log only; what
/// the user sees is the catalogue text of [`SheetError::code`].
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("the file holds no data")]
    Empty,
    #[error("unsupported file format ({0})")]
    UnsupportedFormat(String),
    #[error("the file is damaged or not a spreadsheet: {0}")]
    Corrupt(String),
    #[error("the sheet is larger than the import reads: {0}")]
    TooLarge(String),
    #[error("the workbook is password-protected")]
    Encrypted,
    #[error("the file is a web page or XML saved under a spreadsheet name")]
    WebPage,
    #[error("could not write the workbook: {0}")]
    Write(String),
}

impl SheetError {
    /// Every code [`SheetError::code`] returns, for the catalogue's tests.
    pub const CODES: &[&str] = &[
        "sheet.empty",
        "sheet.unsupported_format",
        "sheet.corrupt",
        "sheet.too_large",
        "sheet.encrypted",
        "sheet.web_page",
        "sheet.write_failed",
    ];

    /// Catalogue key of the message shown to the user.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "sheet.empty",
            Self::UnsupportedFormat(_) => "sheet.unsupported_format",
            Self::Corrupt(_) => "sheet.corrupt",
            Self::TooLarge(_) => "sheet.too_large",
            Self::Encrypted => "sheet.encrypted",
            Self::WebPage => "sheet.web_page",
            Self::Write(_) => "sheet.write_failed",
        }
    }
}

impl From<rust_xlsxwriter::XlsxError> for SheetError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self::Write(e.to_string())
    }
}
