//! How big a sheet may be, and building the grid within those bounds.
//!
//! An upload is untrusted: a 5 KB workbook with one cell in A1 and one in XFD1048576 would make
//! a dense reader allocate half a terabyte and abort the whole server. Cells are therefore
//! collected sparsely and refused past these limits, which are far above any roster or question
//! bank (a whole university is some 30,000 rows of about 20 columns; a province-wide export of
//! 100,000 people still fits).

use redbranch_domain::roster::Cell;

use crate::error::SheetError;

/// Highest Excel row number read.
pub const MAX_ROWS: usize = 200_000;
/// Highest column count read (column IV).
pub const MAX_COLUMNS: usize = 256;
/// Cell slots a sheet may occupy once laid out in rows (empty slots to the left included).
pub const MAX_GRID_CELLS: usize = 8_000_000;
/// Bytes an `.xlsx` may unpack to, all parts together.
pub const MAX_UNZIPPED_BYTES: u64 = 200 * 1024 * 1024;

/// Rows of cells put in place one at a time, in any order, within the limits.
#[derive(Default)]
pub(crate) struct GridBuilder {
    rows: Vec<Vec<Cell>>,
    slots: usize,
}

impl GridBuilder {
    /// Places a cell at a 0-based position; empty cells are not stored.
    pub fn put(&mut self, row: usize, col: usize, cell: Cell) -> Result<(), SheetError> {
        if cell == Cell::Empty {
            return Ok(());
        }
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(SheetError::TooLarge(format!(
                "a cell at row {} column {}",
                row + 1,
                col + 1
            )));
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            self.slots += col + 1 - cells.len();
            if self.slots > MAX_GRID_CELLS {
                return Err(SheetError::TooLarge(format!(
                    "more than {MAX_GRID_CELLS} cells"
                )));
            }
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = cell;
        Ok(())
    }

    pub fn into_rows(self) -> Vec<Vec<Cell>> {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_far_away_cell_is_refused_instead_of_allocated() {
        let mut grid = GridBuilder::default();
        assert!(grid.put(0, 0, Cell::from("学号")).is_ok());
        assert!(matches!(
            grid.put(1_048_575, 0, Cell::from("x")),
            Err(SheetError::TooLarge(_))
        ));
        assert!(matches!(
            grid.put(0, 16_383, Cell::from("x")),
            Err(SheetError::TooLarge(_))
        ));
    }

    #[test]
    fn cells_may_arrive_in_any_order_and_empty_ones_take_no_room() {
        let mut grid = GridBuilder::default();
        grid.put(2, 1, Cell::from("b")).unwrap();
        grid.put(0, 0, Cell::from("a")).unwrap();
        grid.put(5, 9, Cell::Empty).unwrap();
        let rows = grid.into_rows();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2], vec![Cell::Empty, Cell::from("b")]);
    }
}
