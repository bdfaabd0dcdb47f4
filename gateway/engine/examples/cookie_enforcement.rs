//! How the origin's cookies fare before consent: every name of a cookie database set by the
//! origin, in the two shapes real sites use, through the engine's `Set-Cookie` filter with no
//! consent given. Prints, per shape, the share of functional cookies wrongly stripped and the
//! share of tracking cookies stripped.
//!
//! ```text
//! cargo run -p consentry-engine --example cookie_enforcement -- open-cookie-database.csv
//! ```
//!
//! The CSV is the Open Cookie Database's (columns `Category`, `Cookie / Data Key name`,
//! `Wildcard match`); a wildcard name gets a suffix, as a site would set it. Functional means
//! Functional, Necessary or Security there; tracking means Analytics or Marketing.

use std::process::ExitCode;

use consentry_config::Catalogue;
use consentry_engine::{filter_set_cookies, CookieClassifier, Grants};
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};

/// The two shapes: a cookie kept for a year that scripts can read, and one that arrives
/// `HttpOnly` for the session (how server-side tracking often disguises itself).
const SHAPES: [(&str, &str); 2] = [
    ("long-lived, readable", "; Max-Age=31536000; Path=/"),
    ("HttpOnly, session", "; Path=/; HttpOnly"),
];

#[derive(Default)]
struct Tally {
    functional: u32,
    functional_stripped: u32,
    tracking: u32,
    tracking_stripped: u32,
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: cookie_enforcement OPEN-COOKIE-DATABASE.csv");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let catalogue = match Catalogue::builtin() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut tallies: Vec<Tally> = SHAPES.iter().map(|_| Tally::default()).collect();
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().unwrap_or("").split(',').collect();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(cat_col), Some(name_col), Some(wild_col)) = (
        column("Category"),
        column("Cookie / Data Key name"),
        column("Wildcard match"),
    ) else {
        eprintln!("{path}: not the Open Cookie Database's columns");
        return ExitCode::from(2);
    };
    for line in rows {
        let cells = split_csv(line);
        let (Some(category), Some(name), Some(wildcard)) =
            (cells.get(cat_col), cells.get(name_col), cells.get(wild_col))
        else {
            continue;
        };
        let functional = match category.as_str() {
            "Functional" | "Necessary" | "Security" => true,
            "Analytics" | "Marketing" => false,
            _ => continue,
        };
        let name = if wildcard == "1" {
            format!("{name}4815")
        } else {
            name.clone()
        };
        for (i, (_, attributes)) in SHAPES.iter().enumerate() {
            let Ok(value) = HeaderValue::from_str(&format!("{name}=v1{attributes}")) else {
                continue;
            };
            // A fresh classifier per cookie: what an origin set before must not teach it.
            let classifier = CookieClassifier::new(&[], &catalogue, Default::default());
            let mut headers = HeaderMap::new();
            headers.append(SET_COOKIE, value);
            let report = filter_set_cookies(&mut headers, &classifier, Grants::NECESSARY_ONLY, 0);
            if report.malformed > 0 {
                continue;
            }
            let stripped = report.kept == 0;
            let tally = &mut tallies[i];
            if functional {
                tally.functional += 1;
                tally.functional_stripped += u32::from(stripped);
            } else {
                tally.tracking += 1;
                tally.tracking_stripped += u32::from(stripped);
            }
        }
    }
    println!("shape                  functional stripped   tracking stripped");
    for ((shape, _), t) in SHAPES.iter().zip(&tallies) {
        println!(
            "{shape:<22} {:>5.1}% of {:<5}        {:>5.1}% of {}",
            percent(t.functional_stripped, t.functional),
            t.functional,
            percent(t.tracking_stripped, t.tracking),
            t.tracking
        );
    }
    ExitCode::SUCCESS
}

fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) * 100.0 / f64::from(whole)
    }
}

/// One CSV line's cells (quoted cells may hold commas and doubled quotes).
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}
