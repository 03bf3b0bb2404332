//! The result of a generated method, as the wrappers see it.

/// The return type of a `#[batch]`, `#[transactional]` or `#[cached_query]` method: a `Result`
/// whose error can hold a `larder::Error`. Naming it in full (`transaction::<ReturnType, _>`) tells
/// the compiler the type of the body's `?` without a `let` that would warn about unreachable code.
#[diagnostic::on_unimplemented(
    message = "`#[batch]`, `#[transactional]`, `#[cached_query]` and `#[timed]` methods return `Result<T, E>` with `E: From<larder::Error>`, not `{Self}`",
    label = "only an `Ok` value is committed or cached, and an `Err` is counted as an error, so the method must return a `Result`"
)]
pub trait MethodResult {
    /// The success value.
    type Ok;
    /// The error, which can hold a `larder::Error`.
    type Err: ::core::convert::From<crate::error::Error>;
    /// As a `Result`.
    fn into_result(self) -> ::core::result::Result<Self::Ok, Self::Err>;
    /// From a `Result`.
    fn from_result(result: ::core::result::Result<Self::Ok, Self::Err>) -> Self;
    /// Whether it is `Ok`.
    fn is_ok(&self) -> bool;
}

impl<T, E: ::core::convert::From<crate::error::Error>> MethodResult
    for ::core::result::Result<T, E>
{
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
