//! Translations of the GVL's texts (`purposes-xx.json`), put in place of the English ones.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{check_ids, Gvl, GvlError, Section};

impl Gvl {
    /// Puts the names, descriptions and illustrations of a translation in place of the
    /// English ones, and records its language. Returns what stays in English: entries the
    /// translation lacks, and entries whose illustrations it lacks (files of GVL v2 carry
    /// none). Vendor declarations are never translated: they are the vendors' own.
    pub fn translate(
        &mut self,
        language: &str,
        translation: &GvlTranslation,
    ) -> Result<Vec<Untranslated>, GvlError> {
        if let Some(version) = translation.tcf_policy_version {
            if version != self.tcf_policy_version {
                return Err(GvlError::PolicyMismatch {
                    list: self.tcf_policy_version,
                    translation: version,
                });
            }
        }
        let mut left = Vec::new();
        for (section, items, texts) in [
            (Section::Purposes, &mut self.purposes, &translation.purposes),
            (
                Section::SpecialPurposes,
                &mut self.special_purposes,
                &translation.special_purposes,
            ),
        ] {
            for (id, purpose) in items.iter_mut() {
                let text = texts.get(&u16::from(*id));
                let done = apply(&mut purpose.name, &mut purpose.description, text);
                let pictures = apply_illustrations(&mut purpose.illustrations, text);
                note(&mut left, section, (*id).into(), done, pictures);
            }
        }
        for (section, items, texts) in [
            (Section::Features, &mut self.features, &translation.features),
            (
                Section::SpecialFeatures,
                &mut self.special_features,
                &translation.special_features,
            ),
        ] {
            for (id, feature) in items.iter_mut() {
                let text = texts.get(&u16::from(*id));
                let done = apply(&mut feature.name, &mut feature.description, text);
                let pictures = apply_illustrations(&mut feature.illustrations, text);
                note(&mut left, section, (*id).into(), done, pictures);
            }
        }
        for (id, stack) in &mut self.stacks {
            let text = translation.stacks.get(id);
            let done = apply(&mut stack.name, &mut stack.description, text);
            note(&mut left, Section::Stacks, *id, done, true);
        }
        for (id, category) in &mut self.data_categories {
            let text = translation.data_categories.get(id);
            let done = apply(&mut category.name, &mut category.description, text);
            note(&mut left, Section::DataCategories, *id, done, true);
        }
        self.language = language.to_ascii_lowercase();
        Ok(left)
    }
}

/// A translation file, `purposes-xx.json`: names, descriptions and illustrations of the
/// purposes, special purposes, features, special features, stacks and data categories.
/// Files of GVL v2 (no illustrations, no data categories) read as well.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GvlTranslation {
    /// `tcfPolicyVersion`, when the file says.
    #[serde(default)]
    pub tcf_policy_version: Option<u8>,
    /// `vendorListVersion`, when the file says.
    #[serde(default)]
    pub vendor_list_version: Option<u16>,
    /// Purposes, by id.
    #[serde(default)]
    pub purposes: BTreeMap<u16, TranslatedText>,
    /// Special purposes, by id.
    #[serde(default)]
    pub special_purposes: BTreeMap<u16, TranslatedText>,
    /// Features, by id.
    #[serde(default)]
    pub features: BTreeMap<u16, TranslatedText>,
    /// Special features, by id.
    #[serde(default)]
    pub special_features: BTreeMap<u16, TranslatedText>,
    /// Stacks, by id.
    #[serde(default)]
    pub stacks: BTreeMap<u16, TranslatedText>,
    /// Data categories, by id.
    #[serde(default)]
    pub data_categories: BTreeMap<u16, TranslatedText>,
}

/// The texts of one entry in a translation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranslatedText {
    /// The entry's id.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its illustrations, when the file has them.
    #[serde(default)]
    pub illustrations: Option<Vec<String>>,
}

impl GvlTranslation {
    /// Reads a `purposes-xx.json`.
    pub fn parse(json: &str) -> Result<GvlTranslation, GvlError> {
        let translation: GvlTranslation =
            serde_json::from_str(json).map_err(|source| GvlError::Json {
                what: "translation",
                source,
            })?;
        for (section, texts) in [
            (Section::Purposes, &translation.purposes),
            (Section::SpecialPurposes, &translation.special_purposes),
            (Section::Features, &translation.features),
            (Section::SpecialFeatures, &translation.special_features),
            (Section::Stacks, &translation.stacks),
            (Section::DataCategories, &translation.data_categories),
        ] {
            check_ids(section, texts, |t| t.id)?;
        }
        Ok(translation)
    }
}

/// An entry a translation left (wholly or partly) in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Untranslated {
    /// Its section.
    pub section: Section,
    /// Its id.
    pub id: u16,
    /// Only its illustrations are left in English; its name and description were
    /// translated.
    pub illustrations_only: bool,
}

fn apply(name: &mut String, description: &mut String, text: Option<&TranslatedText>) -> bool {
    match text {
        Some(text) => {
            name.clone_from(&text.name);
            description.clone_from(&text.description);
            true
        }
        None => false,
    }
}

/// Replaces illustrations the translation has; whether none are left untranslated.
fn apply_illustrations(illustrations: &mut Vec<String>, text: Option<&TranslatedText>) -> bool {
    match text.and_then(|t| t.illustrations.as_ref()) {
        Some(translated) => {
            illustrations.clone_from(translated);
            true
        }
        None => illustrations.is_empty(),
    }
}

fn note(left: &mut Vec<Untranslated>, section: Section, id: u16, done: bool, pictures: bool) {
    if !done || !pictures {
        left.push(Untranslated {
            section,
            id,
            illustrations_only: done,
        });
    }
}
