//! What every method attribute asks of a signature, written once: `async fn`, a `self`
//! receiver, a written-out `Result` return type. Each attribute gives its own message (why *it*
//! needs that), so the user reads the reason that applies.

use std::fmt::Display;

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, PathArguments, ReturnType, Signature, Type};

/// `message`, under `fn`, unless the method is `async fn`.
pub(crate) fn check_async(sig: &Signature, message: impl Display) -> syn::Result<()> {
    match sig.asyncness {
        Some(_) => Ok(()),
        None => Err(syn::Error::new_spanned(sig.fn_token, message)),
    }
}

/// `message`, under the method's name, unless its first parameter is a `self` receiver.
pub(crate) fn check_receiver(sig: &Signature, message: impl Display) -> syn::Result<()> {
    match sig.inputs.first() {
        Some(FnArg::Receiver(_)) => Ok(()),
        _ => Err(syn::Error::new_spanned(&sig.ident, message)),
    }
}

/// Whether the receiver is `&self` (shared), so a wrapper may borrow the `Db` beside the body.
fn shared_receiver(sig: &Signature) -> bool {
    match sig.inputs.first() {
        Some(FnArg::Receiver(r)) => matches!(r.kind, syn::ReceiverKind::Reference(_, _, None)),
        _ => false,
    }
}

/// The written return type; `None` for `-> ()` left out.
pub(crate) fn return_type(sig: &Signature) -> Option<&Type> {
    match &sig.output {
        ReturnType::Type(_, ty) => Some(ty),
        ReturnType::Default => None,
    }
}

/// Where an error about the return type goes: its first token, or the method's name when the
/// return type is not written.
pub(crate) fn return_span(sig: &Signature) -> proc_macro2::Span {
    return_type(sig).map_or_else(|| sig.ident.span(), Spanned::span)
}

/// Whether `ty` mentions `impl Trait` anywhere: such a type cannot be named in a turbofish.
pub(crate) fn contains_impl_trait(ty: &Type) -> bool {
    ty.to_token_stream()
        .into_iter()
        .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "impl"))
}

/// The return type as a wrapper names it in its turbofish (`timed::<R, _>`), which fixes the
/// body's output type so that `?` inside it knows its target; `_` when it cannot be named
/// (`impl Trait`) or is not written.
///
/// Every token carries the span of the type's first token, the span the wrappers' calls are
/// spanned on: rustc reports a failed bound once per span, and a call registers its bounds both
/// under the call and under the turbofish, so with one span an error type without
/// `From<larder::Error>` is one error, not one per place (stable proc macros cannot join spans
/// into one covering the whole type).
pub(crate) fn output_type(sig: &Signature) -> TokenStream {
    match return_type(sig) {
        Some(ty) if !contains_impl_trait(ty) => respan(ty.to_token_stream(), ty.span()),
        _ => quote!(_),
    }
}

/// `tokens` with every token, in groups too, at `span`.
fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner = Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// The `&Db` a wrapper gets. `&self` lends the `Db` while the body holds `self` too; `&mut self`
/// or `self` cannot be shared with the body, so the wrapper gets its own handle (an `Arc` clone).
pub(crate) fn db_handle(sig: &Signature, private: &TokenStream, db: &TokenStream) -> TokenStream {
    if shared_receiver(sig) {
        quote!(#private::db(&self.#db))
    } else {
        quote!(&::core::clone::Clone::clone(#private::db(&self.#db)))
    }
}

/// The name and type arguments of a path type's last segment (`larder::Result<T>` →
/// `("Result", [T])`); `None` for other types, qualified paths and `Fn(..)` sugar.
pub(crate) fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    let args = match &segment.arguments {
        PathArguments::None => Vec::new(),
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        PathArguments::Parenthesized(_) => return None,
    };
    Some((segment.ident.to_string(), args))
}

/// Whether `ty` is written `...Result<...>` (`larder::Result<T>`, `Result<T, E>`), by the name of
/// its last segment: an alias of another name is not recognised.
pub(crate) fn is_result(ty: &Type) -> bool {
    matches!(last_segment(ty), Some((name, _)) if name == "Result")
}

/// The `T` of `Result<T>` / `Result<T, E>` / `larder::Result<T>`.
pub(crate) fn result_ok(ty: &Type) -> Option<&Type> {
    let (name, args) = last_segment(ty)?;
    if name != "Result" || args.is_empty() || args.len() > 2 {
        return None;
    }
    args.first().copied()
}

/// The `X` of a shared return value `Arc<X>` / `Box<X>` (by the last segment's name), where `X`
/// is a `Vec`, an `Option` or a slice: the rows are read into `X`, which is then wrapped, so
/// that a cache hit is a reference-count bump.
pub(crate) fn shared_inner(ty: &Type) -> Option<&Type> {
    let (name, args) = last_segment(ty)?;
    let [inner] = args.as_slice() else {
        return None;
    };
    if name != "Arc" && name != "Box" {
        return None;
    }
    match inner {
        Type::Slice(_) => Some(inner),
        _ => matches!(last_name(inner).as_deref(), Some("Vec" | "Option")).then_some(*inner),
    }
}

/// `ty`, or what it shares (`shared_inner`).
pub(crate) fn unshared(ty: &Type) -> &Type {
    shared_inner(ty).unwrap_or(ty)
}

/// The name of `ty`'s last path segment (`Vec`, `Option`, ...).
pub(crate) fn last_name(ty: &Type) -> Option<String> {
    last_segment(ty).map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    #[test]
    fn results_are_recognised_by_their_last_segment() {
        let ty: Type = parse_quote!(larder::Result<Option<Episode>>);
        assert!(is_result(&ty));
        assert_eq!(
            result_ok(&ty).and_then(last_name).as_deref(),
            Some("Option")
        );
        let ty: Type = parse_quote!(Result<Vec<u8>, MyError>);
        assert_eq!(result_ok(&ty).and_then(last_name).as_deref(), Some("Vec"));
        let ty: Type = parse_quote!(Option<i64>);
        assert!(!is_result(&ty) && result_ok(&ty).is_none());
        let ty: Type = parse_quote!(Result);
        assert!(result_ok(&ty).is_none());
    }

    #[test]
    fn receivers_and_asyncness() {
        let sig: Signature = parse_quote!(async fn a(&self) -> u8);
        assert!(check_async(&sig, "x").is_ok() && check_receiver(&sig, "x").is_ok());
        assert!(shared_receiver(&sig));
        let sig: Signature = parse_quote!(fn b(x: u8));
        assert!(check_async(&sig, "x").is_err() && check_receiver(&sig, "x").is_err());
        let sig: Signature = parse_quote!(async fn c(&mut self));
        assert!(check_receiver(&sig, "x").is_ok() && !shared_receiver(&sig));
    }

    #[test]
    fn impl_trait_anywhere_in_a_type() {
        let ty: Type = parse_quote!(Result<impl Iterator<Item = u8>, E>);
        assert!(contains_impl_trait(&ty));
        let ty: Type = parse_quote!(Result<Vec<u8>, E>);
        assert!(!contains_impl_trait(&ty));
    }
}
