//! A transaction's error type must be buildable from `larder::Error` (a failed `BEGIN` or `COMMIT`
//! is returned in it): one error, under the return type.
#[derive(Debug)]
enum AppError {
    NotFound,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[transactional]
    async fn rename(&self, id: i64, name: &str) -> Result<(), AppError> {
        let _ = (id, name, &self.db);
        Err(AppError::NotFound)
    }
}

fn main() {}
