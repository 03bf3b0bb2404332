//! `#[derive(larder::Type)]` stores one name per value: variants carry no fields.
#[derive(larder::Type)]
enum Shape {
    Point,
    Circle { radius: f64 },
}

fn main() {}
