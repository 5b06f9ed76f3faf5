#!/usr/bin/env python3
"""Build a spaCy DocBin (.spacy) from a Qalam JSON Lines export, with spaCy itself.

    python assets/scripts/qalam_to_spacy.py project.jsonl project.spacy [--lang ar]

Each document becomes a Doc made from the export's `tokens` (words and their `ws` flags), so
the Doc's text is the document's text exactly. Every span goes into doc.spans["sc"] (overlaps
kept, label = the span's label, span id = the span's id), and the export's `ents` (the
non-overlapping spans chosen by `qalam export --overlap`) into doc.ents. The document id is
kept in doc.user_data["id"]. Any mismatch between a span and the text stops the conversion.
"""

import argparse
import json
import sys

import spacy
from spacy.tokens import Doc, DocBin, Span


def to_doc(nlp, record):
    tokens = record["tokens"]
    doc = Doc(nlp.vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
    if doc.text != record["text"]:
        raise ValueError(f"document {record['id']}: the tokens do not rebuild the text")
    spans = []
    for s in record["spans"]:
        span = Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"], span_id=str(s["id"]))
        if (span.start_char, span.end_char, span.text) != (s["start"], s["end"], s["text"]):
            raise ValueError(f"document {record['id']}: span {s['id']} does not match its tokens")
        spans.append(span)
    doc.spans["sc"] = spans
    doc.ents = [Span(doc, e["token_start"], e["token_end"] + 1, label=e["label"]) for e in record["ents"]]
    doc.user_data["id"] = record["id"]
    return doc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", help="a `qalam export --format jsonl` file")
    parser.add_argument("output", help="the .spacy file to write")
    parser.add_argument("--lang", default="ar", help="language of the blank pipeline (default: ar)")
    args = parser.parse_args(argv)
    nlp = spacy.blank(args.lang)
    db = DocBin(store_user_data=True)
    count = 0
    with open(args.jsonl, encoding="utf-8", newline="") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                db.add(to_doc(nlp, json.loads(line)))
            except (ValueError, KeyError) as e:
                print(f"{args.jsonl}:{number}: {e}", file=sys.stderr)
                return 1
            count += 1
    db.to_disk(args.output)
    print(f"{args.output}: {count} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
