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

/// "; did you mean `x`?" when `given` is a near miss (edit distance at most 2, or a prefix) of
/// one of `known`; empty otherwise.
pub(crate) fn did_you_mean(given: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (distance(given, k), k))
        .filter(|&(d, k)| {
            d <= 2.min(k.len().saturating_sub(1)) || (given.len() >= 2 && k.starts_with(given))
        })
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
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
    }
}
