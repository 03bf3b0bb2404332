//! Checks of a `#[prepared]` method that need no database: async, receiver, SQL shape,
//! placeholders against parameters, statement kind against return type.

use syn::Error;

use super::ast::{Method, ReturnShape};
use crate::check;
use crate::errors::Errors;
use crate::method;
use crate::sql::{Kind, Placeholder, PlaceholderStyle};

/// For each SQL parameter index `1..=n`, the position of the method parameter bound to it.
pub(crate) type Bindings = Vec<usize>;

/// Runs every check, reporting all failures; returns the bindings when the placeholders fit.
pub(crate) fn validate(method: &Method, errors: &mut Errors) -> Option<Bindings> {
    check_signature(method, errors);
    if method.constant.is_some() {
        // The constant was checked where it is declared; what depends on this method is checked
        // by the expansion, at compile time. Parameters bind by position.
        return Some((0..method.params.len()).collect());
    }
    check_sql(method, errors);
    if let Some(error) = &method.sql_error {
        // Placeholders and columns of a statement the engine rejects would be guesses.
        errors.push(error.clone());
        return None;
    }
    check_kind(method, errors);
    check_columns(method, errors);
    errors.take(bindings(method))
}

/// With the engine's description: a statement whose kind the lexer cannot tell (PRAGMA, ...)
/// must still return columns when the method reads rows, and none when it returns `()`.
fn check_columns(method: &Method, errors: &mut Errors) {
    let (Some(described), Some(shape)) = (&method.described, &method.shape) else {
        return;
    };
    if method.scan.kind.returns_rows().is_some() {
        return; // check_kind has decided
    }
    let keyword = method.scan.keyword.as_deref().unwrap_or("the statement");
    if shape.reads_rows() && described.columns.is_empty() {
        errors.push(Error::new_spanned(
            &method.return_tokens,
            format!(
                "`{keyword}` returns no columns, but this method reads rows; return `u64` or `()`"
            ),
        ));
    }
    if matches!(shape, ReturnShape::Unit) && !described.columns.is_empty() {
        errors.push(Error::new_spanned(
            &method.return_tokens,
            format!(
                "`{keyword}` returns columns ({}), but `()` would throw them away; return \
                 `Option<T>`, `Vec<T>` or `T`",
                described.columns.join(", ")
            ),
        ));
    }
}

fn check_signature(method: &Method, errors: &mut Errors) {
    let sig = &method.sig;
    errors.take(method::check_async(
        sig,
        "`#[prepared]` methods must be `async fn`: the generated body awaits the database",
    ));
    errors.take(method::check_receiver(
        sig,
        "`#[prepared]` methods take `&self`: the generated body finds the `Db` through `self`",
    ));
    if let Some(variadic) = &sig.variadic {
        errors.push(Error::new_spanned(
            variadic,
            "`#[prepared]` methods cannot be variadic",
        ));
    }
}

fn check_sql(method: &Method, errors: &mut Errors) {
    for error in check::malformed(
        &method.sql,
        &method.scan,
        "a `#[prepared]` method",
        "split it into several methods and call them from a `#[batch]` method",
    ) {
        errors.push(error);
    }
}

fn check_kind(method: &Method, errors: &mut Errors) {
    let (Some(shape), Some(returns_rows)) = (&method.shape, method.scan.kind.returns_rows()) else {
        return;
    };
    let keyword = method.scan.keyword.as_deref().unwrap_or("the statement");
    if shape.reads_rows() && !returns_rows {
        let hint = if matches!(method.scan.kind, Kind::Write { .. }) {
            "; return `u64` (rows changed) or `()`, or add a `RETURNING` clause to read rows"
        } else {
            "; return `u64` or `()`"
        };
        errors.push(Error::new_spanned(
            &method.return_tokens,
            format!("`{keyword}` returns no rows, but this method reads rows{hint}"),
        ));
    }
    if matches!(shape, ReturnShape::Unit) && returns_rows {
        errors.push(Error::new_spanned(
            &method.return_tokens,
            format!(
                "`{keyword}` returns rows, but `()` would throw them away; return `Option<T>`, \
                 `Vec<T>` or `T`"
            ),
        ));
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn bindings(method: &Method) -> syn::Result<Bindings> {
    let placeholders = &method.scan.placeholders;
    let params = &method.params;
    let sql = &method.sql;
    let names: Vec<String> = params.iter().map(|p| p.ident.to_string()).collect();
    let named = placeholders
        .iter()
        .any(|p| matches!(p.style, PlaceholderStyle::Named(_)));
    let positional = placeholders
        .iter()
        .find(|p| !matches!(p.style, PlaceholderStyle::Named(_)));
    let mut errors = Errors::default();
    if let (true, Some(p)) = (named, positional) {
        return Err(Error::new_spanned(
            sql,
            format!(
                "the SQL mixes named placeholders with the positional `{}`; use one style: \
                 `:name` for each parameter, or `?1`, `?2`, ... in parameter order",
                p.text
            ),
        ));
    }
    let count = method.scan.parameter_count();
    let mut bound = vec![None; count];
    let mut used = vec![false; params.len()];
    let mut unknown_name = false;
    for p in placeholders {
        match parameter_of(p, &names, sql, &mut errors) {
            Some(position) => {
                bound[p.index - 1] = Some(position);
                used[position] = true;
            }
            None => unknown_name |= matches!(p.style, PlaceholderStyle::Named(_)),
        }
    }
    for (position, used) in used.iter().enumerate() {
        // A placeholder naming no parameter is most likely the unused one misspelled: that error
        // (with its suggestion) is enough.
        if !used && !unknown_name {
            let hint = if named {
                format!("`:{}`", names[position])
            } else {
                format!("`?{}`", position + 1)
            };
            errors.push(Error::new_spanned(
                sql,
                format!(
                    "parameter `{}` is not used by the SQL; refer to it as {hint}, or remove it",
                    names[position]
                ),
            ));
        }
    }
    errors.finish()?;
    // Every index up to `count` is bound: positional indexes are checked against the parameters,
    // which are all used, and named indexes are dense by construction.
    bound
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            b.ok_or_else(|| {
                Error::new_spanned(
                    sql,
                    format!("SQL parameter ?{} is never written in the SQL", i + 1),
                )
            })
        })
        .collect()
}

/// The position of the parameter (after `self`) that `p` binds; an error when there is none.
fn parameter_of(
    p: &Placeholder,
    names: &[String],
    sql: &syn::LitStr,
    errors: &mut Errors,
) -> Option<usize> {
    match &p.style {
        PlaceholderStyle::Named(name) => {
            let position = names.iter().position(|n| n == name);
            if position.is_none() {
                errors.push(Error::new_spanned(
                    sql,
                    format!(
                        "placeholder `{}` has no parameter named `{name}`; the method's parameters are: {}{}",
                        p.text,
                        list(names),
                        crate::errors::did_you_mean(name, &names.iter().map(String::as_str).collect::<Vec<_>>())
                            .replace("did you mean `", &format!("did you mean `{}", &p.text[..1])),
                    ),
                ));
            }
            position
        }
        _ if p.index > names.len() => {
            errors.push(Error::new_spanned(
                sql,
                format!(
                    "placeholder `{}` stands for the {} parameter, but the method has {} parameter{} after `self`",
                    p.text,
                    ordinal(p.index),
                    names.len(),
                    if names.len() == 1 { "" } else { "s" }
                ),
            ));
            None
        }
        _ => Some(p.index - 1),
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
