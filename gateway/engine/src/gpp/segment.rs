//! A US section's text: its core segment, then optionally `.` and the GPC sub-section
//! (`SubsectionType` 1, then the `Gpc` flag).

use super::bits::{BitReader, BitWriter};
use super::values::Fields;
use super::GppError;

/// The sub-section type of the GPC sub-section.
const GPC_SUBSECTION: u64 = 1;

/// The core segment's fields, and the GPC flag if the section carries the sub-section.
/// `gpc_defined` says whether this section defines a GPC sub-section at all.
pub(super) fn open(
    text: &str,
    section: &'static str,
    gpc_defined: bool,
) -> Result<(Fields, Option<bool>), GppError> {
    let mut parts = text.split('.');
    let core = parts.next().unwrap_or_default();
    if core.is_empty() {
        return Err(GppError::Truncated { what: section });
    }
    let fields = Fields::new(BitReader::new(core, section)?, section);
    let gpc = match parts.next() {
        None => None,
        Some(_) if !gpc_defined => {
            return Err(GppError::UnexpectedSubsection { section, index: 1 })
        }
        Some(sub) => Some(gpc_flag(sub, section)?),
    };
    if parts.next().is_some() {
        return Err(GppError::UnexpectedSubsection { section, index: 2 });
    }
    Ok((fields, gpc))
}

fn gpc_flag(text: &str, section: &'static str) -> Result<bool, GppError> {
    let mut reader = BitReader::new(text, section)?;
    let kind = reader.read(2)?;
    if kind != GPC_SUBSECTION {
        return Err(GppError::InvalidValue {
            section,
            field: "SubsectionType",
            value: kind as u8,
        });
    }
    reader.read_bool()
}

/// The section's text: the core segment's bits, then the GPC sub-section if there is one.
pub(super) fn close(core: BitWriter, gpc: Option<bool>) -> String {
    let mut text = core.finish();
    if let Some(gpc) = gpc {
        let mut sub = BitWriter::new();
        sub.push(GPC_SUBSECTION, 2);
        sub.push_bool(gpc);
        text.push('.');
        text.push_str(&sub.finish());
    }
    text
}
