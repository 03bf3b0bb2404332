//! What crosses the boundary between user code and the database: values (`Encode` / `Decode`),
//! rows (`FromRow`), checked SQL constants (`Sql`), the compile-time column checks, and the result
//! trait of generated methods. Uses `util` and `error`.

pub(crate) mod columns;
pub(crate) mod in_list;
#[cfg(feature = "json")]
pub(crate) mod json;
pub(crate) mod list;
mod result;
pub(crate) mod row;
pub(crate) mod sql;
#[cfg(feature = "chrono")]
mod time;
pub(crate) mod value;

pub use result::{finish, MethodError, MethodResult};
