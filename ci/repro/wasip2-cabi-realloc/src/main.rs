//! On `wasm32-wasip2`, std exports a weak `cabi_realloc` that allocates with the global
//! allocator, and the component model hands the program every string and list a WASI call
//! returns in memory from `cabi_realloc`. wasi-libc then frees the environment variables and the
//! preopened directories' names it got that way with its own `free`. With std's default global
//! allocator (wasi-libc's `malloc`) the two agree; with any other, `free` is given blocks that
//! `malloc` never handed out. Build with `--features bump` for a global allocator that only bumps
//! a pointer through a static array and never frees: the program then traps in `free` at its
//! first `env::var` (or, without it, at its first file-system call).

#[cfg(feature = "bump")]
mod bump {
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::UnsafeCell;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const SIZE: usize = 1 << 20;

    /// A bump allocator over a static array: hands out aligned slices, never reuses them.
    pub struct Bump {
        memory: UnsafeCell<[u8; SIZE]>,
        used: AtomicUsize,
    }

    // SAFETY: `used` is only advanced with an atomic compare-and-swap, so no two callers get the
    // same bytes.
    unsafe impl Sync for Bump {}

    impl Bump {
        pub const fn new() -> Self {
            Self { memory: UnsafeCell::new([0; SIZE]), used: AtomicUsize::new(0) }
        }
    }

    // SAFETY: every block is a distinct, aligned part of `memory`, or null.
    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let base = self.memory.get().cast::<u8>();
            let mut used = self.used.load(Ordering::Relaxed);
            loop {
                let start = (base.addr() + used).next_multiple_of(layout.align()) - base.addr();
                let Some(end) = start.checked_add(layout.size()).filter(|&end| end <= SIZE) else {
                    return std::ptr::null_mut();
                };
                match self.used.compare_exchange(used, end, Ordering::Relaxed, Ordering::Relaxed) {
                    // SAFETY: `start + size <= SIZE`: inside `memory`.
                    Ok(_) => return unsafe { base.add(start) },
                    Err(now) => used = now,
                }
            }
        }

        unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
    }
}

#[cfg(feature = "bump")]
#[global_allocator]
static ALLOCATOR: bump::Bump = bump::Bump::new();

fn main() {
    println!("args: {:?}", std::env::args().collect::<Vec<_>>());
    println!("HOME: {:?}", std::env::var("HOME"));
    println!("read_dir(\".\"): {:?}", std::fs::read_dir(".").map(|entries| entries.count()));
    println!("done");
}
