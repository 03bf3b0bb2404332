//! `#[derive(larder::Type)]`: a type of your own as one column's value — a fieldless enum
//! stored as TEXT (its variant names, or `rename`/`rename_all`) or as INTEGER (`#[larder(integer)]`:
//! its discriminants), or a newtype stored as its one field (`#[larder(transparent)]`).

mod attr;
mod expand;

pub(crate) use expand::derive;
