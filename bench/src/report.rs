//! The figures a scenario measured, each beside the ceiling measured in the
//! same run, printed as one table and, with `--json`, written as
//! JSON.

use std::path::Path;

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// What was measured, `open-loop commands/s at p99 <= 50 ms`.
    pub figure: String,
    pub value: f64,
    pub unit: &'static str,
    /// What it is compared with, measured in the same run.
    pub ceiling: Option<Ceiling>,
    /// `value / ceiling.value` (or `ceiling.value / value` where lower is
    /// better, see [`Ceiling::lower_is_better`]).
    pub ratio: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ceiling {
    pub name: String,
    pub value: f64,
}

impl Figure {
    /// A figure with nothing to compare it with (a latency, say).
    pub fn alone(figure: impl Into<String>, value: f64, unit: &'static str) -> Self {
        Self {
            figure: figure.into(),
            value,
            unit,
            ceiling: None,
            ratio: None,
        }
    }

    /// A rate beside the rate of its ceiling.
    pub fn against(
        figure: impl Into<String>,
        value: f64,
        unit: &'static str,
        ceiling: impl Into<String>,
        ceiling_value: f64,
    ) -> Self {
        Self {
            figure: figure.into(),
            value,
            unit,
            ratio: (ceiling_value > 0.0).then(|| value / ceiling_value),
            ceiling: Some(Ceiling {
                name: ceiling.into(),
                value: ceiling_value,
            }),
        }
    }
}

/// The table, one figure per line.
pub fn table(figures: &[Figure]) -> String {
    let mut out = format!(
        "{:<52} {:>12} {:<10} {:<48} {:>12} {:>7}\n",
        "figure", "value", "unit", "ceiling", "ceiling", "ratio"
    );
    for figure in figures {
        let (name, value) = figure
            .ceiling
            .as_ref()
            .map_or(("-".to_owned(), "-".to_owned()), |ceiling| {
                (ceiling.name.clone(), format_value(ceiling.value))
            });
        let ratio = figure
            .ratio
            .map_or_else(|| "-".to_owned(), |ratio| format!("{ratio:.3}"));
        out.push_str(&format!(
            "{:<52} {:>12} {:<10} {:<48} {:>12} {:>7}\n",
            figure.figure,
            format_value(figure.value),
            figure.unit,
            name,
            value,
            ratio
        ));
    }
    out
}

fn format_value(value: f64) -> String {
    if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// Writes the figures as a JSON document: `{ "figures": [...] }`.
pub fn write_json(path: &Path, figures: &[Figure]) -> anyhow::Result<()> {
    let document = serde_json::json!({ "figures": figures });
    std::fs::write(path, serde_json::to_vec_pretty(&document)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_is_the_figure_over_its_ceiling() {
        let figure = Figure::against("commands/s", 250.0, "1/s", "raw", 1000.0);
        assert_eq!(figure.ratio, Some(0.25));
        let text = table(&[figure, Figure::alone("p99", 12.5, "ms")]);
        assert!(text.contains("0.250"), "{text}");
        assert!(text.contains("12.50"), "{text}");
    }
}
