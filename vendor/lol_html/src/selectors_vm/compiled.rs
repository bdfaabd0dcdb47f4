use super::{Ast, Compiler, Program, Selector};
use crate::rewriter::AsciiCompatibleEncoding;
use std::fmt::{self, Debug, Formatter};
use std::sync::Arc;

/// Selectors compiled once into the matching program that rewriters can share.
///
/// [`HtmlRewriter::new`](crate::HtmlRewriter::new) compiles the selectors of its
/// [`Settings`](crate::Settings) into a matching program. An application that builds a rewriter
/// for every document with the same selectors (a proxy rewriting each response) can compile
/// them once with this type and hand the result to each rewriter with
/// [`Settings::with_compiled_selectors`](crate::Settings::with_compiled_selectors): the rewriter
/// then shares the program instead of compiling its own.
///
/// The program is used only when it was compiled for what the settings ask: the same
/// selectors in the same order as the element content handlers, the same encoding, and the
/// same [`adjust_charset_on_meta_tag`](crate::Settings::with_adjust_charset_on_meta_tag) and
/// [`enable_esi_tags`](crate::Settings::with_enable_esi_tags) options. Otherwise the rewriter
/// compiles the settings' selectors as it would without it, so the output never depends on
/// whether it was given.
///
/// # Example
/// ```
/// use lol_html::html_content::Element;
/// use lol_html::{
///     AsciiCompatibleEncoding, CompiledSelectors, ElementContentHandlers, HtmlRewriter,
///     Selector, Settings,
/// };
/// use std::borrow::Cow;
///
/// let links: Selector = "a[href]".parse().unwrap();
/// let compiled = CompiledSelectors::new(
///     [&links],
///     AsciiCompatibleEncoding::utf_8(),
///     false,
///     false,
/// );
///
/// for _document in 0..2 {
///     let mut output = vec![];
///     let settings = Settings::new()
///         .append_element_content_handler((
///             Cow::Borrowed(&links),
///             ElementContentHandlers::default().element(|el: &mut Element<'_, '_>| {
///                 el.set_attribute("rel", "nofollow")?;
///                 Ok(())
///             }),
///         ))
///         .with_compiled_selectors(&compiled);
///     let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| output.extend_from_slice(c));
///     rewriter.write(b"<a href=/>x</a>").unwrap();
///     rewriter.end().unwrap();
///     assert_eq!(output, br#"<a href=/ rel="nofollow">x</a>"#);
/// }
/// ```
pub struct CompiledSelectors {
    selectors: Box<[Selector]>,
    encoding: AsciiCompatibleEncoding,
    adjust_charset_on_meta_tag: bool,
    enable_esi_tags: bool,
    program: Arc<Program>,
}

impl CompiledSelectors {
    /// Compiles `selectors`, in the order their handlers will be appended to the
    /// [`Settings`](crate::Settings), for documents in `encoding`, with the settings'
    /// `adjust_charset_on_meta_tag` and `enable_esi_tags` options.
    #[must_use]
    pub fn new<'s>(
        selectors: impl IntoIterator<Item = &'s Selector>,
        encoding: AsciiCompatibleEncoding,
        adjust_charset_on_meta_tag: bool,
        enable_esi_tags: bool,
    ) -> Self {
        let selectors: Box<[Selector]> = selectors.into_iter().cloned().collect();
        let mut ast = Ast::default();
        // Match ids are given in the order the rewriter registers handlers: the handler of
        // `<meta charset>` first when there is one, then the element content handlers.
        let charset_meta = adjust_charset_on_meta_tag.then(crate::rewriter::charset_meta_selector);
        for (match_id, selector) in charset_meta.iter().chain(selectors.iter()).enumerate() {
            ast.add_selector(selector, match_id as _);
        }
        let program = Arc::new(Compiler::new(encoding.into()).compile(ast));
        Self {
            selectors,
            encoding,
            adjust_charset_on_meta_tag,
            enable_esi_tags,
            program,
        }
    }

    /// The program, when it was compiled for exactly these selectors and options.
    pub(crate) fn program_for<'a>(
        &self,
        selectors: impl ExactSizeIterator<Item = &'a Selector>,
        encoding: AsciiCompatibleEncoding,
        adjust_charset_on_meta_tag: bool,
        enable_esi_tags: bool,
    ) -> Option<Arc<Program>> {
        let fits = self.encoding == encoding
            && self.adjust_charset_on_meta_tag == adjust_charset_on_meta_tag
            && self.enable_esi_tags == enable_esi_tags
            && selectors.len() == self.selectors.len()
            && selectors
                .zip(self.selectors.iter())
                .all(|(a, b)| a.0 == b.0);
        fits.then(|| Arc::clone(&self.program))
    }
}

impl Debug for CompiledSelectors {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompiledSelectors")
            .field("selectors", &self.selectors)
            .field("encoding", &self.encoding)
            .field(
                "adjust_charset_on_meta_tag",
                &self.adjust_charset_on_meta_tag,
            )
            .field("enable_esi_tags", &self.enable_esi_tags)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::LocalName;
    use crate::html_content::Element;
    use crate::{ElementContentHandlers, HtmlRewriter, Settings};
    use encoding_rs::UTF_8;
    use std::borrow::Cow;

    const HTML: &str = r#"<html><head><meta charset="windows-1251"></head><body><div class=a><p>x</p><img src="//t"><img src=/y></div><svg><img/></svg></body></html>"#;

    fn selectors() -> Vec<Selector> {
        [
            "div p",
            "img[src^='//']",
            "body > div",
            "p, img",
            "*:not(p)",
        ]
        .into_iter()
        .map(|s| s.parse().unwrap())
        .collect()
    }

    /// Rewrites `HTML`, marking each element with the index of every selector it matched.
    fn rewrite(
        selectors: &[Selector],
        compiled: Option<&CompiledSelectors>,
        charset: bool,
    ) -> String {
        let mut settings = Settings::new().with_adjust_charset_on_meta_tag(charset);
        for (i, selector) in selectors.iter().enumerate() {
            settings = settings.append_element_content_handler((
                Cow::Borrowed(selector),
                ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                    let seen = el.get_attribute("m").unwrap_or_default();
                    el.set_attribute("m", &format!("{seen}{i}"))?;
                    Ok(())
                }),
            ));
        }
        if let Some(compiled) = compiled {
            settings = settings.with_compiled_selectors(compiled);
        }
        let mut out = Vec::new();
        let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
        rewriter.write(HTML.as_bytes()).unwrap();
        rewriter.end().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_compiled_program_matches_as_one_compiled_per_rewriter() {
        let selectors = selectors();
        for charset in [false, true] {
            let expected = rewrite(&selectors, None, charset);
            assert!(
                expected.contains(r#"<div class=a m="24"><p m="03">"#),
                "{expected}"
            );
            let compiled = CompiledSelectors::new(
                &selectors,
                AsciiCompatibleEncoding::utf_8(),
                charset,
                false,
            );
            for _ in 0..3 {
                assert_eq!(rewrite(&selectors, Some(&compiled), charset), expected);
            }
        }
    }

    #[test]
    fn a_program_is_shared_only_when_it_fits() {
        let selectors = selectors();
        let utf8 = AsciiCompatibleEncoding::utf_8();
        let compiled = CompiledSelectors::new(&selectors, utf8, false, false);
        let fits = |s: &[Selector], charset: bool, esi: bool| {
            compiled.program_for(s.iter(), utf8, charset, esi).is_some()
        };
        assert!(fits(&selectors, false, false));
        // Equal selectors parsed again fit too.
        assert!(fits(&self::selectors(), false, false));
        assert!(!fits(&selectors[1..], false, false));
        assert!(!fits(&selectors, true, false));
        assert!(!fits(&selectors, false, true));
        let mut reordered = selectors.clone();
        reordered.swap(0, 1);
        assert!(!fits(&reordered, false, false));
        let latin1 = AsciiCompatibleEncoding::new(encoding_rs::WINDOWS_1252).unwrap();
        assert!(
            compiled
                .program_for(selectors.iter(), latin1, false, false)
                .is_none()
        );
        // One that does not fit is not used: the rewriter compiles its own.
        let other = CompiledSelectors::new(&selectors[1..], utf8, false, false);
        assert_eq!(
            rewrite(&selectors, Some(&other), false),
            rewrite(&selectors, None, false)
        );
    }

    #[test]
    fn a_tag_name_alone_is_compared_by_its_hash() {
        let compiled = |selector: &str| {
            let selector: Selector = selector.parse().unwrap();
            CompiledSelectors::new([&selector], AsciiCompatibleEncoding::utf_8(), false, false)
        };
        let tag_names = |compiled: &CompiledSelectors| -> Vec<bool> {
            compiled.program.instructions[compiled.program.entry_points.clone()]
                .iter()
                .map(|i| i.tag_name.is_some())
                .collect()
        };
        assert_eq!(tag_names(&compiled("div")), [true]);
        assert_eq!(tag_names(&compiled("img[src], DIV")), [true, true]);
        assert_eq!(tag_names(&compiled("*")), [false]);
        assert_eq!(tag_names(&compiled(":not(div)")), [false]);
        assert_eq!(tag_names(&compiled("div:nth-child(2)")), [false]);
        // A name that does not hash (too long) is compared by its expression.
        assert_eq!(tag_names(&compiled("averyveryverylongname")), [false]);
        let div = compiled("div");
        let hash = div.program.instructions[0].tag_name.unwrap();
        let name = LocalName::from_str_without_replacements("div", UTF_8).unwrap();
        assert_eq!(name, LocalName::Hash(hash));
    }
}
