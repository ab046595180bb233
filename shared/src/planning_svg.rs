//! The go-live plan as a picture: a self-contained SVG (no scripts, no external fonts, images
//! or styles), one row per month with a bar as long as the capacity, filled with one segment
//! per municipality sized by its end users and named below the bar. Signed municipalities are
//! solid, those not signed yet are pale with a dashed outline, already scheduled ones green.
//! Municipalities left out of the plan are listed under it with the reason.

use crate::planning::Plan;
use std::fmt::Write;

const WIDTH: u32 = 800;
const LEFT: u32 = 90;
const BAR: u32 = 560;
const ROW: u32 = 56;
const TOP: u32 = 92;

/// Text and attribute values, escaped for XML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(plan: &Plan, program_name: &str) -> String {
    let rows = plan.waves.len().max(1) as u32;
    let unplanned_top = TOP + rows * ROW + 24;
    let height = unplanned_top
        + if plan.unplanned.is_empty() {
            0
        } else {
            24 + 18 * plan.unplanned.len() as u32
        }
        + 16;
    let title = format!("Go-live plan: {program_name}");
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="plan-title" font-family="sans-serif" font-size="13">"##
    );
    let _ = write!(svg, r#"<title id="plan-title">{}</title>"#, escape(&title));
    let _ = write!(svg, r##"<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##);
    let _ = write!(
        svg,
        r##"<text x="16" y="28" font-size="18" font-weight="bold" fill="#1a202c">{}</text>"##,
        escape(&title)
    );
    let _ = write!(
        svg,
        r##"<text x="16" y="50" fill="#4a5568">At most {} end users a month; made in {}.</text>"##,
        plan.capacity, plan.made_in
    );
    // Legend.
    let legend = [
        ("#2b6cb0", "#2b6cb0", "", "signed"),
        ("#bee3f8", "#2b6cb0", r#" stroke-dasharray="4 2""#, "not signed yet (*)"),
        ("#2f855a", "#2f855a", "", "go-live scheduled"),
    ];
    let mut x = 16;
    for (fill, stroke, dash, label) in legend {
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="62" width="14" height="14" fill="{fill}" stroke="{stroke}"{dash}/><text x="{}" y="74" fill="#1a202c">{label}</text>"##,
            x + 20
        );
        x += 40 + 8 * label.len() as u32;
    }

    if plan.waves.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{LEFT}" y="{}" fill="#4a5568">No municipality to plan.</text>"##,
            TOP + 24
        );
    }
    let capacity = f64::from(plan.capacity.max(1));
    for (i, wave) in plan.waves.iter().enumerate() {
        let y = TOP + i as u32 * ROW;
        let _ = write!(
            svg,
            r##"<g class="wave" data-month="{month}"><text x="16" y="{ty}" font-weight="bold" fill="#1a202c">{month}</text><rect x="{LEFT}" y="{y}" width="{BAR}" height="22" fill="#f7fafc" stroke="#cbd5e0"/>"##,
            month = wave.month,
            ty = y + 16,
        );
        let mut offset = 0.0;
        for m in &wave.municipalities {
            let w = f64::from(m.end_users) / capacity * f64::from(BAR);
            let (fill, stroke, dash) = if m.scheduled {
                ("#2f855a", "#ffffff", "")
            } else if m.signed {
                ("#2b6cb0", "#ffffff", "")
            } else {
                ("#bee3f8", "#2b6cb0", r#" stroke-dasharray="4 2""#)
            };
            let state = if m.scheduled {
                "go-live scheduled"
            } else if m.signed {
                "signed"
            } else {
                "not signed yet"
            };
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{y}" width="{w:.1}" height="22" fill="{fill}" stroke="{stroke}"{dash}><title>{} ({}): {} end users, {state}</title></rect>"#,
                f64::from(LEFT) + offset,
                escape(&m.name),
                escape(&m.number),
                m.end_users,
            );
            offset += w;
        }
        let names: Vec<String> = wave
            .municipalities
            .iter()
            .map(|m| {
                let mark = if m.signed { "" } else { "*" };
                format!("{}{mark} ({})", m.name, m.end_users)
            })
            .collect();
        let _ = write!(
            svg,
            r##"<text x="{LEFT}" y="{}" font-size="12" fill="#2d3748">{} — {} end users</text></g>"##,
            y + 38,
            escape(&names.join(", ")),
            wave.end_users
        );
    }
    if !plan.unplanned.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="16" y="{unplanned_top}" font-weight="bold" fill="#1a202c">Not planned</text>"##
        );
        for (i, u) in plan.unplanned.iter().enumerate() {
            let _ = write!(
                svg,
                r##"<text x="16" y="{}" font-size="12" fill="#4a5568">{} {}: {}</text>"##,
                unplanned_top + 22 + 18 * i as u32,
                escape(&u.number),
                escape(&u.name),
                escape(&u.reason)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::YearMonth;
    use crate::planning::{Placed, Unplanned, Wave};

    #[test]
    fn names_are_escaped_and_nothing_is_fetched_or_run() {
        let month = YearMonth { year: 2022, month: 11 };
        let plan = Plan {
            capacity: 1000,
            made_in: month,
            waves: vec![Wave {
                month,
                end_users: 400,
                municipalities: vec![Placed {
                    number: "5027".into(),
                    name: "<script>alert('x')</script> & Co".into(),
                    end_users: 400,
                    signed: false,
                    scheduled: false,
                }],
            }],
            unplanned: vec![Unplanned {
                number: "5028".into(),
                name: "Oppdal \"gamle\"".into(),
                reason: "declined".into(),
            }],
        };
        let svg = render(&plan, "Helse & <plattform>");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"));
        assert!(svg.contains("Helse &amp; &lt;plattform&gt;"));
        assert!(svg.contains("Oppdal &quot;gamle&quot;"));
        assert!(!svg.contains("href"), "no links or external assets");
        assert_eq!(svg.matches("<g ").count(), svg.matches("</g>").count());
    }
}
