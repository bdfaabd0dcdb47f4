//! Why a GPP string could not be read or written.

/// Why a GPP string could not be decoded, or a model could not be encoded.
///
/// Decoding never panics: whatever the input, it ends in a value or one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GppError {
    /// The string is empty.
    #[error("empty GPP string")]
    Empty,
    /// A character outside the base64url alphabet in a part that is base64url-encoded.
    #[error("{what}: {character:?} is not a base64url character")]
    BadCharacter {
        /// The part being read: `header` or a section's name.
        what: &'static str,
        /// The character.
        character: char,
    },
    /// The part ends before a field it must hold.
    #[error("{what} ends early")]
    Truncated {
        /// The part being read: `header` or a section's name.
        what: &'static str,
    },
    /// A Fibonacci-coded number too large to be a section id.
    #[error("a section id in the header is too large")]
    NumberTooLarge,
    /// The header's type is not 3: this is not a GPP string (a bare TC string starts with
    /// `C`, type 2).
    #[error("not a GPP string: the header's type is {0}, not 3")]
    NotGpp(u64),
    /// A GPP header version other than 1, the only one there is.
    #[error("GPP version {0} is not supported (only 1 is)")]
    UnsupportedGppVersion(u64),
    /// The header does not list as many sections as the string holds.
    #[error("the header lists {listed} sections but the string has {found}")]
    SectionCount {
        /// How many the header lists (counted up to one more than `found`).
        listed: usize,
        /// How many `~`-separated sections follow the header.
        found: usize,
    },
    /// A section listed in the header is empty (`DBACNYA~~1YNN`).
    #[error("section {id} is empty")]
    EmptySection {
        /// The section's id.
        id: u16,
    },
    /// Two sections with the same id in a model being encoded.
    #[error("section {0} appears more than once")]
    DuplicateSection(u16),
    /// A section id that cannot be written (0: ids start at 1).
    #[error("{0} is not a section id")]
    InvalidSectionId(u16),
    /// A section carried as text (the TC string, a section this module does not model) that
    /// is empty or holds characters a GPP string cannot carry (anything but base64url and
    /// `.`, so never `~`).
    #[error("section {id} is not web-safe text without `~`")]
    InvalidSectionText {
        /// The section's id.
        id: u16,
    },
    /// A section version this module does not know the layout of.
    #[error("{section} version {version} is not supported")]
    UnsupportedVersion {
        /// The section's name.
        section: &'static str,
        /// The version the string gives.
        version: u64,
    },
    /// A field holds a value its specification does not define (3 in a two-bit field, or
    /// 0 where "not applicable" is not allowed).
    #[error("{section}: {field} is {value}, which it cannot be")]
    InvalidValue {
        /// The section's name.
        section: &'static str,
        /// The field's name, as the specification spells it.
        field: &'static str,
        /// The value.
        value: u8,
    },
    /// A sub-section (after a `.`) that the section does not define.
    #[error("{section}: unexpected sub-section {index}")]
    UnexpectedSubsection {
        /// The section's name.
        section: &'static str,
        /// Its place among the section's `.`-separated parts (the core segment is 0).
        index: usize,
    },
    /// A list field of a state section with the wrong number of entries.
    #[error("{section}: {field} needs {expected} entries, not {found}")]
    FieldLength {
        /// The section's name.
        section: &'static str,
        /// The field's name.
        field: &'static str,
        /// How many the section's layout has.
        expected: usize,
        /// How many the model has.
        found: usize,
    },
    /// A state section's sensitive-data list of the wrong kind: consents where the state's
    /// section has opt-outs (California, Utah, Iowa), or opt-outs where it has consents.
    #[error("{section}: {field} holds the wrong kind of entries (consents or opt-outs)")]
    WrongKind {
        /// The section's name.
        section: &'static str,
        /// The field's name.
        field: &'static str,
    },
    /// A field set in a model that the section (or its version) does not have.
    #[error("{section}: {field} is not part of this section but is set")]
    NotInSection {
        /// The section's name.
        section: &'static str,
        /// The field's name.
        field: &'static str,
    },
}
