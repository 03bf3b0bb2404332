//! Compile-fail and compile-pass cases for the larder macros. Each `.stderr` snapshot was read
//! and judged: the message says what is wrong and what to do, under the offending token.
//! Regenerate after a deliberate change with `TRYBUILD=overwrite cargo test -p larder-ui-tests`,
//! then review the diff.

#[test]
fn ui() {
    // trybuild builds the cases in a crate of its own under `target/`, where the macros would find
    // no schema: point them at this crate's. (One test in this binary: nothing reads the
    // environment concurrently.)
    std::env::set_var(
        "LARDER_SCHEMA",
        concat!(env!("CARGO_MANIFEST_DIR"), "/schema.sql"),
    );
    let t = trybuild::TestCases::new();
    for group in [
        "prepared",
        "storage",
        "from_row",
        "transactional",
        "cached",
        "timed",
        "sql",
    ] {
        t.pass(format!("{group}/pass/*.rs"));
        t.compile_fail(format!("{group}/fail/*.rs"));
    }
}
