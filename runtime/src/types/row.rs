//! Reading rows into Rust values: [`FromRow`] for whole rows, with column lookup by name done once
//! per statement rather than once per row.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::types::value::{Decode, StorageClasses};

/// How a [`FromRow`] type reads a row.
///
/// ```
/// use larder::{FromRow, RowShape};
/// assert!(matches!(<i64 as FromRow>::SHAPE, RowShape::Scalar));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum RowShape {
    /// One value from a statement that returns exactly one column (`i64`, `String`, ...).
    Scalar,
    /// One value per named column, in this order; columns are matched by name (exact match first,
    /// then ASCII case-insensitive, as SQLite treats identifiers).
    Named(&'static [&'static str]),
    /// Exactly this many columns, read by position (tuples).
    Positional(usize),
}

/// A type built from one result row. Derive it with `#[derive(larder::FromRow)]` on a struct with
/// named fields; it is implemented for every scalar that implements [`Decode`] (one column) and
/// for tuples of up to 8 of them (columns by position).
///
/// ```
/// #[derive(larder::FromRow)]
/// struct Episode {
///     id: i64,
///     #[larder(rename = "task_name")]
///     task: String,
///     reward: Option<f64>,
/// }
///
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// db.execute_batch("CREATE TABLE episodes (id INTEGER PRIMARY KEY, task_name TEXT, reward REAL);
///                   INSERT INTO episodes VALUES (1, 'plan', NULL);").await?;
/// let eps: Vec<Episode> = db.fetch_all("SELECT * FROM episodes", &[]).await?;
/// assert_eq!(eps[0].task, "plan");
/// assert_eq!(eps[0].reward, None);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be built from a result row",
    label = "add `#[derive(larder::FromRow)]` to this type, or return a single column's type",
    note = "a row is read into a struct that derives `larder::FromRow`, or into one column's value (i64, String, Uuid, ...)"
)]
pub trait FromRow: Sized + 'static {
    /// Which columns the type reads.
    const SHAPE: RowShape;

    /// What each column of [`SHAPE`](FromRow::SHAPE) is read as, in the same order, for the
    /// compile-time check of column types. The default, empty, means "not known": a hand-written
    /// implementation is checked for its column names only.
    const FIELDS: &'static [FieldType] = &[];

    /// Builds the value; `row.get(i)` reads the `i`-th name of [`RowShape::Named`] (or the only
    /// column of a scalar).
    fn from_row(row: &RowRef<'_>) -> Result<Self>;
}

/// What one field of a [`FromRow`] type reads: its Rust type's name and the storage classes it
/// decodes (from [`Decode`]).
///
/// ```
/// use larder::{FieldType, FromRow, StorageClasses};
///
/// #[derive(larder::FromRow)]
/// struct Item { id: i64, name: Option<String> }
///
/// let [id, name] = <Item as FromRow>::FIELDS else { panic!() };
/// assert_eq!((id.type_name, id.reads), ("i64", StorageClasses::INTEGER));
/// assert_eq!(name.reads, StorageClasses::TEXT);
/// assert_eq!(FieldType::of::<f64>().type_name, "f64");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldType {
    /// [`Decode::TYPE_NAME`] of the field's type.
    pub type_name: &'static str,
    /// [`Decode::READS`] of the field's type.
    pub reads: StorageClasses,
}

impl FieldType {
    /// The field type of `T`.
    pub const fn of<T: Decode>() -> FieldType {
        FieldType {
            type_name: T::TYPE_NAME,
            reads: T::READS,
        }
    }
}

/// One row being read by [`FromRow::from_row`]: columns are addressed by the position of their
/// name in the type's [`RowShape`].
///
/// ```
/// use larder::{FromRow, RowRef, RowShape};
///
/// struct Pair { key: String, value: i64 }
///
/// impl FromRow for Pair {
///     const SHAPE: RowShape = RowShape::Named(&["key", "value"]);
///     fn from_row(row: &RowRef<'_>) -> larder::Result<Self> {
///         Ok(Pair { key: row.get(0)?, value: row.get(1)? })
///     }
/// }
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// let p: Pair = db.fetch_one("SELECT 'a' AS key, 1 AS value", &[]).await?;
/// assert_eq!((p.key.as_str(), p.value), ("a", 1));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
pub struct RowRef<'a> {
    row: &'a libsql::Row,
    map: &'a [usize],
    statement: &'a str,
}

impl<'a> RowRef<'a> {
    pub(crate) fn new(row: &'a libsql::Row, map: &'a [usize], statement: &'a str) -> Self {
        RowRef {
            row,
            map,
            statement,
        }
    }

    /// Reads the value of the `field`-th column the type asked for.
    ///
    /// # Errors
    /// [`Error::Decode`] naming the column when its value does not fit `T`.
    ///
    /// See [`RowRef`] for a hand-written [`FromRow`] that uses it.
    pub fn get<T: Decode>(&self, field: usize) -> Result<T> {
        let column = self.map.get(field).copied().ok_or_else(|| {
            Error::Misuse(format!(
                "a FromRow implementation read field {field}, but its RowShape names only {} \
                 columns; read fields 0..{0} only, or add the column to its RowShape",
                self.map.len()
            ))
        })?;
        let index = column as i32;
        let name = || self.row.column_name(index).unwrap_or("?");
        // libSQL 0.10 unwraps the UTF-8 check of TEXT values (`CStr::to_str().unwrap()`): a
        // TEXT value that is not UTF-8 — written by another program, or by
        // `CAST(x'ff' AS TEXT)` — would panic here. The panic happens after SQLite handed the
        // value over, before anything changed, so catching it leaves the row and the statement
        // as they were; it becomes a decode error. (The default panic hook still prints it.)
        let read = std::panic::catch_unwind(AssertUnwindSafe(|| self.row.get_value(index)));
        let value = match read {
            Ok(value) => value.map_err(|source| Error::Sql {
                statement: self.statement.to_owned(),
                sql: String::new(),
                cause: source,
            })?,
            Err(_) => {
                return Err(Error::Decode {
                    statement: self.statement.to_owned(),
                    column: name().to_owned(),
                    expected: T::TYPE_NAME,
                    found: format!(
                        "TEXT that is not valid UTF-8 (read its bytes instead: select \
                         `CAST({} AS BLOB)` into a `Vec<u8>`)",
                        name()
                    ),
                })
            }
        };
        T::decode(value).map_err(|e| e.into_decode(self.statement, name()))
    }
}

/// Where each field of a `FromRow` type is in a statement's columns, computed once per statement
/// and re-validated cheaply on every execution.
#[derive(Debug, Default)]
pub(crate) struct ColumnMap {
    owner: Option<std::any::TypeId>,
    indexes: Box<[usize]>,
}

/// Column names of a result set, as a list the map can be built from.
pub(crate) trait Columns {
    fn count(&self) -> usize;
    fn name(&self, index: usize) -> Option<&str>;
}

impl Columns for libsql::Rows {
    fn count(&self) -> usize {
        usize::try_from(self.column_count()).unwrap_or(0)
    }

    fn name(&self, index: usize) -> Option<&str> {
        self.column_name(index as i32)
    }
}

impl ColumnMap {
    /// The indexes for `T`, rebuilt only when the statement's columns no longer match the cached
    /// map (a new `T`, or a schema change that moved columns under a `SELECT *`).
    pub(crate) fn for_type<T: FromRow>(
        &mut self,
        columns: &impl Columns,
        statement: &str,
    ) -> Result<&[usize]> {
        let owner = std::any::TypeId::of::<T>();
        if self.owner != Some(owner) || !self.still_valid::<T>(columns) {
            self.indexes = build::<T>(columns, statement)?;
            self.owner = Some(owner);
        }
        Ok(&self.indexes)
    }

    fn still_valid<T: FromRow>(&self, columns: &impl Columns) -> bool {
        match T::SHAPE {
            RowShape::Scalar => columns.count() == 1,
            RowShape::Positional(n) => columns.count() == n,
            RowShape::Named(names) => names.iter().zip(self.indexes.iter()).all(|(name, &i)| {
                columns
                    .name(i)
                    .is_some_and(|c| c.eq_ignore_ascii_case(name))
            }),
        }
    }
}

fn build<T: FromRow>(columns: &impl Columns, statement: &str) -> Result<Box<[usize]>> {
    let count = columns.count();
    match T::SHAPE {
        RowShape::Scalar if count == 1 => Ok(Box::new([0])),
        RowShape::Scalar => Err(Error::ColumnCount {
            statement: statement.to_owned(),
            count,
            expected: 1,
        }),
        RowShape::Positional(n) if count == n => Ok((0..n).collect()),
        RowShape::Positional(n) => Err(Error::ColumnCount {
            statement: statement.to_owned(),
            count,
            expected: n,
        }),
        RowShape::Named(names) => names
            .iter()
            .map(|name| {
                let index = find(columns, name).ok_or_else(|| missing(columns, name, statement))?;
                let same = (0..count)
                    .filter(|&i| {
                        columns
                            .name(i)
                            .is_some_and(|c| c.eq_ignore_ascii_case(name))
                    })
                    .count();
                if same > 1 {
                    return Err(Error::AmbiguousColumn {
                        statement: statement.to_owned(),
                        column: (*name).to_owned(),
                        available: returned(columns),
                    });
                }
                Ok(index)
            })
            .collect(),
    }
}

/// The statement's column names, comma separated.
fn returned(columns: &impl Columns) -> String {
    let names: Vec<&str> = (0..columns.count())
        .filter_map(|i| columns.name(i))
        .collect();
    if names.is_empty() {
        "no columns".to_owned()
    } else {
        names.join(", ")
    }
}

fn find(columns: &impl Columns, name: &str) -> Option<usize> {
    let count = columns.count();
    (0..count)
        .find(|&i| columns.name(i) == Some(name))
        .or_else(|| {
            (0..count).find(|&i| {
                columns
                    .name(i)
                    .is_some_and(|c| c.eq_ignore_ascii_case(name))
            })
        })
}

fn missing(columns: &impl Columns, name: &str, statement: &str) -> Error {
    Error::ColumnNotFound {
        statement: statement.to_owned(),
        column: name.to_owned(),
        available: returned(columns),
    }
}

macro_rules! scalar_from_row {
    ($($ty:ty),* $(,)?) => {$(
        impl FromRow for $ty {
            const SHAPE: RowShape = RowShape::Scalar;
            const FIELDS: &'static [FieldType] = &[FieldType::of::<Self>()];

            fn from_row(row: &RowRef<'_>) -> Result<Self> {
                row.get(0)
            }
        }

        impl FromRow for Option<$ty> {
            const SHAPE: RowShape = RowShape::Scalar;
            const FIELDS: &'static [FieldType] = &[FieldType::of::<Self>()];

            fn from_row(row: &RowRef<'_>) -> Result<Self> {
                row.get(0)
            }
        }
    )*};
}

scalar_from_row!(
    i64,
    i32,
    u32,
    u64,
    i16,
    u16,
    i8,
    u8,
    usize,
    isize,
    f64,
    f32,
    bool,
    String,
    Vec<u8>,
    libsql::Value
);
#[cfg(feature = "uuid")]
scalar_from_row!(uuid::Uuid);
#[cfg(feature = "chrono")]
scalar_from_row!(
    chrono::DateTime<chrono::Utc>,
    chrono::NaiveDateTime,
    chrono::NaiveDate
);
#[cfg(feature = "json")]
scalar_from_row!(serde_json::Value);

/// A one-column type whose `Option` reads one column too: derived with `#[derive(larder::Type)]`
/// (the orphan rule keeps the derive from writing the `Option` impl itself), and `Json<T>`.
#[doc(hidden)]
pub trait DerivedColumn: Decode + 'static {}

impl<T: DerivedColumn> FromRow for Option<T> {
    const SHAPE: RowShape = RowShape::Scalar;
    const FIELDS: &'static [FieldType] = &[FieldType::of::<Self>()];

    fn from_row(row: &RowRef<'_>) -> Result<Self> {
        row.get(0)
    }
}

/// A row shared behind an `Arc` or owned in a `Box` (`Option<Arc<Episode>>`, `Vec<Arc<Episode>>`):
/// read as `T`, then wrapped, so that a cache hit of a large row is a reference-count bump.
macro_rules! wrapped_from_row {
    ($($wrapper:ident),*) => {$(
        impl<T: FromRow> FromRow for $wrapper<T> {
            const SHAPE: RowShape = T::SHAPE;
            const FIELDS: &'static [FieldType] = T::FIELDS;

            fn from_row(row: &RowRef<'_>) -> Result<Self> {
                T::from_row(row).map(Self::new)
            }
        }
    )*};
}

wrapped_from_row!(Arc, Box);

/// One column's value that may be NULL, of a statement that always returns one row
/// (`SELECT max(x) FROM t`): `None` when it is NULL. A struct or tuple row is read as it is.
pub(crate) struct Nullable<T>(pub(crate) Option<T>);

impl<T: FromRow> FromRow for Nullable<T> {
    const SHAPE: RowShape = T::SHAPE;
    const FIELDS: &'static [FieldType] = T::FIELDS;

    /// A NULL that `T` itself reads (`Option<Option<f64>>`: `T` is `Option<f64>`) stays
    /// `Some(None)`; one `T` cannot read is `None`.
    fn from_row(row: &RowRef<'_>) -> Result<Self> {
        match T::from_row(row) {
            Ok(value) => Ok(Nullable(Some(value))),
            Err(error) => {
                let null = matches!(T::SHAPE, RowShape::Scalar)
                    && row.get::<libsql::Value>(0)? == libsql::Value::Null;
                if null {
                    Ok(Nullable(None))
                } else {
                    Err(error)
                }
            }
        }
    }
}

macro_rules! tuple_from_row {
    ($n:literal: $($t:ident $i:tt),+) => {
        /// A tuple reads its columns by position: the statement must return exactly as many.
        impl<$($t: Decode + 'static),+> FromRow for ($($t,)+) {
            const SHAPE: RowShape = RowShape::Positional($n);
            const FIELDS: &'static [FieldType] = &[$(FieldType::of::<$t>()),+];

            fn from_row(row: &RowRef<'_>) -> Result<Self> {
                Ok(($(row.get::<$t>($i)?,)+))
            }
        }
    };
}

tuple_from_row!(1: A 0);
tuple_from_row!(2: A 0, B 1);
tuple_from_row!(3: A 0, B 1, C 2);
tuple_from_row!(4: A 0, B 1, C 2, D 3);
tuple_from_row!(5: A 0, B 1, C 2, D 3, E 4);
tuple_from_row!(6: A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_row!(7: A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
