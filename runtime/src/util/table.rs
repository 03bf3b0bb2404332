//! Shared by the `Display` tables of the stats types.

/// Width of a table's first column: its longest name, and at least its header.
pub(crate) fn first_column_width<'a>(header: &str, names: impl Iterator<Item = &'a str>) -> usize {
    names.map(str::len).fold(header.len(), usize::max)
}
