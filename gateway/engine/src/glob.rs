//! Cookie-name globs: `*` matches any run of characters, everything else matches itself.

/// Whether `name` matches `pattern`.
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return pattern == name;
    };
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let mut parts = parts.peekable();
    if parts.peek().is_none() {
        return rest.is_empty();
    }
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Whether `pattern` contains a wildcard.
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains('*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_documented() {
        assert!(glob_matches("_ga", "_ga"));
        assert!(!glob_matches("_ga", "_gat"));
        assert!(glob_matches("_ga_*", "_ga_ABC123"));
        assert!(!glob_matches("_ga_*", "_ga"));
        assert!(glob_matches("_pk_id.*", "_pk_id.1.abcd"));
        assert!(glob_matches("mp_*_mixpanel", "mp_0123_mixpanel"));
        assert!(!glob_matches("mp_*_mixpanel", "mp_0123_mixpanel_x"));
        assert!(glob_matches("*", "anything"));
        assert!(glob_matches("a*b*c", "aXbYc"));
        assert!(!glob_matches("a*b*c", "aXcYb"));
    }
}
