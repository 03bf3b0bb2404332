//! `#[timed]`: calls, errors and a latency histogram for a method. Every `#[prepared]`,
//! `#[cached_query]` and `#[batch]` method is timed by default (`#[larder::storage(timed = false)]`
//! turns that off).

mod attr;
mod expand;
mod valid;

pub(crate) use attr::{is_timed, TimedAttr};
pub(crate) use expand::wrap;
