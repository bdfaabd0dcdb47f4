//! The engine's layout holds: no import cycles between its top-level modules.
//!
//! The consent core (classification, the consent cookie, decisions, records, the HTML pass,
//! the pages Consentry writes) sits below the products built on it (admin and the
//! dashboard, analytics, the cookie inventory), and the per-request plan (`exchange`) on top.
//! A reference from a module to one that (through others) refers back to it tangles that
//! order, so this test reads `src/`, builds the graph of `crate::<module>` references
//! between top-level modules (a name the crate root re-exports counts as its module's; test
//! files, `#[cfg(test)]` items, comments and strings don't count) and fails naming every
//! cycle it finds, with where each of its references is. It also keeps the order itself:
//! the core refers to no product, and neither refers to what is on top (`store`, the one
//! store a host implements, and `exchange`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// One reference: the module it points to, and where it is (`file:line`).
type Edges = BTreeMap<String, BTreeMap<String, Vec<String>>>;

#[test]
fn no_import_cycles_between_top_level_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    assert!(
        graph.len() > 10,
        "found only {} modules in {}",
        graph.len(),
        src.display()
    );
    let cycles = cycles(&graph);
    if !cycles.is_empty() {
        let mut report = String::from("import cycles between the engine's top-level modules:\n");
        for (cycle, group) in &cycles {
            report.push_str(&format!("\n  {} -> {}\n", cycle.join(" -> "), cycle[0]));
            for (i, from) in cycle.iter().enumerate() {
                let to = &cycle[(i + 1) % cycle.len()];
                let places = &graph[from][to];
                report.push_str(&format!("    {from} -> {to}: {}\n", places.join(", ")));
            }
            report.push_str("  every reference inside this tangle:\n");
            for from in group {
                for (to, places) in graph[from].iter().filter(|(to, _)| group.contains(*to)) {
                    report.push_str(&format!("    {from} -> {to}: {}\n", places.join(", ")));
                }
            }
        }
        panic!("{report}");
    }
}

/// The products built on the consent core.
const PRODUCTS: [&str; 3] = ["admin", "analytics", "inventory"];
/// The modules on top of everything: the store a host implements (the consent log and each
/// product's store) and the per-request plan.
const TOP: [&str; 2] = ["store", "exchange"];

/// The core refers to no product and nothing on top; a product to nothing on top.
#[test]
fn the_core_is_below_its_products_and_the_plan_on_top() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    for module in PRODUCTS.iter().chain(&TOP) {
        assert!(graph.contains_key(*module), "no module `{module}` in src/");
    }
    let mut wrong = String::new();
    for (from, edges) in &graph {
        let above: Vec<&str> = if TOP.contains(&from.as_str()) {
            continue;
        } else if PRODUCTS.contains(&from.as_str()) {
            TOP.to_vec()
        } else {
            PRODUCTS.iter().chain(&TOP).copied().collect()
        };
        for (to, places) in edges.iter().filter(|(to, _)| above.contains(&to.as_str())) {
            wrong.push_str(&format!("  {from} -> {to}: {}\n", places.join(", ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "the core ({}) must not refer to the products ({}), nor either to {}:\n{wrong}",
        "every other module",
        PRODUCTS.join(", "),
        TOP.join(" or "),
    );
}

/// The checker itself sees a cycle, through a re-export at the root too.
#[test]
fn a_cycle_is_found() {
    let mut graph = Edges::new();
    let mut add = |from: &str, to: &str| {
        graph
            .entry(from.into())
            .or_default()
            .entry(to.into())
            .or_default()
            .push("x.rs:1".into());
        graph.entry(to.into()).or_default();
    };
    add("site", "html");
    add("html", "trackers");
    add("html", "site");
    add("admin", "site");
    let found = cycles(&graph);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, ["html", "site"]);

    let lib = "pub mod site;\nmod html;\npub use site::{RequestInfo, nested::{Deep as D}};\n";
    let names = root_reexports(&tokens(&strip(lib)));
    assert_eq!(names.get("RequestInfo").map(String::as_str), Some("site"));
    assert_eq!(names.get("D").map(String::as_str), Some("site"));
    let code = strip(
        "// crate::admin\nuse crate::{RequestInfo, trackers::{X, Y}};\nlet s = \"crate::pages\";\n\
         #[cfg(test)]\nmod tests { use crate::inventory; }\nfn f() { super::csp::amend(); }\n",
    );
    let modules: BTreeSet<String> = ["site", "trackers", "admin", "pages", "inventory", "csp"]
        .map(String::from)
        .into();
    let refs = references(&tokens(&code), &modules, &names, 1);
    let targets: Vec<&str> = refs.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(targets, ["site", "trackers", "csp"]);
}

/// Every top-level module's references to the others, read from the files under `src`.
fn module_graph(src: &Path) -> Edges {
    let lib = fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let names = root_reexports(&tokens(&strip(&lib)));
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let top_of = |file: &Path| -> Vec<String> {
        let rel = file.strip_prefix(src).expect("under src");
        rel.components()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect()
    };
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| top_of(f)[0].clone())
        .filter(|m| m != "lib")
        .collect();
    let mut graph: Edges = modules
        .iter()
        .map(|m| (m.clone(), BTreeMap::new()))
        .collect();
    for file in &files {
        let parts = top_of(file);
        let top = &parts[0];
        if top == "lib" || parts.iter().any(|p| p == "tests") {
            continue;
        }
        // How many `super::` lead from this file to the crate root.
        let depth = parts.len() - usize::from(parts.last().is_some_and(|p| p == "mod"));
        let text = fs::read_to_string(file).expect("readable source");
        let rel = file
            .strip_prefix(src.parent().expect("src has a parent"))
            .expect("under src");
        for (module, line) in references(&tokens(&strip(&text)), &modules, &names, depth) {
            if &module != top {
                graph
                    .get_mut(top)
                    .expect("known module")
                    .entry(module)
                    .or_default()
                    .push(format!("{}:{line}", rel.display()));
            }
        }
    }
    graph
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("readable dir").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and character literals blanked (lines kept) and every
/// `#[cfg(test)]` item removed.
fn strip(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !ident_before(&chars[..i])
            && raw_string_start(&chars, i).is_some()
        {
            let hashes = raw_string_start(&chars, i).expect("checked");
            i += 2 + hashes;
            while i < chars.len() {
                if chars[i] == '"'
                    && chars[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == '#')
                        .count()
                        == hashes
                {
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && char_literal_len(&chars, i).is_some() {
            i += char_literal_len(&chars, i).expect("checked");
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    remove_test_items(&out)
}

/// Whether an identifier other than `b` (of `br"..."`) ends right before.
fn ident_before(before: &[char]) -> bool {
    let word = |c: &char| c.is_alphanumeric() || *c == '_';
    let run = before.iter().rev().take_while(|c| word(c)).count();
    run > 0 && !(run == 1 && before[before.len() - 1] == 'b')
}

/// The number of `#` of a raw string starting at `i` (`r"`, `r#"`, ...).
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
    (chars.get(i + 1 + hashes) == Some(&'"')).then_some(hashes)
}

/// The length of a character literal at `i`, or `None` for a lifetime.
fn char_literal_len(chars: &[char], i: usize) -> Option<usize> {
    if chars.get(i + 1) == Some(&'\\') {
        let close = chars.get(i + 3..)?.iter().position(|&c| c == '\'')?;
        return Some(close + 4);
    }
    (chars.get(i + 2) == Some(&'\'')).then_some(3)
}

/// The text without the items marked `#[cfg(test)]` (up to their `;` or matching `}`).
fn remove_test_items(text: &str) -> String {
    const MARK: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let mut depth = 0usize;
        let mut end = item.len();
        for (j, c) in item.char_indices().skip(MARK.len()) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
        }
        out.extend(item[..end].chars().filter(|&c| c == '\n'));
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// A token: an identifier or one punctuation character (`::` is two `:`), with its line.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(Token {
                text: std::mem::take(&mut word),
                line,
            });
        }
        if c == '\n' {
            line += 1;
        } else if !c.is_whitespace() {
            out.push(Token {
                text: c.to_string(),
                line,
            });
        }
    }
    if !word.is_empty() {
        out.push(Token { text: word, line });
    }
    out
}

fn is_path_sep(tokens: &[Token], i: usize) -> bool {
    tokens.get(i).is_some_and(|t| t.text == ":") && tokens.get(i + 1).is_some_and(|t| t.text == ":")
}

/// The names `lib.rs` re-exports (`pub use module::{Name, ...}`), each with its module.
fn root_reexports(tokens: &[Token]) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].text == "use" {
            let Some(module) = tokens.get(i + 1).map(|t| t.text.clone()) else {
                break;
            };
            let end = tokens[i..]
                .iter()
                .position(|t| t.text == ";")
                .map_or(tokens.len(), |e| i + e);
            let mut leaves = Vec::new();
            use_tree_leaves(&tokens[i + 1..end], &mut leaves);
            for leaf in leaves {
                names.insert(leaf, module.clone());
            }
            i = end;
        }
        i += 1;
    }
    names
}

/// The names a use tree brings in (the last segment of each path, or its `as` name).
fn use_tree_leaves(tree: &[Token], out: &mut Vec<String>) {
    let mut depth = 0;
    let mut last: Option<String> = None;
    let mut start = 0;
    for (j, t) in tree.iter().enumerate() {
        match t.text.as_str() {
            "{" => {
                if depth == 0 {
                    start = j + 1;
                    last = None;
                }
                depth += 1;
            }
            "}" => {
                depth -= 1;
                if depth == 0 {
                    for part in split_top_level(&tree[start..j]) {
                        use_tree_leaves(part, out);
                    }
                }
            }
            _ if depth == 0 && t.text != ":" && t.text != "as" && t.text != "*" => {
                last = Some(t.text.clone());
            }
            _ => {}
        }
    }
    if let Some(name) = last.filter(|n| n != "self") {
        out.push(name);
    }
}

/// The parts of a use-tree group, split at its top-level commas.
fn split_top_level(group: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (j, t) in group.iter().enumerate() {
        match t.text.as_str() {
            "{" => depth += 1,
            "}" => depth -= 1,
            "," if depth == 0 => {
                parts.push(&group[start..j]);
                start = j + 1;
            }
            _ => {}
        }
    }
    parts.push(&group[start..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// The top-level modules the code refers to through the crate root (`crate::`, `$crate::`, or
/// `depth` times `super::`), with the line of each reference.
fn references(
    tokens: &[Token],
    modules: &BTreeSet<String>,
    names: &BTreeMap<String, String>,
    depth: usize,
) -> Vec<(String, usize)> {
    let resolve = |name: &str| {
        if modules.contains(name) {
            Some(name.to_string())
        } else {
            names.get(name).filter(|m| modules.contains(*m)).cloned()
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // Where the path after the crate root starts, if a path through the root starts here.
        let mut after = None;
        if (tokens[i].text == "crate" || tokens[i].text == "$crate")
            && is_path_sep(tokens, i + 1)
            && !(i >= 2 && is_path_sep(tokens, i - 2))
        {
            after = Some(i + 3);
        } else if tokens[i].text == "super" && !(i >= 2 && is_path_sep(tokens, i - 2)) {
            let mut j = i;
            let mut supers = 0;
            while tokens.get(j).is_some_and(|t| t.text == "super") && is_path_sep(tokens, j + 1) {
                supers += 1;
                j += 3;
            }
            if supers == depth {
                after = Some(j);
            }
        }
        let Some(at) = after else {
            i += 1;
            continue;
        };
        match tokens.get(at) {
            Some(t) if t.text == "{" => {
                let close = matching_brace(tokens, at);
                for part in split_top_level(&tokens[at + 1..close]) {
                    if let Some(module) = resolve(&part[0].text) {
                        out.push((module, part[0].line));
                    }
                }
                i = close;
            }
            Some(t) => {
                if let Some(module) = resolve(&t.text) {
                    out.push((module, t.line));
                }
                i = at;
            }
            None => break,
        }
    }
    out
}

fn matching_brace(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        match t.text.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    tokens.len() - 1
}

/// Each strongly connected group of two or more modules (Tarjan), with one cycle through it
/// that starts at its first module by name.
fn cycles(graph: &Edges) -> Vec<(Vec<String>, BTreeSet<String>)> {
    struct Tarjan<'g> {
        graph: &'g Edges,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        groups: Vec<BTreeSet<&'g str>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.graph[v].keys() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut group = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    group.insert(w);
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    self.groups.push(group);
                }
            }
        }
    }
    let mut tarjan = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        groups: Vec::new(),
    };
    for v in graph.keys() {
        if !tarjan.index.contains_key(v.as_str()) {
            tarjan.visit(v);
        }
    }
    let mut found = Vec::new();
    for group in &tarjan.groups {
        // The shortest way back to the group's first module, breadth first inside the group.
        let start = *group.iter().next().expect("non-empty");
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut end = None;
        while let Some(v) = queue.pop_front() {
            for w in graph[v]
                .keys()
                .map(String::as_str)
                .filter(|w| group.contains(w))
            {
                if w == start {
                    end = Some(v);
                    break;
                }
                if !came_from.contains_key(w) {
                    came_from.insert(w, v);
                    queue.push_back(w);
                }
            }
            if end.is_some() {
                break;
            }
        }
        let mut cycle = vec![end.expect("a group has a cycle").to_string()];
        while cycle.last().is_some_and(|v| v != start) {
            let back = came_from[cycle.last().expect("non-empty").as_str()];
            cycle.push(back.to_string());
        }
        cycle.reverse();
        found.push((cycle, group.iter().map(|m| m.to_string()).collect()));
    }
    found.sort();
    found
}
