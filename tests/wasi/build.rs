//! Writes the program's global allocator: the configuration named by `ZEPTO_CONFIG`, over
//! `WasmGrower`. Required on WASI (without it the program would test wasi-libc's malloc alone);
//! on the host, where the program only says where to run it, none.

fn main() {
    let wasi = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("wasi");
    zepto_configs::generate::global_allocator(zepto_configs::generate::Program::test(
        wasi.then_some("the WASI program tests one configuration at a time"),
    ));
}
