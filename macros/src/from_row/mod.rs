//! `#[derive(FromRow)]`: a struct with named fields read from columns of the same names.

mod attr;
mod expand;

pub(crate) use expand::derive;
