//! Writes the program's global allocator (the configuration named by `ZEPTO_CONFIG`, over a
//! `CountingGrower` into `GROWN`; required on WASI), and links the test programs with a fixed initial and
//! maximum shared memory, so that the Node host (run.mjs) can create the `env.memory` they
//! import: 16 MiB to start, at most 1 GiB.

fn main() {
    let wasi = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("wasi");
    zepto_configs::generate::global_allocator(zepto_configs::generate::Program {
        grower: (
            "zepto_alloc::CountingGrower<'static>",
            "zepto_alloc::CountingGrower::new(&zepto_alloc_wasi_threads_tests::GROWN)",
        ),
        wrap: None,
        references: false,
        unset: wasi.then_some("the real-threads program tests one configuration at a time"),
    });
    if wasi {
        println!("cargo::rustc-link-arg-bins=--initial-memory={}", 16 << 20);
        println!("cargo::rustc-link-arg-bins=--max-memory={}", 1 << 30);
    }
}
