//! Encoding and decoding TC strings: base64url segments joined by `.`, the core segment
//! first, then the disclosed vendors, allowed vendors and publisher TC segments, each
//! starting with its 3-bit `SegmentType`.

use super::bits::{BitReader, BitWriter, PADDING};
use super::error::{Segment, TcEncodeError, TcStringError};
use super::model::{
    Alpha2, IdBits, PublisherRestriction, PublisherTc, RestrictionType, TcModel,
    DISCLOSED_VENDORS_MANDATORY_FROM,
};
use super::vendors::{field, read_ranges, read_vector, write_ranges, write_vector, MAX_ENTRIES};

/// The only `Version` of the format this module reads and writes.
const VERSION: u64 = 2;

/// Reads a TC string. Segments after the core may come in any order, each at most once;
/// bits after a segment's last field (padding) are ignored.
pub fn decode(tc_string: &str) -> Result<TcModel, TcStringError> {
    if tc_string.is_empty() {
        return Err(TcStringError::Empty);
    }
    let mut model = TcModel {
        disclosed_vendors: None,
        ..TcModel::default()
    };
    for (index, text) in tc_string.split('.').enumerate() {
        if text.is_empty() {
            return Err(TcStringError::EmptySegment { index });
        }
        // Trailing `=` padding is tolerated (the IAB's Java decoder accepts it, though the
        // specification writes none).
        let mut r = BitReader::new(text.trim_end_matches('='))
            .map_err(|at| TcStringError::InvalidCharacter { index, at })?;
        if index == 0 {
            read_core(&mut r, &mut model)?;
            continue;
        }
        let segment_type = field(&mut r, 3, Segment::Core, "SegmentType")
            .map_err(|_| TcStringError::EmptySegment { index })? as u8;
        let segment =
            Segment::from_type(segment_type).ok_or(TcStringError::UnknownSegment(segment_type))?;
        let duplicate = Err(TcStringError::DuplicateSegment(segment));
        match segment {
            Segment::Core => return duplicate,
            Segment::DisclosedVendors if model.disclosed_vendors.is_some() => return duplicate,
            Segment::AllowedVendors if model.allowed_vendors.is_some() => return duplicate,
            Segment::PublisherTc if model.publisher_tc.is_some() => return duplicate,
            Segment::DisclosedVendors => {
                model.disclosed_vendors = Some(read_vector(&mut r, segment, "disclosed vendors")?);
            }
            Segment::AllowedVendors => {
                model.allowed_vendors = Some(read_vector(&mut r, segment, "allowed vendors")?);
            }
            Segment::PublisherTc => model.publisher_tc = Some(read_publisher_tc(&mut r)?),
        }
    }
    Ok(model)
}

/// Writes a TC string: the core segment, then the disclosed vendors, allowed vendors and
/// publisher TC segments the model has, in that order (the reference library's), each
/// padded to a multiple of 24 bits.
pub fn encode(model: &TcModel) -> Result<String, TcEncodeError> {
    if model.disclosed_vendors.is_none()
        && model.tcf_policy_version >= 5
        && model.created >= DISCLOSED_VENDORS_MANDATORY_FROM
    {
        return Err(TcEncodeError::MissingDisclosedVendors(
            model.tcf_policy_version,
        ));
    }
    let mut segments = vec![write_core(model)?];
    let optional = [
        (Segment::DisclosedVendors, &model.disclosed_vendors),
        (Segment::AllowedVendors, &model.allowed_vendors),
    ];
    for (segment, vector) in optional {
        if let Some(vector) = vector {
            let mut w = BitWriter::default();
            w.write(u64::from(segment.segment_type()), 3);
            let name = if segment == Segment::DisclosedVendors {
                "disclosed vendors"
            } else {
                "allowed vendors"
            };
            write_vector(&mut w, vector, name)?;
            segments.push(w.finish(PADDING));
        }
    }
    if let Some(publisher) = &model.publisher_tc {
        segments.push(write_publisher_tc(publisher)?);
    }
    Ok(segments.join("."))
}

fn read_core(r: &mut BitReader, model: &mut TcModel) -> Result<(), TcStringError> {
    let core = Segment::Core;
    let version = field(r, 6, core, "Version")?;
    if version != VERSION {
        return Err(TcStringError::UnsupportedVersion(version as u8));
    }
    model.created = field(r, 36, core, "Created")?;
    model.last_updated = field(r, 36, core, "LastUpdated")?;
    model.cmp_id = field(r, 12, core, "CmpId")? as u16;
    model.cmp_version = field(r, 12, core, "CmpVersion")? as u16;
    model.consent_screen = field(r, 6, core, "ConsentScreen")? as u8;
    model.consent_language = read_letters(r, "ConsentLanguage")?;
    model.vendor_list_version = field(r, 12, core, "VendorListVersion")? as u16;
    model.tcf_policy_version = field(r, 6, core, "TcfPolicyVersion")? as u8;
    model.is_service_specific = field(r, 1, core, "IsServiceSpecific")? == 1;
    model.use_non_standard_texts = field(r, 1, core, "UseNonStandardTexts")? == 1;
    model.special_feature_opt_ins = read_bits(r, 12, core, "SpecialFeatureOptIns")?;
    model.purposes_consent = read_bits(r, 24, core, "PurposesConsent")?;
    model.purposes_li_transparency = read_bits(r, 24, core, "PurposesLITransparency")?;
    model.purpose_one_treatment = field(r, 1, core, "PurposeOneTreatment")? == 1;
    model.publisher_cc = read_letters(r, "PublisherCC")?;
    model.vendor_consents = read_vector(r, core, "vendor consents")?;
    model.vendor_legitimate_interests = read_vector(r, core, "vendor legitimate interests")?;
    model.publisher_restrictions = read_restrictions(r)?;
    Ok(())
}

fn write_core(model: &TcModel) -> Result<String, TcEncodeError> {
    let mut w = BitWriter::default();
    w.write(VERSION, 6);
    put(&mut w, model.created, 36, "Created")?;
    put(&mut w, model.last_updated, 36, "LastUpdated")?;
    put(&mut w, model.cmp_id.into(), 12, "CmpId")?;
    put(&mut w, model.cmp_version.into(), 12, "CmpVersion")?;
    put(&mut w, model.consent_screen.into(), 6, "ConsentScreen")?;
    write_letters(&mut w, model.consent_language);
    put(
        &mut w,
        model.vendor_list_version.into(),
        12,
        "VendorListVersion",
    )?;
    put(
        &mut w,
        model.tcf_policy_version.into(),
        6,
        "TcfPolicyVersion",
    )?;
    w.write_bool(model.is_service_specific);
    w.write_bool(model.use_non_standard_texts);
    write_bits(
        &mut w,
        model.special_feature_opt_ins,
        12,
        "SpecialFeatureOptIns",
    )?;
    write_bits(&mut w, model.purposes_consent, 24, "PurposesConsent")?;
    write_bits(
        &mut w,
        model.purposes_li_transparency,
        24,
        "PurposesLITransparency",
    )?;
    w.write_bool(model.purpose_one_treatment);
    write_letters(&mut w, model.publisher_cc);
    write_vector(&mut w, &model.vendor_consents, "vendor consents")?;
    write_vector(
        &mut w,
        &model.vendor_legitimate_interests,
        "vendor legitimate interests",
    )?;
    write_restrictions(&mut w, &model.publisher_restrictions)?;
    Ok(w.finish(PADDING))
}

fn read_publisher_tc(r: &mut BitReader) -> Result<PublisherTc, TcStringError> {
    let segment = Segment::PublisherTc;
    let purposes_consent = read_bits(r, 24, segment, "PubPurposesConsent")?;
    let purposes_li_transparency = read_bits(r, 24, segment, "PubPurposesLITransparency")?;
    let num_custom_purposes = field(r, 6, segment, "NumCustomPurposes")? as u8;
    let width = u32::from(num_custom_purposes);
    let custom_purposes_consent = read_bits(r, width, segment, "CustomPurposesConsent")?;
    let custom_purposes_li_transparency =
        read_bits(r, width, segment, "CustomPurposesLITransparency")?;
    Ok(PublisherTc {
        purposes_consent,
        purposes_li_transparency,
        num_custom_purposes,
        custom_purposes_consent,
        custom_purposes_li_transparency,
    })
}

fn write_publisher_tc(publisher: &PublisherTc) -> Result<String, TcEncodeError> {
    let mut w = BitWriter::default();
    w.write(u64::from(Segment::PublisherTc.segment_type()), 3);
    write_bits(&mut w, publisher.purposes_consent, 24, "PubPurposesConsent")?;
    write_bits(
        &mut w,
        publisher.purposes_li_transparency,
        24,
        "PubPurposesLITransparency",
    )?;
    put(
        &mut w,
        publisher.num_custom_purposes.into(),
        6,
        "NumCustomPurposes",
    )?;
    let width = u32::from(publisher.num_custom_purposes);
    write_bits(
        &mut w,
        publisher.custom_purposes_consent,
        width,
        "CustomPurposesConsent",
    )?;
    write_bits(
        &mut w,
        publisher.custom_purposes_li_transparency,
        width,
        "CustomPurposesLITransparency",
    )?;
    Ok(w.finish(PADDING))
}

fn read_restrictions(r: &mut BitReader) -> Result<Vec<PublisherRestriction>, TcStringError> {
    let core = Segment::Core;
    let name = "publisher restrictions";
    let count = field(r, 12, core, "NumPubRestrictions")?;
    let mut restrictions: Vec<PublisherRestriction> = Vec::new();
    for _ in 0..count {
        let purpose_id = field(r, 6, core, name)? as u8;
        let value = field(r, 2, core, name)? as u8;
        if purpose_id == 0 {
            return Err(TcStringError::RestrictionPurposeZero);
        }
        let restriction_type = RestrictionType::from_value(value)
            .ok_or(TcStringError::UndefinedRestrictionType { purpose_id })?;
        let vendors = read_ranges(r, core, name)?;
        let same = restrictions
            .iter_mut()
            .find(|e| e.purpose_id == purpose_id && e.restriction_type == restriction_type);
        match same {
            Some(existing) => existing.vendors.union(&vendors),
            None => restrictions.push(PublisherRestriction {
                purpose_id,
                restriction_type,
                vendors,
            }),
        }
    }
    Ok(restrictions)
}

fn write_restrictions(
    w: &mut BitWriter,
    restrictions: &[PublisherRestriction],
) -> Result<(), TcEncodeError> {
    if restrictions.len() > MAX_ENTRIES {
        return Err(TcEncodeError::TooManyEntries {
            field: "NumPubRestrictions",
            entries: restrictions.len(),
        });
    }
    w.write(restrictions.len() as u64, 12);
    for restriction in restrictions {
        if !(1..=63).contains(&restriction.purpose_id) {
            return Err(TcEncodeError::IdOutOfRange {
                field: "publisher restriction PurposeId",
                id: restriction.purpose_id,
                max: 63,
            });
        }
        w.write(u64::from(restriction.purpose_id), 6);
        w.write(u64::from(restriction.restriction_type.value()), 2);
        write_ranges(w, &restriction.vendors, "publisher restriction vendors")?;
    }
    Ok(())
}

/// Reads `width` flags for ids 1 to `width`.
fn read_bits(
    r: &mut BitReader,
    width: u32,
    segment: Segment,
    name: &'static str,
) -> Result<IdBits, TcStringError> {
    let mut bits = IdBits::new();
    for id in 1..=width {
        if field(r, 1, segment, name)? == 1 {
            bits.insert(id as u8);
        }
    }
    Ok(bits)
}

/// Writes `width` flags for ids 1 to `width`; an id past `width` does not fit.
fn write_bits(
    w: &mut BitWriter,
    bits: IdBits,
    width: u32,
    name: &'static str,
) -> Result<(), TcEncodeError> {
    if u32::from(bits.max()) > width {
        return Err(TcEncodeError::IdOutOfRange {
            field: name,
            id: bits.max(),
            max: width as u8,
        });
    }
    for id in 1..=width {
        w.write_bool(bits.contains(id as u8));
    }
    Ok(())
}

fn read_letters(r: &mut BitReader, name: &'static str) -> Result<Alpha2, TcStringError> {
    let a = field(r, 6, Segment::Core, name)? as u8;
    let b = field(r, 6, Segment::Core, name)? as u8;
    Alpha2::from_values(a, b).map_err(|value| TcStringError::InvalidLetter { field: name, value })
}

fn write_letters(w: &mut BitWriter, code: Alpha2) {
    for value in code.values() {
        w.write(u64::from(value), 6);
    }
}

/// Writes a number that must fit `bits`.
fn put(w: &mut BitWriter, value: u64, bits: u8, name: &'static str) -> Result<(), TcEncodeError> {
    if value >> bits != 0 {
        return Err(TcEncodeError::TooLarge {
            field: name,
            value,
            bits,
        });
    }
    w.write(value, u32::from(bits));
    Ok(())
}
