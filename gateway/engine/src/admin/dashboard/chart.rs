//! Inline SVG charts: visitors and page views per day stacked by consent state, and the
//! banner's funnel as horizontal bars. Colours are presentation attributes (the admin
//! pages' CSP allows no inline style) from the Okabe–Ito palette, safe for colour-blind
//! readers; every chart is an image with a title and a description, its numbers in a
//! table beside it.

use consentry_banner::escape_html as esc;

use super::format::{compact, percent, thousands};

/// Page views of visitors who granted analytics.
pub(super) const GRANTED: &str = "#0072b2";
/// Page views of visitors who declined analytics.
pub(super) const DENIED: &str = "#e69f00";
/// Page views of visitors who have not answered.
pub(super) const UNDECIDED: &str = "#56b4e9";
/// Page views whose consent state is hidden for anonymity.
pub(super) const HIDDEN: &str = "#d5d9de";
/// The visitors line.
pub(super) const VISITORS: &str = "#1f2933";
/// Accepted all, in the funnel.
pub(super) const ACCEPT: &str = "#009e73";
/// Rejected all, in the funnel.
pub(super) const REJECT: &str = "#d55e00";
/// Chose per category, in the funnel.
pub(super) const CUSTOM: &str = "#cc79a7";
/// Opted out of sale and sharing, in the funnel: the palette's orange, which no other bar
/// of the funnel uses.
pub(super) const OPT_OUT: &str = "#e69f00";

const GRID: &str = "#e4e7eb";
const AXIS: &str = "#7b8794";
const INK: &str = "#3e4c59";

/// One day of the time series; `None` where hidden.
#[derive(Debug, Clone, Default)]
pub(super) struct Day {
    pub(super) date: String,
    pub(super) pageviews: Option<u64>,
    pub(super) visitors: Option<u64>,
    /// Page views granted, declined, not answered.
    pub(super) split: [Option<u64>; 3],
}

/// A step and top for an axis from 0 to at least `max`, with about four steps of 1, 2
/// or 5 times a power of ten.
fn axis(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let raw = max as f64 / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = match raw / magnitude {
        n if n <= 1.0 => 1.0,
        n if n <= 2.0 => 2.0,
        n if n <= 5.0 => 5.0,
        _ => 10.0,
    } * magnitude;
    let step = (step.round() as u64).max(1);
    (step, max.div_ceil(step) * step)
}

fn open_svg(id: &str, width: f64, height: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart {id}\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-size=\"13\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// Visitors and page views per day: bars of page views stacked by consent state (the
/// part of a day's views whose state is hidden in grey), visitors as a line.
pub(super) fn timeseries(id: &str, days: &[Day], k: u32) -> String {
    const W: f64 = 960.0;
    const H: f64 = 320.0;
    const LEFT: f64 = 64.0;
    const RIGHT: f64 = 40.0;
    const TOP: f64 = 14.0;
    const BOTTOM: f64 = 36.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let max = days
        .iter()
        .flat_map(|d| [d.pageviews, d.visitors])
        .flatten()
        .max()
        .unwrap_or(0);
    let (step, top) = axis(max);
    let y = |v: u64| TOP + plot_h - v as f64 / top as f64 * plot_h;
    let slot = plot_w / days.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let centre = |i: usize| LEFT + slot * (i as f64 + 0.5);

    let mut svg = open_svg(
        id,
        W,
        H,
        "Visitors and page views per day",
        &describe(days, k),
    );
    let mut tick = 0;
    while tick <= top {
        let at = y(tick);
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{at:.1}\" y2=\"{at:.1}\" stroke=\"{GRID}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
            W - RIGHT,
            LEFT - 8.0,
            at + 4.0,
            compact(tick),
        ));
        tick += step;
    }

    for (i, day) in days.iter().enumerate() {
        let Some(total) = day.pageviews else { continue };
        let known: u64 = day.split.iter().flatten().sum();
        let parts = [
            (day.split[0], GRANTED, "analytics granted"),
            (day.split[1], DENIED, "analytics declined"),
            (day.split[2], UNDECIDED, "no answer yet"),
            (
                Some(total.saturating_sub(known)),
                HIDDEN,
                "consent state hidden",
            ),
        ];
        let mut base = 0;
        for (value, colour, what) in parts {
            let Some(value) = value.filter(|v| *v > 0) else {
                continue;
            };
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{colour}\">\
                 <title>{}: {} page views, {what}</title></rect>",
                centre(i) - bar / 2.0,
                y(base + value),
                y(base) - y(base + value),
                esc(&day.date),
                thousands(value),
            ));
            base += value;
        }
    }

    // The visitors line, broken where a day is hidden.
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, day) in days.iter().enumerate() {
        match day.visitors {
            Some(v) => runs
                .last_mut()
                .into_iter()
                .for_each(|run| run.push((centre(i), y(v)))),
            None => runs.push(Vec::new()),
        }
    }
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let points: Vec<String> = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        // A white halo keeps the line apart from the bars behind it.
        let points = points.join(" ");
        svg.push_str(&format!(
            "<polyline points=\"{points}\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"5\" \
             stroke-linejoin=\"round\"/><polyline points=\"{points}\" fill=\"none\" \
             stroke=\"{VISITORS}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
        ));
    }
    if days.len() <= 45 {
        for (i, day) in days.iter().enumerate() {
            if let Some(v) = day.visitors {
                svg.push_str(&format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#ffffff\" stroke=\"{VISITORS}\" \
                     stroke-width=\"2\"><title>{}: {} visitors</title></circle>",
                    centre(i),
                    y(v),
                    esc(&day.date),
                    thousands(v)
                ));
            }
        }
    }

    let base = y(0);
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{base:.1}\" y2=\"{base:.1}\" stroke=\"{AXIS}\"/>",
        W - RIGHT
    ));
    let every = days.len().div_ceil(7).max(1);
    for (i, day) in days.iter().enumerate().step_by(every) {
        svg.push_str(&format!(
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{base:.1}\" y2=\"{:.1}\" stroke=\"{AXIS}\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            base + 5.0,
            base + 20.0,
            esc(&day.date),
            x = centre(i),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The chart's description: what it draws and its most telling numbers.
fn describe(days: &[Day], k: u32) -> String {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return "No days to show.".to_owned();
    };
    let mut text = format!(
        "Bars: page views per day from {} to {}, stacked by analytics consent \
         (granted, declined, no answer yet). Line: visitors per day.",
        first.date, last.date
    );
    let total: u64 = days.iter().filter_map(|d| d.pageviews).sum();
    text.push_str(&format!(" {} page views in all", thousands(total)));
    if let Some(busiest) = days
        .iter()
        .filter(|d| d.pageviews.unwrap_or(0) > 0)
        .max_by_key(|d| d.pageviews)
    {
        text.push_str(&format!(
            "; the busiest day was {} with {} page views",
            busiest.date,
            thousands(busiest.pageviews.unwrap_or(0))
        ));
    }
    text.push('.');
    let hidden = days.iter().filter(|d| d.pageviews.is_none()).count();
    if hidden > 0 {
        text.push_str(&format!(
            " {hidden} of {} days are hidden: fewer than {k} visitors.",
            days.len()
        ));
    }
    text.push_str(" The numbers are in the table below.");
    text
}

/// One bar of the funnel; `None` where hidden.
#[derive(Debug, Clone)]
pub(super) struct Bar {
    pub(super) label: &'static str,
    pub(super) value: Option<u64>,
    pub(super) colour: &'static str,
}

/// Horizontal bars, the first (banner shown) being the whole the others are a share of.
pub(super) fn funnel(id: &str, bars: &[Bar], k: u32) -> String {
    const W: f64 = 720.0;
    const ROW: f64 = 34.0;
    const LABEL: f64 = 176.0;
    const BAR_W: f64 = 380.0;
    let height = ROW * bars.len() as f64 + 8.0;
    let whole = bars.first().and_then(|b| b.value).filter(|v| *v > 0);
    let max = bars
        .iter()
        .filter_map(|b| b.value)
        .max()
        .unwrap_or(0)
        .max(1);
    let share = |v: u64| whole.map(|w| percent(v as f64 / w as f64));

    let described: Vec<String> = bars
        .iter()
        .map(|b| match b.value {
            Some(v) => match share(v) {
                Some(p) if whole != Some(v) => format!("{}: {} ({p})", b.label, thousands(v)),
                _ => format!("{}: {}", b.label, thousands(v)),
            },
            None => format!("{}: hidden, fewer than {k} visitors", b.label),
        })
        .collect();
    let mut svg = open_svg(
        id,
        W,
        height,
        "The consent banner's funnel",
        &format!("{}.", described.join("; ")),
    );
    for (i, b) in bars.iter().enumerate() {
        let top = 4.0 + ROW * i as f64;
        let mid = top + ROW / 2.0 + 4.0;
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{mid:.1}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
            LABEL - 10.0,
            esc(b.label)
        ));
        match b.value {
            Some(v) => {
                let width = (v as f64 / max as f64 * BAR_W).max(if v > 0 { 2.0 } else { 0.0 });
                let label = match share(v) {
                    Some(p) if i > 0 => format!("{} · {p}", thousands(v)),
                    _ => thousands(v),
                };
                svg.push_str(&format!(
                    "<rect x=\"{LABEL}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\" rx=\"3\" \
                     fill=\"{}\"/><text x=\"{:.1}\" y=\"{mid:.1}\" fill=\"{INK}\">{}</text>",
                    top + 5.0,
                    ROW - 10.0,
                    b.colour,
                    LABEL + width + 8.0,
                    esc(&label)
                ));
            }
            None => svg.push_str(&format!(
                "<text x=\"{LABEL}\" y=\"{mid:.1}\" fill=\"{INK}\">— hidden: fewer than {k} visitors</text>"
            )),
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_step_in_round_numbers() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(3), (1, 3));
        assert_eq!(axis(1234), (500, 1500));
        assert_eq!(axis(80), (20, 80));
        assert_eq!(axis(1_000_001), (500_000, 1_500_000));
    }

    #[test]
    fn hidden_days_break_the_line_and_are_described() {
        let day = |date: &str, v: Option<u64>| Day {
            date: date.into(),
            pageviews: v.map(|v| v * 2),
            visitors: v,
            split: [v, None, None],
        };
        let svg = timeseries(
            "c",
            &[
                day("2024-01-01", Some(10)),
                day("2024-01-02", Some(12)),
                day("2024-01-03", None),
                day("2024-01-04", Some(11)),
            ],
            10,
        );
        assert_eq!(svg.matches("<polyline").count(), 4);
        assert!(svg.contains("1 of 4 days are hidden: fewer than 10 visitors."));
        assert!(svg.contains("2024-01-02: 12 page views, consent state hidden"));
    }
}
