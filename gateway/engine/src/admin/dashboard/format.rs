//! Numbers as the dashboard shows them: thousands separators, percentages, durations.

use serde_json::Value;

/// How a column's numbers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Counts and averages: `12,345`, `3.4`.
    Number,
    /// A share between 0 and 1, shown as a percentage.
    Rate,
}

impl Kind {
    /// The kind of a report column, by its key (`rate`, `bounce_rate`, `analytics_rate`).
    pub(super) fn of_key(key: &str) -> Kind {
        if key == "rate" || key.ends_with("_rate") {
            Kind::Rate
        } else {
            Kind::Number
        }
    }
}

/// `1234567` as `1,234,567`.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` rounded to `places` decimals, with thousands separators.
pub(super) fn decimal(x: f64, places: usize) -> String {
    if !x.is_finite() {
        return "—".to_owned();
    }
    let text = format!("{:.*}", places, x.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    match whole.parse::<u64>() {
        Ok(n) => out.push_str(&thousands(n)),
        Err(_) => out.push_str(whole),
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A share between 0 and 1 as `42.5%`.
pub(super) fn percent(share: f64) -> String {
    format!("{}%", decimal(share * 100.0, 1))
}

/// Seconds as `45 s`, `3 min 5 s` or `1 h 2 min`.
pub(super) fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "—".to_owned();
    }
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// An axis label: `950`, `12k`, `1.5M`.
pub(super) fn compact(n: u64) -> String {
    let short = |value: f64, unit: &str| {
        let text = decimal(value, 1);
        format!("{}{unit}", text.strip_suffix(".0").unwrap_or(&text))
    };
    match n {
        0..10_000 => thousands(n),
        10_000..1_000_000 => short(n as f64 / 1e3, "k"),
        _ => short(n as f64 / 1e6, "M"),
    }
}

/// A report value as text, `None` where it is hidden (`null`).
pub(super) fn value(value: &Value, kind: Kind) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Number(n) => Some(match (n.as_u64(), kind) {
            (Some(n), Kind::Number) => thousands(n),
            (_, Kind::Rate) => percent(n.as_f64().unwrap_or(0.0)),
            (None, Kind::Number) => decimal(n.as_f64().unwrap_or(0.0), 1),
        }),
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// A report value as a whole count, if it is one.
pub(super) fn count(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| *f >= 0.0)
            .map(|f| f.round() as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(decimal(12345.67, 1), "12,345.7");
        assert_eq!(decimal(3.0, 1), "3.0");
    }

    #[test]
    fn rates_durations_and_axis_labels() {
        assert_eq!(percent(0.425), "42.5%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(185.0), "3 min 5 s");
        assert_eq!(duration(3720.0), "1 h 2 min");
        assert_eq!(compact(9_500), "9,500");
        assert_eq!(compact(25_000), "25k");
        assert_eq!(compact(1_500_000), "1.5M");
    }

    #[test]
    fn values_by_kind() {
        assert_eq!(value(&Value::Null, Kind::Number), None);
        assert_eq!(
            value(&serde_json::json!(1234), Kind::Number).as_deref(),
            Some("1,234")
        );
        assert_eq!(
            value(&serde_json::json!(0.25), Kind::Rate).as_deref(),
            Some("25.0%")
        );
        assert_eq!(
            value(&serde_json::json!(2.5), Kind::Number).as_deref(),
            Some("2.5")
        );
        assert_eq!(Kind::of_key("bounce_rate"), Kind::Rate);
        assert_eq!(Kind::of_key("visitors"), Kind::Number);
    }
}
