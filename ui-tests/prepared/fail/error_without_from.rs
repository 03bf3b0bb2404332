//! The method's own error type must be buildable from `larder::Error`.
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
    async fn name(&self, id: i64) -> Result<Option<String>, AppError>;
}

fn main() {
    let _ = AppError::NotFound;
}
