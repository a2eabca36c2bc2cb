//! Links every test binary with a maximum memory, so that out of memory is real: `memory.grow`
//! fails at 256 MiB (4,096 pages) and allocators must return null, not trap.

fn main() {
    println!("cargo::rustc-link-arg-tests=--max-memory={}", 256 << 20);
}
