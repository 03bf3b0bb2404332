//! `#[batch]` and `#[transactional]`: a method with a body whose body runs in one transaction.

mod attr;
mod expand;
mod valid;

pub(crate) use attr::{is_transactional, TransactionalAttr};
pub(crate) use expand::wrap;
