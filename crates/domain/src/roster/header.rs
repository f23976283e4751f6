//! Finding the header row in a sheet that may have a title (or a few) above it, and where each
//! known column sits.

use super::columns::Column;
use super::grid::Cell;

/// Where each known column sits in one sheet, and what else the header row held.
#[derive(Debug, Clone, Default)]
pub(crate) struct HeaderMap {
    /// Index of the header row in `Sheet::rows`.
    pub row: usize,
    /// Column position of each [`Column`], by [`Column::index`].
    pub positions: [Option<usize>; 20],
    /// The header text as written in the file, by [`Column::index`].
    pub texts: [Option<String>; 20],
    /// A known column that appears a second time: (column, the second header as written).
    pub repeated: Vec<(Column, String)>,
    /// Headers that name no known column (备注, 序号…); their cells are not imported.
    pub ignored: Vec<String>,
}

impl HeaderMap {
    pub fn position(&self, c: Column) -> Option<usize> {
        self.positions[c.index()]
    }

    pub fn text(&self, c: Column) -> Option<&str> {
        self.texts[c.index()].as_deref()
    }
}

/// Offices put at most a few title and note rows above the header; looking further only risks
/// mistaking data for a header.
const HEADER_SEARCH_ROWS: usize = 30;

/// A row is a header when at least this many cells name known columns (a title never does).
const MIN_HEADER_MATCHES: usize = 2;

/// The header row: among the first rows, the one naming the most known columns (the earliest
/// on a tie), if it names at least two.
pub(crate) fn find_header(rows: &[Vec<Cell>]) -> Option<HeaderMap> {
    let mut best: Option<(usize, usize)> = None;
    for (r, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let n = row
            .iter()
            .filter(|c| matches!(c, Cell::Text(t) if Column::from_header(t).is_some()))
            .count();
        if n >= MIN_HEADER_MATCHES && best.is_none_or(|(_, m)| n > m) {
            best = Some((r, n));
        }
    }
    let (r, _) = best?;
    let mut map = HeaderMap {
        row: r,
        ..HeaderMap::default()
    };
    for (pos, cell) in rows[r].iter().enumerate() {
        let Cell::Text(raw) = cell else { continue };
        let written = crate::text::normalise(raw);
        if written.is_empty() {
            continue;
        }
        match Column::from_header(raw) {
            Some(c) if map.positions[c.index()].is_some() => map.repeated.push((c, written)),
            Some(c) => {
                map.positions[c.index()] = Some(pos);
                map.texts[c.index()] = Some(written);
            }
            None => map.ignored.push(written),
        }
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells.iter().map(|s| Cell::from(*s)).collect()
    }

    #[test]
    fn the_header_is_found_below_a_merged_title() {
        let rows = vec![
            row(&["江城理工大学学生基本信息汇总表"]),
            row(&[]),
            row(&["序号", "学号", "姓名", "政治面貌"]),
        ];
        let map = find_header(&rows).unwrap();
        assert_eq!(map.row, 2);
        assert_eq!(map.position(Column::Name), Some(2));
        assert_eq!(map.ignored, vec!["序号".to_string()]);
    }

    #[test]
    fn a_sheet_of_instructions_has_no_header() {
        assert!(find_header(&[row(&["填写说明"]), row(&["学号：必填，10 位数字"])]).is_none());
    }

    #[test]
    fn a_column_given_twice_is_reported_and_the_first_is_used() {
        let map = find_header(&[row(&["学号", "手机号", "姓名", "联系电话"])]).unwrap();
        assert_eq!(map.position(Column::Phone), Some(1));
        assert_eq!(map.repeated, vec![(Column::Phone, "联系电话".to_string())]);
    }
}
