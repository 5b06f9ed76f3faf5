"""Reads and writes Qalam's UIMA CAS XMI with dkpro-cassis.

    check_cassis.py read FOLDER EXPORT.jsonl
        Loads TypeSystem.xml and every .xmi of FOLDER with cassis; each document's text, spans
        (code-point begin/end as cassis gives them, label, id, covered text, note, attributes)
        and relations (Governor/Dependent ids, type) must equal the JSON Lines export's.
    check_cassis.py write TypeSystem.xml OUT.xmi
        Writes a CAS with cassis itself: a text with emoji, ZWJ/ZWNJ, combining marks and CRLF,
        spans, a note, an attribute and a relation; prints the spans in code points as JSON.
"""

import glob
import json
import os
import sys

from cassis import Cas, load_cas_from_xmi, load_typesystem

SPAN = "webanno.custom.QalamSpan"
RELATION = "webanno.custom.QalamRelation"
META = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def read(folder, export):
    with open(os.path.join(folder, "TypeSystem.xml"), "rb") as f:
        ts = load_typesystem(f)
    with open(export, encoding="utf-8", newline="") as f:
        records = {r["id"]: r for r in (json.loads(line) for line in f if line.strip())}
    attribute_names = [f.name for f in ts.get_type(SPAN).all_features
                       if f.name not in ("sofa", "begin", "end", "label", "qalamId", "note", "annotator", "origin")]
    spans = relations = 0
    files = sorted(glob.glob(os.path.join(folder, "*.xmi")))
    for path in files:
        with open(path, "rb") as f:
            cas = load_cas_from_xmi(f, typesystem=ts)
        meta = cas.select(META)[0]
        r = records[meta.documentId]
        if cas.sofa_string != r["text"]:
            fail(f"{path}: the sofa is not the document's text")
        got = sorted((a.begin, a.end, a.label, a.qalamId, a.get_covered_text(), a.note,
                      {n: a[n] for n in attribute_names if a[n] is not None})
                     for a in cas.select(SPAN))
        want = sorted((s["start"], s["end"], s["label"], s["id"], s["text"], s["note"], s["attributes"])
                      for s in r["spans"])
        if got != want:
            fail(f"{path}: cassis reads {got}, the export has {want}")
        rels = sorted((a.qalamId, a.label, a.Governor.qalamId, a.Dependent.qalamId) for a in cas.select(RELATION))
        if rels != sorted((x["id"], x["type"], x["from"], x["to"]) for x in r["relations"]):
            fail(f"{path}: relations differ: {rels}")
        spans += len(got)
        relations += len(rels)
    print(json.dumps({"documents": len(files), "spans": spans, "relations": relations}))


def write(typesystem, out):
    with open(typesystem, "rb") as f:
        ts = load_typesystem(f)
    text = "قال 👩\u200d👩\u200d👧 المتحدثُ\r\nإنّ «الحملة» بدأت 😀 أمس.\r\nنِصف\u200cكلمة e\u0301 🇸🇦 انتهى"
    cas = Cas(typesystem=ts)
    cas.sofa_string = text
    Span = ts.get_type(SPAN)
    Relation = ts.get_type(RELATION)
    Meta = ts.get_type(META)
    cas.add(Meta(begin=0, end=len(text), documentId="cassis-1", documentTitle="من cassis"))
    want = []

    def span(word, label, qid, **features):
        start = text.index(word)
        a = Span(begin=start, end=start + len(word), label=label, qalamId=qid, **features)
        cas.add(a)
        want.append({"id": qid, "label": label, "start": start, "end": start + len(word), "text": word})
        return a

    speaker = span("المتحدثُ", "speaker", 1, note="ملاحظة\nسطر ثان")
    claim = span("الحملة» بدأت 😀", "claim", 2, quote="direct")
    span("👩\u200d👩\u200d👧", "entity", 3, kind="person")
    span("كلمة e\u0301 🇸🇦", "entity", 4)
    cas.add(Relation(begin=speaker.begin, end=speaker.end, Governor=claim, Dependent=speaker,
                     label="attributed_to", qalamId=1))
    cas.to_xmi(out)
    print(json.dumps({"text": text, "spans": want}, ensure_ascii=False))


if __name__ == "__main__":
    {"read": read, "write": write}[sys.argv[1]](*sys.argv[2:])
