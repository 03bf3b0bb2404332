//! What the macros learn from SQL text without a database: placeholders (numbered the way SQLite
//! numbers them), the statement's kind, and whether more than one statement was written.

mod lexer;
pub(crate) mod lists;
pub(crate) mod numbered;
mod one_row;
mod scan;
mod tables;

pub(crate) use scan::{scan, Kind, Placeholder, PlaceholderStyle, Scan};
