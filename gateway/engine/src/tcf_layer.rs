//! The IAB TCF part of the banner's settings layer (its "second layer"), built from the Global
//! Vendor List and its translations for a site's vendors, in each of the banner's languages.
//!
//! The hosts read the list (`vendor-list.json`) and the translations IAB Europe publishes
//! beside it (`purposes-de.json`, `purposes-fr.json`, `purposes-nl.json`) into a
//! [`TranslatedGvl`]; the engine builds each TCF site's [`TcfLayers`] from it once, and the
//! banner shows the layer of the visitor's language ([`consentry_banner::TcfLayer`], plain data:
//! the banner crate knows nothing of the GVL). Texts a translation lacks stay in English and
//! say so (`lang="en"`); a language without a translation is English throughout, apart from the
//! banner's own words.
//!
//! What each vendor needs for consent is what [`SiteTcfEngine::consented`] decides from: the
//! purposes it declares for consent, each allowed by the categories of
//! [`SiteTcfEngine::purposes`]; so the layer and the TC string never disagree.

use std::sync::Arc;

use consentry_banner::{Language, TcfEntry, TcfLayer, TcfLayerVendor, TcfStorage, TcfUse};
use consentry_config::Category;

use crate::tcf::gvl::{Feature, Purpose, Section, Untranslated, Vendor};
use crate::tcf::{Gvl, GvlError, GvlTranslation};
use crate::tcf_site::{SiteTcfEngine, TcfVendor};
use crate::Grants;

/// The optional categories, in the order the banner lists them.
const OPTIONAL: [Category; 3] = [
    Category::Preferences,
    Category::Analytics,
    Category::Marketing,
];

/// The Global Vendor List with the texts of its purposes, features and data categories in
/// each language a translation was given for.
#[derive(Debug, Clone)]
pub struct TranslatedGvl {
    gvl: Gvl,
    /// Per translated language: the list's texts (without vendors) and what stayed English.
    texts: Vec<(Language, Texts)>,
}

#[derive(Debug, Clone)]
struct Texts {
    gvl: Gvl,
    untranslated: Vec<Untranslated>,
}

impl TranslatedGvl {
    /// The list, in English only.
    pub fn new(gvl: Gvl) -> TranslatedGvl {
        TranslatedGvl {
            gvl,
            texts: Vec::new(),
        }
    }

    /// Puts `translation` (a `purposes-xx.json`) in for `language`, in place of one given
    /// before. A translation of another TCF policy version than the list's is refused
    /// ([`GvlError::PolicyMismatch`]): its texts describe other purposes. Giving one for
    /// English replaces nothing.
    pub fn translate(
        &mut self,
        language: Language,
        translation: &GvlTranslation,
    ) -> Result<(), GvlError> {
        if language == Language::En {
            return Ok(());
        }
        let mut texts = self.gvl.clone();
        texts.vendors.clear();
        let untranslated = texts.translate(language.code(), translation)?;
        self.texts.retain(|(l, _)| *l != language);
        self.texts.push((
            language,
            Texts {
                gvl: texts,
                untranslated,
            },
        ));
        Ok(())
    }

    /// The list itself (its vendors and their declarations, texts in English).
    pub fn gvl(&self) -> &Gvl {
        &self.gvl
    }

    /// The languages translated, in the order they were given.
    pub fn languages(&self) -> impl Iterator<Item = Language> + '_ {
        self.texts.iter().map(|(l, _)| *l)
    }

    /// The layer of `vendors` (a site's, as [`SiteTcfEngine::vendors`] has them) in every
    /// banner language.
    pub fn layers(&self, vendors: &[TcfVendor]) -> TcfLayers {
        TcfLayers {
            by_language: Language::ALL
                .into_iter()
                .map(|language| (language, Arc::new(self.layer(language, vendors))))
                .collect(),
        }
    }

    /// The layer of `vendors` in `language`: the list's purposes, special purposes, features
    /// and special features, and each vendor the list has not deleted with what it declares.
    /// A vendor the list lacks is named with what it is taken to ask consent for.
    pub fn layer(&self, language: Language, vendors: &[TcfVendor]) -> TcfLayer {
        let (texts, untranslated): (&Gvl, &[Untranslated]) = self
            .texts
            .iter()
            .find(|(l, _)| *l == language)
            .map_or((&self.gvl, &[]), |(_, t)| (&t.gvl, &t.untranslated));
        // Without a translation everything but English is left in English.
        let all_english = language != Language::En && texts.language == "en";
        let english = |section: Section, id: u16| -> (bool, bool) {
            if all_english {
                return (true, true);
            }
            match untranslated
                .iter()
                .find(|u| u.section == section && u.id == id)
            {
                Some(u) => (!u.illustrations_only, true),
                None => (false, false),
            }
        };
        let view = View {
            texts,
            english: &english,
        };
        TcfLayer {
            purposes: texts
                .purposes
                .values()
                .map(|p| view.purpose(Section::Purposes, p, allowed_with(p.id)))
                .collect(),
            special_purposes: texts
                .special_purposes
                .values()
                .map(|p| view.purpose(Section::SpecialPurposes, p, Vec::new()))
                .collect(),
            features: texts
                .features
                .values()
                .map(|f| view.feature(Section::Features, f))
                .collect(),
            special_features: texts
                .special_features
                .values()
                .map(|f| view.feature(Section::SpecialFeatures, f))
                .collect(),
            vendors: vendors
                .iter()
                .filter_map(|v| match self.gvl.vendor(v.id) {
                    Some(listed) if listed.is_deleted() => None,
                    listed => Some(view.vendor(language, v, listed)),
                })
                .collect(),
        }
    }
}

/// A site's TCF layer in each of the banner's languages, built once.
#[derive(Debug, Clone, Default)]
pub struct TcfLayers {
    by_language: Vec<(Language, Arc<TcfLayer>)>,
}

impl TcfLayers {
    /// The layer in `language`.
    pub fn get(&self, language: Language) -> Option<&TcfLayer> {
        self.by_language
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, layer)| layer.as_ref())
    }
}

/// The categories that allow purpose `id`, any one of them.
fn allowed_with(id: u8) -> Vec<Category> {
    OPTIONAL
        .into_iter()
        .filter(|c| SiteTcfEngine::purposes(Grants::of([*c])).contains(id))
        .collect()
}

/// The categories that must all be allowed for a vendor asking consent for `purposes` to have
/// it. Purpose 1 comes with any category, so it adds none.
fn needs(purposes: impl IntoIterator<Item = u8>) -> Vec<Category> {
    let mut needs: Vec<Category> = Vec::new();
    for purpose in purposes.into_iter().filter(|p| *p != 1) {
        for category in allowed_with(purpose) {
            if !needs.contains(&category) {
                needs.push(category);
            }
        }
    }
    OPTIONAL.into_iter().filter(|c| needs.contains(c)).collect()
}

/// The texts of one language, and which of them stayed English.
struct View<'a> {
    texts: &'a Gvl,
    /// (name and description, illustrations) left in English, by section and id.
    english: &'a dyn Fn(Section, u16) -> (bool, bool),
}

impl View<'_> {
    fn purpose(&self, section: Section, p: &Purpose, allowed_with: Vec<Category>) -> TcfEntry {
        let (english, english_illustrations) = (self.english)(section, p.id.into());
        TcfEntry {
            id: p.id.into(),
            name: p.name.trim().to_owned(),
            description: p.description.trim().to_owned(),
            illustrations: p.illustrations.clone(),
            english,
            english_illustrations,
            allowed_with,
        }
    }

    fn feature(&self, section: Section, f: &Feature) -> TcfEntry {
        let (english, english_illustrations) = (self.english)(section, f.id.into());
        TcfEntry {
            id: f.id.into(),
            name: f.name.trim().to_owned(),
            description: f.description.trim().to_owned(),
            illustrations: f.illustrations.clone(),
            english,
            english_illustrations,
            allowed_with: Vec::new(),
        }
    }

    /// What `section`'s entry `id` is called, for a vendor's lists.
    fn named(&self, section: Section, id: u16, retention_days: Option<u32>) -> TcfUse {
        let name = match section {
            Section::Purposes => u8::try_from(id)
                .ok()
                .and_then(|id| self.texts.purpose(id))
                .map(|p| p.name.as_str()),
            Section::SpecialPurposes => u8::try_from(id)
                .ok()
                .and_then(|id| self.texts.special_purpose(id))
                .map(|p| p.name.as_str()),
            Section::Features => u8::try_from(id)
                .ok()
                .and_then(|id| self.texts.feature(id))
                .map(|f| f.name.as_str()),
            Section::SpecialFeatures => u8::try_from(id)
                .ok()
                .and_then(|id| self.texts.special_feature(id))
                .map(|f| f.name.as_str()),
            Section::DataCategories => self.texts.data_category(id).map(|d| d.name.as_str()),
            Section::Stacks | Section::Vendors => None,
        };
        TcfUse {
            id,
            // An id the list does not describe is shown as it is, which is all there is.
            name: name.map_or_else(|| format!("#{id}"), |n| n.trim().to_owned()),
            retention_days,
            english: name.is_some() && (self.english)(section, id).0,
        }
    }

    fn vendor(
        &self,
        language: Language,
        site: &TcfVendor,
        listed: Option<&Vendor>,
    ) -> TcfLayerVendor {
        let consent: Vec<TcfUse> = site
            .purposes
            .iter()
            .map(|p| {
                let days = listed.and_then(|v| v.retention_days(p));
                self.named(Section::Purposes, p.into(), days)
            })
            .collect();
        let needs = needs(site.purposes.iter());
        let Some(v) = listed else {
            return TcfLayerVendor {
                id: site.id,
                name: site.name.clone(),
                consent,
                needs,
                ..TcfLayerVendor::default()
            };
        };
        let list = |section: Section, ids: &[u8], days: &dyn Fn(u8) -> Option<u32>| {
            ids.iter()
                .map(|id| self.named(section, (*id).into(), days(*id)))
                .collect::<Vec<_>>()
        };
        let none = |_: u8| None;
        let special_retention = |id: u8| {
            let retention = v.data_retention.as_ref()?;
            retention
                .special_purposes
                .get(&id)
                .copied()
                .or(retention.std_retention)
        };
        let legitimate_interest: Vec<u8> = v
            .leg_int_purposes
            .iter()
            .copied()
            .filter(|p| !site.purposes.contains(*p))
            .collect();
        let urls = v.urls_for(language.code());
        TcfLayerVendor {
            id: v.id,
            name: v.name.clone(),
            consent,
            legitimate_interest: list(Section::Purposes, &legitimate_interest, &|p| {
                v.retention_days(p)
            }),
            special_purposes: list(
                Section::SpecialPurposes,
                &v.special_purposes,
                &special_retention,
            ),
            features: list(Section::Features, &v.features, &none),
            special_features: list(Section::SpecialFeatures, &v.special_features, &none),
            data_categories: v
                .data_declaration
                .iter()
                .map(|id| self.named(Section::DataCategories, *id, None))
                .collect(),
            storage: TcfStorage {
                uses_cookies: v.uses_cookies,
                cookie_max_age_seconds: v.cookie_max_age_seconds,
                cookie_refresh: v.cookie_refresh,
                uses_non_cookie_access: v.uses_non_cookie_access,
            },
            privacy_url: urls.map(|u| u.privacy.clone()),
            legitimate_interest_url: urls.and_then(|u| u.leg_int_claim.clone()),
            needs,
        }
    }
}

#[cfg(test)]
mod tests;
