//! The streaming HTML pass: neutralising trackers the visitor has not consented to, injecting
//! Consent Mode defaults and the banner. Bytes go in with [`PageRewriter::write`] and come
//! out as they are ready; nothing waits for the whole page.

mod banner;
mod consent_mode;
mod embeds;
mod handlers;
mod held;
mod pixels;
mod scripts;

use std::sync::{Arc, Mutex, PoisonError};

use lol_html::send::{HtmlRewriter, Settings};
use lol_html::{AsciiCompatibleEncoding, MemorySettings, OutputSink};

pub(crate) use banner::{
    banner_language, inline_hashes, page_context, set_cookie_lifetimes, OriginCookie, SiteBanner,
};
pub use consent_mode::{consent_mode_defaults, consent_mode_hash, csp_hash};

use crate::trackers::{Allowlist, TrackerIndex, Withheld};
use crate::Grants;
use handlers::Page;

/// Builds the HTML inserted before `</body>` from what the rewrite found on the page.
pub type BodyHtml = Arc<dyn Fn(&PageFindings) -> String + Send + Sync>;

/// Builds the placeholder shown in place of a blocked embed, from vendor and category.
pub type Placeholder = Arc<dyn Fn(&str, consentry_config::Category) -> String + Send + Sync>;

/// What one page's rewrite needs to know.
#[derive(Clone)]
pub struct PageContext {
    /// What the visitor allowed.
    pub grants: Grants,
    /// Hashes of what `head_html` and `body_html` inline, added to a `<meta>` policy.
    pub inline_hashes: crate::csp::InlineHashes,
    /// Inserted at the start of `<head>` (or before the first script when there is none).
    pub head_html: String,
    /// Inserted once before `</body>`, or at the end when there is no `</body>`; built when
    /// it is reached, so it can name the vendors found on the page.
    pub body_html: BodyHtml,
    /// The placeholder of a blocked embed.
    pub placeholder: Placeholder,
    /// What the site lets through although the catalogue names it as a tracker.
    pub allow: Arc<Allowlist>,
    /// The addresses of the site's IAB TCF vendors that have no consent on this page view.
    pub withheld: Arc<Withheld>,
}

impl std::fmt::Debug for PageContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageContext")
            .field("grants", &self.grants)
            .field("head_html", &self.head_html)
            .finish_non_exhaustive()
    }
}

/// What the rewrite has found on a page so far.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageFindings {
    /// The vendors of the trackers recognised (blocked or allowed), with their category, in
    /// the order first seen.
    pub vendors: Vec<(String, consentry_config::Category)>,
}

/// What the rewrite did to a page.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RewriteStats {
    /// Scripts turned into `type="text/plain"`.
    pub scripts_blocked: u32,
    /// Addresses of trackers defused inside the site's own inline scripts (ones too long to
    /// be a tag, which run without them).
    pub loaders_defused: u32,
    /// Site-marked scripts and embeds switched on because their category is granted.
    pub activated: u32,
    /// Frames replaced by a placeholder.
    pub embeds_blocked: u32,
    /// Tracking pixels and images from trackers kept inert, and `<noscript>` pixels removed.
    pub pixels_removed: u32,
    /// `preconnect`, `dns-prefetch`, preload and stylesheet links to tracker hosts removed.
    pub links_removed: u32,
    /// The rewriter gave up part-way (the rest of the page passed through as it was).
    pub bailed_out: bool,
}

/// An error that stops the rewrite.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RewriteError {
    /// The page's charset is not one the rewriter can work in (UTF-16 and the like).
    #[error("unsupported charset `{0}`")]
    UnsupportedCharset(String),
    /// The HTML rewriter failed.
    #[error("HTML rewriting failed: {0}")]
    Html(String),
}

/// Most memory the rewriter may hold for one page (its own buffers, not the page).
const MAX_REWRITER_MEMORY: usize = 8 * 1024 * 1024;

/// Room for what a write adds to the page beyond its own bytes (attributes, the Consent Mode
/// script).
const OUTPUT_SLACK: usize = 1024;

#[derive(Clone, Default)]
struct SharedOutput(Arc<Mutex<Vec<u8>>>);

impl SharedOutput {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Makes room for about `n` bytes, so the output of a write is not grown piece by piece
    /// from empty (lol_html hands it over in many small chunks).
    fn reserve(&self, n: usize) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .reserve(n);
    }
}

impl OutputSink for SharedOutput {
    fn handle_chunk(&mut self, chunk: &[u8]) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(chunk);
    }
}

/// A streaming rewrite of one HTML page.
pub struct PageRewriter {
    rewriter: HtmlRewriter<'static, SharedOutput>,
    output: SharedOutput,
    page: Arc<Page>,
}

impl std::fmt::Debug for PageRewriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageRewriter").finish_non_exhaustive()
    }
}

impl PageRewriter {
    /// A rewriter for a page in `charset` (from `Content-Type`; UTF-8 when absent, and then a
    /// `<meta charset>` in the page is honoured).
    pub fn new(
        context: PageContext,
        trackers: Arc<TrackerIndex>,
        charset: Option<&str>,
    ) -> Result<PageRewriter, RewriteError> {
        let encoding = match charset {
            None => encoding_rs::UTF_8,
            Some(label) => encoding_rs::Encoding::for_label(label.trim().as_bytes())
                .ok_or_else(|| RewriteError::UnsupportedCharset(label.to_owned()))?,
        };
        let encoding = AsciiCompatibleEncoding::new(encoding)
            .ok_or_else(|| RewriteError::UnsupportedCharset(encoding.name().to_owned()))?;
        let page = Arc::new(Page::new(context, trackers));
        let output = SharedOutput::default();
        let mut program = None;
        let settings = handlers::register(
            Settings::new_send(),
            &page,
            encoding,
            charset.is_none(),
            &mut program,
        )?
        .with_memory_settings(
            MemorySettings::new()
                .with_max_allowed_memory_usage(MAX_REWRITER_MEMORY)
                .with_graceful_bail_out_on_memory_limit_exceeded(true),
        )
        .with_graceful_bail_out_on_content_handler_error(true)
        .with_strict(false);
        let rewriter = HtmlRewriter::new(settings, output.clone());
        Ok(PageRewriter {
            rewriter,
            output,
            page,
        })
    }

    /// Feeds the next bytes of the page and returns the output that is ready.
    pub fn write(&mut self, chunk: &[u8]) -> Result<Vec<u8>, RewriteError> {
        // What comes out is about what goes in; the banner, when it comes, grows it once.
        self.output.reserve(chunk.len() + OUTPUT_SLACK);
        if let Err(e) = self.rewriter.write(chunk) {
            self.note_error(&e);
            return Err(RewriteError::Html(e.to_string()));
        }
        Ok(self.output.take())
    }

    /// Ends the page and returns the last output and what the rewrite did.
    pub fn end(self) -> Result<(Vec<u8>, RewriteStats), RewriteError> {
        let PageRewriter {
            rewriter,
            output,
            page,
        } = self;
        rewriter
            .end()
            .map_err(|e| RewriteError::Html(e.to_string()))?;
        let stats = page.state().stats;
        Ok((output.take(), stats))
    }

    /// What the rewrite has done so far.
    pub fn stats(&self) -> RewriteStats {
        self.page.state().stats
    }

    fn note_error(&self, error: &lol_html::errors::RewritingError) {
        tracing::warn!(%error, "HTML rewrite stopped");
        self.page.state().stats.bailed_out = true;
    }
}

#[cfg(test)]
mod tests;
