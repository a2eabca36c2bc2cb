//! Links the test programs with a fixed initial and maximum shared memory, so that the Node host
//! (run.mjs) can create the `env.memory` they import: 16 MiB to start, at most 1 GiB.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("wasi") {
        println!("cargo::rustc-link-arg-bins=--initial-memory={}", 16 << 20);
        println!("cargo::rustc-link-arg-bins=--max-memory={}", 1 << 30);
    }
}
