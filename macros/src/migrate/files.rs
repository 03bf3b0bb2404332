//! Which files a migrations directory holds and in what order: the one listing used both by the
//! compile-time checker (`check::schema`, which applies them to its in-memory database) and by
//! `migrate!()` (which embeds them), so that what is checked is what is applied.
//!
//! A directory holds `NNNN_description.sql` files (or `NNNN_description.up.sql` with an optional
//! `NNNN_description.down.sql`), and/or sub-directories `NNNN_description/` with `up.sql` and an
//! optional `down.sql` (diesel's layout). The version is the number a name starts with. When
//! every entry has one, they are in version order; otherwise (a schema directory of unnumbered
//! files, which the checker accepts and `migrate!()` refuses) in file-name order.

use std::path::{Path, PathBuf};

/// One migration of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The file or sub-directory name.
    pub(crate) name: String,
    /// The number the name starts with.
    pub(crate) version: Option<i64>,
    /// How many digits that number has (a timestamp's 8 or more allow gaps).
    pub(crate) digits: usize,
    /// The rest of the name, `_` as spaces.
    pub(crate) description: String,
    /// The SQL that applies it.
    pub(crate) up: PathBuf,
    /// The SQL that undoes it, if there is one.
    pub(crate) down: Option<PathBuf>,
}

/// The migrations of `dir`, in order.
pub(crate) fn list(dir: &Path) -> Result<Vec<Entry>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            let up = path.join("up.sql");
            if up.is_file() {
                let down = Some(path.join("down.sql")).filter(|d| d.is_file());
                found.push(entry_for(name.clone(), &name, up, down));
            }
        } else if let Some(stem) = name.strip_suffix(".up.sql") {
            let down = Some(dir.join(format!("{stem}.down.sql"))).filter(|d| d.is_file());
            found.push(entry_for(name.clone(), stem, path, down));
        } else if name.ends_with(".down.sql") {
            // Read with its `.up.sql` twin.
        } else if let Some(stem) = name.strip_suffix(".sql") {
            found.push(entry_for(name.clone(), stem, path, None));
        }
    }
    if found.is_empty() {
        return Err(format!("no `.sql` files in `{}`", dir.display()));
    }
    if found.iter().all(|e| e.version.is_some()) {
        found.sort_by(|a, b| (a.version, &a.name).cmp(&(b.version, &b.name)));
    } else {
        found.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(found)
}

fn entry_for(name: String, stem: &str, up: PathBuf, down: Option<PathBuf>) -> Entry {
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    let version = stem[..digits].parse::<i64>().ok();
    let rest = stem[digits..].trim_start_matches(['_', '-', ' ']);
    Entry {
        name,
        version,
        digits,
        description: rest.replace('_', " "),
        up,
        down,
    }
}

/// What `migrate!()` requires beyond the listing: a version on every file, each once, and no gap
/// between consecutive numbers (unless they are timestamps: 8 digits or more).
pub(crate) fn check_versions(entries: &[Entry]) -> Result<(), String> {
    if let Some(unnumbered) = entries.iter().find(|e| e.version.is_none()) {
        return Err(format!(
            "`{}` has no version: name migration files `NNNN_description.sql` (the number is \
             the version, applied in order)",
            unnumbered.name
        ));
    }
    for pair in entries.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (va, vb) = (a.version.unwrap_or(0), b.version.unwrap_or(0));
        if va == vb {
            return Err(format!(
                "`{}` and `{}` have the same version {va}: give each migration its own number",
                a.name, b.name
            ));
        }
        let timestamps = a.digits >= 8 && b.digits >= 8;
        if vb != va + 1 && !timestamps {
            return Err(format!(
                "a gap between `{}` (version {va}) and `{}` (version {vb}): number migrations \
                 one after another (a missing number is usually a file not added), or use \
                 timestamps (8 digits or more) as versions",
                a.name, b.name
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("larder-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (file, text) in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn versions_order_numerically_and_pair_up_and_down() {
        let d = dir(
            "order",
            &[
                ("10_ten.sql", ""),
                ("9_nine.up.sql", ""),
                ("9_nine.down.sql", ""),
                ("11_eleven/up.sql", ""),
                ("11_eleven/down.sql", ""),
                ("notes.txt", ""),
            ],
        );
        let entries = list(&d).unwrap();
        let names: Vec<_> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["9_nine.up.sql", "10_ten.sql", "11_eleven"]);
        assert_eq!(entries[0].description, "nine");
        assert!(
            entries[0].down.is_some() && entries[1].down.is_none() && entries[2].down.is_some()
        );
        assert_eq!(check_versions(&entries), Ok(()));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn duplicates_gaps_and_unnumbered_files_are_refused() {
        let d = dir("gap", &[("0001_a.sql", ""), ("0003_c.sql", "")]);
        let err = check_versions(&list(&d).unwrap()).unwrap_err();
        assert!(
            err.contains("a gap between `0001_a.sql` (version 1) and `0003_c.sql`"),
            "{err}"
        );
        let d2 = dir("dup", &[("0001_a.sql", ""), ("1_b.sql", "")]);
        let err = check_versions(&list(&d2).unwrap()).unwrap_err();
        assert!(err.contains("the same version 1"), "{err}");
        let d3 = dir("plain", &[("b.sql", ""), ("a.sql", "")]);
        let entries = list(&d3).unwrap();
        assert_eq!(
            entries[0].name, "a.sql",
            "unnumbered: by name, for the checker"
        );
        assert!(check_versions(&entries)
            .unwrap_err()
            .contains("has no version"));
        let d4 = dir("stamps", &[("20240101_a.sql", ""), ("20240315_b.sql", "")]);
        assert_eq!(check_versions(&list(&d4).unwrap()), Ok(()));
        for d in [d, d2, d3, d4] {
            std::fs::remove_dir_all(&d).unwrap();
        }
    }
}
