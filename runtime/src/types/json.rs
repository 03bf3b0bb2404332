//! `Json<T>`: any serde type stored as JSON TEXT (feature `json`).

use libsql::Value;

use super::row::{DerivedColumn, FieldType, FromRow, RowRef, RowShape};
use super::value::{describe, Decode, Encode, StorageClasses};
use crate::error::{Result, ValueError};

/// A value stored as JSON text: bound with `serde_json::to_string`, read with
/// `serde_json::from_str`. SQLite's JSON functions read the column (`json_extract(col, '$.a')`).
/// Use it as a parameter, a `FromRow` field or a single-column result.
///
/// ```
/// use larder::Json;
/// # async fn demo() -> larder::Result<()> {
/// #[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
/// struct Context { tags: Vec<String>, depth: u32 }
///
/// let db = larder::Db::memory().await?;
/// db.execute_batch("CREATE TABLE episodes (id INTEGER PRIMARY KEY, context TEXT)").await?;
/// let context = Context { tags: vec!["plan".into()], depth: 2 };
/// db.execute("INSERT INTO episodes VALUES (1, ?1)", larder::params![Json(&context)]).await?;
/// let Json(back): Json<Context> = db.fetch_one("SELECT context FROM episodes", &[]).await?;
/// assert_eq!(back, context);
/// let depth: i64 = db.fetch_one("SELECT json_extract(context, '$.depth') FROM episodes", &[]).await?;
/// assert_eq!(depth, 2);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: serde::Serialize> Encode for Json<T> {
    fn encode(&self) -> std::result::Result<Value, ValueError> {
        // serde_json escapes NUL as \u0000, so the text never holds one.
        serde_json::to_string(&self.0)
            .map(Value::Text)
            .map_err(|e| {
                ValueError::new(
                    "JSON text",
                    format!("a value serde_json cannot write ({e})"),
                )
            })
    }
}

impl<T: serde::de::DeserializeOwned> Decode for Json<T> {
    const TYPE_NAME: &'static str = "larder::Json<T>";
    const READS: StorageClasses = StorageClasses::TEXT;

    fn decode(value: Value) -> std::result::Result<Self, ValueError> {
        match &value {
            Value::Text(t) => serde_json::from_str(t).map(Json).map_err(|e| {
                ValueError::new(
                    "larder::Json<T>",
                    format!("{} (not this type's JSON: {e})", describe(&value)),
                )
            }),
            _ => Err(ValueError::new("larder::Json<T>", describe(&value))),
        }
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRow for Json<T> {
    const SHAPE: RowShape = RowShape::Scalar;
    const FIELDS: &'static [FieldType] = &[FieldType::of::<Self>()];

    fn from_row(row: &RowRef<'_>) -> Result<Self> {
        row.get(0)
    }
}

/// `Option<Json<T>>` reads one column too (the blanket impl of `DerivedColumn`).
impl<T: serde::de::DeserializeOwned + 'static> DerivedColumn for Json<T> {}
