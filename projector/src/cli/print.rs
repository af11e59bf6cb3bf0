//! What the operator commands print: plain aligned text (or JSON with
//! `--json`).

use std::fmt::Write;

use read_model::parked::ParkedEvent;

use crate::parked::Released;
use crate::projection::Kind;
use crate::reset::ResetPlan;
use crate::status::StatusSnapshot;

/// Aligns rows of cells into columns separated by two spaces.
fn columns(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows.iter().map(Vec::len).max().unwrap_or(0))
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(column, cell)| format!("{cell:<width$}", width = widths[column]))
            .collect();
        let _ = writeln!(text, "{}", line.join("  ").trim_end());
    }
    text
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}

fn duration(seconds: Option<f64>) -> String {
    match seconds {
        None => "-".to_owned(),
        Some(seconds) if seconds < 1.0 => "now".to_owned(),
        Some(seconds) if seconds < 120.0 => format!("{seconds:.0}s"),
        Some(seconds) if seconds < 7200.0 => format!("{:.0}m", seconds / 60.0),
        Some(seconds) => format!("{:.1}h", seconds / 3600.0),
    }
}

pub fn status(snapshot: &StatusSnapshot) -> String {
    let mut rows = vec![
        [
            "PROJECTION",
            "KIND",
            "VERSION",
            "STATE",
            "ROLE",
            "SERVING",
            "CONSUMERS",
            "PARKED",
            "PENDING",
            "LAG",
            "EVENTS/S",
            "CATCH-UP",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for version in &snapshot.versions {
        rows.push(vec![
            version.name.clone(),
            match version.kind {
                Kind::Projection => "projection",
                Kind::ProcessManager => "process manager",
            }
            .to_owned(),
            version.version.to_string(),
            version.state.to_string(),
            version.role.to_string(),
            if version.serving { "yes" } else { "" }.to_owned(),
            or_dash(version.consumers),
            version.parked_events.to_string(),
            or_dash(version.pending_commands),
            or_dash(version.lag),
            or_dash(version.events_per_second.map(|rate| format!("{rate:.1}"))),
            duration(version.catch_up_seconds),
        ]);
    }
    let mut text = columns(&rows);
    for version in &snapshot.versions {
        let _ = writeln!(
            text,
            "\n{} ({}, group {}, topic {})",
            version.projection,
            version.state,
            version.groups.join(", "),
            version.topics.join(", ")
        );
        let mut rows = vec![
            [
                "  TOPIC",
                "PARTITION",
                "CHECKPOINT",
                "HIGH WATERMARK",
                "LAG",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        for partition in &version.partitions {
            rows.push(vec![
                format!("  {}", partition.topic),
                partition.partition.to_string(),
                or_dash(partition.checkpoint),
                or_dash(partition.high_watermark),
                or_dash(partition.lag),
            ]);
        }
        text.push_str(&columns(&rows));
    }
    text
}

fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(most - 1).collect::<String>())
    }
}

pub fn parked(events: &[ParkedEvent]) -> String {
    if events.is_empty() {
        return "no parked events\n".to_owned();
    }
    let mut rows = vec![
        [
            "ID",
            "PROJECTION",
            "PARTITION",
            "OFFSET",
            "STREAM",
            "STATUS",
            "PARKED AT",
            "ERROR",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for event in events {
        let status = match (&event.skipped_by, &event.skip_reason) {
            (Some(by), Some(reason)) if event.status == read_model::parked::SKIPPED => {
                format!("skipped by {by}: {}", shorten(reason, 40))
            }
            _ => event.status.clone(),
        };
        rows.push(vec![
            event.id.to_string(),
            event.projection.clone(),
            event.partition.to_string(),
            event.offset.to_string(),
            or_dash(event.stream_id.clone()),
            status,
            event.parked_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            shorten(&event.error, 120),
        ]);
    }
    columns(&rows)
}

pub fn released(released: &Released) -> String {
    let stream = released.stream_id.as_deref().unwrap_or("(no key)");
    let mut text = String::new();
    if let Some(skipped) = released.skipped {
        let _ = writeln!(text, "skipped parked event {skipped} of stream {stream}");
    }
    let _ = writeln!(
        text,
        "applied {} parked event(s) of stream {stream} in {}: {:?}",
        released.applied.len(),
        released.projection,
        released.applied
    );
    match &released.still_parked {
        None => {
            let _ = writeln!(text, "the stream is no longer parked");
        }
        Some(still) => {
            let _ = writeln!(
                text,
                "parked event {} (offset {}) still cannot be applied: {}\n{} event(s) of the stream remain parked",
                still.id, still.offset, still.error, released.waiting
            );
        }
    }
    text
}

pub fn reset_plan(plan: &ResetPlan) -> String {
    if plan.moves.is_empty() {
        return format!(
            "{}: no checkpoint is past that point in {}; nothing to re-apply\n",
            plan.projection, plan.topic
        );
    }
    let mut rows = vec![
        [
            "  PARTITION",
            "CHECKPOINT",
            "RESET TO",
            "RECORDS TO RE-APPLY",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for reset in &plan.moves {
        rows.push(vec![
            format!("  {}", reset.partition),
            reset.from.to_string(),
            reset.to.to_string(),
            (reset.from - reset.to).to_string(),
        ]);
    }
    format!(
        "{} in {}: checkpoints to move back\n{}",
        plan.projection,
        plan.topic,
        columns(&rows)
    )
}
