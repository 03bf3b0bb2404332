//! `#[cached_query(...)]` and `#[invalidates(...)]`: a result cache around a method's body, and
//! explicit invalidation after a write.

mod attr;
mod duration;
mod expand;
mod invalidates;
mod valid;

pub(crate) use attr::{is_cached, CachedAttr};
pub(crate) use expand::{wrap, Facts};
pub(crate) use invalidates::{
    is_invalidates, key_type, wrap_invalidation, CachedMethod, Invalidates,
};
