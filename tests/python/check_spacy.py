"""Checks a Qalam JSON Lines export and the DocBin built from it with spaCy itself.

    check_spacy.py EXPORT.jsonl DOCBIN.spacy

For every span: the Doc built from the exported tokens has a span (by doc.char_span, strict)
at exactly the span's code points whose text is the span's text, and the tokens
token_start..token_end are that span. The DocBin loads, its texts are the documents' texts,
doc.spans["sc"] holds exactly our spans and doc.ents exactly the exported ents. Prints a JSON
summary, including how many spans spaCy's own tokenizer (spacy.blank) could not place.
"""

import json
import sys

import spacy
from spacy.tokens import Doc, DocBin


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main(export, docbin):
    nlp = spacy.blank("ar")
    with open(export, encoding="utf-8", newline="") as f:
        records = [json.loads(line) for line in f if line.strip()]
    spans = exact = misses = 0
    for r in records:
        doc = Doc(nlp.vocab, words=[t["text"] for t in r["tokens"]], spaces=[t["ws"] for t in r["tokens"]])
        if doc.text != r["text"]:
            fail(f"{r['id']}: the tokens do not rebuild the text")
        for t in r["tokens"]:
            if r["text"][t["start"]:t["end"]] != t["text"]:
                fail(f"{r['id']}: token {t['id']} is not the text at {t['start']}..{t['end']}")
        blank = nlp(r["text"])
        for s in r["spans"]:
            spans += 1
            if r["text"][s["start"]:s["end"]] != s["text"]:
                fail(f"{r['id']}: span {s['id']}: text[start:end] is not its text")
            got = doc.char_span(s["start"], s["end"])
            if got is None:
                fail(f"{r['id']}: span {s['id']} {s['text']!r}: no tokens start and end at {s['start']}..{s['end']}")
            by_tokens = doc[s["token_start"]:s["token_end"] + 1]
            if got.text != s["text"] or (by_tokens.start_char, by_tokens.end_char) != (s["start"], s["end"]):
                fail(f"{r['id']}: span {s['id']}: {got.text!r} / {by_tokens.text!r} is not {s['text']!r}")
            exact += 1
            if blank.char_span(s["start"], s["end"]) is None:
                misses += 1
    docs = list(DocBin().from_disk(docbin).get_docs(nlp.vocab))
    if len(docs) != len(records):
        fail(f"the DocBin has {len(docs)} documents, the export {len(records)}")
    for doc, r in zip(docs, records):
        if doc.text != r["text"] or doc.user_data.get("id") != r["id"]:
            fail(f"{r['id']}: the DocBin's document differs")
        got = sorted((s.start_char, s.end_char, s.label_, s.id_, s.text) for s in doc.spans["sc"])
        want = sorted((s["start"], s["end"], s["label"], str(s["id"]), s["text"]) for s in r["spans"])
        if got != want:
            fail(f"{r['id']}: doc.spans['sc'] {got} is not {want}")
        ents = sorted((e.start_char, e.end_char, e.label_) for e in doc.ents)
        if ents != sorted((e["start"], e["end"], e["label"]) for e in r["ents"]):
            fail(f"{r['id']}: doc.ents differ from the export's ents")
    print(json.dumps({"documents": len(records), "spans": spans, "exact": exact,
                      "blank_tokenizer_misses": misses, "spacy": spacy.__version__}))


if __name__ == "__main__":
    main(*sys.argv[1:])
