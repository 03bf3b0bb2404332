//! Small building blocks with no knowledge of databases: dense per-site ids, write-once slots,
//! table formatting. Uses nothing else in the crate.

pub(crate) mod site_id;
pub(crate) mod slots;
pub(crate) mod table;
