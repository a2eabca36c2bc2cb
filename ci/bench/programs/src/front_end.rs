//! `front-end`: a compiler front end. Parses each of the crate's Rust sources into a syntax tree
//! (syn), walks it counting items, expressions and identifiers, and prints it back as a token
//! string, as a code generator or formatter would.

use crate::inputs::SOURCES;
use syn::visit::Visit;

/// Counts what a walk of the tree meets.
#[derive(Default)]
struct Census {
    items: u64,
    expressions: u64,
    identifiers: u64,
}

impl<'ast> Visit<'ast> for Census {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        self.items += 1;
        syn::visit::visit_item(self, item);
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        self.expressions += 1;
        syn::visit::visit_expr(self, expr);
    }

    fn visit_ident(&mut self, ident: &'ast syn::Ident) {
        self.identifiers += ident.to_string().len() as u64;
    }
}

pub fn run() -> u64 {
    let mut total = 0;
    for source in SOURCES {
        let file = syn::parse_file(source).expect("the crate's sources parse");
        let mut census = Census::default();
        census.visit_file(&file);
        let printed = quote_file(&file);
        total += census.items + census.expressions + census.identifiers + printed.len() as u64;
    }
    total
}

/// The tree printed back as tokens.
fn quote_file(file: &syn::File) -> String {
    use quote::ToTokens;
    file.to_token_stream().to_string()
}
