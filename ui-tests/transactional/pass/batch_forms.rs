//! `#[batch]` and `#[transactional]` in every form, with `?` on larder and user errors.
#![deny(warnings)]

#[derive(Debug)]
pub enum AppError {
    Db(larder::Error),
    Invalid,
}

impl From<larder::Error> for AppError {
    fn from(e: larder::Error) -> Self {
        AppError::Db(e)
    }
}

pub struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO items (name) VALUES (?1)")]
    pub async fn insert(&self, name: &str) -> larder::Result<u64>;

    /// Docs are kept.
    #[batch]
    pub async fn insert_all(&self, names: &[String]) -> larder::Result<u64> {
        let mut n = 0;
        for name in names {
            n += self.insert(name).await?;
        }
        Ok(n)
    }

    #[larder::transactional(mode = "deferred")]
    pub async fn checked(&self, name: String) -> Result<(), AppError> {
        if name.is_empty() {
            return Err(AppError::Invalid);
        }
        self.insert(&name).await?;
        Ok(())
    }

    #[batch(mode = "exclusive")]
    pub async fn panics(&mut self) -> larder::Result<()> {
        panic!("diverging bodies compile without warnings")
    }
}

fn main() {
    let _ = AppError::Db(larder::Error::Config(String::new()));
}
