//! Tests of the whole engine on documents: schema, existing spans, rejections, the learner,
//! offsets, and the suggestions kept in the project file.

use super::*;
use crate::model::{Rejection, Span};

fn doc(text: &str) -> Document {
    Document::new("d1", "", "", text)
}

/// Code-point start of `piece` in `text`.
fn at(text: &str, piece: &str) -> usize {
    let b = text.find(piece).expect("piece in text");
    text[..b].chars().count()
}

fn labelled<'a>(s: &'a [Suggestion], label: &str) -> Vec<&'a Suggestion> {
    s.iter().filter(|x| x.label == label).collect()
}

const TEXT: &str = "قال المتحدث باسم الوزارة، خالد شمال، إن «الوضع تحت السيطرة».\nوأوضح شمال أن الفرق تعمل في عكار.";

#[test]
fn a_document_gets_speakers_claims_links_and_entities() {
    let d = doc(TEXT);
    let s = suggest_document(&d, &Schema::default());
    let speakers = labelled(&s, SPEAKER);
    let claims = labelled(&s, CLAIM);
    assert_eq!(
        speakers.iter().map(|x| x.text.as_str()).collect::<Vec<_>>(),
        ["المتحدث باسم الوزارة، خالد شمال", "شمال"]
    );
    assert_eq!(speakers[1].same_as, Some(speakers[0].id));
    assert_eq!(claims[0].text, "الوضع تحت السيطرة");
    assert_eq!(claims[0].attributes["quote"], "direct");
    assert_eq!(claims[0].links[0].kind, ATTRIBUTED_TO);
    assert_eq!(claims[0].links[0].to, speakers[0].id);
    assert_eq!(claims[1].links[0].to, speakers[1].id);
    assert_eq!(claims[1].attributes["quote"], "indirect");
    let entities = labelled(&s, ENTITY);
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].text, "عكار");
    assert_eq!(entities[0].attributes["kind"], "location");
    // Every suggestion's text is the text at its offsets, and ids follow in file order.
    for x in &s {
        assert_eq!(d.slice(x.start, x.end), Some(x.text.as_str()));
    }
    let ids: Vec<u64> = s.iter().map(|x| x.id).collect();
    assert_eq!(ids, (1..=s.len() as u64).collect::<Vec<_>>());
}

#[test]
fn offsets_are_code_points_with_emoji_and_crlf() {
    let text = "😀👩‍👩‍👧 تقرير\r\nوقال الوزير إن «الوضع 😀 جيد 😀».\r\nوأضاف أن الفرق تعمل.";
    let d = doc(text);
    let s = suggest_document(&d, &Schema::default());
    let claim = labelled(&s, CLAIM)[0];
    assert_eq!(claim.start, at(text, "الوضع"));
    // Like a hand selection, the claim is trimmed of the emoji at its edge, not inside.
    assert_eq!(claim.text, "الوضع 😀 جيد");
    assert_eq!(claim.end, claim.start + "الوضع 😀 جيد".chars().count());
    let speaker = labelled(&s, SPEAKER)[0];
    assert_eq!(
        (speaker.start, speaker.text.as_str()),
        (at(text, "الوزير"), "الوزير")
    );
    // The second claim has no subject: linked to the previous speaker, ending before the \r.
    let second = labelled(&s, CLAIM)[1];
    assert_eq!(second.text, "الفرق تعمل");
    assert_eq!(second.links[0].to, speaker.id);
}

#[test]
fn suggestions_never_repeat_an_existing_span_and_link_to_it() {
    let mut d = doc(TEXT);
    let start = at(TEXT, "المتحدث");
    let end = start + "المتحدث باسم الوزارة، خالد شمال".chars().count();
    d.spans.extend(d.make_span(4, SPEAKER, start, end, "amal"));
    let s = suggest_document(&d, &Schema::default());
    assert!(
        !s.iter()
            .any(|x| x.label == SPEAKER && x.start == start && x.end == end),
        "no duplicate of span 4"
    );
    let claims = labelled(&s, CLAIM);
    assert_eq!(claims[0].links[0].to, 4, "linked to the existing span");
    // The bare mention is linked to the existing span too, and ids come after span 4.
    let bare = labelled(&s, SPEAKER)[0];
    assert_eq!(bare.same_as, Some(4));
    assert!(s.iter().all(|x| x.id > 4));
    // The same label on another range is still proposed; another label on the same range too.
    let mut d2 = doc(TEXT);
    d2.spans.extend(d2.make_span(1, ENTITY, start, end, ""));
    let s2 = suggest_document(&d2, &Schema::default());
    assert!(s2.iter().any(|x| x.label == SPEAKER && x.start == start));
}

#[test]
fn rejected_proposals_are_not_made_again() {
    let mut d = doc(TEXT);
    let first = suggest_document(&d, &Schema::default());
    let claim = labelled(&first, CLAIM)[0].clone();
    d.rejected.push(Rejection {
        label: claim.label.clone(),
        start: claim.start,
        end: claim.end,
        text: claim.text.clone(),
    });
    let again = suggest_document(&d, &Schema::default());
    assert!(
        !again
            .iter()
            .any(|x| x.label == CLAIM && x.start == claim.start)
    );
    assert_eq!(again.len(), first.len() - 1);
    // Rejecting the speaker drops the links to it.
    let speaker = labelled(&first, SPEAKER)[0].clone();
    d.rejected.push(Rejection {
        label: SPEAKER.into(),
        start: speaker.start,
        end: speaker.end,
        text: speaker.text,
    });
    let third = suggest_document(&d, &Schema::default());
    let ids: Vec<u64> = third.iter().map(|x| x.id).collect();
    assert!(
        third
            .iter()
            .flat_map(|x| &x.links)
            .all(|l| ids.contains(&l.to))
    );
}

#[test]
fn what_the_schema_lacks_is_not_proposed() {
    let mut schema = Schema::default();
    schema.span_labels.retain(|l| l.name != ENTITY);
    schema.attributes.retain(|a| a.name != "quote");
    schema.relation_types.clear();
    let s = suggest_document(&doc(TEXT), &schema);
    assert!(!s.is_empty());
    assert!(s.iter().all(|x| x.label != ENTITY));
    assert!(
        s.iter()
            .all(|x| x.attributes.is_empty() && x.links.is_empty())
    );
    let mut only_claims = Schema::default();
    only_claims.span_labels.retain(|l| l.name == CLAIM);
    let s = suggest_document(&doc(TEXT), &only_claims);
    assert!(s.iter().all(|x| x.label == CLAIM && x.links.is_empty()));
    let none = suggest_document(
        &doc(TEXT),
        &Schema {
            revision: 0,
            span_labels: Vec::new(),
            relation_types: Vec::new(),
            attributes: Vec::new(),
        },
    );
    assert!(none.is_empty());
}

#[test]
fn the_project_learns_from_its_spans() {
    let mut p = Project::new("t", "");
    let t1 = "التقى الوفد ميثاق القيسي أمس.";
    let t2 = "وصل القيسي إلى بغداد، والتقى بالقيسي ثانية.";
    let mut d1 = Document::new("a", "", "", t1);
    let s = at(t1, "القيسي");
    let mut span: Span = d1.make_span(1, ENTITY, s, s + 6, "").expect("span");
    span.attributes.insert("kind".into(), "person".into());
    d1.spans.push(span);
    p.documents.push(d1.into());
    p.documents.push(Document::new("b", "", "", t2).into());
    let all = suggest_project(&p);
    let learned: Vec<&Suggestion> = all[1].iter().filter(|x| x.rule == LEARNED_RULE).collect();
    assert_eq!(
        learned.iter().map(|x| x.text.as_str()).collect::<Vec<_>>(),
        ["القيسي", "القيسي"]
    );
    assert!(learned.iter().all(|x| x.attributes["kind"] == "person"));
    assert_eq!(learned[1].start, at(t2, "بالقيسي") + 1, "ب left out");
    assert!(
        all[0].iter().all(|x| x.rule != LEARNED_RULE),
        "not at the taught span"
    );
    // The learner's proposals through the incremental path give the same suggestions.
    let l = Learner::new(&Project::new("e", ""));
    assert!(l.proposals_in(0).is_empty());
    let mut fresh = p.clone();
    if let Some(d) = fresh.doc_mut(0) {
        d.spans.clear();
    }
    let mut l = Learner::new(&fresh);
    let props = l.teach(0, &p.documents[0].spans[0]).expect("teach");
    let again = suggestions_from_proposals(&p.documents[1], &p.schema, &props);
    assert_eq!(
        again.iter().map(|x| (x.start, x.end)).collect::<Vec<_>>(),
        learned.iter().map(|x| (x.start, x.end)).collect::<Vec<_>>()
    );
}

/// A project with pending suggestions and rejections, as `qalam suggest --write` leaves it.
fn project_with_suggestions() -> Project {
    let mut p = Project::new("s", "amal");
    let mut d = doc(TEXT);
    d.suggestions = suggest_document(&d, &p.schema);
    d.rejected.push(Rejection {
        label: ENTITY.into(),
        start: 0,
        end: 3,
        text: "قال".into(),
    });
    p.documents.push(d.into());
    p.documents
        .push(Document::new("d2", "", "", "نص بلا اقتراحات").into());
    p
}

#[test]
fn pending_suggestions_round_trip_through_the_file_and_validate() {
    use crate::project::{parse_str, to_ron_string, validate};
    let p = project_with_suggestions();
    let text = to_ron_string(&p).expect("write");
    assert!(text.contains("            suggestions: [\n"));
    assert!(
        text.contains("rule: \"cue-verb\", score: 90, links: [(type: \"attributed_to\", to: 1)])")
    );
    assert!(text.contains("            rejected: [\n                (label: \"entity\", start: 0, end: 3, text: \"قال\"),\n"));
    let back = parse_str(&text, std::path::Path::new("x.ron")).expect("read");
    assert_eq!(back, p);
    assert!(validate(&back).is_empty(), "{:?}", validate(&back));
    // A document without any keeps the format it had: no new fields written.
    let mut plain = Project::new("s", "amal");
    plain
        .documents
        .push(Document::new("d2", "", "", "نص بلا اقتراحات").into());
    let plain_text = to_ron_string(&plain).expect("write");
    assert!(!plain_text.contains("suggestions") && !plain_text.contains("rejected"));
}

#[test]
fn the_fast_writer_writes_suggestions_as_ron_does() {
    #[derive(serde::Serialize)]
    struct FileOut<'a> {
        version: u32,
        name: &'a str,
        annotator: &'a str,
        schema: &'a Schema,
        #[serde(serialize_with = "crate::model::document::serialize_documents")]
        documents: &'a [std::sync::Arc<Document>],
    }
    let p = project_with_suggestions();
    let fast = crate::project::to_ron_string(&p).expect("write");
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(4)
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(true);
    let raw = ron::ser::to_string_pretty(
        &FileOut {
            version: crate::project::FORMAT_VERSION,
            name: &p.name,
            annotator: &p.annotator,
            schema: &p.schema,
            documents: &p.documents,
        },
        config,
    )
    .expect("ron");
    let slow = crate::project::format::unescape_readable(&raw) + "\n";
    assert_eq!(fast, slow);
}

#[test]
fn validation_reports_bad_suggestions_by_document_and_item() {
    use crate::project::{Severity, validate};
    let mut p = project_with_suggestions();
    let d = p.doc_mut(0).expect("doc");
    let first = d.suggestions[0].id;
    d.spans.extend(d.make_span(first, SPEAKER, 0, 3, ""));
    d.suggestions[1].label = "mystery".into();
    d.suggestions[2].start = 500;
    d.suggestions[2].end = 510;
    d.suggestions[3].text = "قديم".into();
    d.suggestions[4].links.push(SuggestedLink {
        kind: ATTRIBUTED_TO.into(),
        to: 99,
    });
    d.rejected[0].end = 0;
    let problems = validate(&p);
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(
        has(&format!(
            "document d1: suggestion {first}: error: suggestion id {first} is already used"
        )),
        "{lines:#?}"
    );
    assert!(has("label \"mystery\" is not in the schema"), "{lines:#?}");
    assert!(has("is outside the text"), "{lines:#?}");
    assert!(
        has("link target 99 is neither a span nor a suggestion"),
        "{lines:#?}"
    );
    assert!(has("rejection 1: error: range 0..0 is empty"), "{lines:#?}");
    let stale = problems
        .iter()
        .find(|p| p.message.contains("stale"))
        .expect("stale warning");
    assert_eq!(stale.severity, Severity::Warning);
}

#[test]
fn suggestions_are_not_exported_as_annotations() {
    let p = project_with_suggestions();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.jsonl");
    let options = crate::export::ExportOptions {
        format: crate::export::ExportFormat::Jsonl,
        relations: false,
        overlap: Default::default(),
        force: false,
    };
    let report = crate::export::export_project(&p, &out, &options, &mut |_, _| {}).expect("export");
    assert_eq!(report.spans, 0);
    let written = std::fs::read_to_string(&out).expect("read");
    assert!(written.contains("\"spans\":[]"), "{written}");
    assert!(!written.contains("cue-verb"));
}

#[test]
fn every_range_is_one_a_hand_selection_would_snap_to() {
    let mut texts = vec![include_str!("../../seeds/000_19e18760a7c74451.txt").to_owned()];
    for (name, file) in [
        (
            "news.ron",
            include_str!("../../tests/fixtures/suggest/news.ron"),
        ),
        (
            "heldout.ron",
            include_str!("../../tests/fixtures/suggest/heldout.ron"),
        ),
    ] {
        let p = crate::project::parse_str(file, std::path::Path::new(name)).expect("fixture");
        texts.extend(p.documents.iter().map(|d| d.text().to_owned()));
    }
    texts.push(TEXT.to_owned());
    let mut checked = 0;
    for text in &texts {
        let d = doc(text);
        for s in suggest_document(&d, &Schema::default()) {
            let snapped = crate::model::snap_selection(text, s.start..s.end, false);
            assert_eq!(snapped, Some(s.start..s.end), "{} {:?}", s.label, s.text);
            let origin = if s.rule == LEARNED_RULE {
                "suggested:learned"
            } else {
                "suggested:cue"
            };
            assert_eq!(s.origin(), origin);
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked}");
}

#[test]
fn renamed_labels_and_relation_type_still_receive_the_rules_suggestions() {
    let mut schema = Schema::default();
    let r = crate::schema::Renames::new([
        ("speaker".to_owned(), "source".to_owned()),
        ("attributed_to".to_owned(), "said_by".to_owned()),
    ]);
    crate::schema::rename_schema(&mut schema, &r);
    assert_eq!(
        schema.label("source").map(|l| l.suggests.as_str()),
        Some("speaker")
    );
    let mut d = doc(TEXT);
    let s = suggest_document(&d, &schema);
    let sources = labelled(&s, "source");
    assert_eq!(sources.len(), 2, "{s:?}");
    let claims = labelled(&s, CLAIM);
    assert_eq!(claims[0].links[0].kind, "said_by");
    assert_eq!(claims[0].links[0].to, sources[0].id);
    // A known speaker under its new label is linked to, not proposed again.
    let (start, end) = (sources[0].start, sources[0].end);
    d.spans.extend(d.make_span(9, "source", start, end, ""));
    let again = suggest_document(&d, &schema);
    assert!(!again.iter().any(|x| x.start == start && x.end == end));
    // Renamed back, the label is the rules' by its own name again.
    let back = crate::schema::Renames::new([("source".to_owned(), "speaker".to_owned())]);
    crate::schema::rename_schema(&mut schema, &back);
    assert_eq!(
        schema.label("speaker").map(|l| l.suggests.as_str()),
        Some("")
    );
    assert_eq!(schema, {
        let mut s = Schema::default();
        let r = crate::schema::Renames::new([("attributed_to".to_owned(), "said_by".to_owned())]);
        crate::schema::rename_schema(&mut s, &r);
        s
    });
}
