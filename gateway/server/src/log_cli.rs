//! `consentry log ...`: the owner's tools for the consent log — export, erase, stats, verify.

use std::io::Write;

use consentry_engine::chain::{verify, ChainKey, ChainedRecord};

use crate::store::{ConsentLog, LogFilter};

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line.
    JsonLines,
    /// Comma-separated values with a header row.
    Csv,
}

/// Why a log command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Writing the output failed.
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    /// CSV could not be written.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// JSON could not be written.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The chain is broken.
    #[error("the consent log does not verify: {0}")]
    Broken(#[from] consentry_engine::chain::ChainBreak),
}

/// Writes the records the filter selects; returns how many.
pub async fn export(
    log: &dyn ConsentLog,
    filter: &LogFilter,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<usize, LogError> {
    let records = log.export(filter).await?;
    match format {
        ExportFormat::JsonLines => {
            for record in &records {
                serde_json::to_writer(&mut *out, &export_row(record))?;
                out.write_all(b"\n")?;
            }
        }
        ExportFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            for record in &records {
                writer.serialize(export_row(record))?;
            }
            writer.flush()?;
        }
    }
    Ok(records.len())
}

/// One exported record: flat, with times as text, for JSON lines and CSV alike.
#[derive(serde::Serialize)]
struct ExportRow<'a> {
    seq: u64,
    record_id: &'a str,
    consent_id: &'a str,
    recorded_at: String,
    site: &'a str,
    policy_version: u32,
    kind: &'static str,
    necessary: bool,
    preferences: bool,
    analytics: bool,
    marketing: bool,
    via_form: bool,
    gpc: bool,
    language: &'a str,
    banner_hash: &'a str,
    country: &'a str,
    ip_prefix: &'a str,
    browser: &'a str,
    detail: &'a str,
    regime: &'a str,
    tc_string: &'a str,
    erased: bool,
    prev_hash: &'a str,
    hash: &'a str,
}

fn export_row(stored: &ChainedRecord) -> ExportRow<'_> {
    let r = &stored.record;
    ExportRow {
        seq: stored.seq,
        record_id: &r.record_id,
        consent_id: &r.consent_id,
        recorded_at: humantime::format_rfc3339_seconds(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(r.recorded_at),
        )
        .to_string(),
        site: &r.site,
        policy_version: r.policy_version,
        kind: r.kind.as_str(),
        necessary: true,
        preferences: r.preferences,
        analytics: r.analytics,
        marketing: r.marketing,
        via_form: r.via_form,
        gpc: r.gpc,
        language: &r.language,
        banner_hash: &r.banner_hash,
        country: r.country.as_deref().unwrap_or(""),
        ip_prefix: r.ip_prefix.as_deref().unwrap_or(""),
        browser: r.browser.as_deref().unwrap_or(""),
        detail: &r.detail,
        regime: &r.regime,
        tc_string: &r.tc_string,
        erased: stored.erased,
        prev_hash: &stored.prev_hash,
        hash: &stored.hash,
    }
}

/// Walks the whole chain; the summary on success, the first break otherwise.
pub async fn verify_log(
    log: &dyn ConsentLog,
    key: &ChainKey,
) -> Result<consentry_engine::chain::Verified, LogError> {
    let (checkpoint, records) = log.chain().await?;
    Ok(verify(key, checkpoint.as_ref(), &records)?)
}
