//! `rename_all = "..."`: the cases serde knows, applied to field names (`FromRow`) and variant
//! names (`Type`) the way serde applies them.

use syn::LitStr;

/// The cases `rename_all` knows, as serde names them.
#[derive(Clone, Copy)]
pub(crate) enum RenameAll {
    Lower,
    Upper,
    Camel,
    Pascal,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
    Snake,
}

const CASES: &[(&str, RenameAll)] = &[
    ("lowercase", RenameAll::Lower),
    ("UPPERCASE", RenameAll::Upper),
    ("camelCase", RenameAll::Camel),
    ("PascalCase", RenameAll::Pascal),
    ("SCREAMING_SNAKE_CASE", RenameAll::ScreamingSnake),
    ("kebab-case", RenameAll::Kebab),
    ("SCREAMING-KEBAB-CASE", RenameAll::ScreamingKebab),
    ("snake_case", RenameAll::Snake),
];

impl RenameAll {
    pub(crate) fn parse(lit: &LitStr) -> syn::Result<Self> {
        let value = lit.value();
        CASES
            .iter()
            .find(|(name, _)| *name == value)
            .map(|&(_, case)| case)
            .ok_or_else(|| {
                let names: Vec<&str> = CASES.iter().map(|(n, _)| *n).collect();
                syn::Error::new_spanned(
                    lit,
                    format!(
                        "unknown case `{value}`; expected one of {}{}",
                        names
                            .iter()
                            .map(|n| format!("\"{n}\""))
                            .collect::<Vec<_>>()
                            .join(", "),
                        crate::errors::did_you_mean(&value, &names)
                    ),
                )
            })
    }

    /// The name of a field named `field` (snake_case, as Rust writes fields), as serde renames
    /// fields.
    pub(crate) fn apply(self, field: &str) -> String {
        let words = field.split('_').filter(|w| !w.is_empty());
        let capitalized = |w: &str| {
            let mut chars = w.chars();
            chars
                .next()
                .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        };
        match self {
            RenameAll::Lower => field.to_lowercase(),
            RenameAll::Upper => field.to_uppercase(),
            RenameAll::Snake => field.to_owned(),
            RenameAll::ScreamingSnake => field.to_uppercase(),
            RenameAll::Kebab => field.replace('_', "-"),
            RenameAll::ScreamingKebab => field.replace('_', "-").to_uppercase(),
            RenameAll::Pascal => words.map(capitalized).collect(),
            RenameAll::Camel => words
                .enumerate()
                .map(|(i, w)| if i == 0 { w.to_owned() } else { capitalized(w) })
                .collect(),
        }
    }
}

impl RenameAll {
    /// The name of a variant named `variant` (PascalCase, as Rust writes variants), as serde
    /// renames variants.
    pub(crate) fn apply_to_variant(self, variant: &str) -> String {
        let snake = || {
            let mut out = String::new();
            for (i, c) in variant.char_indices() {
                if i > 0 && c.is_uppercase() {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            }
            out
        };
        match self {
            RenameAll::Lower => variant.to_ascii_lowercase(),
            RenameAll::Upper => variant.to_ascii_uppercase(),
            RenameAll::Pascal => variant.to_owned(),
            RenameAll::Camel => {
                let mut chars = variant.chars();
                chars
                    .next()
                    .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
            }
            RenameAll::Snake => snake(),
            RenameAll::ScreamingSnake => snake().to_ascii_uppercase(),
            RenameAll::Kebab => snake().replace('_', "-"),
            RenameAll::ScreamingKebab => snake().replace('_', "-").to_ascii_uppercase(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RenameAll;

    #[test]
    fn fields_and_variants_are_renamed_as_serde_does() {
        let cases = [
            (
                RenameAll::Lower,
                "user_id",
                "user_id",
                "InProgress",
                "inprogress",
            ),
            (
                RenameAll::Upper,
                "user_id",
                "USER_ID",
                "InProgress",
                "INPROGRESS",
            ),
            (
                RenameAll::Camel,
                "user_id",
                "userId",
                "InProgress",
                "inProgress",
            ),
            (
                RenameAll::Pascal,
                "user_id",
                "UserId",
                "InProgress",
                "InProgress",
            ),
            (
                RenameAll::Snake,
                "user_id",
                "user_id",
                "InProgress",
                "in_progress",
            ),
            (
                RenameAll::ScreamingSnake,
                "user_id",
                "USER_ID",
                "InProgress",
                "IN_PROGRESS",
            ),
            (
                RenameAll::Kebab,
                "user_id",
                "user-id",
                "InProgress",
                "in-progress",
            ),
            (
                RenameAll::ScreamingKebab,
                "user_id",
                "USER-ID",
                "InProgress",
                "IN-PROGRESS",
            ),
        ];
        for (case, field, renamed, variant, renamed_variant) in cases {
            assert_eq!(case.apply(field), renamed);
            assert_eq!(case.apply_to_variant(variant), renamed_variant);
        }
    }
}
