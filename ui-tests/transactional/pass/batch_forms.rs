//! `#[batch]` and `#[transactional]` in every form, with `?` on cachet and user errors.
#![deny(warnings)]

#[derive(Debug)]
pub enum AppError {
    Db(cachet::Error),
    Invalid,
}

impl From<cachet::Error> for AppError {
    fn from(e: cachet::Error) -> Self {
        AppError::Db(e)
    }
}

pub struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("INSERT INTO items (name) VALUES (?1)")]
    pub async fn insert(&self, name: &str) -> cachet::Result<u64>;

    /// Docs are kept.
    #[batch]
    pub async fn insert_all(&self, names: &[String]) -> cachet::Result<u64> {
        let mut n = 0;
        for name in names {
            n += self.insert(name).await?;
        }
        Ok(n)
    }

    #[cachet::transactional(mode = "deferred")]
    pub async fn checked(&self, name: String) -> Result<(), AppError> {
        if name.is_empty() {
            return Err(AppError::Invalid);
        }
        self.insert(&name).await?;
        Ok(())
    }

    #[batch(mode = "exclusive")]
    pub async fn panics(&mut self) -> cachet::Result<()> {
        panic!("diverging bodies compile without warnings")
    }
}

fn main() {
    let _ = AppError::Db(cachet::Error::Config(String::new()));
}
