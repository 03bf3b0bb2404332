#[derive(cachet::FromRow)]
enum Shape {
    Circle,
}

fn main() {}
