//! Where the schema comes from, and the in-memory database built from it — once per compilation
//! (per thread of the compiler and per content: an edited file gives a new database, which matters
//! in long-lived processes such as rust-analyzer).
//!
//! Lookup, first match wins:
//! 1. `#[larder::storage(schema = "path")]` (`schema = false` turns schema checks off);
//! 2. the `LARDER_SCHEMA` environment variable (for builds whose crate directory is not where the
//!    schema lives, such as trybuild's generated crates);
//! 3. `migrations/` next to the crate's `Cargo.toml`: its migrations in version order, the
//!    listing `migrate!()` embeds (`migrate::files`: `NNNN_name.sql`, `NNNN_name.up.sql`,
//!    `NNNN_name/up.sql`; `down` files skipped);
//! 4. `schema.sql` next to `Cargo.toml`.
//!
//! Relative paths are relative to the crate's directory (`CARGO_MANIFEST_DIR`).

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use super::engine::Engine;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub(crate) enum SchemaChoice {
    /// Look in the usual places.
    #[default]
    Discover,
    /// `schema = "path"`: a `.sql` file or a directory of them.
    Path(syn::LitStr),
    /// `schema = false`.
    Off,
}

/// A database built from the schema files.
pub(crate) struct Schema {
    pub(crate) engine: Engine,
    /// Every file applied, absolute: the expansion includes each one so that editing it rebuilds
    /// the crate.
    pub(crate) files: Vec<PathBuf>,
    /// How messages name the schema (`migrations/ (3 files)`).
    pub(crate) origin: String,
}

impl Schema {
    /// The names of the tables and views it defines, for "did you mean" hints.
    pub(crate) fn tables(&self) -> Vec<String> {
        self.engine
            .names("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
    }
}

thread_local! {
    static BUILT: RefCell<HashMap<u64, Rc<Schema>>> = RefCell::new(HashMap::new());
}

fn manifest_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
}

/// The schema for `choice`, built or taken from the cache; `None` when there is none. Errors are
/// spanned on `span` (the `schema = ...` argument, or the macro's call site).
pub(crate) fn load(choice: &SchemaChoice, span: Span) -> syn::Result<Option<Rc<Schema>>> {
    let Some(dir) = manifest_dir() else {
        return Ok(None);
    };
    let (files, origin) = match choice {
        SchemaChoice::Off => return Ok(None),
        SchemaChoice::Path(lit) => {
            let path = dir.join(lit.value());
            let files = files_at(&path).map_err(|why| {
                syn::Error::new_spanned(lit, format!("schema `{}`: {why}", lit.value()))
            })?;
            (files, lit.value())
        }
        SchemaChoice::Discover => match std::env::var_os("LARDER_SCHEMA") {
            Some(path) => {
                let shown = PathBuf::from(&path).display().to_string();
                let files = files_at(&dir.join(&path)).map_err(|why| {
                    syn::Error::new(span, format!("LARDER_SCHEMA=`{shown}`: {why}"))
                })?;
                (files, shown)
            }
            None => {
                let migrations = dir.join("migrations");
                let schema_sql = dir.join("schema.sql");
                if migrations.is_dir() {
                    let files = files_at(&migrations)
                        .map_err(|why| syn::Error::new(span, format!("migrations/: {why}")))?;
                    (files, "migrations/".to_owned())
                } else if schema_sql.is_file() {
                    (vec![schema_sql], "schema.sql".to_owned())
                } else {
                    return Ok(None);
                }
            }
        },
    };
    let mut contents = Vec::with_capacity(files.len());
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| {
            syn::Error::new(
                span,
                format!("cannot read schema file `{}`: {e}", file.display()),
            )
        })?;
        contents.push(text);
    }
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    contents.hash(&mut hasher);
    let key = hasher.finish();
    if let Some(schema) = BUILT.with(|built| built.borrow().get(&key).cloned()) {
        return Ok(Some(schema));
    }
    let engine = Engine::memory().map_err(|e| syn::Error::new(span, e.message))?;
    for (file, text) in files.iter().zip(&contents) {
        engine.execute(text).map_err(|e| {
            syn::Error::new(
                span,
                format!(
                    "the schema file `{}` does not apply: {}{}; fix it, or point \
                     `#[larder::storage(schema = \"...\")]` at the right files",
                    relative(file, &dir),
                    e.message,
                    e.offset.map_or_else(String::new, |at| {
                        let line = text[..at.min(text.len())].matches('\n').count() + 1;
                        format!(" (line {line})")
                    }),
                ),
            )
        })?;
    }
    let count = files.len();
    let schema = Rc::new(Schema {
        engine,
        files,
        origin: format!(
            "{origin} ({count} file{})",
            if count == 1 { "" } else { "s" }
        ),
    });
    BUILT.with(|built| built.borrow_mut().insert(key, Rc::clone(&schema)));
    Ok(Some(schema))
}

/// What makes Cargo rebuild the crate when the schema changes: an `include_bytes!` of every
/// schema file (an edit), and, when the schema is discovered, an `option_env!("LARDER_SCHEMA")`
/// (rustc records the variable in the crate's dep-info, and Cargo rebuilds when it changes).
pub(crate) fn track(choice: &SchemaChoice, schema: Option<&Schema>) -> TokenStream {
    let files = schema
        .iter()
        .flat_map(|s| s.files.iter())
        .filter_map(|f| f.to_str());
    let env = matches!(choice, SchemaChoice::Discover).then(|| {
        quote!(
            const _: ::core::option::Option<&str> = ::core::option_env!("LARDER_SCHEMA");
        )
    });
    quote! {
        const _: () = {
            #( const _: &[u8] = ::core::include_bytes!(#files); )*
            #env
        };
    }
}

fn relative(file: &Path, dir: &Path) -> String {
    file.strip_prefix(dir).unwrap_or(file).display().to_string()
}

/// The schema files at `path`: the file itself, or a directory's migrations in order.
fn files_at(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() {
        return Ok(vec![path.to_owned()]);
    }
    if !path.is_dir() {
        return Err(
            "no such file or directory (paths are relative to the directory of the \
                    crate's `Cargo.toml`)"
                .to_owned(),
        );
    }
    // The same listing `migrate!()` embeds (see `migrate::files`).
    Ok(crate::migrate::files::list(path)?
        .into_iter()
        .map(|entry| entry.up)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("larder-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn only_a_discovered_schema_watches_the_environment_variable() {
        let discovered = track(&SchemaChoice::Discover, None).to_string();
        assert!(
            discovered.contains("option_env ! (\"LARDER_SCHEMA\")"),
            "{discovered}"
        );
        let explicit = track(&SchemaChoice::Off, None).to_string();
        assert!(!explicit.contains("option_env"), "{explicit}");
    }

    fn choice(dir: &Path) -> SchemaChoice {
        SchemaChoice::Path(syn::LitStr::new(
            dir.to_str().unwrap(),
            proc_macro2::Span::call_site(),
        ))
    }

    #[test]
    fn a_schema_is_built_once_per_content() {
        let dir = temp_dir("once");
        std::fs::write(dir.join("0001.sql"), "CREATE TABLE a (x);").unwrap();
        let span = proc_macro2::Span::call_site();
        let first = load(&choice(&dir), span).unwrap().unwrap();
        let again = load(&choice(&dir), span).unwrap().unwrap();
        assert!(Rc::ptr_eq(&first, &again), "built once");
        assert_eq!(first.tables(), ["a"]);
        std::fs::write(dir.join("0002.sql"), "CREATE TABLE b (y);").unwrap();
        let edited = load(&choice(&dir), span).unwrap().unwrap();
        assert!(
            !Rc::ptr_eq(&first, &edited),
            "a new file gives a new database"
        );
        assert_eq!(edited.tables(), ["a", "b"]);
        assert_eq!(edited.files.len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_does_not_apply_is_named() {
        let dir = temp_dir("broken");
        std::fs::write(dir.join("0001.sql"), "CREATE TABLE a (x);").unwrap();
        std::fs::write(
            dir.join("0002.sql"),
            "-- adds y\nCREATE TABLE b (x);\n\n  /* here */ ALTER TABLE nope ADD y;",
        )
        .unwrap();
        let error = load(&choice(&dir), proc_macro2::Span::call_site())
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("0002.sql` does not apply: no such table: nope (line 4)"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn migrations_apply_in_file_name_order_without_down_files() {
        let dir = std::env::temp_dir().join(format!("larder-schema-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("0003_dir")).unwrap();
        std::fs::write(dir.join("0002_b.sql"), "b").unwrap();
        std::fs::write(dir.join("0001_a.sql"), "a").unwrap();
        std::fs::write(dir.join("0001_a.down.sql"), "x").unwrap();
        std::fs::write(dir.join("0003_dir/up.sql"), "c").unwrap();
        std::fs::write(dir.join("README.md"), "x").unwrap();
        let files = files_at(&dir).unwrap();
        let names: Vec<String> = files.iter().map(|f| relative(f, &dir)).collect();
        assert_eq!(names, ["0001_a.sql", "0002_b.sql", "0003_dir/up.sql"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
