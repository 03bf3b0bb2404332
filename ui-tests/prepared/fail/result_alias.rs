struct Store {
    db: larder::Db,
}

#[derive(Debug)]
struct AppError;

impl From<larder::Error> for AppError {
    fn from(_: larder::Error) -> Self {
        AppError
    }
}

type AppResult<T> = Result<T, AppError>;

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items")]
    async fn names(&self) -> AppResult<Vec<String>>;
}

fn main() {}
