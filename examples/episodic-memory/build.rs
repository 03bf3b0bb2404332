//! Rebuild when a file is added to `migrations/`: `larder::migrate!()` and the compile-time
//! checks read the directory, but rustc only tracks the files they include (an edit), not the
//! directory itself (a new file). See larder's docs/migrations.md.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
