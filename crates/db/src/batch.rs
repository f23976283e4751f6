//! Statements over a list of rows or keys whose SQL text does not change with the list's
//! length on PostgreSQL (docs/adr/0016-postgres-group-writes.md).
//!
//! The group writes of a deadline burst carry hundreds of rows. Written as `VALUES (?, ?), …`
//! or `IN (?, …)`, each group's statement has a new text, so PostgreSQL parses and analyses
//! thousands of parameters afresh every time and the driver's statement cache never hits. On
//! PostgreSQL these helpers pass one array per column instead (`unnest(?::bigint[], …)`,
//! `= ANY(?::bigint[])`): one text per statement, prepared once per connection. SQLite has no
//! arrays and no such cost (statements are prepared in-process), so it keeps the lists.

use chrono::NaiveDate;
use sea_orm::sea_query::{ArrayType, Expr, ExprTrait, PgFunc};
use sea_orm::{ColumnTrait, DbBackend, Value};

use crate::DbError;

/// The type of a column of [`Rows`]; no column holds NULLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    I64,
    Text,
    Ts,
    Date,
}

impl Ty {
    fn pg_array(self) -> &'static str {
        match self {
            Ty::I64 => "bigint[]",
            Ty::Text => "text[]",
            Ty::Ts => "timestamptz[]",
            Ty::Date => "date[]",
        }
    }

    fn array_type(self) -> ArrayType {
        match self {
            Ty::I64 => ArrayType::BigInt,
            Ty::Text => ArrayType::String,
            Ty::Ts => ArrayType::ChronoDateTimeUtc,
            Ty::Date => ArrayType::ChronoDate,
        }
    }

    /// Whether `v` is a non-NULL value of this type: the driver cannot put anything else in an
    /// array of it.
    fn holds(self, v: &Value) -> bool {
        matches!(
            (self, v),
            (Ty::I64, Value::BigInt(Some(_)))
                | (Ty::Text, Value::String(Some(_)))
                | (Ty::Ts, Value::ChronoDateTimeUtc(Some(_)))
                | (Ty::Date, Value::ChronoDate(Some(_)))
        )
    }
}

/// Rows of typed values, to be the source of an `INSERT` or a `WITH v (…) AS (…)`.
pub(crate) struct Rows {
    types: &'static [Ty],
    cells: Vec<Value>,
}

impl Rows {
    pub(crate) fn new(types: &'static [Ty]) -> Self {
        Self {
            types,
            cells: Vec::new(),
        }
    }

    /// Adds a row: one value per column, of the column's type.
    pub(crate) fn push<const N: usize>(&mut self, row: [Value; N]) {
        debug_assert_eq!(N, self.types.len(), "row of the wrong width");
        self.cells.extend(row);
    }

    /// The rows as a query: `SELECT * FROM unnest(?::bigint[], …)` on PostgreSQL, `VALUES
    /// (?, …), …` elsewhere. Its placeholders take [`Rows::values`].
    pub(crate) fn source(&self, b: DbBackend) -> String {
        if b == DbBackend::Postgres {
            let arrays: Vec<String> = self
                .types
                .iter()
                .map(|t| format!("?::{}", t.pg_array()))
                .collect();
            return format!("SELECT * FROM unnest({})", arrays.join(", "));
        }
        let one = format!("({})", vec!["?"; self.types.len()].join(", "));
        let rows = self.cells.len() / self.types.len().max(1);
        format!("VALUES {}", vec![one; rows].join(", "))
    }

    /// The values for [`Rows::source`]: on PostgreSQL one array per column. A value that is
    /// NULL or not of its column's type is refused here rather than by the driver.
    pub(crate) fn values(self, b: DbBackend) -> Result<Vec<Value>, DbError> {
        let width = self.types.len();
        if let Some((i, _)) = self
            .cells
            .iter()
            .enumerate()
            .find(|(i, v)| !self.types[i % width].holds(v))
        {
            return Err(DbError::Corrupt(format!(
                "batch row {} column {}: NULL or of another type",
                i / width,
                i % width
            )));
        }
        if b != DbBackend::Postgres {
            return Ok(self.cells);
        }
        let mut columns: Vec<Vec<Value>> =
            vec![Vec::with_capacity(self.cells.len() / width); width];
        for (i, v) in self.cells.into_iter().enumerate() {
            columns[i % width].push(v);
        }
        Ok(self
            .types
            .iter()
            .zip(columns)
            .map(|(t, c)| Value::Array(t.array_type(), Some(Box::new(c))))
            .collect())
    }
}

/// `column = ANY(?::bigint[])` on PostgreSQL, `column IN (?, …)` elsewhere, and its values.
pub(crate) fn any_i64(b: DbBackend, column: &str, ids: &[i64]) -> (String, Vec<Value>) {
    any(b, column, Ty::I64, ids.iter().map(|&i| i.into()).collect())
}

/// [`any_i64`] for text keys.
pub(crate) fn any_text(b: DbBackend, column: &str, keys: &[&str]) -> (String, Vec<Value>) {
    any(
        b,
        column,
        Ty::Text,
        keys.iter().map(|&k| k.into()).collect(),
    )
}

/// [`any_i64`] for dates.
pub(crate) fn any_date(b: DbBackend, column: &str, days: &[NaiveDate]) -> (String, Vec<Value>) {
    any(
        b,
        column,
        Ty::Date,
        days.iter().map(|&d| d.into()).collect(),
    )
}

/// [`any_text`] as a query-builder condition on `column`.
pub(crate) fn column_any_text<C: ColumnTrait>(b: DbBackend, column: C, keys: Vec<String>) -> Expr {
    if b == DbBackend::Postgres {
        return Expr::col(column.as_column_ref()).eq(PgFunc::any(Expr::val(keys)));
    }
    column.is_in(keys)
}

fn any(b: DbBackend, column: &str, ty: Ty, values: Vec<Value>) -> (String, Vec<Value>) {
    if b == DbBackend::Postgres {
        let array = Value::Array(ty.array_type(), Some(Box::new(values)));
        return (format!("{column} = ANY(?::{})", ty.pg_array()), vec![array]);
    }
    let marks = vec!["?"; values.len()].join(", ");
    (format!("{column} IN ({marks})"), values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_rows() -> Rows {
        let mut r = Rows::new(&[Ty::I64, Ty::Text]);
        r.push([1i64.into(), "a".into()]);
        r.push([2i64.into(), "b".into()]);
        r
    }

    #[test]
    fn sqlite_gets_a_values_list_and_the_values_row_by_row() {
        let r = two_rows();
        assert_eq!(r.source(DbBackend::Sqlite), "VALUES (?, ?), (?, ?)");
        let v = r.values(DbBackend::Sqlite).unwrap();
        assert_eq!(v, vec![1i64.into(), "a".into(), 2i64.into(), "b".into()]);
    }

    #[test]
    fn postgres_gets_one_array_per_column_and_the_same_text_for_any_length() {
        let r = two_rows();
        let source = r.source(DbBackend::Postgres);
        assert_eq!(source, "SELECT * FROM unnest(?::bigint[], ?::text[])");
        let v = r.values(DbBackend::Postgres).unwrap();
        assert_eq!(
            v,
            vec![
                vec![1i64, 2].into(),
                vec!["a".to_string(), "b".to_string()].into()
            ]
        );
        let mut longer = two_rows();
        longer.push([3i64.into(), "c".into()]);
        assert_eq!(longer.source(DbBackend::Postgres), source);
    }

    #[test]
    fn a_null_or_mistyped_cell_is_refused_before_the_driver_sees_it() {
        let mut r = Rows::new(&[Ty::I64, Ty::Text]);
        r.push([1i64.into(), Value::String(None)]);
        assert!(matches!(
            r.values(DbBackend::Postgres),
            Err(DbError::Corrupt(_))
        ));
        let mut r = Rows::new(&[Ty::I64]);
        r.push(["1".into()]);
        assert!(matches!(
            r.values(DbBackend::Sqlite),
            Err(DbError::Corrupt(_))
        ));
    }

    #[test]
    fn key_lists_are_one_array_on_postgres_and_an_in_list_elsewhere() {
        let (sql, v) = any_i64(DbBackend::Postgres, "id", &[4, 5, 6]);
        assert_eq!(sql, "id = ANY(?::bigint[])");
        assert_eq!(v, vec![vec![4i64, 5, 6].into()]);
        let (sql, v) = any_text(DbBackend::Sqlite, "k", &["x", "y"]);
        assert_eq!(sql, "k IN (?, ?)");
        assert_eq!(v.len(), 2);
    }
}
