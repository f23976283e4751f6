//! The electronic dossier (网上档案) of someone in the 发展党员 pipeline: uploaded documents,
//! remarks by their 培养联系人 reviewed by the branch committee, and quarterly 思想汇报.
//!
//! Plain values and their parsing only; who may do what is decided in the web layer from the
//! person's orgs and the cultivators recorded at step 5 (指定培养联系人).

mod remarks;
mod sniff;

pub use remarks::{
    MAX_TEXT, Quarter, RemarkKind, Verdict, parse_month, parse_quarter, parse_text, quarter_of,
};
pub use sniff::{FileType, sniff};

use serde::Deserialize;

/// Default cap on one document: 10 MB, a phone photo of a signed page with room to spare.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// A school's numbers for the dossier (its settings JSON under `"dossier"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DossierSettings {
    /// Largest document accepted, in bytes; the server's own upload limit caps it.
    pub max_document_bytes: usize,
}

impl Default for DossierSettings {
    fn default() -> Self {
        Self {
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
        }
    }
}

impl DossierSettings {
    /// The limit in force: the school's, never above what the server accepts at all.
    pub fn effective_max(&self, server_max: usize) -> usize {
        self.max_document_bytes.min(server_max)
    }
}

/// A size in whole megabytes for messages ("10 MB"), rounded up so the limit is never overstated.
pub fn megabytes(bytes: usize) -> usize {
    bytes.div_ceil(1024 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_limit_caps_the_school_setting() {
        let s = DossierSettings::default();
        assert_eq!(s.effective_max(20 << 20), 10 << 20);
        assert_eq!(s.effective_max(5 << 20), 5 << 20);
        assert_eq!(megabytes(10 << 20), 10);
        assert_eq!(megabytes((10 << 20) + 1), 11);
    }
}
