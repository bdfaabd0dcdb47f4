//! The addresses the page links to: itself with other filters, and the CSV export.

use crate::analytics::report::{date_of, FunnelBy};

/// The dashboard's own address.
pub(super) const PAGE: &str = "/__consentry/admin";

/// The JSON and CSV API's prefix.
const API: &str = "/__consentry/api/";

/// The name `FunnelBy::parse` reads.
pub(super) fn by_name(by: FunnelBy) -> &'static str {
    match by {
        FunnelBy::Day => "day",
        FunnelBy::Country => "country",
        FunnelBy::Language => "language",
        FunnelBy::Policy => "policy",
        FunnelBy::Regime => "regime",
    }
}

/// What a split of banner answers is called in a heading.
pub(super) fn by_title(by: FunnelBy) -> &'static str {
    match by {
        FunnelBy::Day => "day",
        FunnelBy::Country => "country",
        FunnelBy::Language => "language",
        FunnelBy::Policy => "policy version",
        FunnelBy::Regime => "regime",
    }
}

/// Every split, in picker order.
pub(super) const ALL_BY: [FunnelBy; 5] = [
    FunnelBy::Day,
    FunnelBy::Country,
    FunnelBy::Language,
    FunnelBy::Policy,
    FunnelBy::Regime,
];

/// A site and range of days; every address is built from one, URL-encoded (not yet
/// escaped for HTML).
#[derive(Debug, Clone, Copy)]
pub(super) struct Filter<'a> {
    pub(super) site: &'a str,
    pub(super) from_day: u32,
    pub(super) to_day: u32,
    pub(super) by: FunnelBy,
}

impl Filter<'_> {
    fn query(&self, by: Option<FunnelBy>) -> form_urlencoded::Serializer<'static, String> {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("site", self.site)
            .append_pair("from", &date_of(self.from_day))
            .append_pair("to", &date_of(self.to_day));
        if let Some(by) = by {
            query.append_pair("by", by_name(by));
        }
        query
    }

    /// The dashboard for these days, banner answers split by `by`.
    pub(super) fn page(&self, by: FunnelBy) -> String {
        format!("{PAGE}?{}", self.query(Some(by)).finish())
    }

    /// The dashboard for other days, the same split.
    pub(super) fn page_for(&self, from_day: u32, to_day: u32) -> String {
        Filter {
            from_day,
            to_day,
            ..*self
        }
        .page(self.by)
    }

    /// A table as CSV; `funnel-by` keeps the split.
    pub(super) fn csv(&self, table: &str) -> String {
        let by = (table == "funnel-by").then_some(self.by);
        let mut query = self.query(by);
        query.append_pair("format", "csv");
        let name: String = form_urlencoded::byte_serialize(table.as_bytes()).collect();
        format!("{API}{name}?{}", query.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_encode_the_site_and_keep_the_split() {
        let filter = Filter {
            site: "a&b shop",
            from_day: 0,
            to_day: 6,
            by: FunnelBy::Policy,
        };
        assert_eq!(
            filter.csv("pages"),
            "/__consentry/api/pages?site=a%26b+shop&from=1970-01-01&to=1970-01-07&format=csv"
        );
        assert_eq!(
            filter.csv("funnel-by"),
            "/__consentry/api/funnel-by?site=a%26b+shop&from=1970-01-01&to=1970-01-07&by=policy&format=csv"
        );
        assert_eq!(
            filter.page_for(1, 2),
            "/__consentry/admin?site=a%26b+shop&from=1970-01-02&to=1970-01-03&by=policy"
        );
        let by_regime = Filter {
            by: FunnelBy::Regime,
            ..filter
        };
        assert_eq!(
            by_regime.csv("funnel-by"),
            "/__consentry/api/funnel-by?site=a%26b+shop&from=1970-01-01&to=1970-01-07&by=regime&format=csv"
        );
        for by in ALL_BY {
            assert_eq!(FunnelBy::parse(by_name(by)), Some(by));
        }
    }
}
