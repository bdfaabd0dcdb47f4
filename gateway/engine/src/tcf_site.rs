//! What a site's IAB TCF says for one visitor: the purposes and vendors their decision
//! grants, the TC string ad tech reads, the GPP string, and which vendors stay inert.
//!
//! The server decides from its own signed `consentry` cookie. Everything here is derived from
//! the visitor's grants, never read back from a TC string a browser sends: a string a client
//! forges changes nothing, and a malformed one is only logged.
//!
//! Categories map to the TCF purposes as follows (TCF v2.3 purpose numbers):
//!
//! | purposes | granted with |
//! | --- | --- |
//! | 1 store or access information on a device | any optional category |
//! | 2 limited data to select ads, 3 and 4 personalised ads profiles and their use, 7 measure ad performance | marketing |
//! | 8 measure content performance, 9 audiences through statistics, 10 develop and improve services | analytics |
//! | 5 and 6 personalised content profiles and their use, 11 limited data to select content | preferences |
//!
//! Special features are never opted into, and no purpose relies on legitimate interest: a
//! vendor may do what it declares only with consent. A vendor has consent when every purpose
//! it declares for consent is granted.

use consentry_banner::Language;
use consentry_config::{Category, Regime, SiteTcf, TcfSettings};
use serde_json::{json, Map, Value};

use crate::gpp;
use crate::tcf::{self, Alpha2, IdBits, TcModel, VendorSet, VendorVector};
use crate::trackers::Withheld;
use crate::Grants;

/// The TCF purposes each optional category grants.
const PURPOSES: [(Category, &[u8]); 3] = [
    (Category::Marketing, &[2, 3, 4, 7]),
    (Category::Analytics, &[8, 9, 10]),
    (Category::Preferences, &[5, 6, 11]),
];

/// The cookie ad tech reads the TC string from.
pub const TC_COOKIE: &str = "euconsent-v2";

/// The purposes TCF v2.3 defines.
const LAST_PURPOSE: u8 = 11;

/// One vendor of the site, as the Global Vendor List describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcfVendor {
    /// Its Global Vendor List id.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// The purposes it asks consent for.
    pub purposes: IdBits,
}

/// A site's TCF: the CMP's registration, the vendor list's version and the site's vendors.
#[derive(Debug, Clone)]
pub struct SiteTcfEngine {
    cmp_id: u16,
    cmp_version: u16,
    publisher_cc: Alpha2,
    vendor_list_version: u16,
    /// The vendor list's `tcfPolicyVersion`, which its strings carry.
    policy_version: u8,
    vendors: Vec<TcfVendor>,
    /// Each vendor's addresses, for enforcement: (vendor index, address).
    hosts: Vec<(usize, String)>,
}

/// The TCF of one page view or decision: what it grants, as ad tech reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcfView {
    /// The TC string (empty where the GDPR does not apply to the visitor).
    pub tc_string: String,
    /// The GPP string.
    pub gpp_string: String,
    /// What `__tcfapi` and `__gpp` answer with, as the page's data block holds it.
    pub data: Value,
}

impl TcfVendor {
    /// The vendors `ids` as the Global Vendor List describes them (those it lacks left out).
    pub fn described(gvl: &tcf::Gvl, ids: &[u16]) -> Vec<TcfVendor> {
        ids.iter()
            .filter_map(|id| gvl.vendor(*id))
            .map(|vendor| TcfVendor {
                id: vendor.id,
                name: vendor.name.clone(),
                purposes: vendor.purposes.iter().copied().collect(),
            })
            .collect()
    }
}

impl SiteTcfEngine {
    /// The TCF of a site, its vendors described by `described` (from the Global Vendor List
    /// `list`, which gives its version and policy version; a vendor the list lacks asks
    /// consent for what advertising needs).
    pub fn new(
        settings: &TcfSettings,
        site: &SiteTcf,
        list: Option<&tcf::Gvl>,
        described: &[TcfVendor],
    ) -> SiteTcfEngine {
        let (vendor_list_version, policy_version) = list
            .map_or((0, tcf::TCF_POLICY_VERSION), |l| {
                (l.vendor_list_version, l.tcf_policy_version)
            });
        let vendors: Vec<TcfVendor> = site
            .vendors
            .iter()
            .filter(|&&id| {
                // A vendor the list has deleted may get no consent, nor be disclosed.
                let deleted = list
                    .and_then(|l| l.vendor(id))
                    .is_some_and(tcf::gvl::Vendor::is_deleted);
                if deleted {
                    tracing::warn!(
                        vendor = id,
                        "vendor deleted from the Global Vendor List; left out"
                    );
                }
                !deleted
            })
            .map(|&id| {
                described
                    .iter()
                    .find(|v| v.id == id)
                    .cloned()
                    .unwrap_or_else(|| {
                        tracing::warn!(
                            vendor = id,
                            "vendor not in the Global Vendor List; it gets consent with marketing"
                        );
                        TcfVendor {
                            id,
                            name: format!("Vendor {id}"),
                            purposes: [1u8, 2, 3, 4, 7].into_iter().collect(),
                        }
                    })
            })
            .collect();
        let hosts = site
            .hosts
            .iter()
            .filter_map(|(id, list)| Some((vendors.iter().position(|v| v.id == *id)?, list)))
            .flat_map(|(at, list)| list.iter().map(move |h| (at, h.clone())))
            .collect();
        SiteTcfEngine {
            cmp_id: settings.cmp_id,
            cmp_version: settings.cmp_version,
            publisher_cc: Alpha2::new(&settings.publisher_cc).unwrap_or(Alpha2::AA),
            vendor_list_version,
            policy_version,
            vendors,
            hosts,
        }
    }

    /// The site's vendors.
    pub fn vendors(&self) -> &[TcfVendor] {
        &self.vendors
    }

    /// The purposes `grants` consent to.
    pub fn purposes(grants: Grants) -> IdBits {
        let mut purposes = IdBits::new();
        for (category, ids) in PURPOSES {
            if grants.allows(category) {
                for id in ids {
                    purposes.insert(*id);
                }
            }
        }
        if grants.optional().next().is_some() {
            purposes.insert(1);
        }
        purposes
    }

    /// The site's vendors with consent under `grants`: those whose every consent purpose is
    /// granted.
    pub fn consented(&self, grants: Grants) -> VendorSet {
        let purposes = Self::purposes(grants);
        let mut set = VendorSet::default();
        for vendor in &self.vendors {
            let all = vendor.purposes.iter().all(|p| purposes.contains(p));
            if all && !purposes.is_empty() {
                set.insert(vendor.id);
            }
        }
        set
    }

    /// The addresses of the vendors without consent under `grants`.
    pub fn withheld(&self, grants: Grants) -> Withheld {
        let consented = self.consented(grants);
        Withheld::new(
            self.hosts
                .iter()
                .filter(|(at, _)| !consented.contains(self.vendors[*at].id))
                .map(|(at, host)| (self.vendors[*at].name.as_str(), host.as_str())),
        )
    }

    /// The TC string for `grants` in `language`, made at `now` (seconds since the Unix
    /// epoch): the site's vendors disclosed, those with consent consented.
    pub fn tc_string(&self, grants: Grants, language: Language, now: u64) -> String {
        let mut model = TcModel {
            cmp_id: self.cmp_id,
            cmp_version: self.cmp_version,
            consent_language: Alpha2::new(language.code()).unwrap_or(Alpha2::EN),
            vendor_list_version: self.vendor_list_version,
            tcf_policy_version: self.policy_version,
            purposes_consent: Self::purposes(grants),
            publisher_cc: self.publisher_cc,
            vendor_consents: VendorVector::new(self.consented(grants)),
            disclosed_vendors: Some(VendorVector::new(
                self.vendors.iter().map(|v| v.id).collect(),
            )),
            ..TcModel::default()
        };
        model.set_updated(now);
        match tcf::encode(&model) {
            Ok(text) => text,
            Err(e) => {
                tracing::error!(error = %e, "TC string not encoded");
                String::new()
            }
        }
    }

    /// What ad tech reads on a page view or after a decision: the TC string where the GDPR
    /// applies (opt-in), the GPP string with the section of the visitor's regime, and the
    /// `__tcfapi` data.
    pub fn view(&self, ask: TcfAsk<'_>) -> TcfView {
        let TcfAsk {
            grants,
            regime,
            gpc,
            us_state,
            decided,
            language,
            now,
        } = ask;
        let gdpr_applies = regime == Regime::OptIn;
        let tc_string = if gdpr_applies {
            self.tc_string(grants, language, now)
        } else {
            String::new()
        };
        let purposes = Self::purposes(grants);
        let consented = self.consented(grants);
        let ids = |set: &dyn Fn(u8) -> bool| -> Map<String, Value> {
            (1..=LAST_PURPOSE)
                .map(|p| (p.to_string(), Value::Bool(set(p))))
                .collect()
        };
        let vendor_consents: Map<String, Value> = self
            .vendors
            .iter()
            .map(|v| (v.id.to_string(), Value::Bool(consented.contains(v.id))))
            .collect();
        let disclosed: Map<String, Value> = self
            .vendors
            .iter()
            .map(|v| (v.id.to_string(), Value::Bool(true)))
            .collect();
        let vendor_none: Map<String, Value> = self
            .vendors
            .iter()
            .map(|v| (v.id.to_string(), Value::Bool(false)))
            .collect();
        // Under the opt-out regime, marketing off is an opt-out of sale, sharing and targeted
        // advertising alike.
        let opted_out = !grants.allows(Category::Marketing);
        let signal = gpp::gpp_signal(&gpp::GppFacts {
            regime,
            opted_out: gpp::UsOptOuts::all(opted_out),
            gpc,
            tc_string: gdpr_applies.then_some(tc_string.as_str()),
            us_state,
            approach: gpp::UsApproach::default(),
            mspa: gpp::Mspa::default(),
        })
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "GPP string not encoded");
            gpp::GppSignal {
                gpp_string: String::new(),
                section_list: Vec::new(),
                applicable_sections: vec![-1],
            }
        });
        let gpp_string = signal.gpp_string.clone();
        // What `__gpp('getSection')` and `getField` read: the sections the string holds.
        let mut parsed = Map::new();
        if let Ok(decoded) = gpp::GppString::decode(&gpp_string) {
            for section in &decoded.sections {
                match section {
                    gpp::Section::UsNat(usnat) => {
                        parsed.insert("usnat".into(), usnat.parsed());
                    }
                    gpp::Section::TcfEuV2(text) => {
                        parsed.insert(
                            "tcfeuv2".into(),
                            json!([{
                                "TcfPolicyVersion": self.policy_version,
                                "CmpId": self.cmp_id,
                                "VendorListVersion": self.vendor_list_version,
                                "PurposeConsents": (1..=LAST_PURPOSE).map(|p| purposes.contains(p)).collect::<Vec<_>>(),
                                "VendorConsents": consented.iter().collect::<Vec<_>>(),
                                "TcString": text,
                            }]),
                        );
                    }
                    _ => {}
                }
            }
        }
        let data = json!({
            "cmpId": self.cmp_id,
            "cmpVersion": self.cmp_version,
            "gdprApplies": gdpr_applies,
            "tcString": tc_string,
            "tcfPolicyVersion": self.policy_version,
            "gvlVersion": self.vendor_list_version,
            "isServiceSpecific": true,
            "useNonStandardTexts": false,
            "publisherCC": self.publisher_cc.as_str(),
            "purposeOneTreatment": false,
            "purpose": {
                "consents": ids(&|p| purposes.contains(p)),
                "legitimateInterests": ids(&|_| false),
            },
            "vendor": {
                "consents": vendor_consents,
                "legitimateInterests": vendor_none,
                "disclosedVendors": disclosed,
            },
            "specialFeatureOptins": {"1": false, "2": false},
            "publisher": {
                "consents": {},
                "legitimateInterests": {},
                "customPurpose": {"consents": {}, "legitimateInterests": {}},
                "restrictions": {},
            },
            "decided": decided,
            "bannerShown": !decided && regime != Regime::None,
            "gpp": {
                "gppVersion": "1.1",
                "supportedAPIs": ["2:tcfeuv2", "7:usnat"],
                "sectionList": signal.section_list,
                "gppString": signal.gpp_string,
                "applicableSections": signal.applicable_sections,
                "parsedSections": parsed,
            },
        });
        TcfView {
            tc_string,
            gpp_string,
            data,
        }
    }
}

/// What a TCF view is for.
#[derive(Debug, Clone, Copy)]
pub struct TcfAsk<'a> {
    /// What the visitor's consent allows.
    pub grants: Grants,
    /// The regime where they are.
    pub regime: Regime,
    /// The browser sent Global Privacy Control.
    pub gpc: bool,
    /// The visitor's US state, when known (`"CA"`).
    pub us_state: Option<&'a str>,
    /// The visitor has decided.
    pub decided: bool,
    /// The banner's language.
    pub language: Language,
    /// Seconds since the Unix epoch.
    pub now: u64,
}

/// Logs a TC string a browser sent when it does not decode; it is never used either way.
pub fn note_client_string(value: &str) {
    if let Err(e) = tcf::decode(value) {
        tracing::debug!(error = %e, "a malformed euconsent-v2 cookie was ignored");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> SiteTcfEngine {
        let site = SiteTcf {
            vendors: vec![1, 2, 3],
            hosts: [
                (1, vec!["ads.one.test".to_owned()]),
                (3, vec!["three.test/js/".to_owned()]),
            ]
            .into_iter()
            .collect(),
        };
        let described = [
            TcfVendor {
                id: 1,
                name: "One".into(),
                purposes: [1u8, 2, 7].into_iter().collect(),
            },
            TcfVendor {
                id: 2,
                name: "Two".into(),
                purposes: [1u8, 8, 9].into_iter().collect(),
            },
        ];
        SiteTcfEngine::new(&TcfSettings::default(), &site, None, &described)
    }

    #[test]
    fn categories_grant_their_purposes_and_storage_with_any() {
        assert!(SiteTcfEngine::purposes(Grants::NECESSARY_ONLY).is_empty());
        let analytics = SiteTcfEngine::purposes(Grants::of([Category::Analytics]));
        assert_eq!(analytics.iter().collect::<Vec<_>>(), [1, 8, 9, 10]);
        assert_eq!(SiteTcfEngine::purposes(Grants::ALL).len(), 11);
    }

    #[test]
    fn a_vendor_has_consent_when_all_it_asks_for_is_granted() {
        let tcf = engine();
        let ids = |g: Grants| tcf.consented(g).iter().collect::<Vec<_>>();
        assert_eq!(ids(Grants::ALL), [1, 2, 3]);
        assert_eq!(ids(Grants::of([Category::Marketing])), [1, 3]);
        assert_eq!(ids(Grants::of([Category::Analytics])), [2]);
        assert!(ids(Grants::NECESSARY_ONLY).is_empty());
        // Vendor 3 is not in the list: it needs what advertising needs.
        let withheld = tcf.withheld(Grants::of([Category::Analytics]));
        assert_eq!(withheld.vendor_at("https://ads.one.test/a.js"), Some("One"));
        assert_eq!(
            withheld.vendor_at("https://three.test/js/x.js"),
            Some("Vendor 3")
        );
        assert!(tcf.withheld(Grants::ALL).is_empty());
    }

    #[test]
    fn a_vendor_the_list_deleted_is_left_out() {
        let mut list: Value =
            serde_json::from_str(include_str!("tcf/testdata/gvl/vendor-list-v15.json"))
                .expect("json");
        list["vendors"]["2"]["deletedDate"] = json!("2023-01-01T00:00:00Z");
        let gvl = tcf::Gvl::parse(&list.to_string()).expect("list");
        let site = SiteTcf {
            vendors: vec![1, 2],
            hosts: Default::default(),
        };
        let tcf = SiteTcfEngine::new(
            &TcfSettings::default(),
            &site,
            Some(&gvl),
            &TcfVendor::described(&gvl, &site.vendors),
        );
        assert_eq!(tcf.vendors().iter().map(|v| v.id).collect::<Vec<_>>(), [1]);
        let model =
            tcf::decode(&tcf.tc_string(Grants::ALL, Language::En, 1_800_000_000)).expect("decodes");
        assert_eq!(
            model.vendor_consents.vendors.iter().collect::<Vec<_>>(),
            [1]
        );
        assert_eq!(
            model
                .disclosed_vendors
                .map(|d| d.vendors.iter().collect::<Vec<_>>()),
            Some(vec![1])
        );
    }

    #[test]
    fn the_string_says_what_the_view_says() {
        let tcf = engine();
        let view = tcf.view(TcfAsk {
            grants: Grants::of([Category::Marketing]),
            regime: Regime::OptIn,
            gpc: false,
            us_state: None,
            decided: true,
            language: Language::Nl,
            now: 1_800_000_000,
        });
        let model = tcf::decode(&view.tc_string).expect("decodes");
        assert_eq!(model.consent_language.as_str(), "NL");
        assert_eq!(
            model.vendor_consents.vendors.iter().collect::<Vec<_>>(),
            [1, 3]
        );
        assert_eq!(view.data["vendor"]["consents"]["2"], false);
        assert_eq!(
            view.data["gpp"]["applicableSections"],
            serde_json::json!([2])
        );
        // Under opt-out, no TC string: the US section says what was opted out of.
        let us = tcf.view(TcfAsk {
            regime: Regime::OptOut,
            gpc: true,
            ..TcfAsk {
                grants: Grants::ALL.without(Category::Marketing),
                regime: Regime::OptIn,
                gpc: false,
                us_state: Some("CA"),
                decided: false,
                language: Language::En,
                now: 1_800_000_000,
            }
        });
        assert!(us.tc_string.is_empty());
        assert_eq!(us.data["gdprApplies"], false);
        assert_eq!(us.data["gpp"]["applicableSections"], serde_json::json!([7]));
        let gpp = crate::gpp::GppString::decode(&us.gpp_string).expect("decodes");
        let Some(crate::gpp::Section::UsNat(usnat)) = gpp.section(7) else {
            panic!("no US section: {gpp:?}");
        };
        assert_eq!(usnat.sale_opt_out, crate::gpp::OptOut::OptedOut);
        assert_eq!(usnat.gpc, Some(true));
    }
}
