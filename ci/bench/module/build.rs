//! Writes the module's global allocator: the configuration or reference row named by
//! `ZEPTO_CONFIG` (`std` for std's default), counted (`Counted`, src/lib.rs). Required in wasm;
//! on the host the module is empty.

fn main() {
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32");
    zepto_configs::generate::global_allocator(zepto_configs::generate::Program {
        grower: ("zepto_alloc::WasmGrower", "zepto_alloc::WasmGrower"),
        wrap: Some(("Counted", "Counted::new")),
        references: true,
        unset: wasm
            .then_some("the benchmark's module runs one allocator at a time (`std`: std's own)"),
    });
}
