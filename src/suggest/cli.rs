//! `qalam suggest`: print, store or evaluate suggestions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use crate::model::{Document, Project, Suggestion};
use crate::project::{self, SaveGuard};

/// Arguments of `qalam suggest`.
#[derive(Debug, Args)]
#[command(
    after_help = "Suggestions come from reporting cues (قال، أضاف، أكد، أشار، شدد، يرى، مشيراً، بحسب، نقلاً عن …) \
                  and from the spans already marked in the project (their texts at their other occurrences). \
                  Offsets are code points, end-exclusive; score is a confidence in per cent.\n\n\
                  Text output: DOCUMENT  #ID LABEL START..END \"TEXT\" RULE SCORE [quote=…] [attributed_to #ID] [same as #ID]\n\n\
                  Examples:\n  qalam suggest news.ron\n  qalam suggest news.ron --json > suggestions.jsonl\n  \
                  qalam suggest news.ron --write\n  qalam suggest --evaluate projects/annotated.ron"
)]
pub struct SuggestArgs {
    /// The project file to suggest annotations for.
    #[arg(
        value_name = "FILE.ron",
        required_unless_present = "evaluate",
        conflicts_with = "evaluate"
    )]
    pub file: Option<PathBuf>,
    /// Print one JSON object per document and line (the jsonl export's `id`, `spans` and
    /// `relations`, with each span's `rule` and `score`).
    #[arg(long)]
    pub json: bool,
    /// Store the suggestions in the file as pending suggestions, replacing earlier ones.
    #[arg(long, conflicts_with = "evaluate")]
    pub write: bool,
    /// Run the rules on GOLD's texts without its spans and print precision, recall and F1
    /// per label and relation type against GOLD's spans.
    #[arg(long, value_name = "GOLD.ron")]
    pub evaluate: Option<PathBuf>,
}

/// Exit code 1 after printing `err` on stderr.
fn failed(err: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("qalam: {err}");
    ExitCode::from(1)
}

/// Runs `qalam suggest`.
pub fn run(args: &SuggestArgs) -> anyhow::Result<ExitCode> {
    if let Some(gold) = &args.evaluate {
        return evaluate(gold, args.json);
    }
    let Some(file) = &args.file else {
        anyhow::bail!("qalam suggest needs FILE.ron or --evaluate GOLD.ron");
    };
    let loaded = match project::load(file) {
        Ok(l) => l,
        Err(e) => return Ok(failed(&e)),
    };
    let mut project = loaded.project;
    let suggestions = super::suggest_project(&project);
    let mut out = std::io::stdout().lock();
    if args.json {
        for (doc, s) in project.documents.iter().zip(&suggestions) {
            writeln!(out, "{}", json_line(doc, s)?).context("writing to stdout")?;
        }
    } else {
        for (doc, s) in project.documents.iter().zip(&suggestions) {
            for one in s {
                writeln!(out, "{}", text_line(doc, one)).context("writing to stdout")?;
            }
        }
    }
    let summary = summary(&project, &suggestions);
    if args.json {
        eprintln!("qalam: {summary}");
    } else {
        writeln!(out, "{summary}").context("writing to stdout")?;
    }
    if args.write {
        let count: usize = suggestions.iter().map(Vec::len).sum();
        for (i, s) in suggestions.into_iter().enumerate() {
            if let Some(d) = project.doc_mut(i) {
                d.suggestions = s;
            }
        }
        if let Err(e) = project::save(file, &project, SaveGuard::Unchanged(&loaded.stamp)) {
            return Ok(failed(&e));
        }
        let line = format!(
            "{}: stored {} as pending",
            file.display(),
            plural(count, "suggestion")
        );
        if args.json {
            eprintln!("qalam: {line}");
        } else {
            writeln!(out, "{line}").context("writing to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn evaluate(gold: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let loaded = match project::load(gold) {
        Ok(l) => l,
        Err(e) => return Ok(failed(&e)),
    };
    let ev = super::evaluate(&loaded.project);
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &ev).context("writing JSON to stdout")?;
        writeln!(out).context("writing to stdout")?;
    } else {
        let table = super::evaluate::render(&ev, &gold.display().to_string());
        out.write_all(table.as_bytes())
            .context("writing to stdout")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `1 suggestion`, `2 suggestions`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `12 suggestions (4 speaker, 5 claim, 3 entity) in 2 of 3 documents`.
fn summary(project: &Project, suggestions: &[Vec<Suggestion>]) -> String {
    let total: usize = suggestions.iter().map(Vec::len).sum();
    let with = suggestions.iter().filter(|s| !s.is_empty()).count();
    let mut per_label: Vec<(String, usize)> = project
        .schema
        .span_labels
        .iter()
        .map(|l| (l.name.clone(), 0))
        .collect();
    for s in suggestions.iter().flatten() {
        if let Some(e) = per_label.iter_mut().find(|(l, _)| *l == s.label) {
            e.1 += 1;
        }
    }
    let labels: Vec<String> = per_label
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    let detail = if labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", labels.join(", "))
    };
    format!(
        "{}{detail} in {with} of {}",
        plural(total, "suggestion"),
        plural(project.documents.len(), "document")
    )
}

/// `text` on one line: control characters and line separators escaped, cut after 60
/// characters.
fn shown(text: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::with_capacity(text.len().min(4 * MAX));
    for (i, c) in text.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// One suggestion as a line of text.
fn text_line(doc: &Document, s: &Suggestion) -> String {
    let mut line = format!(
        "{}  #{} {} {}..{} \"{}\" {} {}",
        doc.id,
        s.id,
        s.label,
        s.start,
        s.end,
        shown(&s.text),
        s.rule,
        s.score
    );
    for (k, v) in &s.attributes {
        line.push_str(&format!(" {k}={v}"));
    }
    for l in &s.links {
        line.push_str(&format!(" {} #{}", l.kind, l.to));
    }
    if let Some(same) = s.same_as {
        line.push_str(&format!(" same as #{same}"));
    }
    line
}

/// One span of the JSON output.
#[derive(Serialize)]
struct JsonSpan<'a> {
    id: u64,
    label: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    attributes: &'a std::collections::BTreeMap<String, String>,
    rule: &'a str,
    score: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    same_as: Option<u64>,
}

/// One relation of the JSON output.
#[derive(Serialize)]
struct JsonRelation<'a> {
    id: u64,
    #[serde(rename = "type")]
    kind: &'a str,
    from: u64,
    to: u64,
}

/// One document of the JSON output.
#[derive(Serialize)]
struct JsonDoc<'a> {
    id: &'a str,
    spans: Vec<JsonSpan<'a>>,
    relations: Vec<JsonRelation<'a>>,
}

/// A document's suggestions as one JSON line. Line and paragraph separators are escaped, as
/// the jsonl export does, so no line splitter cuts a document.
fn json_line(doc: &Document, suggestions: &[Suggestion]) -> anyhow::Result<String> {
    let spans = suggestions
        .iter()
        .map(|s| JsonSpan {
            id: s.id,
            label: &s.label,
            start: s.start,
            end: s.end,
            text: &s.text,
            attributes: &s.attributes,
            rule: &s.rule,
            score: s.score,
            same_as: s.same_as,
        })
        .collect();
    let mut relations = Vec::new();
    for s in suggestions {
        for l in &s.links {
            relations.push(JsonRelation {
                id: relations.len() as u64 + 1,
                kind: &l.kind,
                from: s.id,
                to: l.to,
            });
        }
    }
    let line = serde_json::to_string(&JsonDoc {
        id: &doc.id,
        spans,
        relations,
    })
    .context("writing JSON")?;
    Ok(line
        .replace('\u{0085}', "\\u0085")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_escape_controls_and_json_escapes_separators() {
        let mut d = Document::new("d1", "", "", "قال مصدر\u{2028}x");
        d.spans.clear();
        let s = Suggestion {
            id: 3,
            label: "speaker".into(),
            start: 4,
            end: 10,
            text: "مصدر\u{2028}x".into(),
            attributes: Default::default(),
            rule: "cue-verb".into(),
            score: 85,
            links: vec![crate::model::SuggestedLink {
                kind: "attributed_to".into(),
                to: 9,
            }],
            same_as: Some(1),
        };
        let line = text_line(&d, &s);
        assert_eq!(
            line,
            "d1  #3 speaker 4..10 \"مصدر\\u{2028}x\" cue-verb 85 attributed_to #9 same as #1"
        );
        let json = json_line(&d, std::slice::from_ref(&s)).expect("json");
        assert!(!json.contains('\u{2028}') && json.contains("\\u2028"));
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(v["relations"][0]["from"], 3);
        assert_eq!(v["spans"][0]["text"], "مصدر\u{2028}x");
    }
}
