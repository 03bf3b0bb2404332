//! The statement facts of the episodic-memory example, as the expansion records them (kind,
//! tables read, tables written), checked against the table in `docs/checking.md`: the docs
//! cannot drift from what the macros do. On a mismatch the test prints the table to paste.

use std::path::Path;

use syn::{ImplItem, Item, LitStr};

use crate::check::{analyze, schema, SchemaChoice};
use crate::prepared::attr::{PreparedAttr, SqlArg};
use crate::sql::Kind;

const BEGIN: &str = "<!-- example-facts:begin -->";
const END: &str = "<!-- example-facts:end -->";

fn kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Query => "read",
        Kind::Write { returning: false } => "write",
        Kind::Write { returning: true } => "write, returns rows",
        Kind::Schema => "schema change",
        Kind::Other => "other",
    }
}

fn list(tables: &[String]) -> String {
    if tables.is_empty() {
        "—".to_owned()
    } else {
        tables.join(", ")
    }
}

fn report() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let source = std::fs::read_to_string(root.join("examples/episodic-memory/src/lib.rs")).unwrap();
    let file = syn::parse_file(&source).unwrap();
    let choice = SchemaChoice::Path(LitStr::new(
        "../examples/episodic-memory/migrations",
        proc_macro2::Span::call_site(),
    ));
    let schema = schema::load(&choice, proc_macro2::Span::call_site())
        .unwrap()
        .unwrap();
    let mut out = String::from(
        "| method | kind | reads | writes (triggers and cascades included) | placeholders |\n|---|---|---|---|---|\n",
    );
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        for item in &imp.items {
            let ImplItem::Verbatim(tokens) = item else {
                continue;
            };
            let Ok(f) = syn::parse2::<ExampleFn>(tokens.clone()) else {
                continue;
            };
            let Some(attr) = f.attrs.iter().find(|a| crate::prepared::is_prepared(a)) else {
                continue;
            };
            let SqlArg::Literal(sql) = PreparedAttr::from_attr(attr).unwrap().sql else {
                continue;
            };
            let analysis = analyze(&sql, Some(&schema));
            assert!(analysis.error.is_none(), "{:?}", analysis.error);
            let described = analysis.described.as_ref().unwrap();
            let reads = if matches!(analysis.scan.kind, Kind::Query) {
                list(&analysis.scan.reads)
            } else {
                list(&described.reads)
            };
            let writes = if matches!(analysis.scan.kind, Kind::Query) {
                "—".to_owned()
            } else {
                list(&analysis.scan.writes)
            };
            let placeholders: Vec<&str> = analysis
                .scan
                .placeholders
                .iter()
                .map(|p| p.text.as_str())
                .collect();
            out.push_str(&format!(
                "| `Memory::{}` | {} | {} | {} | {} |\n",
                f.ident,
                kind(analysis.scan.kind),
                reads,
                writes,
                placeholders.join(" ")
            ));
        }
    }
    out
}

/// A bodiless method as syn hands it over (attributes, visibility, signature, `;`).
struct ExampleFn {
    attrs: Vec<syn::Attribute>,
    ident: syn::Ident,
}

impl syn::parse::Parse for ExampleFn {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let _: syn::Visibility = input.parse()?;
        let sig: syn::Signature = input.parse()?;
        input.parse::<syn::Token![;]>()?;
        Ok(ExampleFn {
            attrs,
            ident: sig.ident,
        })
    }
}

#[test]
fn docs_list_the_example_statements_as_the_macros_see_them() {
    let generated = report();
    let docs_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/checking.md");
    let docs = std::fs::read_to_string(&docs_path).unwrap();
    let table = docs
        .split_once(BEGIN)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(table, _)| table.trim())
        .unwrap_or_default();
    assert_eq!(
        table,
        generated.trim(),
        "docs/checking.md is out of date; put this between the markers:\n{generated}"
    );
}
