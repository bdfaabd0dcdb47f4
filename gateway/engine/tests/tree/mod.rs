//! A page's tree as an HTML5 parser builds it, and the comparison of the tree before and after
//! the rewrite: the same, apart from what the gateway means to change.
//!
//! What the gateway may change, and nothing else:
//!
//! - it adds the Consent Mode script (`script#consentry-consent-mode`) and the banner (the
//!   element `#consentry` with its stylesheet, theme, live region and script, all from
//!   `/__consentry/` or with a `consentry`/`cy-` name): these are taken out of the output
//!   (and out of the input, for a page the caller gave a banner by hand);
//! - it neutralises or switches on scripts, frames and images, which then carry
//!   `data-consentry`: on such an element `type`, `src`, `srcdoc`, `srcset` and the
//!   `data-consentry*` attributes may differ;
//! - it amends the policy of a `<meta http-equiv="Content-Security-Policy">`;
//! - it removes tracking pixels, resource hints and `<noscript>` pixels: an input element the
//!   caller calls removable may be missing from the output (text around it then joins up).
//!
//! Everything else (names, every other attribute, text, comments, the doctype, the order and
//! nesting of nodes, template contents) must be equal.

use std::fmt;

use html5ever::tendril::TendrilSink;
use html5ever::{parse_document, ParseOpts};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// A node of a parsed page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// `<!DOCTYPE name>`.
    Doctype(String),
    /// A comment.
    Comment(String),
    /// Text (adjacent text nodes are joined).
    Text(String),
    /// An element.
    Element(Element),
}

/// An element of a parsed page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The local name, with `svg:` or `math:` before it in foreign content.
    pub name: String,
    /// Attributes in source order (an `xlink:` or other prefix before namespaced ones).
    pub attrs: Vec<(String, String)>,
    /// Child nodes.
    pub children: Vec<Node>,
    /// For `<template>`, its contents.
    pub template: Option<Vec<Node>>,
}

impl Element {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The element's text, its children's included.
    pub fn text(&self) -> String {
        let mut text = String::new();
        collect_text(&self.children, &mut text);
        text
    }
}

fn collect_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => collect_text(&e.children, out),
            Node::Doctype(_) | Node::Comment(_) => {}
        }
    }
}

/// Parses a whole page as a browser with scripting on would (UTF-8, invalid bytes replaced).
pub fn parse(html: &[u8]) -> Vec<Node> {
    let dom = parse_document(RcDom::default(), ParseOpts::default())
        .from_utf8()
        .one(html);
    convert_children(&dom.document)
}

fn convert_children(handle: &Handle) -> Vec<Node> {
    let mut nodes = Vec::new();
    for child in handle.children.borrow().iter() {
        if let Some(node) = convert(child) {
            push_joined(&mut nodes, node);
        }
    }
    nodes
}

fn convert(handle: &Handle) -> Option<Node> {
    Some(match &handle.data {
        NodeData::Document | NodeData::ProcessingInstruction { .. } => return None,
        NodeData::Doctype { name, .. } => Node::Doctype(name.to_string()),
        NodeData::Comment { contents } => Node::Comment(contents.to_string()),
        NodeData::Text { contents } => Node::Text(contents.borrow().to_string()),
        NodeData::Element {
            name,
            attrs,
            template_contents,
            ..
        } => {
            let prefix = match &*name.ns {
                "http://www.w3.org/2000/svg" => "svg:",
                "http://www.w3.org/1998/Math/MathML" => "math:",
                _ => "",
            };
            Node::Element(Element {
                name: format!("{prefix}{}", name.local),
                attrs: attrs
                    .borrow()
                    .iter()
                    .map(|a| {
                        let name = match &a.name.prefix {
                            Some(p) => format!("{p}:{}", a.name.local),
                            None => a.name.local.to_string(),
                        };
                        (name, a.value.to_string())
                    })
                    .collect(),
                children: convert_children(handle),
                template: template_contents.borrow().as_ref().map(convert_children),
            })
        }
    })
}

/// Appends `node`, joining it to text just before it.
fn push_joined(nodes: &mut Vec<Node>, node: Node) {
    if let (Some(Node::Text(last)), Node::Text(text)) = (nodes.last_mut(), &node) {
        last.push_str(text);
        return;
    }
    nodes.push(node);
}

/// What a comparison saw of the gateway's changes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    /// Consent Mode scripts taken out of the output.
    pub consent_mode: u32,
    /// Banners (and their parts outside `#consentry`) taken out of the output.
    pub banner_parts: u32,
    /// Elements whose neutralised attributes were set aside.
    pub neutralised: u32,
    /// Removable input elements missing from the output.
    pub removed: u32,
}

/// Where and how two trees differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Element names from the root to where they differ.
    pub path: String,
    /// What differs.
    pub what: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.what)
    }
}

/// Attributes the gateway sets or moves on an element it neutralises or switches on.
const NEUTRALISED: [&str; 7] = [
    "type",
    "src",
    "srcdoc",
    "srcset",
    "data-consentry",
    "data-consentry-src",
    "data-consentry-type",
];

/// Whether an output element is one the gateway adds to every page.
pub fn is_injected(e: &Element) -> Option<Injected> {
    let id = e.attr("id").unwrap_or("");
    let from_gateway = |url: Option<&str>| url.is_some_and(|u| u.starts_with("/__consentry/"));
    match e.name.as_str() {
        "script" | "svg:script" if id == "consentry-consent-mode" => Some(Injected::ConsentMode),
        _ if id == "consentry" => Some(Injected::Banner),
        "style" if id == "consentry-theme" => Some(Injected::Banner),
        "link" if from_gateway(e.attr("href")) => Some(Injected::Banner),
        "script" if from_gateway(e.attr("src")) => Some(Injected::Banner),
        "p" if e.attr("class") == Some("cy-live") => Some(Injected::Banner),
        _ => None,
    }
}

/// What an injected element is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    /// The Consent Mode defaults.
    ConsentMode,
    /// The banner or one of its parts.
    Banner,
}

/// Takes every injected element out of `nodes` (at any depth), joining the text around it.
fn strip_injected(nodes: &[Node], changes: &mut Changes) -> Vec<Node> {
    let mut out = Vec::with_capacity(nodes.len());
    for node in nodes {
        match node {
            Node::Element(e) => match is_injected(e) {
                Some(Injected::ConsentMode) => changes.consent_mode += 1,
                Some(Injected::Banner) => changes.banner_parts += 1,
                None => push_joined(
                    &mut out,
                    Node::Element(Element {
                        name: e.name.clone(),
                        attrs: e.attrs.clone(),
                        children: strip_injected(&e.children, changes),
                        template: e.template.as_ref().map(|t| strip_injected(t, changes)),
                    }),
                ),
            },
            other => push_joined(&mut out, other.clone()),
        }
    }
    out
}

/// Compares the tree of a page (`input`) with the tree of its rewrite (`output`).
/// `removable` says which input elements the gateway may have removed.
pub fn compare(
    input: &[Node],
    output: &[Node],
    removable: &dyn Fn(&Element) -> bool,
) -> Result<Changes, Mismatch> {
    let mut changes = Changes::default();
    let output = strip_injected(output, &mut changes);
    // A page compared with a banner added by hand has it on both sides.
    let input = strip_injected(input, &mut Changes::default());
    let mut cmp = Comparison { removable, changes };
    cmp.lists(&input, &output, "#document")?;
    Ok(cmp.changes)
}

struct Comparison<'a> {
    removable: &'a dyn Fn(&Element) -> bool,
    changes: Changes,
}

impl Comparison<'_> {
    fn lists(&mut self, input: &[Node], output: &[Node], path: &str) -> Result<(), Mismatch> {
        let mut input = input.to_vec();
        let (mut i, mut j) = (0, 0);
        loop {
            let (a, b) = (input.get(i), output.get(j));
            let first_try = match (a, b) {
                (None, None) => return Ok(()),
                (Some(a), Some(b)) => {
                    let saved = self.changes;
                    let result = self.nodes(a, b, path);
                    if result.is_err() {
                        self.changes = saved;
                    }
                    result
                }
                (Some(a), None) => Err(Mismatch {
                    path: path.to_owned(),
                    what: format!("{} is missing from the output", describe(a)),
                }),
                (None, Some(b)) => Err(Mismatch {
                    path: path.to_owned(),
                    what: format!("the output has an extra {}", describe(b)),
                }),
            };
            match first_try {
                Ok(()) => {
                    i += 1;
                    j += 1;
                }
                Err(mismatch) => {
                    // Either this element was removed, or the one after this text (whose text
                    // then joined the text after it).
                    let at = match (input.get(i), input.get(i + 1)) {
                        (Some(Node::Element(e)), _) if (self.removable)(e) => i,
                        (Some(Node::Text(_)), Some(Node::Element(e))) if (self.removable)(e) => {
                            i + 1
                        }
                        _ => return Err(mismatch),
                    };
                    input.remove(at);
                    self.changes.removed += 1;
                    if at > 0 && at < input.len() {
                        if let (Node::Text(_), Node::Text(after)) = (&input[at - 1], &input[at]) {
                            let after = after.clone();
                            input.remove(at);
                            if let Node::Text(before) = &mut input[at - 1] {
                                before.push_str(&after);
                            }
                            if at == i {
                                // Compare the joined text again.
                                i -= 1;
                                j -= 1;
                            }
                        }
                    }
                }
            }
        }
    }

    fn nodes(&mut self, a: &Node, b: &Node, path: &str) -> Result<(), Mismatch> {
        let differ = |what: String| {
            Err(Mismatch {
                path: path.to_owned(),
                what,
            })
        };
        match (a, b) {
            (Node::Element(a), Node::Element(b)) => self.elements(a, b, path),
            (a, b) if a == b => Ok(()),
            (a, b) => differ(format!("{} became {}", describe(a), describe(b))),
        }
    }

    fn elements(&mut self, a: &Element, b: &Element, path: &str) -> Result<(), Mismatch> {
        let here = format!("{path} > {}", a.name);
        if a.name != b.name {
            return Err(Mismatch {
                path: path.to_owned(),
                what: format!("<{}> became <{}>", a.name, b.name),
            });
        }
        let neutralised = b.attr("data-consentry").is_some()
            && matches!(a.name.as_str(), "script" | "svg:script" | "iframe" | "img");
        let csp = a.name == "meta"
            && a.attr("http-equiv")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("content-security-policy"));
        let kept = |e: &Element| -> Vec<(String, String)> {
            let mut attrs: Vec<(String, String)> = e
                .attrs
                .iter()
                .filter(|(n, _)| !(neutralised && NEUTRALISED.contains(&n.as_str())))
                .filter(|(n, _)| !(csp && n == "content"))
                .cloned()
                .collect();
            attrs.sort();
            attrs
        };
        let (before, after) = (kept(a), kept(b));
        if before != after {
            return Err(Mismatch {
                path: here,
                what: format!("attributes {before:?} became {after:?}"),
            });
        }
        if neutralised && a.attrs != b.attrs {
            self.changes.neutralised += 1;
        }
        self.lists(&a.children, &b.children, &here)?;
        match (&a.template, &b.template) {
            (Some(x), Some(y)) => self.lists(x, y, &format!("{here} > #content")),
            (None, None) => Ok(()),
            _ => Err(Mismatch {
                path: here,
                what: "template contents appeared or went".to_owned(),
            }),
        }
    }
}

fn describe(node: &Node) -> String {
    fn cut(s: &str) -> String {
        let mut t: String = s.chars().take(60).collect();
        if t.len() < s.len() {
            t.push('…');
        }
        t
    }
    match node {
        Node::Doctype(n) => format!("<!DOCTYPE {n}>"),
        Node::Comment(c) => format!("comment {:?}", cut(c)),
        Node::Text(t) => format!("text {:?}", cut(t)),
        Node::Element(e) => format!("<{}> {:?}", e.name, e.attrs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: &Element) -> bool {
        false
    }

    fn images(e: &Element) -> bool {
        e.name == "img"
    }

    fn check(before: &str, after: &str) -> Result<Changes, Mismatch> {
        compare(&parse(before.as_bytes()), &parse(after.as_bytes()), &images)
    }

    #[test]
    fn the_same_page_compares_equal() {
        let page =
            "<!doctype html><title>x</title><p>a<b>b</b><!--c--><template><i>t</i></template>";
        assert_eq!(
            compare(&parse(page.as_bytes()), &parse(page.as_bytes()), &never),
            Ok(Changes::default())
        );
    }

    #[test]
    fn what_the_gateway_adds_and_neutralises_is_set_aside() {
        let before = r#"<head><script src="https://t.test/a.js"></script></head><body><p>a<img src="https://px.test/p">b</p><iframe src="https://v.test/e"></iframe></body>"#;
        let after = r#"<head><script id="consentry-consent-mode">gtag()</script><script type="text/plain" data-consentry="analytics" src="https://t.test/a.js"></script></head><body><p>ab</p><iframe data-consentry="marketing" data-consentry-src="https://v.test/e" srcdoc="<p>x</p>"></iframe><div id="consentry"><form><button>OK</button></form></div><script src="/__consentry/banner.js" defer></script></body>"#;
        let changes = check(before, after).expect("only the gateway's changes");
        assert_eq!(changes.consent_mode, 1);
        assert_eq!(changes.banner_parts, 2);
        assert_eq!(changes.neutralised, 2);
        assert_eq!(changes.removed, 1);
    }

    #[test]
    fn a_broken_tree_is_caught() {
        let page = "<!doctype html><html><head><title>t</title></head><body><div><p>one</p><table><tr><td>cell</td></tr></table></div><p>two</p></body></html>";
        let broken = [
            // An element lost, and its text with it.
            "<!doctype html><html><head><title>t</title></head><body><div><table><tr><td>cell</td></tr></table></div><p>two</p></body></html>",
            // Text changed.
            "<!doctype html><html><head><title>t</title></head><body><div><p>one</p><table><tr><td>cel</td></tr></table></div><p>two</p></body></html>",
            // A tag left open: what follows moves inside it.
            "<!doctype html><html><head><title>t</title></head><body><div><p>one</p><table><tr><td>cell</td></tr></table><p>two</p></body></html>",
            // Content pushed out of a table (foster parenting).
            "<!doctype html><html><head><title>t</title></head><body><div><p>one</p><table><tr>x<td>cell</td></tr></table></div><p>two</p></body></html>",
            // An attribute added where the gateway has no business.
            "<!doctype html><html><head><title>t</title></head><body><div class=x><p>one</p><table><tr><td>cell</td></tr></table></div><p>two</p></body></html>",
            // A banner that swallows the rest of the page (its element left open).
            "<!doctype html><html><head><title>t</title></head><body><div id=consentry><div><p>one</p><table><tr><td>cell</td></tr></table></div><p>two</p></body></html>",
            // A neutralised script whose text ran into the page.
            "<!doctype html><html><head><title>t</title><script type=text/plain data-consentry=analytics><p>x</head><body><div><p>one</p><table><tr><td>cell</td></tr></table></div><p>two</p></body></html>",
            // The doctype lost (quirks mode).
            "<html><head><title>t</title></head><body><div><p>one</p><table><tr><td>cell</td></tr></table></div><p>two</p></body></html>",
        ];
        for after in broken {
            assert!(check(page, after).is_err(), "not caught: {after}");
        }
        assert!(check(page, page).is_ok());
    }

    #[test]
    fn only_removable_elements_may_go() {
        let before = "<p>a<span>x</span>b</p>";
        let after = "<p>ab</p>";
        assert!(check(before, after).is_err());
        let removable = |e: &Element| e.name == "span";
        let changes = compare(
            &parse(before.as_bytes()),
            &parse(after.as_bytes()),
            &removable,
        )
        .expect("a removable span");
        assert_eq!(changes.removed, 1);
    }

    #[test]
    fn neutralised_attributes_are_set_aside_only_on_marked_elements() {
        // A script's type changed without the mark: a real change.
        assert!(check(
            "<script>1</script>",
            r#"<script type="text/plain">1</script>"#
        )
        .is_err());
        // The mark on a `<div>` excuses nothing.
        assert!(check(
            r#"<div src="a"></div>"#,
            r#"<div data-consentry="x" src="b"></div>"#
        )
        .is_err());
    }
}
