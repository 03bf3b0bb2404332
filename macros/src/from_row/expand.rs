//! Code generation for `#[derive(FromRow)]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Field, Fields, Token};

use super::attr::{ContainerAttrs, FieldAttrs};
use crate::errors::Errors;

pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let fields = named_fields(input)?;
    let mut errors = Errors::default();
    let container = errors
        .take(ContainerAttrs::from_attrs(&input.attrs))
        .unwrap_or_default();
    let (krate, rename_all) = (container.krate, container.rename_all);
    let private = krate.private();
    let mut columns: Vec<(String, proc_macro2::Span)> = Vec::new();
    let mut reads = Vec::new();
    let mut types = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let Some(attrs) = errors.take(FieldAttrs::from_attrs(&field.attrs)) else {
            continue;
        };
        let Some(ident) = &field.ident else { continue };
        let (column, span) = match &attrs.rename {
            Some(name) => (name.value(), name.span()),
            None => {
                let name = ident.to_string().trim_start_matches("r#").to_owned();
                let name = rename_all.map_or_else(|| name.clone(), |case| case.apply(&name));
                (name, ident.span())
            }
        };
        if columns.iter().any(|(c, _)| c.eq_ignore_ascii_case(&column)) {
            errors.push(syn::Error::new(
                span,
                format!("two fields read the column `{column}`; rename one with `#[larder(rename = \"...\")]`"),
            ));
        }
        columns.push((column, span));
        let ty = &field.ty;
        if let Some(reference) = reference_in(ty) {
            errors.push(syn::Error::new_spanned(
                reference,
                "rows are read into owned values: a field cannot borrow from the row, which is \
                 gone once it is read; use an owned type (`String` for `&str`, `Vec<u8>` for \
                 `&[u8]`)",
            ));
            continue;
        }
        reads.push(quote_spanned! {ty.span()=>
            #ident: __larder_row.get::<#ty>(#i)?
        });
        let private_ty = krate.private_at(ty.span());
        types.push(quote_spanned! {ty.span()=>
            #private_ty::FieldOf::<#ty>::TYPE
        });
    }
    errors.finish()?;
    let names = columns.iter().map(|(c, _)| c);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #private::FromRow for #ident #ty_generics #where_clause {
            const SHAPE: #private::RowShape =
                #private::RowShape::Named(&[#(#names),*]);
            const FIELDS: &'static [#private::FieldType] = {
                use #private::NotDecode as _;
                // Uses the import whatever the field types (`()` has no `Decode`): an
                // `#[allow(unused_imports)]` would be an error under the user's `forbid`.
                let _ = #private::FieldOf::<()>::TYPE;
                &[#(#types),*]
            };

            fn from_row(
                __larder_row: &#private::RowRef<'_>,
            ) -> ::core::result::Result<Self, #private::Error> {
                ::core::result::Result::Ok(Self { #(#reads,)* })
            }
        }
    })
}

/// The first reference type in `ty` (`&'a str`, `Option<&str>`), if any.
fn reference_in(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Reference(_) => Some(ty),
        syn::Type::Paren(p) => reference_in(&p.elem),
        syn::Type::Slice(s) => reference_in(&s.elem),
        syn::Type::Array(a) => reference_in(&a.elem),
        syn::Type::Tuple(t) => t.elems.iter().find_map(reference_in),
        syn::Type::Path(p) => p
            .path
            .segments
            .iter()
            .find_map(|segment| match &segment.arguments {
                syn::PathArguments::AngleBracketed(args) => {
                    args.args.iter().find_map(|arg| match arg {
                        syn::GenericArgument::Type(t) => reference_in(t),
                        _ => None,
                    })
                }
                _ => None,
            }),
        _ => None,
    }
}

/// The struct's named fields; an error for any other item.
fn named_fields(input: &DeriveInput) -> syn::Result<&Punctuated<Field, Token![,]>> {
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Ok(&named.named),
            Fields::Unnamed(_) | Fields::Unit => Err(syn::Error::new_spanned(
                &input.ident,
                "`FromRow` needs a struct with named fields: columns are matched to fields by name",
            )),
        },
        Data::Enum(e) => Err(syn::Error::new_spanned(
            e.enum_token,
            "`FromRow` cannot be derived for an enum: derive it on a struct with named fields",
        )),
        Data::Union(u) => Err(syn::Error::new_spanned(
            u.union_token,
            "`FromRow` cannot be derived for a union: derive it on a struct with named fields",
        )),
    }
}
