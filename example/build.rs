//! Writes the probe module's `#[global_allocator]`: the configuration named by `ZEPTO_CONFIG`
//! (ours, a negative control or a reference row of size-budget.toml), over `WasmGrower`; unset,
//! none (std's default allocator).

fn main() {
    zepto_configs::generate::global_allocator(zepto_configs::generate::Program {
        grower: ("zepto_alloc::WasmGrower", "zepto_alloc::WasmGrower"),
        wrap: None,
        references: true,
        unset: None,
    });
}
