//! The consent record: what is kept as proof of one decision. It holds nothing that
//! identifies a person: the consent id is random and lives only in the visitor's cookie.

use consentry_config::Category;
use serde::Serialize;

use crate::decision::DecisionKind;
use crate::Grants;

/// One decision, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentRecord {
    /// The random id from the visitor's consent cookie.
    pub consent_id: String,
    /// The site's name.
    pub site: String,
    /// When, in seconds since the Unix epoch.
    pub recorded_at: u64,
    /// The policy version the decision was made under.
    pub policy_version: u32,
    /// What the visitor chose.
    pub action: DecisionKind,
    /// Posted as a form without JavaScript.
    pub via_form: bool,
    /// The browser sent `Sec-GPC: 1`.
    pub gpc: bool,
    /// The categories granted, necessary included.
    pub granted: Vec<Category>,
}

impl ConsentRecord {
    /// The granted categories as a set.
    pub fn grants(&self) -> Grants {
        Grants::of(self.granted.iter().copied())
    }
}
