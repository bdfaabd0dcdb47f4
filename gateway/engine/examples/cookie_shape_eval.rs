//! Measures the unknown-cookie classifier on the Open Cookie Database names it was not fitted on.
//!
//! ```text
//! git --git-dir=<mirror of jkwakman/Open-Cookie-Database> show \
//!     0ee5a17fe1cb002943f89370d24fc26a4226061c:open-cookie-database.csv > ocd.csv
//! cargo run -p consentry-engine --example cookie_shape_eval -- ocd.csv
//! ```
//!
//! A name is held out when FNV-1a-64 of its lowercased bytes is 0, 1 or 2 modulo 10, as in
//! `scripts/cookie_shape_train.py`, which fitted the weights on the other names only. The rows
//! carry no values nor flags, so each becomes the `Set-Cookie` an origin would send: its lifetime
//! from the retention period ("session": no `Max-Age`; unreadable: a year), no value, and, for a
//! prefix entry, a 10-character id after the prefix. Three scenarios set the flags alike for
//! every row: lifetimes as declared and readable by scripts; `HttpOnly` for the session (a
//! tracker dressed as a session cookie); readable for a year (a functional cookie kept long).
//! A fourth judges the name alone, as when a cookie arrives in a request before the gateway has
//! seen it set. `--dump` prints each held-out row's probabilities.

use std::process::ExitCode;

use consentry_config::Category;
use consentry_engine::cookie_shape::{decide, decide_by_name, guess, CookieShape, Lifetime};

const YEAR: u64 = 365 * 86_400;

/// The classes measured: what the site owner needs kept, and what must wait for consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Functional,
    Analytics,
    Marketing,
}

struct Row {
    /// The name as the database gives it (a prefix for a prefix entry): what the split hashes.
    entry: String,
    /// The name a cookie would have.
    name: String,
    class: Class,
    lifetime: Lifetime,
}

fn main() -> ExitCode {
    let mut path = None;
    let mut dump = false;
    for arg in std::env::args().skip(1) {
        if arg == "--dump" {
            dump = true;
        } else {
            path = Some(arg);
        }
    }
    let Some(path) = path else {
        eprintln!("usage: cookie_shape_eval <open-cookie-database.csv> [--dump]");
        return ExitCode::FAILURE;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let rows = match read_rows(&text) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let held: Vec<&Row> = rows.iter().filter(|r| held_out(&r.entry)).collect();
    println!(
        "{} rows, {} held out from the fit (the figures below are theirs)",
        rows.len(),
        held.len()
    );
    if dump {
        for row in &held {
            let g = guess(&shape(row, row.lifetime, false));
            println!("{}\t{:.3}\t{:?}", row.name, g.functional, g.category);
        }
    }
    accuracy(&held);
    let scenarios = [
        ("declared lifetime, readable", None, false),
        ("HttpOnly session", Some(Lifetime::Session), true),
        ("readable, 1 year", Some(Lifetime::Seconds(YEAR)), false),
    ];
    println!("kept before consent (policy: guess, flags when unsure | old rule: flags only):");
    for (label, lifetime, http_only) in scenarios {
        let mut counts = Counts::default();
        for row in &held {
            let shape = shape(row, lifetime.unwrap_or(row.lifetime), http_only);
            let new = decide(&shape, Category::Marketing) == Category::Necessary;
            let old = http_only || shape.lifetime == Lifetime::Session;
            counts.add(row.class, new, old);
        }
        counts.print(label);
    }
    let mut counts = Counts::default();
    for row in &held {
        let new = decide_by_name(&row.name) == Some(Category::Necessary);
        counts.add(row.class, new, false);
    }
    counts.print("name only, in a request");
    cost(&rows);
    ExitCode::SUCCESS
}

/// The mean time of one [`decide`] over every row, with a value to read (build with
/// `--release` for a meaningful figure).
fn cost(rows: &[Row]) {
    const ROUNDS: u32 = 200;
    let shapes: Vec<CookieShape<'_>> = rows
        .iter()
        .map(|row| CookieShape {
            value: Some("GA2.1.a8F3kQ9zLm2Xv7Rt.1733230000"),
            domain: Some("example.com"),
            ..shape(row, row.lifetime, false)
        })
        .collect();
    let start = std::time::Instant::now();
    let mut necessary = 0usize;
    for _ in 0..ROUNDS {
        for shape in &shapes {
            necessary += usize::from(
                decide(std::hint::black_box(shape), Category::Marketing) == Category::Necessary,
            );
        }
    }
    let calls = f64::from(ROUNDS) * shapes.len() as f64;
    println!(
        "cost: {:.0} ns per decision ({} decisions, {} necessary)",
        start.elapsed().as_nanos() as f64 / calls,
        calls,
        necessary
    );
}

fn shape(row: &Row, lifetime: Lifetime, http_only: bool) -> CookieShape<'_> {
    CookieShape {
        http_only,
        secure: true,
        same_site: Some(cookie::SameSite::Lax),
        lifetime,
        ..CookieShape::named(&row.name)
    }
}

/// Three-class accuracy with lifetimes as declared, per class.
fn accuracy(rows: &[&Row]) {
    let mut hits = [0usize; 3];
    let mut totals = [0usize; 3];
    for row in rows {
        let guessed = guess(&shape(row, row.lifetime, false)).category;
        let k = row.class as usize;
        totals[k] += 1;
        let right = matches!(
            (row.class, guessed),
            (Class::Functional, Category::Necessary)
                | (Class::Analytics, Category::Analytics)
                | (Class::Marketing, Category::Marketing)
        );
        hits[k] += usize::from(right);
    }
    let all: usize = hits.iter().sum();
    println!(
        "accuracy {:.1}% ({} of {}): functional {}/{} = {:.1}%, analytics {}/{} = {:.1}%, marketing {}/{} = {:.1}%",
        percent(all, rows.len()),
        all,
        rows.len(),
        hits[0],
        totals[0],
        percent(hits[0], totals[0]),
        hits[1],
        totals[1],
        percent(hits[1], totals[1]),
        hits[2],
        totals[2],
        percent(hits[2], totals[2]),
    );
}

/// Functional cookies stripped and tracking cookies kept, by the new policy and the old rule.
#[derive(Default)]
struct Counts {
    functional: usize,
    tracking: usize,
    new_stripped: usize,
    new_passed: usize,
    old_stripped: usize,
    old_passed: usize,
}

impl Counts {
    fn add(&mut self, class: Class, new_kept: bool, old_kept: bool) {
        if class == Class::Functional {
            self.functional += 1;
            self.new_stripped += usize::from(!new_kept);
            self.old_stripped += usize::from(!old_kept);
        } else {
            self.tracking += 1;
            self.new_passed += usize::from(new_kept);
            self.old_passed += usize::from(old_kept);
        }
    }

    fn print(&self, label: &str) {
        println!(
            "  {label:<28} functional stripped {:5.1}% | {:5.1}%   tracking passed {:5.1}% | {:5.1}%",
            percent(self.new_stripped, self.functional),
            percent(self.old_stripped, self.functional),
            percent(self.new_passed, self.tracking),
            percent(self.old_passed, self.tracking),
        );
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn held_out(name: &str) -> bool {
    fnv64(name.to_lowercase().as_bytes()) % 10 < 3
}

/// The rows with a name and a category the classifier knows, as the training script reads them.
fn read_rows(text: &str) -> Result<Vec<Row>, String> {
    let records = parse_csv(text);
    let header = records.first().ok_or("empty file")?;
    let column = |title: &str| {
        header
            .iter()
            .position(|h| h == title)
            .ok_or(format!("no column {title:?}"))
    };
    let (name_at, category_at) = (column("Cookie / Data Key name")?, column("Category")?);
    let (retention_at, wildcard_at) = (column("Retention period")?, column("Wildcard match")?);
    let mut rows = Vec::new();
    for record in records.iter().skip(1) {
        let field = |i: usize| record.get(i).map(|s| s.trim()).unwrap_or("");
        let name = field(name_at);
        let class = match field(category_at) {
            "Functional" | "Necessary" | "Security" | "Personalization" => Class::Functional,
            "Analytics" => Class::Analytics,
            "Marketing" => Class::Marketing,
            _ => continue,
        };
        if name.is_empty() {
            continue;
        }
        let mut full = name.to_owned();
        if field(wildcard_at) == "1" {
            full.push_str(&id_suffix(name));
        }
        rows.push(Row {
            entry: name.to_owned(),
            name: full,
            class,
            lifetime: retention(field(retention_at)),
        });
    }
    Ok(rows)
}

/// Ten characters derived from a prefix's hash: the id such cookies carry after it.
fn id_suffix(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut h = fnv64(prefix.as_bytes());
    (0..10)
        .map(|_| {
            let c = ALPHABET[(h % 62) as usize] as char;
            h /= 62;
            c
        })
        .collect()
}

/// A retention period as a lifetime: "session" anywhere, "forever" and the like (ten years),
/// the first "<number> <unit>", else a year.
fn retention(text: &str) -> Lifetime {
    let t = text.trim().to_lowercase();
    if t.contains("session") {
        return Lifetime::Session;
    }
    if ["forever", "unlimited", "persistent", "no expir", "never"]
        .iter()
        .any(|k| t.contains(k))
    {
        return Lifetime::Seconds(10 * YEAR);
    }
    const UNITS: [(&str, f64); 9] = [
        ("second", 1.0),
        ("sec", 1.0),
        ("minute", 60.0),
        ("min", 60.0),
        ("hour", 3_600.0),
        ("day", 86_400.0),
        ("week", 604_800.0),
        ("month", 2_592_000.0),
        ("year", 31_536_000.0),
    ];
    let b = t.as_bytes();
    for start in 0..b.len() {
        if !b[start].is_ascii_digit() {
            continue;
        }
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end + 1 < b.len() && b[end] == b'.' && b[end + 1].is_ascii_digit() {
            end += 1;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
        }
        let number: f64 = t[start..end].parse().unwrap_or(0.0);
        let rest = t[end..].trim_start();
        if let Some((_, unit)) = UNITS.iter().find(|(word, _)| rest.starts_with(word)) {
            return Lifetime::Seconds((number * unit) as u64);
        }
    }
    Lifetime::Seconds(YEAR)
}

/// RFC 4180 records: commas, double-quoted fields with `""` for a quote, CRLF or LF.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}
