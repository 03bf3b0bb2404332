//! A migration's checksum: 64-bit FNV-1a of its SQL, as 16 hex digits. It is there to notice an
//! edited file (any change of a byte changes it with probability 1 - 2^-64), not to resist a
//! forger, so a cryptographic hash — and its dependency — would buy nothing.
//!
//! Line endings are not part of it: a `\r\n` counts as `\n`, so the same file checked out on
//! Windows (git's `autocrlf`) and on Linux has one checksum — a "changed" migration that nobody
//! changed is a known surprise of checksummed migrations.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

pub(super) fn of(sql: &str) -> String {
    let bytes = sql.as_bytes();
    let hash = bytes
        .iter()
        .enumerate()
        // A `\r` that ends a line (before `\n`) is not counted.
        .filter(|&(i, &byte)| !(byte == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
        .fold(OFFSET, |hash, (_, &byte)| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        });
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_values() {
        // FNV-1a 64 of "" and "a" (the reference test vectors).
        assert_eq!(super::of(""), "cbf29ce484222325");
        assert_eq!(super::of("a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn line_endings_do_not_count() {
        let unix = "CREATE TABLE t (x);\nCREATE TABLE u (y);\n";
        assert_eq!(super::of(unix), super::of(&unix.replace('\n', "\r\n")));
        // A lone carriage return is content.
        assert_ne!(super::of("a\rb"), super::of("ab"));
    }
}
