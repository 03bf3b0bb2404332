//! trybuild pass cases for a crate that depends on `larder` under another name (`pantry`): the
//! macros' `crate = "..."` override. The cases live in `pass/`; the driver is `tests/ui.rs`.
