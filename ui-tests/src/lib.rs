//! trybuild cases live in `ui-tests/prepared/`, ...; the driver is `tests/ui.rs`.
