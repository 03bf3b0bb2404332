//! The compile-time check that a method's row type reads only columns its statement returns.
//!
//! The macros know the statement's columns (the engine prepared it against the schema) but not
//! the row type's fields, which the type's `FromRow::SHAPE` knows. So the expansion evaluates
//! [`check_columns`] in a `const` item and panics there with its message: a mismatch is a compile
//! error (`cargo check` included) naming the field, under the method's return type.

use std::marker::PhantomData;

use crate::row::{FromRow, RowShape};

/// `ShapeOf::<T>::SHAPE` is `Some(T::SHAPE)` when `T: FromRow`, and `None` otherwise (through
/// [`NoShape`], which the expansion brings into scope): an inherent associated const is found
/// before a trait's, but only when its bounds hold. So a type without `FromRow` is reported once,
/// by the fetch call that needs it, not a second time by this check.
pub struct ShapeOf<T>(PhantomData<T>);

impl<T: FromRow> ShapeOf<T> {
    /// The shape of a `FromRow` type.
    pub const SHAPE: Option<RowShape> = Some(T::SHAPE);
}

/// The fallback of [`ShapeOf`] for types that are not `FromRow`.
pub trait NoShape {
    /// No shape: nothing to check.
    const SHAPE: Option<RowShape> = None;
}

impl<T> NoShape for ShapeOf<T> {}

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

/// Whether `shape` fits `columns`; the message names what does not.
pub const fn check_columns(
    shape: Option<RowShape>,
    columns: &[&str],
    type_name: &str,
    statement: &str,
    returned: &str,
) -> ConstCheck {
    match shape {
        None => ConstCheck::FITS,
        Some(RowShape::Named(fields)) => {
            let mut i = 0;
            while i < fields.len() {
                if !contains(columns, fields[i]) {
                    return message(&[
                        "`",
                        type_name,
                        "` reads a column named `",
                        fields[i],
                        "`, which the statement of `",
                        statement,
                        "` does not return (it returns: ",
                        returned,
                        "); add it to the SELECT list, alias a column with `AS ",
                        fields[i],
                        "`, or rename the field with `#[cachet(rename = \"...\")]`",
                    ]);
                }
                i += 1;
            }
            ConstCheck::FITS
        }
        Some(RowShape::Scalar) => {
            if columns.len() != 1 {
                return message(&[
                    "`",
                    type_name,
                    "` reads one column, but the statement of `",
                    statement,
                    "` returns several: ",
                    returned,
                    "; select exactly one, or return a `#[derive(FromRow)]` struct or a tuple",
                ]);
            }
            ConstCheck::FITS
        }
        Some(RowShape::Positional(n)) => {
            if columns.len() != n {
                return message(&[
                    "`",
                    type_name,
                    "` reads one column per element, by position, but the statement of `",
                    statement,
                    "` returns: ",
                    returned,
                    "; select as many columns as the tuple has elements",
                ]);
            }
            ConstCheck::FITS
        }
    }
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

/// SQLite compares identifiers ASCII case-insensitively; so does the row mapping at run time.
const fn contains(columns: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < columns.len() {
        if same_name(columns[i].as_bytes(), 0, name.as_bytes()) {
            return true;
        }
        i += 1;
    }
    false
}

/// `a[skip..]` and `b` are equal ignoring ASCII case (`str::eq_ignore_ascii_case` is `const`
/// only from Rust 1.89; cachet supports 1.85).
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
        check_columns(Some(shape), columns, "T", "Store::m", "a, b")
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
        assert!(check_columns(None, &[], "T", "S::m", "")
            .message()
            .is_none());
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
