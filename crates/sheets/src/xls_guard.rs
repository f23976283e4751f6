//! Checks an `.xls` compound file before calamine reads it.
//!
//! calamine 0.30 trusts the container's sector numbers and lengths: a damaged or hostile file
//! makes it reserve terabytes and abort the process (an allocation failure is not a panic and
//! cannot be caught). This walks the same structures calamine walks, in the same order, and
//! refuses any sector number beyond the file, any chain that loops, and any length larger than
//! the file; what calamine then reads is bounded by the file's size. Its returned Workbook
//! stream goes on to the record checks of [`crate::biff_guard`].

use crate::error::SheetError;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const MINI_SECTOR: usize = 64;
/// Streams shorter than this live in the mini stream.
const MINI_CUTOFF: usize = 4096;
/// calamine reserves room for this many DIFAT entries from a misread header field; real files
/// give at most a few hundred thousand.
const MAX_DIFAT_RESERVE: usize = 1 << 24;

fn corrupt(what: &str) -> SheetError {
    SheetError::Corrupt(format!("xls container: {what}"))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
    count: usize,
}

impl Sectors<'_> {
    /// A sector's bytes (the last one may be short); one that starts past the end is refused.
    fn get(&self, id: u32) -> Result<&[u8], SheetError> {
        let start = (id as usize)
            .checked_mul(self.size)
            .filter(|s| *s < self.data.len());
        let start = start.ok_or_else(|| corrupt("sector beyond the end of the file"))?;
        Ok(&self.data[start..(start + self.size).min(self.data.len())])
    }

    /// A chain of sectors through `fat`, as calamine's `get_chain` reads it.
    fn chain(&self, mut id: u32, fat: &[u32], len: usize) -> Result<Vec<u8>, SheetError> {
        let mut out = Vec::new();
        let mut steps = 0;
        while id != ENDOFCHAIN {
            out.extend_from_slice(self.get(id)?);
            id = *fat
                .get(id as usize)
                .ok_or_else(|| corrupt("sector outside the FAT"))?;
            steps += 1;
            if steps > self.count {
                return Err(corrupt("a sector chain loops"));
            }
        }
        if len > 0 {
            out.truncate(len);
        }
        Ok(out)
    }
}

/// A directory entry: its name, first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// The Workbook stream of a sound container, or why the file is refused.
pub(crate) fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, SheetError> {
    let header = bytes
        .get(..512)
        .ok_or_else(|| corrupt("shorter than its header"))?;
    let field = |at| u32_at(header, at).unwrap_or(0) as usize;
    let size = match u16_at(header, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err(corrupt("unknown sector size")),
    };
    let data = bytes
        .get(size..)
        .ok_or_else(|| corrupt("shorter than its header"))?;
    let sectors = Sectors {
        data,
        size,
        count: data.len().div_ceil(size),
    };
    let (dir_len, fat_len, mini_fat_len) = (field(40), field(44), field(64));
    if dir_len > sectors.count || fat_len > sectors.count || mini_fat_len > sectors.count {
        return Err(corrupt("a table longer than the file"));
    }
    if field(62) > MAX_DIFAT_RESERVE {
        return Err(corrupt("DIFAT size"));
    }

    let mut difat: Vec<u32> = u32s(&header[76..512]).collect();
    let mut id = u32_at(header, 68).unwrap_or(ENDOFCHAIN);
    let mut steps = 0;
    while id < RESERVED_SECTORS {
        difat.extend(u32s(sectors.get(id)?));
        id = difat.pop().ok_or_else(|| corrupt("empty DIFAT"))?;
        steps += 1;
        if steps > sectors.count {
            return Err(corrupt("the DIFAT loops"));
        }
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        fat.extend(u32s(sectors.get(id)?));
    }

    let dir_bytes = sectors.chain(
        u32_at(header, 48).unwrap_or(ENDOFCHAIN),
        &fat,
        dir_len * size,
    )?;
    if dir_bytes.is_empty() || dir_bytes.len() % 128 != 0 {
        return Err(corrupt("directory size"));
    }
    let entries: Vec<Entry> = dir_bytes
        .chunks_exact(128)
        .map(|c| entry(c, size))
        .collect();
    if entries.iter().any(|e| e.name == "_VBA_PROJECT_CUR") {
        return Err(SheetError::UnsupportedFormat("an .xls with macros".into()));
    }
    let (mini_stream, mini_fat) = if mini_fat_len > 0 {
        let root = &entries[0];
        if root.len > bytes.len() {
            return Err(corrupt("mini stream longer than the file"));
        }
        let mini_fat_start = u32_at(header, 60).unwrap_or(ENDOFCHAIN);
        let mini_fat = sectors.chain(mini_fat_start, &fat, mini_fat_len * size)?;
        (
            sectors.chain(root.start, &fat, root.len)?,
            u32s(&mini_fat).collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };

    let book = entries
        .iter()
        .find(|e| e.name == "Workbook")
        .or_else(|| entries.iter().find(|e| e.name == "Book"));
    let book = book.ok_or_else(|| corrupt("no Workbook stream"))?;
    if book.len >= MINI_CUTOFF {
        if book.len > bytes.len() {
            return Err(corrupt("Workbook stream longer than the file"));
        }
        return sectors.chain(book.start, &fat, book.len);
    }
    let minis = Sectors {
        data: &mini_stream,
        size: MINI_SECTOR,
        count: mini_stream.len().div_ceil(MINI_SECTOR),
    };
    minis.chain(book.start, &mini_fat, book.len)
}

/// calamine's reading of a 128-byte directory entry: UTF-16 name cut at the first NUL.
fn entry(c: &[u8], sector_size: usize) -> Entry {
    let units: Vec<u16> = c[..64]
        .chunks_exact(2)
        .map(|u| u16::from_le_bytes([u[0], u[1]]))
        .collect();
    let mut name = String::from_utf16_lossy(&units);
    if let Some(nul) = name.find('\0') {
        name.truncate(nul);
    }
    let len = if sector_size == 512 {
        u32_at(c, 120).unwrap_or(0) as usize
    } else {
        c.get(120..128).map_or(0, |b| {
            u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as usize
        })
    };
    Entry {
        name,
        start: u32_at(c, 116).unwrap_or(ENDOFCHAIN),
        len,
    }
}
