//! Compile-fail and compile-pass cases for the cachet macros. Each `.stderr` snapshot was read
//! and judged: the message says what is wrong and what to do, under the offending token.
//! Regenerate after a deliberate change with `TRYBUILD=overwrite cargo test -p cachet-ui-tests`,
//! then review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for group in [
        "prepared",
        "storage",
        "from_row",
        "transactional",
        "cached",
        "timed",
    ] {
        t.pass(format!("{group}/pass/*.rs"));
        t.compile_fail(format!("{group}/fail/*.rs"));
    }
}
