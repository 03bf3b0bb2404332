//! `sql!` sees tokens, not values.
const TEXT: &str = "SELECT 1";
const Q: cachet::Sql = cachet::sql!(TEXT);

fn main() {
    let _ = Q;
}
