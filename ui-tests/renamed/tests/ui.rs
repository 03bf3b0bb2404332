//! Compile-pass cases for `crate = "..."`: this crate depends on `larder` only as `pantry`, so a
//! path the macros generate that assumes `::larder` fails to compile here.

#[test]
fn ui() {
    // The cases are built in a crate of their own under `target/`, where the macros would find
    // no schema: point them at the main ui crate's. (One test in this binary.)
    std::env::set_var(
        "LARDER_SCHEMA",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.sql"),
    );
    trybuild::TestCases::new().pass("pass/*.rs");
}
