//! The compile-time check that a method's row type reads only columns its statement returns,
//! each as a type that can read what the schema declares the column to hold.
//!
//! The macros know the statement's columns and their declared types (the engine prepared it
//! against the schema) but not the row type's fields, which the type's `FromRow::SHAPE` and
//! `FromRow::FIELDS` know. So the expansion evaluates [`check_columns`] in a `const` item and
//! panics there with its message: a mismatch is a compile error (`cargo check` included) naming
//! the field, under the method's return type.

use std::marker::PhantomData;

use crate::types::row::{FieldType, FromRow, RowShape};
use crate::types::value::{Decode, StorageClasses};

/// `ShapeOf::<T>::SHAPE` is `Some(T::SHAPE)` when `T: FromRow`, and `None` otherwise (through
/// [`NoShape`], which the expansion brings into scope): an inherent associated const is found
/// before a trait's, but only when its bounds hold. So a type without `FromRow` is reported once,
/// by the fetch call that needs it, not a second time by this check.
pub struct ShapeOf<T>(PhantomData<T>);

impl<T: FromRow> ShapeOf<T> {
    /// The shape of a `FromRow` type.
    pub const SHAPE: Option<RowShape> = Some(T::SHAPE);
    /// The types its fields read.
    pub const FIELDS: &'static [FieldType] = T::FIELDS;
}

/// The fallback of [`ShapeOf`] for types that are not `FromRow`.
pub trait NoShape {
    /// No shape: nothing to check.
    const SHAPE: Option<RowShape> = None;
    /// No fields: nothing to check.
    const FIELDS: &'static [FieldType] = &[];
}

impl<T> NoShape for ShapeOf<T> {}

/// `FieldOf::<T>::TYPE` is `FieldType::of::<T>()` when `T: Decode`, and a type that reads
/// anything otherwise (through [`NotDecode`], in scope in the derived `FromRow::FIELDS`): the
/// same trick as [`ShapeOf`], so that a field type without `Decode` is reported once, by the
/// `RowRef::get` that needs it.
pub struct FieldOf<T>(PhantomData<T>);

impl<T: Decode> FieldOf<T> {
    /// What `T` reads.
    pub const TYPE: FieldType = FieldType::of::<T>();
}

/// The fallback of [`FieldOf`] for types that are not `Decode`.
pub trait NotDecode {
    /// Reads anything: nothing to check.
    const TYPE: FieldType = FieldType {
        type_name: "?",
        reads: StorageClasses::ANY,
    };
}

impl<T> NotDecode for FieldOf<T> {}

/// The outcome of a compile-time check ([`check_columns`], `sql::check_use`): empty when it
/// passes, else the message the expansion panics with.
pub struct ConstCheck {
    buf: [u8; 2048],
    len: usize,
}

impl ConstCheck {
    pub(crate) const FITS: ConstCheck = ConstCheck {
        buf: [0; 2048],
        len: 0,
    };

    /// The message, when the shape does not fit.
    pub const fn message(&self) -> Option<&str> {
        if self.len == 0 {
            return None;
        }
        let (message, _) = self.buf.split_at(self.len);
        match core::str::from_utf8(message) {
            Ok(message) => Some(message),
            Err(_) => Some("the row type does not fit the statement's columns"),
        }
    }
}

/// Whether `shape` fits `columns`, and each of `fields` (when known: one per column the shape
/// reads) reads what the column's `declared` type makes SQLite store; the message names what
/// does not.
pub const fn check_columns(
    shape: Option<RowShape>,
    fields: &[FieldType],
    columns: &[&str],
    declared: &[&str],
    type_name: &str,
    statement: &str,
    returned: &str,
) -> ConstCheck {
    let Some(shape) = shape else {
        return ConstCheck::FITS;
    };
    let read = match columns_read(shape, columns, type_name, statement, returned) {
        Ok(read) => read,
        Err(check) => return check,
    };
    // A row type whose fields do not match its shape is reported by its own derive.
    if fields.len() != read {
        return ConstCheck::FITS;
    }
    let mut i = 0;
    while i < fields.len() {
        let column = match shape {
            RowShape::Named(names) => match position(columns, names[i]) {
                Some(column) => column,
                None => return ConstCheck::FITS,
            },
            _ => i,
        };
        if column < declared.len() {
            let reader = match shape {
                RowShape::Named(_) => type_name,
                _ => statement,
            };
            let check = check_type(&fields[i], columns[column], declared[column], reader);
            if check.message().is_some() {
                return check;
            }
        }
        i += 1;
    }
    ConstCheck::FITS
}

/// How many columns `shape` reads, once each is known to be returned; else the error.
// Evaluated in `const` items only, at compile time, where a large error costs nothing (and a
// `Box` is not available).
#[allow(clippy::result_large_err)]
const fn columns_read(
    shape: RowShape,
    columns: &[&str],
    type_name: &str,
    statement: &str,
    returned: &str,
) -> Result<usize, ConstCheck> {
    match shape {
        RowShape::Named(names) => {
            let mut i = 0;
            while i < names.len() {
                if matching(columns, names[i]) > 1 {
                    return Err(message(&[
                        "the statement of `",
                        statement,
                        "` returns several columns named `",
                        names[i],
                        "` (it returns: ",
                        returned,
                        "), and `",
                        type_name,
                        "` reads one by name, perhaps the wrong table's: alias them apart in the \
                         SELECT list (`SELECT a.",
                        names[i],
                        " AS a_",
                        names[i],
                        ", b.",
                        names[i],
                        " AS b_",
                        names[i],
                        ", ...`) instead of `*`",
                    ]));
                }
                if position(columns, names[i]).is_none() {
                    return Err(message(&[
                        "`",
                        type_name,
                        "` reads a column named `",
                        names[i],
                        "`, which the statement of `",
                        statement,
                        "` does not return (it returns: ",
                        returned,
                        "); add it to the SELECT list, alias a column with `AS ",
                        names[i],
                        "`, or rename the field with `#[larder(rename = \"...\")]`",
                    ]));
                }
                i += 1;
            }
            Ok(names.len())
        }
        RowShape::Scalar if columns.len() != 1 => Err(message(&[
            "`",
            type_name,
            "` reads one column, but the statement of `",
            statement,
            "` returns several: ",
            returned,
            "; select exactly one, or return a `#[derive(FromRow)]` struct or a tuple",
        ])),
        RowShape::Scalar => Ok(1),
        RowShape::Positional(n) if columns.len() != n => Err(message(&[
            "`",
            type_name,
            "` reads one column per element, by position, but the statement of `",
            statement,
            "` returns: ",
            returned,
            "; select as many columns as the tuple has elements",
        ])),
        RowShape::Positional(n) => Ok(n),
    }
}

/// Whether `field` can read what SQLite stores in `column`, declared `declared`; `reader` is
/// who reads it, for the message.
const fn check_type(field: &FieldType, column: &str, declared: &str, reader: &str) -> ConstCheck {
    let Some((class, name, example)) = stored(declared) else {
        return ConstCheck::FITS;
    };
    if field.reads.contains(class) {
        return ConstCheck::FITS;
    }
    message(&[
        "`",
        reader,
        "` reads the column `",
        column,
        "` as `",
        field.type_name,
        "`, but the schema declares it `",
        declared,
        "`, so SQLite stores ",
        name,
        " there, which `",
        field.type_name,
        "` cannot read; use a type that reads ",
        name,
        " (such as `",
        example,
        "`), or convert it in the SQL with `CAST(... AS ",
        cast_to(field.reads),
        ")`",
    ])
}

/// What SQLite stores in a column declared `declared`, by its affinity rules (in this order:
/// `INT` → INTEGER; `CHAR`, `CLOB`, `TEXT` → TEXT; `BLOB` or nothing → anything; `REAL`, `FLOA`,
/// `DOUB` → REAL; else NUMERIC, which stores text or numbers): the class, its name and a Rust type
/// that reads it. `None` for affinities that store values of several classes.
const fn stored(declared: &str) -> Option<(StorageClasses, &'static str, &'static str)> {
    let d = declared.as_bytes();
    if has(d, b"INT") {
        Some((StorageClasses::INTEGER, "INTEGER", "i64"))
    } else if has(d, b"CHAR") || has(d, b"CLOB") || has(d, b"TEXT") {
        Some((StorageClasses::TEXT, "TEXT", "String"))
    } else if has(d, b"BLOB") || d.is_empty() {
        None
    } else if has(d, b"REAL") || has(d, b"FLOA") || has(d, b"DOUB") {
        Some((StorageClasses::REAL, "REAL", "f64"))
    } else {
        None
    }
}

/// The SQL type a CAST would convert to for a field that reads `reads`.
const fn cast_to(reads: StorageClasses) -> &'static str {
    if reads.contains(StorageClasses::TEXT) {
        "TEXT"
    } else if reads.contains(StorageClasses::INTEGER) {
        "INTEGER"
    } else if reads.contains(StorageClasses::REAL) {
        "REAL"
    } else {
        "BLOB"
    }
}

/// `needle` (upper case) occurs in `hay`, ignoring ASCII case.
const fn has(hay: &[u8], needle: &[u8]) -> bool {
    let mut start = 0;
    while start + needle.len() <= hay.len() {
        let mut i = 0;
        while i < needle.len() && hay[start + i].to_ascii_uppercase() == needle[i] {
            i += 1;
        }
        if i == needle.len() {
            return true;
        }
        start += 1;
    }
    false
}

/// Without a schema: whether `shape` fits a statement whose result has `count` columns (counted
/// by the lexer; names unknown, so a `FromRow` struct passes). `count_text` is `count` written out.
pub const fn check_column_count(
    shape: Option<RowShape>,
    count: usize,
    count_text: &str,
    type_name: &str,
    statement: &str,
) -> ConstCheck {
    match shape {
        Some(RowShape::Scalar) if count != 1 => message(&[
            "`",
            type_name,
            "` reads one column, but the statement of `",
            statement,
            "` returns ",
            count_text,
            " columns; select exactly one, or return a `#[derive(FromRow)]` struct or a tuple",
        ]),
        Some(RowShape::Positional(n)) if n != count => message(&[
            "`",
            type_name,
            "` reads one column per element, by position, but the statement of `",
            statement,
            "` returns ",
            count_text,
            " columns; select as many columns as the tuple has elements",
        ]),
        _ => ConstCheck::FITS,
    }
}

/// The column `name` is read from, as the row mapping finds it at run time: an exact match
/// first, then one ignoring ASCII case (as SQLite compares identifiers).
/// How many of `columns` are named `name` (ASCII case-insensitive, as SQLite compares names).
const fn matching(columns: &[&str], name: &str) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < columns.len() {
        if same_name(columns[i].as_bytes(), 0, name.as_bytes()) {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn position(columns: &[&str], name: &str) -> Option<usize> {
    let mut i = 0;
    while i < columns.len() {
        if same_bytes(columns[i].as_bytes(), name.as_bytes()) {
            return Some(i);
        }
        i += 1;
    }
    let mut i = 0;
    while i < columns.len() {
        if same_name(columns[i].as_bytes(), 0, name.as_bytes()) {
            return Some(i);
        }
        i += 1;
    }
    None
}

const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `a[skip..]` and `b` are equal ignoring ASCII case (`str::eq_ignore_ascii_case` is `const`
/// only from Rust 1.89; larder supports 1.85).
pub(crate) const fn same_name(a: &[u8], skip: usize, b: &[u8]) -> bool {
    if a.len() < skip || a.len() - skip != b.len() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if !a[skip + i].eq_ignore_ascii_case(&b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// The concatenation of `parts` (cut before a part that would not fit 2 KiB).
pub(crate) const fn message(parts: &[&str]) -> ConstCheck {
    let mut buf = [0u8; 2048];
    let mut len = 0;
    let mut i = 0;
    while i < parts.len() {
        let bytes = parts[i].as_bytes();
        if len + bytes.len() > buf.len() {
            break;
        }
        let mut j = 0;
        while j < bytes.len() {
            buf[len] = bytes[j];
            len += 1;
            j += 1;
        }
        i += 1;
    }
    ConstCheck { buf, len }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(shape: RowShape, columns: &[&str]) -> Option<String> {
        check_columns(Some(shape), &[], columns, &[], "T", "Store::m", "a, b")
            .message()
            .map(str::to_owned)
    }

    fn typed(shape: RowShape, fields: &[FieldType], declared: &[&str]) -> Option<String> {
        let columns = ["id", "name"];
        check_columns(
            Some(shape),
            fields,
            &columns,
            declared,
            "T",
            "S::m",
            "id, name",
        )
        .message()
        .map(str::to_owned)
    }

    #[test]
    fn fitting_shapes_pass() {
        assert_eq!(
            check(RowShape::Named(&["id", "Task"]), &["ID", "task", "x"]),
            None
        );
        assert_eq!(check(RowShape::Scalar, &["n"]), None);
        assert_eq!(check(RowShape::Positional(2), &["a", "b"]), None);
        assert!(check_columns(None, &[], &[], &[], "T", "S::m", "")
            .message()
            .is_none());
    }

    #[test]
    fn fields_must_read_what_the_declared_type_stores() {
        let int = FieldType::of::<i64>();
        let text = FieldType::of::<Option<String>>();
        let real = FieldType::of::<f64>();
        let named = RowShape::Named(&["id", "name"]);
        assert_eq!(
            typed(named, &[int, text], &["INTEGER", "varchar(20)"]),
            None
        );
        let message = typed(named, &[int, int], &["INTEGER", "TEXT"]).unwrap();
        assert_eq!(
            message,
            "`T` reads the column `name` as `i64`, but the schema declares it `TEXT`, so SQLite \
             stores TEXT there, which `i64` cannot read; use a type that reads TEXT (such as \
             `String`), or convert it in the SQL with `CAST(... AS INTEGER)`"
        );
        // Fields are matched by name, whatever the column order.
        let swapped = RowShape::Named(&["name", "id"]);
        assert_eq!(typed(swapped, &[text, int], &["INT", "TEXT"]), None);
        assert!(typed(swapped, &[int, text], &["INT", "TEXT"]).is_some());
        // f64 reads INTEGER columns; i64 does not read REAL ones.
        assert_eq!(
            typed(RowShape::Positional(2), &[real, text], &["BIGINT", "CLOB"]),
            None
        );
        assert!(
            typed(RowShape::Positional(2), &[int, text], &["DOUBLE", "TEXT"])
                .unwrap()
                .contains("stores REAL there")
        );
    }

    #[test]
    fn types_that_store_several_classes_or_unknown_fields_are_not_checked() {
        let int = FieldType::of::<i64>();
        let named = RowShape::Named(&["id", "name"]);
        // NUMERIC ("DATETIME", "BOOLEAN", "DECIMAL"), BLOB and no type (expressions) store anything.
        for declared in ["DATETIME", "BOOLEAN", "DECIMAL(10,2)", "BLOB", ""] {
            assert_eq!(
                typed(named, &[int, int], &["INTEGER", declared]),
                None,
                "{declared}"
            );
        }
        // A hand-written FromRow without FIELDS, or a type that reads anything.
        assert_eq!(typed(named, &[], &["TEXT", "TEXT"]), None);
        let any = FieldType::of::<crate::Value>();
        assert_eq!(typed(named, &[any, any], &["TEXT", "REAL"]), None);
        // "POINT" holds "INT": SQLite's rule, kept as is.
        assert!(typed(named, &[int, FieldType::of::<String>()], &["INT", "POINT"]).is_some());
    }

    #[test]
    fn a_missing_field_is_named() {
        let message = check(RowShape::Named(&["id", "task"]), &["id", "name"]).unwrap();
        assert!(
            message.starts_with("`T` reads a column named `task`, which the statement of `Store::m` does not return (it returns: a, b)"),
            "{message}"
        );
    }

    #[test]
    fn counts_without_names_check_scalars_and_tuples_only() {
        let count = |shape, n| {
            check_column_count(Some(shape), n, "2", "T", "S::m")
                .message()
                .map(str::to_owned)
        };
        assert!(count(RowShape::Scalar, 2)
            .unwrap()
            .contains("returns 2 columns;"));
        assert!(count(RowShape::Positional(3), 2)
            .unwrap()
            .contains("returns 2 columns"));
        assert_eq!(count(RowShape::Positional(2), 2), None);
        assert_eq!(count(RowShape::Named(&["a"]), 2), None);
    }

    #[test]
    fn scalars_and_tuples_need_their_column_count() {
        assert!(check(RowShape::Scalar, &["a", "b"])
            .unwrap()
            .contains("reads one column"));
        assert!(check(RowShape::Positional(3), &["a", "b"])
            .unwrap()
            .contains("one column per element"));
    }
}
