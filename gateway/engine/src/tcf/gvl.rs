//! The Global Vendor List (GVL v3, `vendor-list.json`) and its translations
//! (`purposes-xx.json`), as the IAB's "Consent string and vendor list formats" describes
//! them. Read from text the host hands in; fields this model does not know are ignored, so
//! a list published with more fields still reads.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer};

mod translation;

pub use translation::{GvlTranslation, TranslatedText, Untranslated};

/// The GVL format this module reads (`gvlSpecificationVersion`).
pub const GVL_SPECIFICATION_VERSION: u8 = 3;

/// The Global Vendor List.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gvl {
    /// `gvlSpecificationVersion`: 3.
    pub gvl_specification_version: u8,
    /// `vendorListVersion`, written into TC strings as `VendorListVersion`.
    pub vendor_list_version: u16,
    /// `tcfPolicyVersion`, written into TC strings as `TcfPolicyVersion`.
    pub tcf_policy_version: u8,
    /// `lastUpdated`, as published (RFC 3339, e.g. `2023-06-29T16:07:26Z`).
    pub last_updated: String,
    /// The purposes, by id.
    #[serde(default)]
    pub purposes: BTreeMap<u8, Purpose>,
    /// The special purposes (legitimate interest, no right to object), by id.
    #[serde(default)]
    pub special_purposes: BTreeMap<u8, Purpose>,
    /// The features, by id.
    #[serde(default)]
    pub features: BTreeMap<u8, Feature>,
    /// The special features (opt-in), by id.
    #[serde(default)]
    pub special_features: BTreeMap<u8, Feature>,
    /// The stacks: purposes and special features a CMP may present together, by id.
    #[serde(default)]
    pub stacks: BTreeMap<u16, Stack>,
    /// The categories of data vendors declare, by id.
    #[serde(default)]
    pub data_categories: BTreeMap<u16, DataCategory>,
    /// The vendors, by id; deleted vendors stay, with `deletedDate`.
    pub vendors: BTreeMap<u16, Vendor>,
    /// The language of the names and descriptions: `en` as published, another after
    /// [`Gvl::translate`].
    #[serde(skip, default = "english")]
    pub language: String,
}

fn english() -> String {
    "en".to_owned()
}

/// A purpose or a special purpose.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Purpose {
    /// Its id.
    pub id: u8,
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Examples of it, as the policies word them.
    #[serde(default)]
    pub illustrations: Vec<String>,
    /// Whether a CMP may ask for consent to it (`false` for special purposes and purposes
    /// such as 10 in policy version 4 on; absent means `true`).
    #[serde(default = "yes")]
    pub consentable: bool,
    /// Whether a CMP lets the user object to it (absent means `true`).
    #[serde(default = "yes")]
    pub right_to_object: bool,
}

fn yes() -> bool {
    true
}

/// A feature or a special feature.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    /// Its id.
    pub id: u8,
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Examples of it.
    #[serde(default)]
    pub illustrations: Vec<String>,
}

/// A stack: purposes and special features presented as one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stack {
    /// Its id.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// The purposes it groups.
    #[serde(default)]
    pub purposes: Vec<u8>,
    /// The special features it groups.
    #[serde(default)]
    pub special_features: Vec<u8>,
}

/// A category of data a vendor declares it collects.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataCategory {
    /// Its id.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// What it covers.
    pub description: String,
}

/// A registered vendor and what it declares.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vendor {
    /// Its id, which a TC string's vendor sections use.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// Purposes it performs on consent.
    #[serde(default)]
    pub purposes: Vec<u8>,
    /// Purposes it performs on legitimate interest.
    #[serde(default)]
    pub leg_int_purposes: Vec<u8>,
    /// Purposes (from the two lists above) whose legal basis a publisher restriction may
    /// switch.
    #[serde(default)]
    pub flexible_purposes: Vec<u8>,
    /// Special purposes it performs (legitimate interest, no right to object).
    #[serde(default)]
    pub special_purposes: Vec<u8>,
    /// Features it uses.
    #[serde(default)]
    pub features: Vec<u8>,
    /// Special features it uses (opt-in).
    #[serde(default)]
    pub special_features: Vec<u8>,
    /// The longest its cookies live, in seconds; 0 or less for session cookies; `None`
    /// (`null`) when it uses none.
    #[serde(default, deserialize_with = "seconds")]
    pub cookie_max_age_seconds: Option<i64>,
    /// Whether it stores cookies; `None` when the list does not say.
    #[serde(default)]
    pub uses_cookies: Option<bool>,
    /// Whether it refreshes its cookies after they are set.
    #[serde(default)]
    pub cookie_refresh: Option<bool>,
    /// Whether it stores or reads anything else on the device (local storage, ...).
    #[serde(default)]
    pub uses_non_cookie_access: Option<bool>,
    /// How long it keeps data, in days, per purpose.
    #[serde(default)]
    pub data_retention: Option<DataRetention>,
    /// Its privacy policy and legitimate interest claim, per language.
    #[serde(default)]
    pub urls: Vec<VendorUrl>,
    /// The categories of data it collects.
    #[serde(default)]
    pub data_declaration: Vec<u16>,
    /// Where its device storage disclosure (JSON) is published.
    #[serde(default)]
    pub device_storage_disclosure_url: Option<String>,
    /// When it left the list (RFC 3339); a deleted vendor must not be shown to users.
    #[serde(default)]
    pub deleted_date: Option<String>,
    /// The longest URL it takes a TC string in (`overflow.httpGetLimit`, kilobytes).
    #[serde(default)]
    pub overflow: Option<Overflow>,
}

/// How long a vendor keeps data, in days.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataRetention {
    /// The period for every purpose not listed below, when the vendor keeps one for all.
    #[serde(default)]
    pub std_retention: Option<u32>,
    /// Periods per purpose id.
    #[serde(default)]
    pub purposes: BTreeMap<u8, u32>,
    /// Periods per special purpose id.
    #[serde(default)]
    pub special_purposes: BTreeMap<u8, u32>,
}

/// A vendor's links in one language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorUrl {
    /// The language (ISO 639-1, lower case).
    pub lang_id: String,
    /// Its privacy policy.
    pub privacy: String,
    /// Its legitimate interest claim, when it claims legitimate interest.
    #[serde(default)]
    pub leg_int_claim: Option<String>,
}

/// A vendor's limit on URL length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Overflow {
    /// 32 or 128 (kilobytes).
    pub http_get_limit: u32,
}

/// The legal basis on which a vendor declares a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegalBasis {
    /// Consent (`purposes`).
    Consent,
    /// Legitimate interest (`legIntPurposes`).
    LegitimateInterest,
}

/// A vendor's declaration of one purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Declared {
    /// Its default legal basis.
    pub basis: LegalBasis,
    /// Whether a publisher restriction may switch it (`flexiblePurposes`).
    pub flexible: bool,
}

/// A section of the list, to say where something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// `purposes`.
    Purposes,
    /// `specialPurposes`.
    SpecialPurposes,
    /// `features`.
    Features,
    /// `specialFeatures`.
    SpecialFeatures,
    /// `stacks`.
    Stacks,
    /// `dataCategories`.
    DataCategories,
    /// `vendors`.
    Vendors,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Section::Purposes => "purposes",
            Section::SpecialPurposes => "specialPurposes",
            Section::Features => "features",
            Section::SpecialFeatures => "specialFeatures",
            Section::Stacks => "stacks",
            Section::DataCategories => "dataCategories",
            Section::Vendors => "vendors",
        })
    }
}

/// Why a vendor list or a translation could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GvlError {
    /// Not JSON of the expected shape: the message names the field, line and column.
    #[error("not a GVL v3 {what}: {source}")]
    Json {
        /// `vendor list` or `translation`.
        what: &'static str,
        /// serde_json's error, with its line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A `gvlSpecificationVersion` other than 3.
    #[error("gvlSpecificationVersion {0} is not supported (this reads version 3, vendor-list.consensu.org/v3)")]
    UnsupportedSpecification(u8),
    /// An entry's key does not match its `id`.
    #[error("{section} entry \"{key}\" has id {id}")]
    IdMismatch {
        /// The section.
        section: Section,
        /// The key.
        key: u16,
        /// The id inside.
        id: u16,
    },
    /// The translation is of another TCF policy version than the list.
    #[error("the translation is of TCF policy version {translation}, the vendor list of {list}")]
    PolicyMismatch {
        /// The list's `tcfPolicyVersion`.
        list: u8,
        /// The translation's.
        translation: u8,
    },
}

impl Gvl {
    /// Reads a `vendor-list.json` of GVL specification version 3.
    pub fn parse(json: &str) -> Result<Gvl, GvlError> {
        let gvl: Gvl = serde_json::from_str(json).map_err(|source| GvlError::Json {
            what: "vendor list",
            source,
        })?;
        if gvl.gvl_specification_version != GVL_SPECIFICATION_VERSION {
            return Err(GvlError::UnsupportedSpecification(
                gvl.gvl_specification_version,
            ));
        }
        check_ids(Section::Purposes, &gvl.purposes, |p| p.id.into())?;
        check_ids(Section::SpecialPurposes, &gvl.special_purposes, |p| {
            p.id.into()
        })?;
        check_ids(Section::Features, &gvl.features, |f| f.id.into())?;
        check_ids(Section::SpecialFeatures, &gvl.special_features, |f| {
            f.id.into()
        })?;
        check_ids(Section::Stacks, &gvl.stacks, |s| s.id)?;
        check_ids(Section::DataCategories, &gvl.data_categories, |d| d.id)?;
        check_ids(Section::Vendors, &gvl.vendors, |v| v.id)?;
        Ok(gvl)
    }

    /// A purpose by id.
    pub fn purpose(&self, id: u8) -> Option<&Purpose> {
        self.purposes.get(&id)
    }

    /// A special purpose by id.
    pub fn special_purpose(&self, id: u8) -> Option<&Purpose> {
        self.special_purposes.get(&id)
    }

    /// A feature by id.
    pub fn feature(&self, id: u8) -> Option<&Feature> {
        self.features.get(&id)
    }

    /// A special feature by id.
    pub fn special_feature(&self, id: u8) -> Option<&Feature> {
        self.special_features.get(&id)
    }

    /// A stack by id.
    pub fn stack(&self, id: u16) -> Option<&Stack> {
        self.stacks.get(&id)
    }

    /// A data category by id.
    pub fn data_category(&self, id: u16) -> Option<&DataCategory> {
        self.data_categories.get(&id)
    }

    /// A vendor by id, deleted or not.
    pub fn vendor(&self, id: u16) -> Option<&Vendor> {
        self.vendors.get(&id)
    }

    /// The vendors not deleted, by id.
    pub fn active_vendors(&self) -> impl Iterator<Item = &Vendor> {
        self.vendors.values().filter(|v| !v.is_deleted())
    }

    /// The vendors not deleted that declare `purpose`, on either legal basis.
    pub fn vendors_for_purpose(&self, purpose: u8) -> impl Iterator<Item = &Vendor> {
        self.active_vendors()
            .filter(move |v| v.purpose(purpose).is_some())
    }
}

impl Vendor {
    /// Whether the vendor has left the list. As in the reference library, a vendor with a
    /// `deletedDate` counts as deleted whatever the date.
    pub fn is_deleted(&self) -> bool {
        self.deleted_date.is_some()
    }

    /// How the vendor declares `purpose`, if it does.
    pub fn purpose(&self, purpose: u8) -> Option<Declared> {
        let basis = if self.purposes.contains(&purpose) {
            LegalBasis::Consent
        } else if self.leg_int_purposes.contains(&purpose) {
            LegalBasis::LegitimateInterest
        } else {
            return None;
        };
        Some(Declared {
            basis,
            flexible: self.flexible_purposes.contains(&purpose),
        })
    }

    /// Its links in `language`, else in English, else the first listed.
    pub fn urls_for(&self, language: &str) -> Option<&VendorUrl> {
        let find = |lang: &str| {
            self.urls
                .iter()
                .find(|u| u.lang_id.eq_ignore_ascii_case(lang))
        };
        find(language)
            .or_else(|| find("en"))
            .or_else(|| self.urls.first())
    }

    /// How many days it keeps data for `purpose`: its own period, else its standard one.
    pub fn retention_days(&self, purpose: u8) -> Option<u32> {
        let retention = self.data_retention.as_ref()?;
        retention
            .purposes
            .get(&purpose)
            .copied()
            .or(retention.std_retention)
    }
}

/// Every entry of a section has its key as its id.
pub(crate) fn check_ids<K, T>(
    section: Section,
    items: &BTreeMap<K, T>,
    id: impl Fn(&T) -> u16,
) -> Result<(), GvlError>
where
    K: Copy + Into<u16>,
{
    for (key, item) in items {
        let key: u16 = (*key).into();
        if key != id(item) {
            return Err(GvlError::IdMismatch {
                section,
                key,
                id: id(item),
            });
        }
    }
    Ok(())
}

/// `cookieMaxAgeSeconds`: an integer, `null`, or (in some lists) a number with a fraction,
/// which is cut to whole seconds.
fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<f64>::deserialize(deserializer)?;
    Ok(value.map(|v| v as i64))
}
