//! The result of a generated method, as the wrappers see it.

/// The return type of a `#[batch]`, `#[transactional]` or `#[cached_query]` method: a `Result`.
/// Naming it in full (`transaction::<ReturnType, _>`) tells the compiler the type of the body's
/// `?` without a `let` that would warn about unreachable code.
///
/// Its error type is not bounded here: the wrappers ask `R::Err: MethodError` in their own
/// `where` clauses. A bound on this impl would be reported as the bare `AppError:
/// From<larder::Error>` (rustc reports the failing bound, not the trait that introduced it,
/// unless both are about the same type), once per wrapper, under a different token each time;
/// asked as `R::Err: MethodError` under the return type everywhere, it is reported once, in
/// [`MethodError`]'s words.
#[diagnostic::on_unimplemented(
    message = "`#[batch]`, `#[transactional]`, `#[cached_query]` and `#[timed]` methods return `Result<T, E>`, not `{Self}`",
    label = "only an `Ok` value is committed or cached, and an `Err` is counted as an error, so the method must return a `Result`"
)]
pub trait MethodResult {
    /// The success value.
    type Ok;
    /// The error; the wrappers ask it to be a [`MethodError`].
    type Err;
    /// As a `Result`.
    fn into_result(self) -> ::core::result::Result<Self::Ok, Self::Err>;
    /// From a `Result`.
    fn from_result(result: ::core::result::Result<Self::Ok, Self::Err>) -> Self;
    /// Whether it is `Ok`.
    fn is_ok(&self) -> bool;
}

impl<T, E> MethodResult for ::core::result::Result<T, E> {
    type Ok = T;
    type Err = E;

    fn into_result(self) -> Self {
        self
    }

    fn from_result(result: Self) -> Self {
        result
    }

    fn is_ok(&self) -> bool {
        ::core::result::Result::is_ok(self)
    }
}

/// The error type of a generated method: larder's errors are returned in it, so it is built from
/// a `larder::Error` with `From`. Every type with `impl From<larder::Error>` is one.
///
/// ```
/// #[derive(Debug)]
/// enum AppError {
///     Storage(larder::Error),
/// }
///
/// impl From<larder::Error> for AppError {
///     fn from(error: larder::Error) -> Self {
///         AppError::Storage(error)
///     }
/// }
///
/// fn is_method_error<E: larder::__private::MethodError>() {}
/// is_method_error::<AppError>();
/// # let _ = AppError::Storage;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` needs `impl From<larder::Error> for {Self}`",
    label = "larder's errors are returned as this result's error type",
    note = "write `impl From<larder::Error> for {Self}` (with thiserror: a variant `Storage(#[from] larder::Error)`), or return `larder::Result<T>`"
)]
pub trait MethodError: ::core::convert::From<crate::error::Error> {}

impl<E: ::core::convert::From<crate::error::Error>> MethodError for E {}

/// A `#[prepared]` method's result, converted into its return type `R` (`?`'s conversion, written
/// once, so that an error type without `From<larder::Error>` is reported once).
pub fn finish<R>(result: crate::error::Result<R::Ok>) -> R
where
    R: MethodResult,
    R::Err: MethodError,
{
    R::from_result(result.map_err(::core::convert::From::from))
}
