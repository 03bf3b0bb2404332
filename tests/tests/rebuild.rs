//! Issue #16: a migration *added* to `migrations/` is checked at the next build, with the one-line
//! `build.rs` that docs/migrations.md prescribes. Builds a crate of its own with Cargo (offline,
//! pinned to this workspace's lock file), so it takes a minute or two on a cold target: it is
//! ignored by the README's command and run by `.ci/run`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `cargo check` of the probe crate: whether it passed, and what it printed.
fn check(dir: &Path, target: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format=short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("LARDER_SCHEMA")
        .output()
        .expect("cargo runs");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.success(), text)
}

#[ignore = "builds a crate with cargo (slow on a cold target): `cargo test -p larder-tests --test rebuild -- --ignored`"]
#[test]
fn a_migration_added_to_the_directory_is_checked_at_the_next_build() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rebuild-probe");
    let _ = std::fs::remove_dir_all(&dir);
    let runtime = workspace.join("runtime").canonicalize().unwrap();
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"rebuild-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\nlarder = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    );
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    write(
        &dir.join("build.rs"),
        "fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n}\n",
    );
    write(
        &dir.join("migrations/0001_init.sql"),
        "CREATE TABLE t (x INTEGER NOT NULL);\n",
    );
    write(
        &dir.join("src/lib.rs"),
        "pub static MIGRATOR: larder::Migrator = larder::migrate!();\n\
         pub struct Store { pub db: larder::Db }\n\
         #[larder::storage]\n\
         impl Store {\n\
             #[prepared(\"SELECT x FROM t\")]\n\
             pub async fn xs(&self) -> larder::Result<Vec<i64>>;\n\
         }\n",
    );
    let target = workspace.join("target").join("rebuild-probe");
    let (ok, text) = check(&dir, &target);
    assert!(ok, "the probe builds against 0001: {text}");

    // A new file, and no source file touched: the column the query reads is renamed.
    write(
        &dir.join("migrations/0002_rename.sql"),
        "ALTER TABLE t RENAME COLUMN x TO y;\n",
    );
    let (ok, text) = check(&dir, &target);
    assert!(!ok, "the next build re-checked the query against 0002");
    assert!(text.contains("no such column: x"), "{text}");

    // A gap is a compile error of `migrate!()` at the next build, too.
    std::fs::rename(
        dir.join("migrations/0002_rename.sql"),
        dir.join("migrations/0003_rename.sql"),
    )
    .unwrap();
    let (ok, text) = check(&dir, &target);
    assert!(
        !ok && text.contains("a gap between `0001_init.sql` (version 1) and `0003_rename.sql`"),
        "{text}"
    );
}
