//! List parameters: a slice, `Vec` or array bound at `IN (?1)` (or `IN (:ids)`).
//!
//! SQLite has no array type, and a statement with one placeholder per element would be a new
//! statement for every length (none of them statement-cached). So a list binds as ONE JSON array,
//! and its placeholder is read through SQLite's `json_each`: `IN (?1)` becomes
//! `IN (SELECT value FROM json_each(?1))` — by `#[prepared]` at compile time, by
//! [`Db::fetch_all`](crate::Db::fetch_all) and the other dynamic calls at run time
//! ([`in_list`](super::in_list)). Each element is encoded as it is when bound alone, so a
//! `Uuid` list matches `Uuid` columns, a `DateTime` list matches `DateTime` columns, and so on.

use libsql::Value;

use super::value::{describe, Encode};
use crate::error::ValueError;

/// A type whose values can be the elements of a list parameter: every [`Encode`] type that is
/// stored as INTEGER, REAL, TEXT or NULL. `u8` is not one (`&[u8]` and `Vec<u8>` are BLOBs);
/// nor are BLOB types (`json_each` carries no BLOBs).
///
/// Implement it for your own [`Encode`] type to put it in lists:
///
/// ```
/// use larder::{Encode, ListElement, Value, ValueError};
///
/// struct Cents(i64);
///
/// impl Encode for Cents {
///     fn encode(&self) -> Result<Value, ValueError> {
///         Ok(Value::Integer(self.0))
///     }
/// }
/// impl ListElement for Cents {}
///
/// assert_eq!(vec![Cents(1), Cents(250)].encode().unwrap(), Value::Text("[1,250]".into()));
/// ```
pub trait ListElement: Encode {}

macro_rules! list_elements {
    ($($ty:ty),*) => {$( impl ListElement for $ty {} )*};
}

list_elements!(i64, i32, i16, i8, isize, u64, u32, u16, usize, f64, f32, bool, str, String, Value);

impl<T: ListElement + ?Sized> ListElement for &T {}
impl<T: ListElement> ListElement for Option<T> {}

#[cfg(feature = "uuid")]
impl ListElement for uuid::Uuid {}

#[cfg(feature = "chrono")]
impl ListElement for chrono::DateTime<chrono::Utc> {}
#[cfg(feature = "chrono")]
impl ListElement for chrono::NaiveDateTime {}
#[cfg(feature = "chrono")]
impl ListElement for chrono::NaiveDate {}

/// The JSON array of `items`, each encoded as it would be bound alone.
fn json_array<'a, T: ListElement + 'a>(
    items: impl IntoIterator<Item = &'a T>,
) -> Result<Value, ValueError> {
    let mut json = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        push_json(&mut json, &item.encode()?)?;
    }
    json.push(']');
    Ok(Value::Text(json))
}

fn push_json(json: &mut String, value: &Value) -> Result<(), ValueError> {
    use std::fmt::Write;
    match value {
        Value::Null => json.push_str("null"),
        Value::Integer(i) => {
            let _ = write!(json, "{i}");
        }
        // `{:?}` is the shortest text that reads back as the same f64, in JSON's syntax
        // (`1.0`, `1e300`); JSON has no infinity.
        Value::Real(r) if r.is_finite() => {
            let _ = write!(json, "{r:?}");
        }
        Value::Real(_) | Value::Blob(_) => {
            return Err(ValueError::new(
                "a list element (INTEGER, finite REAL, TEXT or NULL: lists travel as JSON, which has no BLOB or infinity)",
                describe(value),
            ))
        }
        Value::Text(t) => {
            json.push('"');
            for c in t.chars() {
                match c {
                    '"' => json.push_str("\\\""),
                    '\\' => json.push_str("\\\\"),
                    c if u32::from(c) < 0x20 => {
                        let _ = write!(json, "\\u{:04x}", u32::from(c));
                    }
                    c => json.push(c),
                }
            }
            json.push('"');
        }
    }
    Ok(())
}

impl<T: ListElement> Encode for [T] {
    /// A JSON array, read by `IN (?N)` through `json_each`.
    fn encode(&self) -> Result<Value, ValueError> {
        json_array(self)
    }

    fn is_list(&self) -> bool {
        true
    }
}

impl<T: ListElement> Encode for Vec<T> {
    /// A JSON array, read by `IN (?N)` through `json_each`.
    fn encode(&self) -> Result<Value, ValueError> {
        json_array(self)
    }

    fn is_list(&self) -> bool {
        true
    }
}

impl<T: ListElement, const N: usize> Encode for [T; N] {
    /// A JSON array, read by `IN (?N)` through `json_each`.
    fn encode(&self) -> Result<Value, ValueError> {
        json_array(self)
    }

    fn is_list(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_encoded_as_json_as_they_are_bound_alone() {
        let text = |v: Value| match v {
            Value::Text(t) => t,
            other => panic!("{other:?}"),
        };
        assert_eq!(text(vec![1_i64, -2].encode().unwrap()), "[1,-2]");
        assert_eq!(
            text([0.5_f64, 1e300, 3.0].encode().unwrap()),
            "[0.5,1e300,3.0]"
        );
        assert_eq!(
            text(["a\"b\\c\n", "ü"].encode().unwrap()),
            r#"["a\"b\\c\u000a","ü"]"#
        );
        assert_eq!(text(vec![Some(true), None].encode().unwrap()), "[1,null]");
        assert_eq!(text(Vec::<i64>::new().encode().unwrap()), "[]");
        assert!(vec![f64::INFINITY].encode().is_err());
        assert!(vec![u64::MAX].encode().is_err());
        assert!(vec![Value::Blob(vec![1])].encode().is_err());
        assert!(vec![1_i64].is_list() && !1_i64.is_list() && !vec![1_u8].is_list());
    }
}
