//! The values of the US sections' two-bit fields: 0 is always "not applicable", 1 and 2 mean
//! what each kind of field says.

use super::bits::{BitReader, BitWriter};
use super::GppError;

/// A two-bit field's value, and its number in the string.
pub(super) trait TwoBit: Copy {
    /// The value for `bits`, `None` for one the specification does not define (3).
    fn from_bits(bits: u8) -> Option<Self>;
    /// The number written for this value.
    fn bits(self) -> u8;
}

macro_rules! two_bit {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            /// 0: not applicable.
            #[default]
            NotApplicable,
            $($(#[$vmeta])* $variant,)+
        }

        impl TwoBit for $name {
            fn from_bits(bits: u8) -> Option<Self> {
                match bits {
                    0 => Some($name::NotApplicable),
                    $($value => Some($name::$variant),)+
                    _ => None,
                }
            }

            fn bits(self) -> u8 {
                match self {
                    $name::NotApplicable => 0,
                    $($name::$variant => $value,)+
                }
            }
        }
    };
}

two_bit! {
    /// Whether the visitor was given a notice (`SharingNotice`, `SaleOptOutNotice`, ...).
    Notice {
        /// 1: yes, notice was provided.
        Provided = 1,
        /// 2: no, notice was not provided.
        NotProvided = 2,
    }
}

two_bit! {
    /// An opt-out (`SaleOptOut`, `SharingOptOut`, `TargetedAdvertisingOptOut`, and the
    /// sensitive-data entries of California, Utah and Iowa). Not applicable when the matching
    /// notice was not applicable or not given.
    OptOut {
        /// 1: the visitor opted out.
        OptedOut = 1,
        /// 2: the visitor did not opt out.
        DidNotOptOut = 2,
    }
}

two_bit! {
    /// A consent (`SensitiveDataProcessing` entries of most sections,
    /// `KnownChildSensitiveDataConsents`, `PersonalDataConsents`,
    /// `AdditionalDataProcessingConsent`).
    Consent {
        /// 1: no consent.
        NoConsent = 1,
        /// 2: consent.
        Consent = 2,
    }
}

two_bit! {
    /// An MSPA yes or no (`MspaCoveredTransaction`, `MspaOptOutOptionMode`,
    /// `MspaServiceProviderMode`).
    YesNo {
        /// 1: yes.
        Yes = 1,
        /// 2: no.
        No = 2,
    }
}

/// The publisher's standing under the IAB's Multi-State Privacy Agreement, the last three
/// fields of every US section.
///
/// The default is a publisher that has not signed the MSPA: not a covered transaction, both
/// modes not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mspa {
    /// `MspaCoveredTransaction`: the publisher signed the MSPA and declares this a covered
    /// transaction. Yes or no only: "not applicable" is not a value of this field.
    pub covered_transaction: YesNo,
    /// `MspaOptOutOptionMode`: the publisher runs the covered transaction in opt-out option
    /// mode.
    pub opt_out_option_mode: YesNo,
    /// `MspaServiceProviderMode`: the publisher runs it in service provider mode.
    pub service_provider_mode: YesNo,
}

impl Default for Mspa {
    fn default() -> Self {
        Mspa {
            covered_transaction: YesNo::No,
            opt_out_option_mode: YesNo::NotApplicable,
            service_provider_mode: YesNo::NotApplicable,
        }
    }
}

/// Reads a section's two-bit fields in order, naming the field in any error.
pub(super) struct Fields {
    reader: BitReader,
    section: &'static str,
}

impl Fields {
    pub(super) fn new(reader: BitReader, section: &'static str) -> Self {
        Fields { reader, section }
    }

    /// How many bits the segment held, padding included.
    pub(super) fn len(&self) -> usize {
        self.reader.len()
    }

    /// A field of `width` bits, as a number.
    pub(super) fn int(&mut self, width: usize) -> Result<u64, GppError> {
        self.reader.read(width)
    }

    /// One two-bit field.
    pub(super) fn get<T: TwoBit>(&mut self, field: &'static str) -> Result<T, GppError> {
        let bits = self.reader.read(2)? as u8;
        T::from_bits(bits).ok_or(GppError::InvalidValue {
            section: self.section,
            field,
            value: bits,
        })
    }

    /// `N` two-bit fields of a list.
    pub(super) fn array<T: TwoBit + Default, const N: usize>(
        &mut self,
        field: &'static str,
    ) -> Result<[T; N], GppError> {
        let mut out = [T::default(); N];
        for slot in &mut out {
            *slot = self.get(field)?;
        }
        Ok(out)
    }

    /// `n` two-bit fields of a list.
    pub(super) fn list<T: TwoBit>(
        &mut self,
        field: &'static str,
        n: usize,
    ) -> Result<Vec<T>, GppError> {
        (0..n).map(|_| self.get(field)).collect()
    }

    /// The three MSPA fields.
    pub(super) fn mspa(&mut self) -> Result<Mspa, GppError> {
        let covered_transaction: YesNo = self.get("MspaCoveredTransaction")?;
        if covered_transaction == YesNo::NotApplicable {
            return Err(self.invalid("MspaCoveredTransaction", 0));
        }
        Ok(Mspa {
            covered_transaction,
            opt_out_option_mode: self.get("MspaOptOutOptionMode")?,
            service_provider_mode: self.get("MspaServiceProviderMode")?,
        })
    }

    fn invalid(&self, field: &'static str, value: u8) -> GppError {
        GppError::InvalidValue {
            section: self.section,
            field,
            value,
        }
    }
}

/// Writes two-bit fields.
pub(super) fn put<T: TwoBit>(writer: &mut BitWriter, value: T) {
    writer.push(u64::from(value.bits()), 2);
}

/// Writes the three MSPA fields; an error if the covered transaction is "not applicable".
pub(super) fn put_mspa(
    writer: &mut BitWriter,
    mspa: &Mspa,
    section: &'static str,
) -> Result<(), GppError> {
    if mspa.covered_transaction == YesNo::NotApplicable {
        return Err(GppError::InvalidValue {
            section,
            field: "MspaCoveredTransaction",
            value: 0,
        });
    }
    put(writer, mspa.covered_transaction);
    put(writer, mspa.opt_out_option_mode);
    put(writer, mspa.service_provider_mode);
    Ok(())
}
