//! [`Recipe`]: a configuration's type as the list writes it, `LockedAllocator<BinnedAllocator<G>>`.
//!
//! ```text
//!   recipe := leaf | wrapper "<" recipe ">"
//!   leaf   := name "<G>"          an allocator over the grower: `with_grower(grower)`
//!           | name                 an allocator without one (`FailAllocator`): the unit value
//! ```
//!
//! Names are zepto_alloc's, but for the negative controls' wrappers ([`CONTROL_WRAPPERS`]),
//! which [`generate`](crate::generate) writes into the programs that use them. A wrapper is built
//! with `new(inner)`, which is `unsafe` for `AssumeSingleThreaded` and `NoLock` (the caller
//! promises, or breaks the promise on purpose, that one thread uses it).

/// Wrappers whose `new` is `unsafe`.
const UNSAFE_NEW: &[&str] = &["AssumeSingleThreaded", "NoLock"];

/// The negative controls' own wrappers, not zepto_alloc's: `NoLock` (no lock, so threads race)
/// and `HandsOutTwice` (hands out a live block again, so blocks overlap).
pub const CONTROL_WRAPPERS: &[&str] = &["NoLock", "HandsOutTwice"];

/// A configuration's type: an allocator, inside any wrappers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipe {
    /// An allocator.
    Leaf {
        /// Its type's name.
        name: String,
        /// It takes a grower (`Name<G>`).
        grower: bool,
    },
    /// A wrapper around another recipe.
    Wrapper {
        /// Its type's name.
        name: String,
        /// What it wraps.
        inner: Box<Recipe>,
    },
}

impl Recipe {
    /// Parses `LockedAllocator<BinnedAllocator<G>>`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let Some(open) = text.find('<') else {
            check_name(text)?;
            return Ok(Recipe::Leaf {
                name: text.to_string(),
                grower: false,
            });
        };
        let name = &text[..open];
        check_name(name)?;
        let inner = text[open + 1..]
            .strip_suffix('>')
            .ok_or_else(|| format!("{text:?}: `<` without its `>`"))?;
        if inner.trim() == "G" {
            return Ok(Recipe::Leaf {
                name: name.to_string(),
                grower: true,
            });
        }
        Ok(Recipe::Wrapper {
            name: name.to_string(),
            inner: Box::new(Recipe::parse(inner)?),
        })
    }

    /// The allocator at the core.
    pub fn allocator(&self) -> &str {
        match self {
            Recipe::Leaf { name, .. } => name,
            Recipe::Wrapper { inner, .. } => inner.allocator(),
        }
    }

    /// The wrappers, outermost first.
    pub fn wrappers(&self) -> Vec<&str> {
        match self {
            Recipe::Leaf { .. } => Vec::new(),
            Recipe::Wrapper { name, inner } => {
                let mut names = vec![name.as_str()];
                names.extend(inner.wrappers());
                names
            }
        }
    }

    /// The type as users write it, without the grower: `LockedAllocator<BinnedAllocator>`.
    pub fn description(&self) -> String {
        match self {
            Recipe::Leaf { name, .. } => name.clone(),
            Recipe::Wrapper { name, inner } => format!("{name}<{}>", inner.description()),
        }
    }

    /// The Rust type, with `grower` (a type) for `G` and paths into `zepto_alloc`.
    pub fn rust_type(&self, grower: &str) -> String {
        match self {
            Recipe::Leaf { name, grower: true } => format!("{}<{grower}>", path(name)),
            Recipe::Leaf { name, .. } => path(name),
            Recipe::Wrapper { name, inner } => {
                format!("{}<{}>", path(name), inner.rust_type(grower))
            }
        }
    }

    /// A constant expression that builds it, with `grower` (an expression) for the grower.
    /// `unsafe` constructors are wrapped in `unsafe { }`, with the reason as a `SAFETY` comment
    /// for the programs it is written into.
    pub fn rust_init(&self, grower: &str) -> String {
        match self {
            Recipe::Leaf { name, grower: true } => format!("{}::with_grower({grower})", path(name)),
            Recipe::Leaf { name, .. } => path(name),
            Recipe::Wrapper { name, inner } if UNSAFE_NEW.contains(&name.as_str()) => format!(
                "{{\n    // SAFETY: for AssumeSingleThreaded, the program runs one thread (wasm \
                 without the `atomics` feature);\n    // for NoLock, none: it is the negative \
                 control that races.\n    unsafe {{ {}::new({}) }}\n}}",
                path(name),
                inner.rust_init(grower)
            ),
            Recipe::Wrapper { name, inner } => {
                format!("{}::new({})", path(name), inner.rust_init(grower))
            }
        }
    }
}

/// `zepto_alloc::Name`, or the bare name of a control's own wrapper.
fn path(name: &str) -> String {
    if CONTROL_WRAPPERS.contains(&name) {
        name.to_string()
    } else {
        format!("zepto_alloc::{name}")
    }
}

fn check_name(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!("{name:?} is not a type name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_parse_and_print() {
        let r = Recipe::parse("LockedAllocator<BinnedAllocator<G>>").unwrap();
        assert_eq!(r.allocator(), "BinnedAllocator");
        assert_eq!(r.wrappers(), ["LockedAllocator"]);
        assert_eq!(
            r.rust_type("W"),
            "zepto_alloc::LockedAllocator<zepto_alloc::BinnedAllocator<W>>"
        );
        assert_eq!(
            r.rust_init("w"),
            "zepto_alloc::LockedAllocator::new(zepto_alloc::BinnedAllocator::with_grower(w))"
        );
        let fail = Recipe::parse("FailAllocator").unwrap();
        assert_eq!(fail.rust_init("w"), "zepto_alloc::FailAllocator");
        let single = Recipe::parse("AssumeSingleThreaded<LeakingAllocator<G>>").unwrap();
        assert!(
            single
                .rust_init("w")
                .contains("unsafe { zepto_alloc::AssumeSingleThreaded::new")
        );
        assert!(Recipe::parse("LockedAllocator<BinnedAllocator<G>").is_err());
        assert!(Recipe::parse("locked<G>").is_err());
    }
}
