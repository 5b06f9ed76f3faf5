//! The agreement report as a plain-text table, as printed by `qalam agree`.

use std::fmt::Write;

use super::agreement::{Agreement, AgreementReport, PerLabel, Score};

/// A number with three decimals, or `–` when undefined.
fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.3}"))
}

/// Pads `s` on the right to `width` characters.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// Pads `s` on the left to `width` characters.
fn pad_left(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(width.saturating_sub(n)))
}

/// Rows of one block: a metric name and its cells (overall, then per label).
struct Block {
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

impl Block {
    fn new(columns: &[String]) -> Self {
        let mut all = vec!["overall".to_owned()];
        all.extend(columns.iter().cloned());
        Block {
            columns: all,
            rows: Vec::new(),
        }
    }

    fn row<T>(&mut self, name: String, values: &PerLabel<T>, f: impl Fn(&T) -> Option<f64>) {
        let mut cells = vec![num(f(&values.overall))];
        cells.extend(values.by_label.iter().map(|(_, v)| num(f(v))));
        self.rows.push((name, cells));
    }

    fn write(&self, out: &mut String) {
        let name_width = self
            .rows
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        let widths: Vec<usize> = self
            .columns
            .iter()
            .map(|c| c.chars().count().max(7))
            .collect();
        let mut header = pad("", name_width);
        for (c, w) in self.columns.iter().zip(&widths) {
            header.push_str("  ");
            header.push_str(&pad_left(c, *w));
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for (name, cells) in &self.rows {
            let mut line = pad(name, name_width);
            for (c, w) in cells.iter().zip(&widths) {
                line.push_str("  ");
                line.push_str(&pad_left(c, *w));
            }
            let _ = writeln!(out, "{line}");
        }
    }
}

/// Short names A, B, C… of annotators, for row names.
fn letter(i: usize) -> String {
    char::from_u32(u32::try_from(i).map_or(0, |i| i) + u32::from(b'A'))
        .filter(|_| i < 26)
        .map_or_else(|| format!("#{}", i + 1), String::from)
}

fn write_agreement(out: &mut String, a: &Agreement, report: &AgreementReport) {
    let mut spans = Block::new(&report.labels);
    for p in &a.pairs {
        let pair = format!("{}–{}", letter(p.reference), letter(p.other));
        let f = |s: &Score| s.f1;
        spans.row(format!("exact F1 {pair}"), &p.exact, f);
        spans.row(
            format!("  precision (ref {})", letter(p.reference)),
            &p.exact,
            |s: &Score| s.precision,
        );
        spans.row(
            format!("  recall (ref {})", letter(p.reference)),
            &p.exact,
            |s: &Score| s.recall,
        );
        spans.row(format!("overlap F1 {pair}"), &p.overlap, f);
        spans.row(format!("Cohen κ {pair}"), &p.cohen_kappa, |k| *k);
    }
    spans.row("Fleiss κ".to_owned(), &a.fleiss_kappa, |k| *k);
    spans.row("Krippendorff α".to_owned(), &a.krippendorff_alpha, |k| *k);
    spans.write(out);
    out.push('\n');
    let mut relations = Block::new(&report.relation_types);
    for p in &a.pairs {
        relations.row(
            format!("relation F1 {}–{}", letter(p.reference), letter(p.other)),
            &p.relations,
            |s: &Score| s.f1,
        );
    }
    relations.write(out);
}

/// The whole report as text: annotators (with the file each came from, where `files` gives
/// it), unmatched documents, one block per document and one for the corpus. Undefined values
/// are `–`.
pub fn render_table(report: &AgreementReport, files: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Annotators:");
    for (i, name) in report.annotators.iter().enumerate() {
        let _ = match files.get(i) {
            Some(f) => writeln!(out, "  {} = {name} ({f})", letter(i)),
            None => writeln!(out, "  {} = {name}", letter(i)),
        };
    }
    let _ = writeln!(
        out,
        "Documents in every file: {}; only in some: {}",
        report.documents.len(),
        report.only_in_some.len()
    );
    for d in &report.only_in_some {
        let present: Vec<String> = d
            .ids
            .iter()
            .enumerate()
            .filter_map(|(i, id)| id.as_ref().map(|id| format!("{}:{id}", letter(i))))
            .collect();
        let _ = writeln!(
            out,
            "  not compared: {} (text {}…)",
            present.join(", "),
            d.sha256.get(..12).unwrap_or(&d.sha256)
        );
    }
    for d in &report.duplicates {
        let _ = writeln!(
            out,
            "  left out: {}:{} repeats the text of {}",
            letter(d.project),
            d.id,
            d.same_text_as
        );
    }
    for d in &report.documents {
        let _ = writeln!(
            out,
            "\nDocument {} ({} tokens)",
            d.ids.first().map_or("", String::as_str),
            d.agreement.tokens
        );
        write_agreement(&mut out, &d.agreement, report);
    }
    let docs = if report.documents.len() == 1 {
        "1 document".to_owned()
    } else {
        format!("{} documents", report.documents.len())
    };
    let _ = writeln!(out, "\nCorpus ({docs}, {} tokens)", report.corpus.tokens);
    write_agreement(&mut out, &report.corpus, report);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_then_numbers() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(2), "C");
        assert_eq!(letter(26), "#27");
    }
}
