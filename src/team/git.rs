//! What `qalam git-setup` writes: the `.gitattributes` line that sends project files to Qalam's
//! merge driver and textconv, and the `git config` settings that define them. No processes
//! here; the command line runs `git`.

/// The pattern of project files in `.gitattributes`.
pub const PATTERN: &str = "*.ron";

/// The attributes Qalam sets on [`PATTERN`].
pub const ATTRIBUTES: [&str; 2] = ["merge=qalam", "diff=qalam"];

/// The comment written above the line when it is added.
const COMMENT: &str = "# Qalam project files: merged and diffed as annotations (qalam git-setup)";

/// `s` quoted for the POSIX shell git runs drivers with, unless it needs no quoting.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@,=%".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The `git config` settings, as (key, value) pairs, for running `program` (a path or a
/// command on `PATH`) as the merge driver and textconv.
pub fn settings(program: &str) -> Vec<(&'static str, String)> {
    let q = shell_quote(program);
    vec![
        (
            "merge.qalam.name",
            "Qalam: three-way merge of annotation projects".to_owned(),
        ),
        (
            "merge.qalam.driver",
            format!("{q} merge-driver %O %A %B %P"),
        ),
        ("diff.qalam.textconv", format!("{q} diff --textconv")),
    ]
}

/// `.gitattributes` with project files sent to Qalam: an existing `*.ron` line gets
/// `merge=qalam diff=qalam` in place of any other merge or diff setting (its other
/// attributes kept), or the line is appended. `None` when the text already says so.
pub fn update_gitattributes(existing: &str) -> Option<String> {
    let mut found = false;
    let mut changed = false;
    let mut lines: Vec<String> = Vec::new();
    for line in existing.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let mut words = body.split_whitespace();
        if words.next() != Some(PATTERN) {
            lines.push(line.to_owned());
            continue;
        }
        found = true;
        let others: Vec<&str> = words
            .filter(|w| {
                let name = w.trim_start_matches(['-', '!']);
                let name = name.split('=').next().unwrap_or(name);
                name != "merge" && name != "diff"
            })
            .collect();
        let mut rebuilt = vec![PATTERN];
        rebuilt.extend(others);
        rebuilt.extend(ATTRIBUTES);
        let rebuilt = rebuilt.join(" ");
        if rebuilt != body {
            changed = true;
        }
        lines.push(format!("{rebuilt}{ending}"));
    }
    if !found {
        let mut text = existing.to_owned();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("{COMMENT}\n{PATTERN} {}\n", ATTRIBUTES.join(" ")));
        return Some(text);
    }
    changed.then(|| lines.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_is_added_once() {
        let first = update_gitattributes("").expect("added");
        assert_eq!(first, format!("{COMMENT}\n*.ron merge=qalam diff=qalam\n"));
        assert_eq!(update_gitattributes(&first), None, "already there");
        let other = update_gitattributes("*.png binary").expect("added");
        assert!(other.starts_with("*.png binary\n# Qalam"));
    }

    #[test]
    fn an_existing_ron_line_is_rewritten_in_place() {
        let text = "*.txt text\n*.ron text eol=lf merge=union -diff\r\n*.md text\n";
        let updated = update_gitattributes(text).expect("changed");
        assert_eq!(
            updated,
            "*.txt text\n*.ron text eol=lf merge=qalam diff=qalam\r\n*.md text\n"
        );
    }

    #[test]
    fn programs_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("/usr/bin/qalam"), "/usr/bin/qalam");
        assert_eq!(shell_quote("/home/a b/qalam"), "'/home/a b/qalam'");
        assert_eq!(shell_quote("/it's/qalam"), r"'/it'\''s/qalam'");
        let s = settings("qalam");
        assert_eq!(
            s[1],
            (
                "merge.qalam.driver",
                "qalam merge-driver %O %A %B %P".to_owned()
            )
        );
        assert_eq!(
            s[2],
            ("diff.qalam.textconv", "qalam diff --textconv".to_owned())
        );
    }
}
