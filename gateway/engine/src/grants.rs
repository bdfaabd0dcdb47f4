//! The set of categories a visitor has granted.

use consentry_config::Category;

/// A set of granted categories. `Necessary` is always in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Grants(u8);

impl Grants {
    /// Only what is necessary: the state before any consent.
    pub const NECESSARY_ONLY: Grants = Grants(1);
    /// Every category.
    pub const ALL: Grants = Grants(0b1111);

    /// The set of the given categories (plus `Necessary`).
    pub fn of(categories: impl IntoIterator<Item = Category>) -> Grants {
        categories
            .into_iter()
            .fold(Grants::NECESSARY_ONLY, |g, c| g.with(c))
    }

    /// Whether `category` is granted.
    pub const fn allows(self, category: Category) -> bool {
        self.0 & (1 << category.index()) != 0
    }

    /// This set plus `category`.
    #[must_use]
    pub const fn with(self, category: Category) -> Grants {
        Grants(self.0 | (1 << category.index()))
    }

    /// This set without `category` (necessary cannot be removed).
    #[must_use]
    pub const fn without(self, category: Category) -> Grants {
        Grants((self.0 & !(1 << category.index())) | 1)
    }

    /// Whether every category is granted.
    pub const fn is_all(self) -> bool {
        self.0 == Grants::ALL.0
    }

    /// The optional categories granted, in order.
    pub fn optional(self) -> impl Iterator<Item = Category> {
        Category::OPTIONAL
            .into_iter()
            .filter(move |c| self.allows(*c))
    }

    /// The categories in `self` that are not in `other`.
    pub fn revoked_by(self, other: Grants) -> impl Iterator<Item = Category> {
        Category::OPTIONAL
            .into_iter()
            .filter(move |c| self.allows(*c) && !other.allows(*c))
    }

    /// A compact encoding for the consent cookie: one bit per category.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The set from [`Grants::bits`]; `None` for bits that name no category.
    pub const fn from_bits(bits: u8) -> Option<Grants> {
        if bits > Grants::ALL.0 {
            None
        } else {
            Some(Grants(bits | 1))
        }
    }
}

impl Default for Grants {
    fn default() -> Self {
        Grants::NECESSARY_ONLY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn necessary_is_always_granted() {
        assert!(Grants::NECESSARY_ONLY.allows(Category::Necessary));
        assert!(Grants::ALL
            .without(Category::Necessary)
            .allows(Category::Necessary));
        assert!(!Grants::NECESSARY_ONLY.allows(Category::Analytics));
        let g = Grants::of([Category::Analytics]);
        assert!(g.allows(Category::Analytics) && !g.allows(Category::Marketing));
        assert_eq!(Grants::from_bits(g.bits()), Some(g));
        assert_eq!(Grants::from_bits(16), None);
        assert_eq!(
            Grants::ALL.revoked_by(g).collect::<Vec<_>>(),
            vec![Category::Preferences, Category::Marketing]
        );
    }
}
