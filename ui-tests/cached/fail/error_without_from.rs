//! A cached method's own error type must be buildable from `larder::Error`: one error, under the
//! return type, whichever wrappers (cache, timing, statement) need the conversion.
#[derive(Debug)]
enum AppError {
    NotFound,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query]
    async fn name(&self, id: i64) -> Result<Option<String>, AppError>;
}

fn main() {
    let _ = AppError::NotFound;
}
