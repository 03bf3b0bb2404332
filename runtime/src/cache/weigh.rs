//! Approximate sizes of cached values, for `max_bytes`.

/// Approximate heap size of a cached value, for `max_bytes`.
///
/// The weight of an entry is `size_of::<V>()` plus what `Weigh::heap_bytes` adds; implemented for
/// strings, byte vectors, `Vec`, `Option`, JSON values and scalars. Implement it for your own row
/// types to make `max_bytes` count their heap parts:
///
/// ```
/// struct Episode { task: String, tags: Vec<String> }
/// impl larder::Weigh for Episode {
///     fn heap_bytes(&self) -> usize { self.task.heap_bytes() + self.tags.heap_bytes() }
/// }
/// use larder::Weigh;
/// assert_eq!(String::from("abc").heap_bytes(), 3);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is cached with `max_bytes`, so it must implement `larder::Weigh`",
    label = "`max_bytes` weighs each cached value",
    note = "implement `larder::Weigh` for the row type (its `heap_bytes` adds the heap parts; the default counts none), or bound the cache by `max_entries` instead"
)]
pub trait Weigh {
    /// Bytes owned on the heap (not counting `size_of::<Self>()`).
    fn heap_bytes(&self) -> usize {
        0
    }
}

macro_rules! weigh_scalars {
    ($($t:ty),*) => {$(impl Weigh for $t {})*};
}

weigh_scalars!(
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    usize,
    isize,
    f32,
    f64,
    bool,
    (),
    libsql::Value
);
#[cfg(feature = "uuid")]
#[cfg_attr(docsrs, doc(cfg(feature = "uuid")))]
impl Weigh for uuid::Uuid {}
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl Weigh for chrono::DateTime<chrono::Utc> {}
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl Weigh for chrono::NaiveDateTime {}
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl Weigh for chrono::NaiveDate {}

impl Weigh for String {
    fn heap_bytes(&self) -> usize {
        self.capacity()
    }
}

impl<T: Weigh> Weigh for Vec<T> {
    fn heap_bytes(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>()
            + self.iter().map(Weigh::heap_bytes).sum::<usize>()
    }
}

impl<T: Weigh> Weigh for Option<T> {
    fn heap_bytes(&self) -> usize {
        self.as_ref().map_or(0, Weigh::heap_bytes)
    }
}

/// What the entry keeps alive: the shared value, inline and heap (another clone of the `Arc`
/// outside the cache may keep it alive too; the cache counts it as its own).
impl<T: Weigh + ?Sized> Weigh for std::sync::Arc<T> {
    fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&**self) + (**self).heap_bytes()
    }
}

impl<T: Weigh + ?Sized> Weigh for Box<T> {
    fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&**self) + (**self).heap_bytes()
    }
}

impl<T: Weigh> Weigh for [T] {
    fn heap_bytes(&self) -> usize {
        self.iter().map(Weigh::heap_bytes).sum()
    }
}

#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
impl Weigh for serde_json::Value {
    fn heap_bytes(&self) -> usize {
        self.to_string().len()
    }
}

#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
impl<T: Weigh> Weigh for crate::types::json::Json<T> {
    fn heap_bytes(&self) -> usize {
        self.0.heap_bytes()
    }
}

pub(crate) fn weight_of<V>(value: &V, heap: usize) -> u32 {
    u32::try_from(std::mem::size_of_val(value) + heap).unwrap_or(u32::MAX)
}
