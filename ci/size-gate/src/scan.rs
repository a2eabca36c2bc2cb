//! The trap scan: finds code that the optimiser turned into a trap, whether or not a test calls
//! it.
//!
//! rustc 1.95 has compiled a correct allocator's `dealloc` to a lone `unreachable` twice (see
//! `src/dead_argument.rs`); a probe finds that only if it calls the function. The scan reads the
//! module instead. A probe module's exports are the allocator's entry points with run-time
//! arguments, and none of them may trap on any path: a failed allocation returns null. So:
//!
//! - no function reachable from an export (through `call`, or `call_indirect` into any function
//!   of a table) may contain `unreachable`;
//! - except from the exports in [`Policy::may_abort`]: the `box` probe's `hello` boxes a value,
//!   and a failed `Box::new` aborts by design. Those may contain `unreachable`, but must not be
//!   *only* `unreachable` unless [`Policy::always_fails`] (`FailAllocator` refuses everything, so
//!   its `hello` is nothing but the abort);
//! - and for a checking configuration ([`Policy::traps_on_misuse`]), whose wrapper traps by
//!   design when it catches misuse: every export may then contain `unreachable`, but none may be
//!   only that.
//!
//! A function is reported once, with the export it was reached from.

use std::collections::{BTreeMap, BTreeSet};
use wasmparser::{
    ElementItems, ExternalKind, KnownCustom, Name, Operator, Parser, Payload, TypeRef,
};

/// What a module may contain.
#[derive(Clone, Copy, Debug, Default)]
pub struct Policy<'a> {
    /// Exports that abort when an allocation fails, and so may contain `unreachable`.
    pub may_abort: &'a [&'a str],
    /// The allocator refuses every request: a `may_abort` export may be only the abort.
    pub always_fails: bool,
    /// A checking wrapper (`CheckedAllocator`) traps when it catches misuse, by default: any
    /// export may contain `unreachable` on that path, but none may be a lone trap.
    pub traps_on_misuse: bool,
}

/// One defined function, as far as the scan cares.
#[derive(Default)]
struct Function {
    name: Option<String>,
    calls: BTreeSet<u32>,
    calls_indirect: bool,
    traps: bool,
    only_traps: bool,
}

/// The traps found in `module` (empty: none), each as one line naming the function and the
/// export it is reached from.
pub fn scan(module: &[u8], policy: Policy<'_>) -> Result<Vec<String>, String> {
    let mut imported = 0u32;
    let mut exports = Vec::new();
    let mut in_tables = BTreeSet::new();
    let mut functions = Vec::new();
    let mut names = BTreeMap::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if let TypeRef::Func(_) = import.map_err(|e| e.to_string())?.ty {
                        imported += 1;
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|e| e.to_string())?;
                    if export.kind == ExternalKind::Func {
                        exports.push((export.name.to_string(), export.index));
                    }
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    if let ElementItems::Functions(items) =
                        element.map_err(|e| e.to_string())?.items
                    {
                        for index in items {
                            in_tables.insert(index.map_err(|e| e.to_string())?);
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut function = Function::default();
                let mut count = 0;
                for operator in body.get_operators_reader().map_err(|e| e.to_string())? {
                    count += 1;
                    match operator.map_err(|e| e.to_string())? {
                        Operator::Unreachable => function.traps = true,
                        Operator::Call { function_index }
                        | Operator::ReturnCall { function_index } => {
                            function.calls.insert(function_index);
                        }
                        Operator::CallIndirect { .. } | Operator::ReturnCallIndirect { .. } => {
                            function.calls_indirect = true;
                        }
                        _ => {}
                    }
                }
                // `unreachable` and the body's `end`.
                function.only_traps = function.traps && count == 2;
                functions.push(function);
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    for name in reader.into_iter().flatten() {
                        if let Name::Function(map) = name {
                            for naming in map.into_iter().flatten() {
                                names.insert(naming.index, naming.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (index, name) in names {
        if let Some(function) = index
            .checked_sub(imported)
            .and_then(|i| functions.get_mut(i as usize))
        {
            function.name = Some(name);
        }
    }
    let defined = |index: u32| index.checked_sub(imported).map(|i| i as usize);
    let label = |index: u32| {
        defined(index)
            .and_then(|i| functions.get(i))
            .and_then(|f| f.name.clone())
            .unwrap_or_else(|| format!("function {index}"))
    };

    let mut findings = Vec::new();
    let mut reported = BTreeSet::new();
    for (export, index) in &exports {
        let aborts = policy.may_abort.contains(&export.as_str()) || policy.traps_on_misuse;
        if aborts {
            if let Some(function) = defined(*index).and_then(|i| functions.get(i))
                && function.only_traps
                && !policy.always_fails
            {
                findings.push(format!("export `{export}` compiles to a lone trap"));
            }
            continue;
        }
        // Everything this export can reach.
        let mut seen = BTreeSet::from([*index]);
        let mut work = vec![*index];
        while let Some(at) = work.pop() {
            let Some(function) = defined(at).and_then(|i| functions.get(i)) else {
                continue;
            };
            if function.traps && reported.insert(at) {
                findings.push(if at == *index && function.only_traps {
                    format!("export `{export}` compiles to a lone trap")
                } else if function.only_traps {
                    format!(
                        "`{}`, reached from export `{export}`, is a lone trap",
                        label(at)
                    )
                } else {
                    format!("`{}`, reached from export `{export}`, can trap", label(at))
                });
            }
            let indirect = function.calls_indirect.then_some(&in_tables);
            for &callee in function.calls.iter().chain(indirect.into_iter().flatten()) {
                if seen.insert(callee) {
                    work.push(callee);
                }
            }
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module of `bodies` (each a function `() -> ()`, given as its code without the final
    /// `end`), exporting function `i` as `exports[i]` where given, and naming function `i` `f<i>`.
    fn module(bodies: &[&[u8]], exports: &[(&str, u32)]) -> Vec<u8> {
        fn section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
            out.push(id);
            out.push(content.len() as u8);
            out.extend_from_slice(content);
        }
        let mut out = b"\0asm\x01\0\0\0".to_vec();
        section(&mut out, 1, &[1, 0x60, 0, 0]);
        let mut funcs = vec![bodies.len() as u8];
        funcs.extend(std::iter::repeat_n(0, bodies.len()));
        section(&mut out, 3, &funcs);
        let mut table = vec![exports.len() as u8];
        for (name, index) in exports {
            table.push(name.len() as u8);
            table.extend_from_slice(name.as_bytes());
            table.extend([0, *index as u8]);
        }
        section(&mut out, 7, &table);
        let mut code = vec![bodies.len() as u8];
        for body in bodies {
            code.push(body.len() as u8 + 2);
            code.push(0); // no locals
            code.extend_from_slice(body);
            code.push(0x0b);
        }
        section(&mut out, 10, &code);
        let mut map = vec![bodies.len() as u8];
        for i in 0..bodies.len() {
            map.extend([i as u8, 2, b'f', b'0' + i as u8]);
        }
        let mut names = vec![4];
        names.extend_from_slice(b"name");
        names.push(1);
        names.push(map.len() as u8);
        names.extend(map);
        section(&mut out, 0, &names);
        out
    }

    const UNREACHABLE: &[u8] = &[0x00];
    const NOP: &[u8] = &[0x01];
    /// `call 1`.
    const CALL_1: &[u8] = &[0x10, 1];
    /// `i32.const 0; if; unreachable; end`: a trap on one path.
    const MAYBE: &[u8] = &[0x41, 0, 0x04, 0x40, 0x00, 0x0b];

    #[test]
    fn an_export_that_is_a_lone_trap_is_found() {
        let m = module(&[NOP, UNREACHABLE], &[("alloc", 0), ("dealloc", 1)]);
        assert_eq!(
            scan(&m, Policy::default()).unwrap(),
            ["export `dealloc` compiles to a lone trap"]
        );
    }

    #[test]
    fn a_trap_in_a_function_an_export_calls_is_found() {
        let m = module(&[CALL_1, MAYBE], &[("dealloc", 0)]);
        assert_eq!(
            scan(&m, Policy::default()).unwrap(),
            ["`f1`, reached from export `dealloc`, can trap"]
        );
        let m = module(&[CALL_1, UNREACHABLE], &[("dealloc", 0)]);
        assert_eq!(
            scan(&m, Policy::default()).unwrap(),
            ["`f1`, reached from export `dealloc`, is a lone trap"]
        );
    }

    #[test]
    fn a_clean_module_passes_and_unreached_code_is_not_looked_at() {
        let m = module(
            &[NOP, CALL_1, NOP, UNREACHABLE],
            &[("alloc", 0), ("dealloc", 1)],
        );
        assert_eq!(scan(&m, Policy::default()).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn an_aborting_export_may_trap_but_not_only_trap() {
        let policy = Policy {
            may_abort: &["hello"],
            ..Policy::default()
        };
        let m = module(&[MAYBE, NOP], &[("hello", 0), ("goodbye", 1)]);
        assert_eq!(scan(&m, policy).unwrap(), Vec::<String>::new());
        let m = module(&[UNREACHABLE, NOP], &[("hello", 0), ("goodbye", 1)]);
        assert_eq!(
            scan(&m, policy).unwrap(),
            ["export `hello` compiles to a lone trap"]
        );
        let fails = Policy {
            always_fails: true,
            ..policy
        };
        assert_eq!(scan(&m, fails).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_checking_configuration_may_trap_on_misuse_but_no_export_may_only_trap() {
        let checks = Policy {
            traps_on_misuse: true,
            ..Policy::default()
        };
        let m = module(&[CALL_1, MAYBE], &[("dealloc", 0)]);
        assert_eq!(scan(&m, checks).unwrap(), Vec::<String>::new());
        let m = module(&[UNREACHABLE, NOP], &[("dealloc", 0), ("alloc", 1)]);
        assert_eq!(
            scan(&m, checks).unwrap(),
            ["export `dealloc` compiles to a lone trap"]
        );
    }
}
