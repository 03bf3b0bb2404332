//! Code generation for `#[derive(larder::Type)]`: `Encode`, `Decode`, `FromRow` (one column; its
//! `Option` through `DerivedColumn`), and `ListElement` and `Weigh` where they surely hold.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use super::attr::{parse, Model, TypeInput};

/// Inner types of a `transparent` newtype known to be list elements and weighable, so that the
/// newtype is too (for another inner type, implement `ListElement` / `Weigh` by hand: a bound on
/// a concrete type that does not hold would be an error).
const KNOWN_INNER: &[&str] = &[
    "i64", "i32", "i16", "i8", "isize", "u64", "u32", "u16", "usize", "f64", "f32", "bool",
    "String", "Uuid",
];

pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let TypeInput { krate, model } = parse(input)?;
    let private = krate.private();
    let ident = &input.ident;
    let name = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let (encode, decode, reads, extras) = match &model {
        Model::Text(variants) => {
            let idents: Vec<_> = variants.iter().map(|(v, _)| v).collect();
            let names: Vec<_> = variants.iter().map(|(_, n)| n).collect();
            let expected = format!(
                "{name} (TEXT: one of {})",
                names
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            (
                quote! {
                    ::core::result::Result::Ok(#private::Value::Text(
                        ::std::string::String::from(match self { #(Self::#idents => #names,)* }),
                    ))
                },
                quote! {
                    match &value {
                        #private::Value::Text(text) => match text.as_str() {
                            #(#names => ::core::result::Result::Ok(Self::#idents),)*
                            _ => ::core::result::Result::Err(
                                #private::ValueError::new(#expected, #private::describe(&value)),
                            ),
                        },
                        _ => ::core::result::Result::Err(
                            #private::ValueError::new(#expected, #private::describe(&value)),
                        ),
                    }
                },
                quote!(#private::StorageClasses::TEXT),
                true,
            )
        }
        Model::Integer(idents) => {
            let expected = format!("{name} (INTEGER: one of its discriminants)");
            (
                quote! {
                    ::core::result::Result::Ok(#private::Value::Integer(
                        match self { #(Self::#idents => Self::#idents as i64,)* },
                    ))
                },
                quote! {
                    match &value {
                        #(#private::Value::Integer(i) if *i == Self::#idents as i64 => {
                            ::core::result::Result::Ok(Self::#idents)
                        })*
                        _ => ::core::result::Result::Err(
                            #private::ValueError::new(#expected, #private::describe(&value)),
                        ),
                    }
                },
                quote!(#private::StorageClasses::INTEGER),
                true,
            )
        }
        Model::Transparent(ty, member) => {
            let constructor = match member {
                syn::Member::Named(field) => quote!(Self { #field: inner }),
                syn::Member::Unnamed(_) => quote!(Self(inner)),
            };
            let known =
                crate::method::last_name(ty).is_some_and(|n| KNOWN_INNER.contains(&n.as_str()));
            (
                quote!(#private::Encode::encode(&self.#member)),
                quote! {
                    <#ty as #private::Decode>::decode(value).map(|inner| #constructor)
                },
                quote!(<#ty as #private::Decode>::READS),
                known,
            )
        }
    };
    let extras = extras.then(|| {
        let heap = match &model {
            Model::Transparent(_, member) => quote!(#private::Weigh::heap_bytes(&self.#member)),
            _ => quote!(0),
        };
        quote! {
            #[automatically_derived]
            impl #impl_generics #private::ListElement for #ident #ty_generics #where_clause {}

            #[automatically_derived]
            impl #impl_generics #private::Weigh for #ident #ty_generics #where_clause {
                fn heap_bytes(&self) -> usize {
                    #heap
                }
            }
        }
    });
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #private::Encode for #ident #ty_generics #where_clause {
            fn encode(&self) -> ::core::result::Result<#private::Value, #private::ValueError> {
                #encode
            }
        }

        #[automatically_derived]
        impl #impl_generics #private::Decode for #ident #ty_generics #where_clause {
            const TYPE_NAME: &'static str = #name;
            const READS: #private::StorageClasses = #reads;

            fn decode(
                value: #private::Value,
            ) -> ::core::result::Result<Self, #private::ValueError> {
                #decode
            }
        }

        #[automatically_derived]
        impl #impl_generics #private::FromRow for #ident #ty_generics #where_clause {
            const SHAPE: #private::RowShape = #private::RowShape::Scalar;
            const FIELDS: &'static [#private::FieldType] = &[#private::FieldType::of::<Self>()];

            fn from_row(
                row: &#private::RowRef<'_>,
            ) -> ::core::result::Result<Self, #private::Error> {
                row.get(0)
            }
        }

        #[automatically_derived]
        impl #impl_generics #private::DerivedColumn for #ident #ty_generics #where_clause {}

        #extras
    })
}
