//! Rows read by column name and values bound as parameters, the same for every backend.
//!
//! Each backend implements [`Row`] over its own row type with one method, [`Row::value`]:
//! SQLite and D1 by the column's name, PostgreSQL by the name and the column's type. The
//! typed readers ([`Row::int`], [`Row::text`], [`Row::flag`], ...) and their errors are
//! written once, here: a missing column, a NULL where a value belongs, text where a number
//! belongs or a number out of range is a [`StoreError::Column`] naming the column, never a
//! panic. The mappings from rows to records ([`super::rows`], and beside the dashboard's,
//! the analytics' and the inventory's row types) are written with these readers only.
//!
//! Writing goes the other way: a mapping names the [`Value`] of each column, and
//! [`crate::schema::Table::values`] puts them in the order of the table's columns, which
//! is also the order of its generated `INSERT` ([`crate::schema::Table::insert`]).

use std::borrow::Cow;

use super::StoreError;
use crate::schema::Table;

/// One column's value as every backend stores it: the schema uses only `BIGINT`,
/// `SMALLINT` (0 or 1) and `TEXT`, each of which may be `NULL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// `NULL`.
    Null,
    /// A `BIGINT` or `SMALLINT`.
    Int(i64),
    /// A `TEXT`.
    Text(Cow<'a, str>),
}

impl Value<'_> {
    /// What the value is, for messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "NULL".to_owned(),
            Value::Int(n) => format!("the number {n}"),
            Value::Text(_) => "text".to_owned(),
        }
    }
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<u32> for Value<'_> {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}

/// Seconds and positions: the largest ones are kept as `i64::MAX`, as [`super::rows::db_time`].
impl From<u64> for Value<'_> {
    fn from(v: u64) -> Self {
        Value::Int(super::rows::db_time(v))
    }
}

/// A flag is stored as 0 or 1.
impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(Cow::Borrowed(v))
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(Cow::Borrowed(v))
    }
}

impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::Text(Cow::Owned(v))
    }
}

impl<'a, T> From<Option<T>> for Value<'a>
where
    Value<'a>: From<T>,
{
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Value::from)
    }
}

impl<'a> From<&'a Option<String>> for Value<'a> {
    fn from(v: &'a Option<String>) -> Self {
        v.as_deref().into()
    }
}

/// The error of a column that does not read back.
pub fn column_error(column: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Column {
        column: column.to_owned(),
        reason: reason.to_string(),
    }
}

/// The error of a column the row does not have.
pub fn missing_column(column: &str) -> StoreError {
    column_error(column, "missing from the row")
}

/// Writing a row: the schema declares a table's columns ([`crate::schema`]), a mapping
/// names each column's value, and this puts the values in the columns' order.
impl Table {
    /// The parameters of [`Table::insert`]: the value of each column, in order, from a
    /// mapping that names the value of a column. A column the mapping has no value for is
    /// an error naming it.
    pub fn values<'a>(
        &self,
        value_of: impl Fn(&str) -> Option<Value<'a>>,
    ) -> Result<Vec<Value<'a>>, StoreError> {
        self.column_names()
            .map(|column| {
                value_of(column).ok_or_else(|| {
                    column_error(
                        column,
                        format!("no value to write into {} for it", self.name),
                    )
                })
            })
            .collect()
    }
}

/// A stored row, read by column name.
pub trait Row {
    /// The value of `column`: [`missing_column`] when the row has no such column, a
    /// [`column_error`] when the backend holds something the schema never writes (a real
    /// number, a blob, another type).
    fn value(&self, column: &str) -> Result<Value<'_>, StoreError>;

    /// A number, or `None` for `NULL`.
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Int(n) => Ok(Some(n)),
            other => Err(column_error(
                column,
                format!("holds {} where a number belongs", other.describe()),
            )),
        }
    }

    /// A number.
    fn int(&self, column: &str) -> Result<i64, StoreError> {
        self.opt_int(column)?
            .ok_or_else(|| column_error(column, "is NULL where a number belongs"))
    }

    /// A number in the range of `T` (a position, a time, a count).
    fn int_as<T: TryFrom<i64>>(&self, column: &str) -> Result<T, StoreError> {
        let n = self.int(column)?;
        T::try_from(n).map_err(|_| column_error(column, format!("holds {n}, out of range")))
    }

    /// A number in the range of `T`, or `None` for `NULL`.
    fn opt_int_as<T: TryFrom<i64>>(&self, column: &str) -> Result<Option<T>, StoreError> {
        match self.opt_int(column)? {
            None => Ok(None),
            Some(n) => T::try_from(n)
                .map(Some)
                .map_err(|_| column_error(column, format!("holds {n}, out of range"))),
        }
    }

    /// A flag: 0 or 1.
    fn flag(&self, column: &str) -> Result<bool, StoreError> {
        match self.int(column)? {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(column_error(
                column,
                format!("holds {n} where 0 or 1 belongs"),
            )),
        }
    }

    /// Text, or `None` for `NULL`.
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Text(t) => Ok(Some(t.into_owned())),
            other => Err(column_error(
                column,
                format!("holds {} where text belongs", other.describe()),
            )),
        }
    }

    /// Text.
    fn text(&self, column: &str) -> Result<String, StoreError> {
        self.opt_text(column)?
            .ok_or_else(|| column_error(column, "is NULL where text belongs"))
    }

    /// Text that `parse` turns into a value of the engine (a kind, a category), or the
    /// reason it does not.
    fn parsed<T, E: std::fmt::Display>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let text = self.text(column)?;
        parse(&text).map_err(|e| column_error(column, format!("`{text}`: {e}")))
    }
}

/// A row as D1 returns it: a JSON object keyed by column name (the Worker reads its results
/// as this type; the tests build rows with it).
pub type JsonRow = serde_json::Map<String, serde_json::Value>;

impl Row for JsonRow {
    fn value(&self, column: &str) -> Result<Value<'_>, StoreError> {
        match self.get(column) {
            None => Err(missing_column(column)),
            Some(serde_json::Value::Null) => Ok(Value::Null),
            Some(serde_json::Value::String(s)) => Ok(Value::Text(Cow::Borrowed(s))),
            Some(serde_json::Value::Number(n)) => n
                .as_i64()
                // JavaScript numbers: an integer may arrive as a float.
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0)
                        .map(|f| f as i64)
                })
                .map(Value::Int)
                .ok_or_else(|| column_error(column, format!("holds {n}, not an integer"))),
            Some(serde_json::Value::Bool(b)) => Ok(Value::Int(i64::from(*b))),
            Some(other) => Err(column_error(
                column,
                format!("holds {other}, neither a number nor text"),
            )),
        }
    }
}

/// The row a backend would return after writing `values` into `table`'s columns.
#[cfg(test)]
pub(crate) fn stored_row(table: &Table, values: Vec<Value<'_>>) -> JsonRow {
    table
        .column_names()
        .zip(values)
        .map(|(column, value)| {
            let json = match value {
                Value::Null => serde_json::Value::Null,
                Value::Int(n) => n.into(),
                Value::Text(t) => t.into_owned().into(),
            };
            (column.to_owned(), json)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: serde_json::Value) -> JsonRow {
        match value {
            serde_json::Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    fn reason(e: StoreError, column: &str) -> String {
        match e {
            StoreError::Column { column: c, reason } if c == column => reason,
            other => panic!("not an error of column {column}: {other:?}"),
        }
    }

    #[test]
    fn columns_are_read_by_name_and_type() {
        let r = row(serde_json::json!({
            "n": 7, "float": 3.0, "flag": 1, "t": "x", "none": null, "big": -1
        }));
        assert_eq!(r.int("n"), Ok(7));
        assert_eq!(r.int("float"), Ok(3));
        assert_eq!(r.flag("flag"), Ok(true));
        assert_eq!(r.text("t").as_deref(), Ok("x"));
        assert_eq!(r.opt_text("none"), Ok(None));
        assert_eq!(r.opt_int("none"), Ok(None));
        assert_eq!(r.int_as::<u32>("n"), Ok(7));
    }

    #[test]
    fn a_missing_column_or_a_wrong_type_names_the_column() {
        let r = row(serde_json::json!({
            "n": 7, "t": "x", "none": null, "neg": -1, "half": 1.5, "list": [1]
        }));
        assert_eq!(
            reason(r.int("absent").expect_err("an error"), "absent"),
            "missing from the row"
        );
        assert!(reason(r.int("t").expect_err("an error"), "t").contains("where a number belongs"));
        assert!(reason(r.text("n").expect_err("an error"), "n").contains("where text belongs"));
        assert!(reason(r.text("none").expect_err("an error"), "none").contains("NULL"));
        assert!(reason(r.int("none").expect_err("an error"), "none").contains("NULL"));
        assert!(
            reason(r.int_as::<u64>("neg").expect_err("an error"), "neg").contains("out of range")
        );
        assert!(reason(r.flag("n").expect_err("an error"), "n").contains("0 or 1"));
        assert!(reason(r.int("half").expect_err("an error"), "half").contains("not an integer"));
        assert!(reason(r.opt_text("list").expect_err("an error"), "list").contains("neither"));
        let e = r.parsed("t", |t| t.parse::<u8>()).expect_err("an error");
        assert!(reason(e, "t").starts_with("`x`: "));
    }

    #[test]
    fn values_convert_from_the_record_types() {
        assert_eq!(Value::from(true), Value::Int(1));
        assert_eq!(Value::from(u64::MAX), Value::Int(i64::MAX));
        assert_eq!(Value::from(None::<&str>), Value::Null);
        assert_eq!(Value::from(&Some("a".to_owned())), Value::Text("a".into()));
    }

    #[test]
    fn a_column_without_a_value_is_named() {
        let e = crate::schema::CHECKPOINTS
            .values(|c| (c != "signature").then_some(Value::Int(1)))
            .expect_err("no signature");
        assert!(
            matches!(&e, StoreError::Column { column, .. } if column == "signature"),
            "{e:?}"
        );
    }
}
