//! Times are stored in SQLite's own text format, `YYYY-MM-DD HH:MM:SS`, with a fraction of a
//! second only when there is one (3, 6 or 9 digits). So a stored time compares equal to
//! `datetime('now')` / `CURRENT_TIMESTAMP` of the same second, text order is time order
//! (the fraction comes last; a shorter fraction is a prefix of a longer one), and SQLite's
//! date functions (`datetime(col, '+1 day')`, `strftime`, `julianday`) read it.

use libsql::Value;

use super::value::{mismatch, Decode, Encode, StorageClasses};
use crate::error::ValueError;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// SQLite's `datetime()` format plus the shortest of `.fff`, `.ffffff`, `.fffffffff` that
/// holds the fraction (none when it is zero).
const FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f";
/// SQLite's `date()` format.
const DATE: &str = "%Y-%m-%d";
/// What is read besides RFC 3339: SQLite's formats, with `T` or a space, with or without
/// seconds and fraction.
const READ: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

/// SQLite's date functions cover years 0 to 9999, and text order is time order only there.
fn in_range(year: i32, what: impl std::fmt::Display) -> Result<(), ValueError> {
    if (0..=9999).contains(&year) {
        return Ok(());
    }
    Err(ValueError::new(
        "a time in the years 0 to 9999 (SQLite's date functions read those, and only there is text order time order)",
        what.to_string(),
    ))
}

fn naive(text: &str) -> Option<NaiveDateTime> {
    READ.iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, DATE)
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

/// Reads every format larder ever wrote, SQLite's, RFC 3339 with an offset (converted to
/// UTC), and INTEGER unix seconds.
fn read(value: &Value) -> Option<NaiveDateTime> {
    match value {
        Value::Text(t) => DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|d| d.naive_utc())
            .or_else(|| naive(t)),
        Value::Integer(secs) => DateTime::from_timestamp(*secs, 0).map(|d| d.naive_utc()),
        _ => None,
    }
}

impl Encode for DateTime<Utc> {
    fn encode(&self) -> Result<Value, ValueError> {
        self.naive_utc().encode()
    }
}

impl Decode for DateTime<Utc> {
    const TYPE_NAME: &'static str = "chrono::DateTime<Utc>";
    const READS: StorageClasses = StorageClasses::TEXT.union(StorageClasses::INTEGER);

    fn decode(value: Value) -> Result<Self, ValueError> {
        read(&value)
            .map(|n| Utc.from_utc_datetime(&n))
            .ok_or_else(|| mismatch::<Self>(&value))
    }
}

impl Encode for NaiveDateTime {
    /// The time as it is, with no zone: SQLite's functions take it for UTC.
    fn encode(&self) -> Result<Value, ValueError> {
        in_range(self.year(), format_args!("NaiveDateTime {self}"))?;
        Ok(Value::Text(self.format(FORMAT).to_string()))
    }
}

impl Decode for NaiveDateTime {
    const TYPE_NAME: &'static str = "chrono::NaiveDateTime";
    const READS: StorageClasses = StorageClasses::TEXT.union(StorageClasses::INTEGER);

    fn decode(value: Value) -> Result<Self, ValueError> {
        read(&value).ok_or_else(|| mismatch::<Self>(&value))
    }
}

impl Encode for NaiveDate {
    /// `YYYY-MM-DD`, as SQLite's `date()` writes it.
    fn encode(&self) -> Result<Value, ValueError> {
        in_range(self.year(), format_args!("NaiveDate {self}"))?;
        Ok(Value::Text(self.format(DATE).to_string()))
    }
}

impl Decode for NaiveDate {
    const TYPE_NAME: &'static str = "chrono::NaiveDate";
    const READS: StorageClasses = StorageClasses::TEXT;

    /// `YYYY-MM-DD` only: a time of day would be dropped without a word.
    fn decode(value: Value) -> Result<Self, ValueError> {
        match &value {
            Value::Text(t) => {
                NaiveDate::parse_from_str(t, DATE).map_err(|_| mismatch::<Self>(&value))
            }
            _ => Err(mismatch::<Self>(&value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::decode(Value::Text(text.into())).unwrap()
    }

    #[test]
    fn times_are_written_in_sqlites_format_with_the_shortest_fraction() {
        let cases = [
            ("2026-12-02 05:58:24", "2026-12-02 05:58:24"),
            ("2026-12-02T05:58:24.5Z", "2026-12-02 05:58:24.500"),
            ("2026-12-02T05:58:24.000001Z", "2026-12-02 05:58:24.000001"),
            (
                "2026-12-02T05:58:24.123456789+01:00",
                "2026-12-02 04:58:24.123456789",
            ),
            ("2026-12-02 05:58", "2026-12-02 05:58:00"),
            ("2026-12-02", "2026-12-02 00:00:00"),
        ];
        for (read, written) in cases {
            assert_eq!(
                at(read).encode().unwrap(),
                Value::Text(written.into()),
                "{read}"
            );
        }
    }

    #[test]
    fn text_order_is_time_order() {
        let mut times: Vec<DateTime<Utc>> = [0_i64, 1, 999_999_999, 500_000_000, 120_000, 1_000]
            .iter()
            .flat_map(|n| {
                [0_i64, 1, 59]
                    .map(|s| DateTime::from_timestamp(1_800_000_000 + s, *n as u32).unwrap())
            })
            .collect();
        times.sort();
        let texts: Vec<String> = times
            .iter()
            .map(|t| match t.encode().unwrap() {
                Value::Text(t) => t,
                _ => unreachable!(),
            })
            .collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn years_sqlite_cannot_read_are_refused() {
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
        assert!(far.encode().is_err());
        assert!(far.and_hms_opt(0, 0, 0).unwrap().encode().is_err());
    }
}
