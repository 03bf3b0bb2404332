//! `FromRow` with renamed fields, raw identifiers, optional and generic fields.
use larder::FromRow;

#[derive(FromRow)]
pub struct Episode<M: larder::Decode + 'static> {
    pub id: uuid::Uuid,
    #[larder(rename = "task_name")]
    pub task: String,
    pub r#type: Option<String>,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub meta: M,
}

fn assert_from_row<T: FromRow>() {}

fn main() {
    assert_from_row::<Episode<serde_json::Value>>();
    assert!(matches!(
        <Episode<i64> as FromRow>::SHAPE,
        larder::RowShape::Named(["id", "task_name", "type", "started_at", "meta"])
    ));
}
