//! Conversions between Rust values and SQLite values: [`Encode`] for parameters, [`Decode`] for
//! columns.
//!
//! | Rust type | stored as | read from |
//! |---|---|---|
//! | `i64`, `i32`, `i16`, `i8`, `isize`, `u32`, `u16`, `u8`, `usize` | INTEGER (a `usize` above `i64::MAX` is an error when bound) | INTEGER (range-checked: a value the type cannot hold is an error naming it) |
//! | `u64` | INTEGER (binding a value above `i64::MAX` is an error) | INTEGER ≥ 0 |
//! | `f64`, `f32` | REAL (NaN is refused: SQLite would store NULL) | REAL or INTEGER (`f32`: rounded; beyond its range is an error) |
//! | `bool` | INTEGER 0 / 1 | INTEGER 0 / 1 |
//! | `String`, `&str` | TEXT (binding text with a NUL character is an error: libSQL would cut it there when reading) | TEXT |
//! | `Vec<u8>`, `&[u8]` | BLOB | BLOB |
//! | `uuid::Uuid` (feature `uuid`) | TEXT, hyphenated lower case (`67e55044-10b1-426f-9247-bb680e5fe0c8`) | TEXT, or a 16-byte BLOB |
//! | `chrono::DateTime<Utc>` (feature `chrono`) | TEXT in SQLite's format, UTC: `YYYY-MM-DD HH:MM:SS`, plus `.fff`, `.ffffff` or `.fffffffff` when the time has a fraction of a second; equal to `datetime('now')` / `CURRENT_TIMESTAMP` of the same second, text order is time order, SQLite's date functions read it; years 0–9999 | TEXT in that format, with `T`, RFC 3339 with any offset, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD`; INTEGER unix seconds |
//! | `chrono::NaiveDateTime` (feature `chrono`) | TEXT, the same format (SQLite's functions take it for UTC) | the same as `DateTime<Utc>` |
//! | `chrono::NaiveDate` (feature `chrono`) | TEXT `YYYY-MM-DD` (SQLite's `date()`) | TEXT `YYYY-MM-DD` |
//! | `serde_json::Value` (feature `json`) | TEXT (JSON) — works with SQLite's `json_extract` | TEXT (JSON) |
//! | `Option<T>` | `NULL` for `None` | `NULL` → `None` |
//!
//! Implement [`Encode`] and [`Decode`] for your own types to bind and read them.

use crate::error::ValueError;
use libsql::Value;

/// A Rust value that can be bound as a statement parameter.
///
/// ```
/// use larder::{Encode, Value};
/// assert_eq!(42_i64.encode().unwrap(), Value::Integer(42));
/// assert_eq!("hi".encode().unwrap(), Value::Text("hi".into()));
/// assert_eq!(None::<i64>.encode().unwrap(), Value::Null);
/// assert!(u64::MAX.encode().is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound as a SQL parameter",
    label = "this parameter's type does not implement `larder::Encode`",
    note = "parameters can be integers (i8 to i64, u8 to u64, isize, usize), f64/f32, bool, &str/String, &[u8]/Vec<u8>, Uuid, DateTime<Utc>/NaiveDateTime/NaiveDate, serde_json::Value, an Option of one, or a slice/Vec/array of one for `IN (?1)`; for your own types: `#[derive(larder::Type)]`, `larder::Json<T>`, or implement `larder::Encode`"
)]
pub trait Encode {
    /// The SQLite value for `self`, or why it has none.
    fn encode(&self) -> Result<Value, ValueError>;

    /// Whether `self` is a list (a slice, `Vec` or array of [`ListElement`](crate::ListElement)s),
    /// bound as one JSON array at `IN (?N)`. Leave the default (`false`) for your own types.
    ///
    /// ```
    /// use larder::Encode;
    /// assert!(vec![1_i64, 2].is_list());
    /// assert!(!vec![1_u8, 2].is_list()); // a BLOB
    /// ```
    fn is_list(&self) -> bool {
        false
    }
}

/// A Rust value that can be read from one column.
///
/// ```
/// use larder::{Decode, Value};
/// assert_eq!(i32::decode(Value::Integer(7)).unwrap(), 7);
/// assert_eq!(Option::<String>::decode(Value::Null).unwrap(), None);
/// assert!(u32::decode(Value::Integer(-1)).is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a SQL column",
    label = "this type does not implement `larder::Decode`",
    note = "columns can be read as integers (i8 to i64, u8 to u64, isize, usize), f64/f32, bool, String, Vec<u8>, Uuid, DateTime<Utc>/NaiveDateTime/NaiveDate, serde_json::Value, or an Option of one; for your own types: `#[derive(larder::Type)]`, `larder::Json<T>`, or implement `larder::Decode`"
)]
pub trait Decode: Sized {
    /// The name used in error messages ("i64", "uuid::Uuid", ...).
    const TYPE_NAME: &'static str;

    /// The storage classes [`decode`](Decode::decode) reads. The macros compare them at compile
    /// time with each result column's declared type (docs/checking.md): a `String` field on a
    /// column declared `INTEGER` is a build error. The default, [`StorageClasses::ANY`], leaves
    /// your own types unchecked; narrow it to have them checked too:
    ///
    /// ```
    /// use larder::{Decode, StorageClasses, Value, ValueError};
    ///
    /// /// Cents, stored as an INTEGER.
    /// struct Cents(i64);
    ///
    /// impl Decode for Cents {
    ///     const TYPE_NAME: &'static str = "Cents";
    ///     const READS: StorageClasses = StorageClasses::INTEGER;
    ///
    ///     fn decode(value: Value) -> Result<Self, ValueError> {
    ///         i64::decode(value).map(Cents)
    ///     }
    /// }
    /// assert_eq!(Cents::decode(Value::Integer(250)).unwrap().0, 250);
    /// ```
    const READS: StorageClasses = StorageClasses::ANY;

    /// Reads the value, or says why it cannot.
    fn decode(value: Value) -> Result<Self, ValueError>;
}

/// A set of SQLite storage classes (INTEGER, REAL, TEXT, BLOB): what a [`Decode`] type reads.
///
/// ```
/// use larder::{Decode, StorageClasses};
/// assert!(f64::READS.contains(StorageClasses::INTEGER));
/// assert!(!String::READS.contains(StorageClasses::INTEGER));
/// assert_eq!(
///     StorageClasses::REAL.union(StorageClasses::INTEGER),
///     <Option<f64> as Decode>::READS,
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageClasses(u8);

impl StorageClasses {
    /// 64-bit signed integers.
    pub const INTEGER: Self = Self(1);
    /// 64-bit floating point numbers.
    pub const REAL: Self = Self(2);
    /// Text.
    pub const TEXT: Self = Self(4);
    /// Bytes.
    pub const BLOB: Self = Self(8);
    /// Every class: a type that reads anything (or is not checked).
    pub const ANY: Self = Self(15);

    /// The classes in `self` or in `other`.
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Every class of `other` is in `self`.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

/// A short description of a value for error messages: its SQLite type and a preview.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_owned(),
        Value::Integer(i) => format!("INTEGER {i}"),
        Value::Real(r) => format!("REAL {r}"),
        Value::Text(t) => {
            let preview: String = t.chars().take(40).collect();
            let ellipsis = if preview.len() < t.len() { "…" } else { "" };
            format!("TEXT {preview:?}{ellipsis}")
        }
        Value::Blob(b) => format!("BLOB of {} bytes", b.len()),
    }
}

pub(super) fn mismatch<T: Decode>(value: &Value) -> ValueError {
    ValueError::new(T::TYPE_NAME, describe(value))
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self) -> Result<Value, ValueError> {
        (**self).encode()
    }

    fn is_list(&self) -> bool {
        (**self).is_list()
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self) -> Result<Value, ValueError> {
        match self {
            Some(v) => v.encode(),
            None => Ok(Value::Null),
        }
    }

    /// `Some(list)` is a list (its JSON text must not be compared as text).
    fn is_list(&self) -> bool {
        self.as_ref().is_some_and(Encode::is_list)
    }
}

impl<T: Decode> Decode for Option<T> {
    const TYPE_NAME: &'static str = T::TYPE_NAME;
    const READS: StorageClasses = T::READS;

    fn decode(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Null => Ok(None),
            other => T::decode(other).map(Some),
        }
    }
}

impl Encode for Value {
    fn encode(&self) -> Result<Value, ValueError> {
        Ok(self.clone())
    }
}

impl Decode for Value {
    const TYPE_NAME: &'static str = "larder::Value";

    fn decode(value: Value) -> Result<Self, ValueError> {
        Ok(value)
    }
}

impl Encode for i64 {
    fn encode(&self) -> Result<Value, ValueError> {
        Ok(Value::Integer(*self))
    }
}

impl Decode for i64 {
    const TYPE_NAME: &'static str = "i64";
    const READS: StorageClasses = StorageClasses::INTEGER;

    fn decode(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Integer(i) => Ok(i),
            other => Err(mismatch::<Self>(&other)),
        }
    }
}

/// Integers narrower than `i64` (or unsigned) are stored as INTEGER and range-checked when read.
macro_rules! checked_integer {
    ($($ty:ty),*) => {$(
        impl Encode for $ty {
            fn encode(&self) -> Result<Value, ValueError> {
                i64::try_from(*self)
                    .map(Value::Integer)
                    .map_err(|_| ValueError::new("INTEGER (i64)", format!("{} {}", stringify!($ty), self)))
            }
        }

        impl Decode for $ty {
            const TYPE_NAME: &'static str = stringify!($ty);
            const READS: StorageClasses = StorageClasses::INTEGER;

            fn decode(value: Value) -> Result<Self, ValueError> {
                match value {
                    Value::Integer(i) => <$ty>::try_from(i).map_err(|_| {
                        ValueError::new(Self::TYPE_NAME, format!("INTEGER {i} (out of range)"))
                    }),
                    other => Err(mismatch::<Self>(&other)),
                }
            }
        }
    )*};
}

checked_integer!(i32, u32, u64, i16, u16, i8, u8, usize, isize);

impl Encode for f64 {
    /// A NaN is refused: SQLite would store it as NULL without a word.
    fn encode(&self) -> Result<Value, ValueError> {
        if self.is_nan() {
            return Err(ValueError::new(
                "f64",
                "NaN (SQLite stores NaN as NULL; pass None for NULL, or a number)",
            ));
        }
        Ok(Value::Real(*self))
    }
}

impl Decode for f64 {
    const TYPE_NAME: &'static str = "f64";
    const READS: StorageClasses = StorageClasses::REAL.union(StorageClasses::INTEGER);

    fn decode(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Real(r) => Ok(r),
            // SQLite stores integral values of untyped expressions as INTEGER.
            Value::Integer(i) => Ok(i as f64),
            other => Err(mismatch::<Self>(&other)),
        }
    }
}

impl Encode for f32 {
    /// Stored as the REAL of the same value (every `f32` is exactly an `f64`); NaN is refused.
    fn encode(&self) -> Result<Value, ValueError> {
        f64::from(*self).encode()
    }
}

impl Decode for f32 {
    const TYPE_NAME: &'static str = "f32";
    const READS: StorageClasses = StorageClasses::REAL.union(StorageClasses::INTEGER);

    /// Rounded to the nearest `f32`; a finite value beyond `f32`'s range is an error (it would
    /// read as infinity).
    fn decode(value: Value) -> Result<Self, ValueError> {
        let wide = f64::decode(value)?;
        let narrow = wide as f32;
        if narrow.is_infinite() && wide.is_finite() {
            return Err(ValueError::new(
                "f32",
                format!("REAL {wide} (beyond f32's range; read it as f64)"),
            ));
        }
        Ok(narrow)
    }
}

impl Encode for bool {
    fn encode(&self) -> Result<Value, ValueError> {
        Ok(Value::Integer(i64::from(*self)))
    }
}

impl Decode for bool {
    const TYPE_NAME: &'static str = "bool";
    const READS: StorageClasses = StorageClasses::INTEGER;

    fn decode(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Integer(0) => Ok(false),
            Value::Integer(1) => Ok(true),
            Value::Integer(i) => Err(ValueError::new("bool", format!("INTEGER {i} (not 0 or 1)"))),
            other => Err(mismatch::<Self>(&other)),
        }
    }
}

/// libSQL 0.10 reads TEXT through a C string, so text after a NUL character would be lost on the
/// way back; refuse it when binding instead of losing data silently.
fn text(s: &str) -> Result<Value, ValueError> {
    if s.contains('\0') {
        return Err(ValueError::new(
            "TEXT without NUL characters (libSQL cuts text at the first NUL when reading; store it as a BLOB, e.g. `s.as_bytes()`)",
            "text containing a NUL character",
        ));
    }
    Ok(Value::Text(s.to_owned()))
}

impl Encode for str {
    fn encode(&self) -> Result<Value, ValueError> {
        text(self)
    }
}

impl Encode for String {
    fn encode(&self) -> Result<Value, ValueError> {
        text(self)
    }
}

impl Decode for String {
    const TYPE_NAME: &'static str = "String";
    const READS: StorageClasses = StorageClasses::TEXT;

    fn decode(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Text(t) => Ok(t),
            other => Err(mismatch::<Self>(&other)),
        }
    }
}

impl Encode for [u8] {
    fn encode(&self) -> Result<Value, ValueError> {
        Ok(Value::Blob(self.to_vec()))
    }
}

impl Encode for Vec<u8> {
    fn encode(&self) -> Result<Value, ValueError> {
        Ok(Value::Blob(self.clone()))
    }
}

impl Decode for Vec<u8> {
    const TYPE_NAME: &'static str = "Vec<u8>";
    const READS: StorageClasses = StorageClasses::BLOB;

    fn decode(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Blob(b) => Ok(b),
            other => Err(mismatch::<Self>(&other)),
        }
    }
}

#[cfg(feature = "uuid")]
#[cfg_attr(docsrs, doc(cfg(feature = "uuid")))]
impl Encode for uuid::Uuid {
    fn encode(&self) -> Result<Value, ValueError> {
        Ok(Value::Text(self.hyphenated().to_string()))
    }
}

#[cfg(feature = "uuid")]
#[cfg_attr(docsrs, doc(cfg(feature = "uuid")))]
impl Decode for uuid::Uuid {
    const TYPE_NAME: &'static str = "uuid::Uuid";
    const READS: StorageClasses = StorageClasses::TEXT.union(StorageClasses::BLOB);

    fn decode(value: Value) -> Result<Self, ValueError> {
        match &value {
            Value::Text(t) => uuid::Uuid::parse_str(t).map_err(|_| mismatch::<Self>(&value)),
            Value::Blob(b) => uuid::Uuid::from_slice(b).map_err(|_| mismatch::<Self>(&value)),
            _ => Err(mismatch::<Self>(&value)),
        }
    }
}

#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
impl Encode for serde_json::Value {
    fn encode(&self) -> Result<Value, ValueError> {
        // serde_json escapes NUL as \u0000, so the text never holds one.
        Ok(Value::Text(self.to_string()))
    }
}

#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
impl Decode for serde_json::Value {
    const TYPE_NAME: &'static str = "serde_json::Value";
    const READS: StorageClasses = StorageClasses::TEXT;

    fn decode(value: Value) -> Result<Self, ValueError> {
        match &value {
            Value::Text(t) => serde_json::from_str(t).map_err(|_| mismatch::<Self>(&value)),
            _ => Err(mismatch::<Self>(&value)),
        }
    }
}
