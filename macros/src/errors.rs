//! Collecting several errors so the user sees all of them at once.

/// An accumulator of `syn::Error`s, combined into one at the end.
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(all) => all.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Records the error of `result`, if any, and returns its value.
    pub(crate) fn take<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        match self.combined {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// Whether `attr` is the larder method attribute `name`, written `#[name]` or `#[larder::name]`.
pub(crate) fn is_method_attr(attr: &syn::Attribute, name: &str) -> bool {
    let path = attr.path();
    path.is_ident(name)
        || (path.segments.len() == 2
            && path.segments[0].ident == "larder"
            && path.segments[1].ident == name)
}

/// "; did you mean `x`?" when `given` is a near miss of one of `known` (edit distance at most a
/// third of its length — at least 2 for names of four letters or more, 1 below; or one is a
/// prefix of the other); empty otherwise.
pub(crate) fn did_you_mean(given: &str, known: &[&str]) -> String {
    let prefix = |k: &str| {
        (given.len() >= 2 && k.starts_with(given)) || (k.len() >= 3 && given.starts_with(k))
    };
    known
        .iter()
        .map(|k| (distance(given, k), *k))
        .filter(|&(d, k)| d <= (k.len() / 3).max(if k.len() >= 4 { 2 } else { 1 }) || prefix(k))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// One known argument name: its text and how to peek it (`|l| l.peek(kw::ttl)`).
pub(crate) type KnownArg<'a> = (&'a str, &'a dyn Fn(&syn::parse::Lookahead1<'_>) -> bool);

/// The name of the next `name = value` argument, the way every attribute reads it: peeked with
/// `lookahead1` against the `kw` keywords in `known` (so a token that is no name at all is
/// "expected one of `a`, `b`, …"), and an unknown name reported by `unknown`, which can add a
/// "did you mean".
pub(crate) fn argument_name(
    input: syn::parse::ParseStream,
    known: &[KnownArg<'_>],
    unknown: impl FnOnce(&syn::Ident) -> syn::Error,
) -> syn::Result<syn::Ident> {
    use syn::ext::IdentExt;
    let lookahead = input.lookahead1();
    // Every peek runs, so that the error below lists them all.
    let found = known
        .iter()
        .fold(false, |found, (_, peek)| peek(&lookahead) || found);
    if found {
        input.call(syn::Ident::parse_any)
    } else if input.peek(syn::Ident::peek_any) {
        Err(unknown(&input.call(syn::Ident::parse_any)?))
    } else {
        Err(lookahead.error())
    }
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != *cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(did_you_mean("mod", &["mode"]), "; did you mean `mode`?");
        assert_eq!(did_you_mean("moed", &["mode"]), "; did you mean `mode`?");
        assert_eq!(did_you_mean("database", &["db"]), "");
        assert_eq!(did_you_mean("dbb", &["db"]), "; did you mean `db`?");
        assert_eq!(did_you_mean("ttl", &["mode"]), "");
        assert_eq!(
            did_you_mean("max_entry", &["max_entries", "max_bytes"]),
            "; did you mean `max_entries`?"
        );
        assert_eq!(
            did_you_mean("maximum", &["base", "min", "max"]),
            "; did you mean `max`?"
        );
    }
}
