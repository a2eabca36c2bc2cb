//! Writes the `configuration` test's global allocator (the configuration named by `ZEPTO_CONFIG`,
//! over `WasmGrower`), and links every wasm test binary with a maximum memory, so that out of
//! memory is real: `memory.grow` fails at 256 MiB (4,096 pages) and allocators must return null,
//! not trap. (On the host the test binaries are empty, and the host linker would not know the
//! flag.)

fn main() {
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32");
    zepto_configs::generate::global_allocator(zepto_configs::generate::Program::test(
        wasm.then_some("the `configuration` test runs one configuration at a time"),
    ));
    if wasm {
        println!("cargo::rustc-link-arg-tests=--max-memory={}", 256 << 20);
    }
}
