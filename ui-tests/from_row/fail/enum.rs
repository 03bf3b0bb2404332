#[derive(larder::FromRow)]
enum Shape {
    Circle,
}

fn main() {}
