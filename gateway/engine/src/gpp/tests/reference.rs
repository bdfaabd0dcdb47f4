//! Strings the reference library (`@iabgpp/cmpapi` 3.2.0) encoded from random models of every
//! modelled US section, from random sets of sections, and from the values the product writes
//! (`testdata/reference/generate.mjs` made `vectors.json`; see `testdata/SOURCES.md`). The same
//! models encode to the same strings here, and the strings decode to the same models.

use consentry_config::Regime;
use serde_json::Value;

use crate::gpp::values::TwoBit;
use crate::gpp::*;

const VECTORS: &str = include_str!("../testdata/reference/vectors.json");

fn vectors() -> Vec<Value> {
    match serde_json::from_str(VECTORS) {
        Ok(Value::Array(vectors)) => vectors,
        other => panic!("vectors.json: {other:?}"),
    }
}

/// A two-bit value, as the reference wrote it.
fn value<T: TwoBit>(fields: &Value, name: &str) -> T {
    let bits = fields[name]
        .as_u64()
        .unwrap_or_else(|| panic!("{name}: {fields}"));
    T::from_bits(bits as u8).unwrap_or_else(|| panic!("{name} = {bits}"))
}

/// A list of two-bit values; a single number is a list of one (the states' one-entry lists).
fn list<T: TwoBit>(fields: &Value, name: &str) -> Vec<T> {
    let bits: Vec<u64> = match &fields[name] {
        Value::Array(items) => items.iter().filter_map(Value::as_u64).collect(),
        Value::Number(n) => n.as_u64().into_iter().collect(),
        other => panic!("{name}: {other}"),
    };
    bits.into_iter()
        .map(|b| T::from_bits(b as u8).unwrap_or_else(|| panic!("{name} = {b}")))
        .collect()
}

/// The first `list.len()` entries of `out`, the rest "not applicable".
fn fill<T: Copy, const N: usize>(mut out: [T; N], list: &[T]) -> [T; N] {
    out[..list.len()].copy_from_slice(list);
    out
}

fn mspa(fields: &Value) -> Mspa {
    Mspa {
        covered_transaction: value(fields, "MspaCoveredTransaction"),
        opt_out_option_mode: value(fields, "MspaOptOutOptionMode"),
        service_provider_mode: value(fields, "MspaServiceProviderMode"),
    }
}

/// The model of a section the reference library encoded.
fn model(entry: &Value) -> Section {
    let name = entry["name"].as_str().unwrap_or_default();
    let f = &entry["fields"];
    let gpc = entry["gpc"].as_bool();
    match name {
        "usnat" => Section::UsNat(UsNat {
            version: match entry["version"].as_u64() {
                Some(1) => UsNatVersion::V1,
                _ => UsNatVersion::V2,
            },
            sharing_notice: value(f, "SharingNotice"),
            sale_opt_out_notice: value(f, "SaleOptOutNotice"),
            sharing_opt_out_notice: value(f, "SharingOptOutNotice"),
            targeted_advertising_opt_out_notice: value(f, "TargetedAdvertisingOptOutNotice"),
            sensitive_data_processing_opt_out_notice: value(
                f,
                "SensitiveDataProcessingOptOutNotice",
            ),
            sensitive_data_limit_use_notice: value(f, "SensitiveDataLimitUseNotice"),
            sale_opt_out: value(f, "SaleOptOut"),
            sharing_opt_out: value(f, "SharingOptOut"),
            targeted_advertising_opt_out: value(f, "TargetedAdvertisingOptOut"),
            sensitive_data_processing: fill(
                [Consent::NotApplicable; 16],
                &list(f, "SensitiveDataProcessing"),
            ),
            known_child_sensitive_data_consents: fill(
                [Consent::NotApplicable; 3],
                &list(f, "KnownChildSensitiveDataConsents"),
            ),
            personal_data_consents: value(f, "PersonalDataConsents"),
            mspa: mspa(f),
            gpc,
        }),
        "usca" => Section::UsCa(UsCa {
            sale_opt_out_notice: value(f, "SaleOptOutNotice"),
            sharing_opt_out_notice: value(f, "SharingOptOutNotice"),
            sensitive_data_limit_use_notice: value(f, "SensitiveDataLimitUseNotice"),
            sale_opt_out: value(f, "SaleOptOut"),
            sharing_opt_out: value(f, "SharingOptOut"),
            sensitive_data_processing: fill(
                [OptOut::NotApplicable; 9],
                &list(f, "SensitiveDataProcessing"),
            ),
            known_child_sensitive_data_consents: fill(
                [Consent::NotApplicable; 2],
                &list(f, "KnownChildSensitiveDataConsents"),
            ),
            personal_data_consents: value(f, "PersonalDataConsents"),
            mspa: mspa(f),
            gpc,
        }),
        _ => {
            let state = UsState::ALL
                .into_iter()
                .find(|s| s.name() == name)
                .unwrap_or_else(|| panic!("no state {name}"));
            let base = UsStateSection::new(state);
            let present = |field: &str| f.get(field).is_some();
            let first = if present("SharingNotice") {
                "SharingNotice"
            } else {
                "ProcessingNotice"
            };
            let sensitive_notice = [
                "SensitiveDataProcessingOptOutNotice",
                "SensitiveDataOptOutNotice",
            ]
            .into_iter()
            .find(|n| present(n));
            let sensitive_data_processing = match base.sensitive_data_processing {
                SensitiveData::OptOuts(_) => {
                    SensitiveData::OptOuts(list(f, "SensitiveDataProcessing"))
                }
                SensitiveData::Consents(_) => {
                    SensitiveData::Consents(list(f, "SensitiveDataProcessing"))
                }
            };
            Section::UsState(UsStateSection {
                notice: value(f, first),
                sale_opt_out_notice: value(f, "SaleOptOutNotice"),
                targeted_advertising_opt_out_notice: value(f, "TargetedAdvertisingOptOutNotice"),
                sensitive_data_opt_out_notice: sensitive_notice
                    .map_or(Notice::NotApplicable, |n| value(f, n)),
                sale_opt_out: value(f, "SaleOptOut"),
                targeted_advertising_opt_out: value(f, "TargetedAdvertisingOptOut"),
                sensitive_data_processing,
                known_child_sensitive_data_consents: list(f, "KnownChildSensitiveDataConsents"),
                additional_data_processing_consent: if present("AdditionalDataProcessingConsent") {
                    value(f, "AdditionalDataProcessingConsent")
                } else {
                    Consent::NotApplicable
                },
                mspa: mspa(f),
                gpc,
                ..base
            })
        }
    }
}

fn text(entry: &Value) -> &str {
    entry["text"].as_str().unwrap_or_default()
}

#[test]
fn sections_the_reference_library_encoded() {
    let sections: Vec<Value> = vectors()
        .into_iter()
        .filter(|v| v["kind"] == "section")
        .collect();
    assert_eq!(sections.len(), 8 * 17, "8 per state, 8 per usnat version");
    for entry in &sections {
        let section = model(entry);
        assert_eq!(section.encode().as_deref(), Ok(text(entry)), "{entry}");
        assert_eq!(
            Section::decode(section.id(), text(entry)),
            Ok(section),
            "{entry}"
        );
    }
}

#[test]
fn whole_strings_the_reference_library_encoded() {
    let strings: Vec<Value> = vectors()
        .into_iter()
        .filter(|v| v["kind"] == "string")
        .collect();
    assert_eq!(strings.len(), 24);
    let mut runs = 0;
    for entry in &strings {
        let Value::Array(sections) = &entry["sections"] else {
            panic!("{entry}")
        };
        let gpp = GppString {
            sections: sections.iter().map(model).collect(),
        };
        assert_eq!(gpp.encode().as_deref(), Ok(text(entry)), "{entry}");
        let decoded = GppString::decode(text(entry)).expect("decodes");
        assert_eq!(decoded.section_ids(), gpp.section_ids());
        for section in &gpp.sections {
            assert_eq!(decoded.section(section.id()), Some(section));
        }
        let ids = gpp.section_ids();
        runs += usize::from(ids.windows(2).any(|w| w[1] == w[0] + 1));
    }
    assert!(runs > 0, "some headers hold runs of consecutive ids");
}

#[test]
fn the_products_strings_are_the_reference_librarys() {
    let cases: Vec<Value> = vectors()
        .into_iter()
        .filter(|v| v["kind"] == "product")
        .collect();
    assert_eq!(cases.len(), 16 * 4);
    for entry in &cases {
        let name = entry["name"].as_str().unwrap_or_default();
        let code = match name {
            "usnat" => None,
            "usca" => Some("CA"),
            _ => UsState::ALL
                .into_iter()
                .find(|s| s.name() == name)
                .map(UsState::code),
        };
        let facts = GppFacts {
            regime: Regime::OptOut,
            opted_out: UsOptOuts::all(entry["optedOut"] == true),
            gpc: entry["gpc"] == true,
            tc_string: None,
            us_state: code,
            approach: if code.is_some() {
                UsApproach::StateSpecific
            } else {
                UsApproach::National
            },
            mspa: Mspa::default(),
        };
        let signal = gpp_signal(&facts).expect("signal");
        assert_eq!(signal.gpp_string, text(entry), "{entry}");
    }
}
