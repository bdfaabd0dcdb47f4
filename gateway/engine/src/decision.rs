//! Decisions posted to the consent endpoint, as JSON from the banner's script or as a plain
//! form without JavaScript.

use consentry_config::Category;
use serde::{Deserialize, Serialize};

use crate::record::ConsentRecord;
use crate::Grants;

/// What to answer to a decision.
#[derive(Debug, Clone)]
pub struct DecisionOutcome {
    /// `Set-Cookie` values: the new consent cookie first, then expiring cookies of categories
    /// no longer granted.
    pub set_cookies: Vec<String>,
    /// The record to append before answering.
    pub record: ConsentRecord,
    /// For a form post, where to send the visitor back to (303).
    pub redirect_to: Option<String>,
    /// On a site with IAB TCF, what the page's `__tcfapi` and `__gpp` answer now.
    pub tcf: Option<serde_json::Value>,
}

/// What the visitor chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Every category.
    AcceptAll,
    /// Only what is necessary.
    RejectAll,
    /// The categories listed.
    Custom,
    /// Taking back every consent given before.
    Withdraw,
    /// Opting out of the sale and sharing of personal data (the opt-out regime's "Do Not
    /// Sell or Share" link): marketing off, the rest as it was.
    OptOut,
}

impl DecisionKind {
    /// The name used in JSON, forms and records.
    pub const fn as_str(self) -> &'static str {
        match self {
            DecisionKind::AcceptAll => "accept_all",
            DecisionKind::RejectAll => "reject_all",
            DecisionKind::Custom => "custom",
            DecisionKind::Withdraw => "withdraw",
            DecisionKind::OptOut => "opt_out",
        }
    }

    fn parse(text: &str) -> Result<DecisionKind, BadDecision> {
        match text {
            "accept_all" => Ok(DecisionKind::AcceptAll),
            "reject_all" => Ok(DecisionKind::RejectAll),
            "custom" => Ok(DecisionKind::Custom),
            "withdraw" => Ok(DecisionKind::Withdraw),
            "opt_out" => Ok(DecisionKind::OptOut),
            other => Err(BadDecision::UnknownAction(other.to_owned())),
        }
    }
}

/// A decision as posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRequest {
    /// What was chosen.
    pub kind: DecisionKind,
    /// For [`DecisionKind::Custom`], the categories ticked.
    pub categories: Grants,
    /// Whether marketing was ticked explicitly (it then outweighs `Sec-GPC`).
    pub marketing_explicit: bool,
    /// Where a form post returns to.
    pub return_to: Option<String>,
    /// Posted as a form without JavaScript (answered with a redirect).
    pub via_form: bool,
}

/// Why a posted decision is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BadDecision {
    /// Neither JSON nor a form.
    #[error("unsupported content type `{0}`; send application/json or application/x-www-form-urlencoded")]
    UnsupportedMediaType(String),
    /// The JSON does not parse or has the wrong shape.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// `action` is missing.
    #[error("missing `action` (accept_all, reject_all, custom, withdraw or opt_out)")]
    MissingAction,
    /// `action` names no decision.
    #[error("unknown action `{0}` (expected accept_all, reject_all, custom, withdraw or opt_out)")]
    UnknownAction(String),
    /// A category that does not exist.
    #[error("unknown category `{0}`")]
    UnknownCategory(String),
    /// The body is larger than a decision can be.
    #[error("body too large")]
    TooLarge,
}

/// The largest body a decision may have.
pub const MAX_DECISION_BODY: usize = 8 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDecision {
    action: String,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    return_to: Option<String>,
}

/// Parses a posted decision by its `Content-Type`.
pub fn parse_decision(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<DecisionRequest, BadDecision> {
    if body.len() > MAX_DECISION_BODY {
        return Err(BadDecision::TooLarge);
    }
    let media_type = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media_type.as_str() {
        "application/json" => parse_json(body),
        "application/x-www-form-urlencoded" => parse_form(body),
        _ => Err(BadDecision::UnsupportedMediaType(media_type)),
    }
}

fn parse_json(body: &[u8]) -> Result<DecisionRequest, BadDecision> {
    let json: JsonDecision =
        serde_json::from_slice(body).map_err(|e| BadDecision::Json(e.to_string()))?;
    let kind = DecisionKind::parse(&json.action)?;
    let mut categories = Grants::NECESSARY_ONLY;
    for name in &json.categories {
        let category: Category = name
            .parse()
            .map_err(|_| BadDecision::UnknownCategory(name.clone()))?;
        categories = categories.with(category);
    }
    Ok(DecisionRequest {
        kind,
        categories,
        marketing_explicit: categories.allows(Category::Marketing),
        return_to: json.return_to,
        via_form: false,
    })
}

fn parse_form(body: &[u8]) -> Result<DecisionRequest, BadDecision> {
    let mut kind = None;
    let mut categories = Grants::NECESSARY_ONLY;
    let mut return_to = None;
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "action" => kind = Some(DecisionKind::parse(&value)?),
            "return_to" => return_to = Some(value.into_owned()),
            name => {
                if let Ok(category) = name.parse::<Category>() {
                    if matches!(value.as_ref(), "on" | "true" | "1" | "yes") {
                        categories = categories.with(category);
                    }
                }
            }
        }
    }
    Ok(DecisionRequest {
        kind: kind.ok_or(BadDecision::MissingAction)?,
        categories,
        marketing_explicit: categories.allows(Category::Marketing),
        return_to,
        via_form: true,
    })
}

impl DecisionRequest {
    /// The categories this decision grants. Under `Sec-GPC: 1`, "accept all" leaves
    /// marketing out; only an explicit tick grants it. An opt-out takes marketing from what
    /// applied before (`before`).
    pub fn grants(&self, gpc: bool, before: Grants) -> Grants {
        match self.kind {
            DecisionKind::AcceptAll if gpc => Grants::ALL.without(Category::Marketing),
            DecisionKind::AcceptAll => Grants::ALL,
            DecisionKind::RejectAll | DecisionKind::Withdraw => Grants::NECESSARY_ONLY,
            DecisionKind::Custom => self.categories,
            DecisionKind::OptOut => before.without(Category::Marketing),
        }
    }
}

/// A path on this site to send a form post back to: `/` for anything that could lead
/// elsewhere (another host, a scheme, control characters).
pub fn safe_return_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 2048
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_json_from_the_banner() {
        let d = parse_decision(
            Some("application/json; charset=utf-8"),
            br#"{"action":"custom","categories":["analytics","preferences"]}"#,
        )
        .expect("valid");
        assert_eq!(d.kind, DecisionKind::Custom);
        assert!(d
            .grants(false, Grants::NECESSARY_ONLY)
            .allows(Category::Analytics));
        assert!(!d
            .grants(false, Grants::NECESSARY_ONLY)
            .allows(Category::Marketing));
        assert!(!d.via_form);
    }

    #[test]
    fn parses_a_plain_form() {
        let d = parse_decision(
            Some("application/x-www-form-urlencoded"),
            b"action=custom&marketing=on&analytics=&return_to=%2Fshop%3Fa%3D1",
        )
        .expect("valid");
        assert!(d.via_form);
        assert_eq!(d.return_to.as_deref(), Some("/shop?a=1"));
        assert_eq!(
            d.grants(true, Grants::NECESSARY_ONLY),
            Grants::of([Category::Marketing])
        );
    }

    #[test]
    fn refuses_bad_bodies_with_a_reason() {
        let json = Some("application/json");
        assert_eq!(
            parse_decision(Some("text/plain"), b"x"),
            Err(BadDecision::UnsupportedMediaType("text/plain".into()))
        );
        assert!(matches!(
            parse_decision(json, b"{"),
            Err(BadDecision::Json(_))
        ));
        assert_eq!(
            parse_decision(json, br#"{"action":"maybe"}"#),
            Err(BadDecision::UnknownAction("maybe".into()))
        );
        assert_eq!(
            parse_decision(json, br#"{"action":"custom","categories":["ads"]}"#),
            Err(BadDecision::UnknownCategory("ads".into()))
        );
        assert_eq!(
            parse_decision(Some("application/x-www-form-urlencoded"), b"analytics=on"),
            Err(BadDecision::MissingAction)
        );
        assert_eq!(
            parse_decision(json, &vec![b' '; MAX_DECISION_BODY + 1]),
            Err(BadDecision::TooLarge)
        );
    }

    #[test]
    fn gpc_keeps_marketing_out_of_accept_all() {
        let d =
            parse_decision(Some("application/json"), br#"{"action":"accept_all"}"#).expect("valid");
        assert!(!d
            .grants(true, Grants::NECESSARY_ONLY)
            .allows(Category::Marketing));
        assert!(d
            .grants(true, Grants::NECESSARY_ONLY)
            .allows(Category::Analytics));
        assert!(d.grants(false, Grants::NECESSARY_ONLY).is_all());
    }

    #[test]
    fn an_opt_out_takes_marketing_from_what_ran() {
        let d = parse_decision(Some("application/x-www-form-urlencoded"), b"action=opt_out")
            .expect("valid");
        assert_eq!(d.kind, DecisionKind::OptOut);
        assert_eq!(
            d.grants(false, Grants::ALL),
            Grants::ALL.without(Category::Marketing)
        );
        let analytics = Grants::of([Category::Analytics, Category::Marketing]);
        assert_eq!(
            d.grants(false, analytics),
            Grants::of([Category::Analytics])
        );
    }

    #[test]
    fn return_paths_stay_on_the_site() {
        assert_eq!(safe_return_path(Some("/a?b=c")), "/a?b=c");
        for bad in [
            "//evil.test/",
            "https://evil.test/",
            "/\\evil.test",
            "relative",
            "/a\nb",
        ] {
            assert_eq!(safe_return_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_return_path(None), "/");
    }
}
