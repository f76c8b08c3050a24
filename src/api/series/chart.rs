//! A series as an SVG line chart, labelled in the asked language.

use super::SeriesResponse;
use crate::api::error::{ApiError, ApiResult};
use crate::api::params::Lang;

pub(super) fn svg(response: &SeriesResponse, lang: Lang) -> ApiResult<String> {
    use charts_rs::{LineChart, Series, TextConfig};
    // Stored text may hold control characters, which XML forbids.
    let clean = |text: &str| -> String { text.chars().filter(|c| !c.is_control()).collect() };
    // A province without a single value would only clutter the legend.
    let drawn: Vec<_> = response
        .series
        .iter()
        .filter(|l| l.points.iter().any(|p| p.value.is_some()))
        .collect();
    let lines: Vec<Series> = drawn
        .iter()
        .map(|l| {
            let mut s = Series::new(clean(&l.province_name), Vec::new());
            s.data = l.points.iter().map(|p| p.value.map(|v| v as f32)).collect();
            s
        })
        .collect();
    let values = drawn
        .iter()
        .flat_map(|l| l.points.iter().filter_map(|p| p.value));
    let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let mut chart = LineChart::new(lines, response.periods.clone());
    let (axis_min, axis_max, intervals) = crate::analysis::axis::nice_axis(min, max, 5);
    for axis in &mut chart.y_axis_configs {
        axis.min = Some(axis_min as f32);
        axis.max = Some(axis_max as f32);
        axis.split_number = intervals;
    }
    chart.base.width = 800.0;
    chart.base.height = 460.0;
    chart.base.title.text = clean(&match response.transform.as_str() {
        "level" => response.indicator_name.clone(),
        other => format!("{} ({other})", response.indicator_name),
    });
    let (unit_en, unit_vi) = crate::domain::vocab::unit_label(&response.unit);
    let unit = match response.transform.as_str() {
        "pct_change" => "%".to_owned(),
        "index" => format!("{} = 100", response.base.clone().unwrap_or_default()),
        "change" => format!(
            "{} ({})",
            lang.pick(unit_en, unit_vi),
            lang.pick("change", "thay đổi")
        ),
        _ => lang.pick(unit_en, unit_vi).to_owned(),
    };
    chart.base.sub_title.text = unit;
    // One line per article under the chart, each cut to the chart's width.
    let label = lang.pick("Source", "Nguồn");
    let mut notes: Vec<String> = response
        .sources
        .iter()
        .map(|title| format!("{label}: {}", clean(title)))
        .collect();
    notes.push(lang.pick("Compiled by chiso", "Tổng hợp: chiso").to_owned());
    for note in &mut notes {
        if note.chars().count() > 120 {
            *note = note.chars().take(119).collect::<String>() + "…";
        }
    }
    let line_height = 16.0;
    chart.base.height += line_height * notes.len() as f32;
    for (i, note) in notes.iter().rev().enumerate() {
        let mut text = TextConfig {
            text: note.clone(),
            left: Some(10.0),
            bottom: Some(6.0 + line_height * i as f32),
            ..Default::default()
        };
        text.font.size = 11.0;
        chart.base.texts.push(text);
    }
    chart.base.margin.bottom = 10.0 + line_height * notes.len() as f32;
    chart
        .svg()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("chart rendering failed: {e}")))
}
