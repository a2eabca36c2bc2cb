//! For build scripts: the program's `#[global_allocator]`, written from the list.
//!
//! A program that tests or measures one configuration at a time (example/, the wasm-bindgen
//! tests, the WASI and real-threads programs, the benchmark's module) has one source for all of
//! them. Its build script calls [`global_allocator`], which reads the configuration's name from
//! `ZEPTO_CONFIG`, and writes `$OUT_DIR/configuration.rs`:
//!
//! ```text
//! /// The configuration this program was built with (size-budget.toml).
//! pub const CONFIGURATION: &str = "binned-locked";
//! #[global_allocator]
//! static ALLOCATOR: zepto_alloc::LockedAllocator<zepto_alloc::BinnedAllocator<G>> = ...;
//! ```
//!
//! which the program `include!`s, and sets cfgs for the configuration's properties
//! (`zepto_frees`, `zepto_threads`, `zepto_allocates`, `zepto_whole_pages`, `zepto_counts`,
//! `zepto_checks`, `zepto_control`), so
//! that tests which only make sense for some configurations are compiled only for them. Cargo
//! reruns the script when `ZEPTO_CONFIG` or the list changes, and rebuilds only that crate.

use crate::{Configuration, List};
use std::fmt::Write;
use std::path::PathBuf;

/// The environment variable that names the configuration to build.
pub const VARIABLE: &str = "ZEPTO_CONFIG";

/// How a program wants its allocator.
pub struct Program<'a> {
    /// The grower's type and an expression for it: `zepto_alloc::WasmGrower` twice, or a grower of
    /// the program's own.
    pub grower: (&'a str, &'a str),
    /// A wrapper of the program's own around the configuration, as its type name and constructor
    /// function: the benchmark's `("Counted", "Counted::new")`. std's default allocator is then
    /// written as `std::alloc::System` inside it.
    pub wrap: Option<(&'a str, &'a str)>,
    /// Reference rows (other crates' allocators) may be named too: example/ and the benchmark.
    pub references: bool,
    /// What to write when `ZEPTO_CONFIG` is not set: `None` for no global allocator at all (std's
    /// default), or the program's reason why it needs one, as a compile error.
    pub unset: Option<&'a str>,
}

impl Program<'static> {
    /// A test program over `WasmGrower`, of ours only; `unset` as in [`Program::unset`].
    pub fn test(unset: Option<&'static str>) -> Self {
        Self {
            grower: ("zepto_alloc::WasmGrower", "zepto_alloc::WasmGrower"),
            wrap: None,
            references: false,
            unset,
        }
    }
}

/// Writes `$OUT_DIR/configuration.rs` for the configuration named by `ZEPTO_CONFIG` and prints
/// the cargo directives. Panics (failing the build) with a message naming the choices when the
/// name is not in the list.
pub fn global_allocator(program: Program<'_>) {
    println!("cargo::rerun-if-env-changed={VARIABLE}");
    println!("cargo::rerun-if-changed={}", crate::path().display());
    println!("cargo::rustc-check-cfg=cfg(zepto_config, values(any()))");
    for flag in PROPERTY_CFGS {
        println!("cargo::rustc-check-cfg=cfg({flag})");
    }
    let list = List::load().unwrap_or_else(|e| panic!("{e}"));
    let name = std::env::var(VARIABLE).unwrap_or_default();
    let source = if name.is_empty() {
        match program.unset {
            None => "// No configuration (ZEPTO_CONFIG unset): std's default allocator.\n".into(),
            Some(why) => {
                format!(
                    "compile_error!({:?});\n",
                    format!("{why}: {}", usage(&list, &program))
                )
            }
        }
    } else {
        println!("cargo::rustc-cfg=zepto_config={name:?}");
        if let Some(config) = list.find(&name) {
            properties(config);
        }
        source(&list, &name, &program).unwrap_or_else(|e| panic!("{e}"))
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("configuration.rs"), source).expect("write configuration.rs");
}

/// The property cfgs [`global_allocator`] may set.
const PROPERTY_CFGS: &[&str] = &[
    "zepto_frees",
    "zepto_threads",
    "zepto_allocates",
    "zepto_whole_pages",
    "zepto_counts",
    "zepto_checks",
    "zepto_control",
];

fn usage(list: &List, program: &Program<'_>) -> String {
    let mut names: Vec<&str> = list
        .configurations
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    if program.references {
        names.extend(list.references.iter().map(|r| r.name.as_str()));
    }
    format!("set {VARIABLE} to one of {}", names.join(", "))
}

/// The program's `configuration.rs` for `name`.
fn source(list: &List, name: &str, program: &Program<'_>) -> Result<String, String> {
    let mut out = format!(
        "// Written by ci/configs (src/generate.rs) from size-budget.toml: configuration `{name}`.\n\n\
         /// The configuration this program was built with (size-budget.toml).\n\
         #[allow(dead_code)]\npub const CONFIGURATION: &str = {name:?};\n\n"
    );
    let (ty, init) = if let Some(config) = list.find(name) {
        let wrappers = config.recipe.wrappers();
        if wrappers.contains(&"NoLock") {
            out.push_str(NO_LOCK);
        }
        if wrappers.contains(&"HandsOutTwice") {
            out.push_str(HANDS_OUT_TWICE);
        }
        let (grower_type, grower) = program.grower;
        (
            config.recipe.rust_type(grower_type),
            config.recipe.rust_init(grower),
        )
    } else if let Some(reference) = list.reference(name).filter(|_| program.references) {
        match &reference.global {
            Some((ty, init)) => {
                out.push_str(
                    "// SAFETY: a reference row of size-budget.toml, built as its crate documents; \
                     a\n// wasm module without the `atomics` feature runs one thread.\n",
                );
                (ty.clone(), init.clone())
            }
            // std's default allocator: no `#[global_allocator]`, unless the program wraps it.
            None if program.wrap.is_some() => (
                "std::alloc::System".to_string(),
                "std::alloc::System".to_string(),
            ),
            None => {
                out.push_str("// std's default allocator: no `#[global_allocator]`.\n");
                return Ok(out);
            }
        }
    } else {
        return Err(format!("{VARIABLE}={name:?}: {}", usage(list, program)));
    };
    let (ty, init) = match program.wrap {
        Some((wrapper, new)) => (format!("{wrapper}<{ty}>"), format!("{new}({init})")),
        None => (ty, init),
    };
    writeln!(out, "#[global_allocator]\nstatic ALLOCATOR: {ty} = {init};").unwrap();
    Ok(out)
}

/// Sets the cfgs of `config`'s properties.
fn properties(config: &Configuration) {
    for (flag, on) in [
        ("zepto_frees", config.frees),
        ("zepto_threads", config.threads),
        ("zepto_allocates", config.allocates),
        ("zepto_whole_pages", config.whole_pages),
        ("zepto_counts", config.counts),
        ("zepto_checks", config.checks),
        ("zepto_control", config.control),
    ] {
        if on {
            println!("cargo::rustc-cfg={flag}");
        }
    }
}

/// The negative control's wrapper: any allocator made `Sync` by a false promise, so that threads
/// race inside it. Written only into the programs built as `free-unlocked`.
const NO_LOCK: &str = r#"/// Any allocator, `Sync` without a lock: the negative control that races (size-budget.toml).
pub struct NoLock<T>(T);

impl<T> NoLock<T> {
    /// Wraps `inner` without a lock.
    ///
    /// # Safety
    ///
    /// None can be given: threads will race inside `inner`. Only the control uses it.
    pub const unsafe fn new(inner: T) -> Self {
        Self(inner)
    }
}

// SAFETY: none; this is the broken promise the control exists to catch.
unsafe impl<T> Sync for NoLock<T> {}

// SAFETY: forwards every call with the caller's contract (and no lock; see above).
unsafe impl<T: core::alloc::GlobalAlloc> core::alloc::GlobalAlloc for NoLock<T> {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: core::alloc::Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: core::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

"#;

/// The one-thread negative control's wrapper: any allocator that now and then hands out a block
/// that is still live, so that two live blocks overlap. Written only into the programs built as a
/// control that uses it.
const HANDS_OUT_TWICE: &str = r#"/// Any allocator that hands out every 16th block twice: the negative control whose blocks
/// overlap (size-budget.toml). The block it hands out again is the last one it handed out, while
/// that is live and fits; the inner allocator sees one free of it, the last.
pub struct HandsOutTwice<T> {
    inner: T,
    calls: core::sync::atomic::AtomicUsize,
    last: core::sync::atomic::AtomicUsize,
    last_size: core::sync::atomic::AtomicUsize,
    twice: core::sync::atomic::AtomicUsize,
}

impl<T> HandsOutTwice<T> {
    /// Wraps `inner`.
    pub const fn new(inner: T) -> Self {
        use core::sync::atomic::AtomicUsize;
        Self {
            inner,
            calls: AtomicUsize::new(0),
            last: AtomicUsize::new(0),
            last_size: AtomicUsize::new(0),
            twice: AtomicUsize::new(0),
        }
    }
}

// SAFETY: none; handing out a live block is the broken contract the control exists to catch.
unsafe impl<T: core::alloc::GlobalAlloc> core::alloc::GlobalAlloc for HandsOutTwice<T> {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        use core::sync::atomic::Ordering::Relaxed;
        let last = self.last.load(Relaxed);
        if self.calls.fetch_add(1, Relaxed) % 16 == 15
            && last != 0
            && last.is_multiple_of(layout.align())
            && self.last_size.load(Relaxed) >= layout.size()
        {
            self.last.store(0, Relaxed);
            self.twice.store(last, Relaxed);
            return core::ptr::with_exposed_provenance_mut(last);
        }
        // SAFETY: forwarded contract.
        let ptr = unsafe { self.inner.alloc(layout) };
        self.last.store(ptr.expose_provenance(), Relaxed);
        self.last_size.store(layout.size(), Relaxed);
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: core::alloc::Layout) {
        use core::sync::atomic::Ordering::Relaxed;
        if ptr.addr() == self.last.load(Relaxed) {
            self.last.store(0, Relaxed);
        }
        if ptr.addr() == self.twice.load(Relaxed) {
            // The first of its two frees: the inner allocator sees only the second.
            self.twice.store(0, Relaxed);
            return;
        }
        // SAFETY: forwarded contract.
        unsafe { self.inner.dealloc(ptr, layout) }
    }
}

"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> Program<'static> {
        Program::test(None)
    }

    #[test]
    fn a_configuration_becomes_a_global_allocator() {
        let list = List::load().unwrap();
        let text = source(&list, "binned-locked", &program()).unwrap();
        assert!(text.contains(
            "static ALLOCATOR: zepto_alloc::LockedAllocator<zepto_alloc::BinnedAllocator<\
             zepto_alloc::WasmGrower>> = zepto_alloc::LockedAllocator::new(\
             zepto_alloc::BinnedAllocator::with_grower(zepto_alloc::WasmGrower));"
        ));
        let wrapped = Program {
            wrap: Some(("Counted", "Counted::new")),
            ..program()
        };
        assert!(
            source(&list, "free", &wrapped)
                .unwrap()
                .contains("= Counted::new({")
        );
        assert!(
            source(&list, "free-unlocked", &program())
                .unwrap()
                .contains("struct NoLock")
        );
    }

    #[test]
    fn references_only_where_asked_for_and_unknown_names_fail() {
        let list = List::load().unwrap();
        assert!(source(&list, "talc", &program()).is_err());
        let refs = Program {
            references: true,
            ..program()
        };
        assert!(
            source(&list, "talc", &refs)
                .unwrap()
                .contains("WasmDynamicTalc")
        );
        assert!(
            !source(&list, "std", &refs)
                .unwrap()
                .contains("static ALLOCATOR")
        );
        let err = source(&list, "nothing", &program()).unwrap_err();
        assert!(err.contains("binned-locked"), "{err}");
    }
}
