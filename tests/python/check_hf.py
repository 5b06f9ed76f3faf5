"""Checks a Qalam Hugging Face export with the `datasets` library.

    check_hf.py FOLDER EXPORT.conll

The folder loads with datasets.load_dataset (features from its dataset card: ner_tags as
ClassLabel), and with load_dataset("json", ..., features=...) from dataset_info.json; the
ClassLabel names are dataset_info.json's label_names; every tag round-trips through
int2str/str2int; tokens and tag names equal the CoNLL export's, sentence by sentence.
"""

import json
import os
import sys

import datasets


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def conll_sentences(path):
    sentences, current = [], []
    with open(path, encoding="utf-8", newline="") as f:
        for line in f.read().split("\n"):
            if not line:
                if current:
                    sentences.append(current)
                current = []
                continue
            token, tag = line.split(" ")
            if token != "-DOCSTART-":
                current.append((token, tag))
    return sentences


def main(folder, conll):
    with open(os.path.join(folder, "dataset_info.json"), encoding="utf-8") as f:
        names = json.load(f)["label_names"]
    info = datasets.DatasetInfo.from_directory(folder)
    label = info.features["ner_tags"].feature
    if not isinstance(label, datasets.ClassLabel) or label.names != names:
        fail(f"dataset_info.json: ner_tags is {label}, not ClassLabel({names})")
    from_card = datasets.load_dataset(folder, split="train")
    card_label = from_card.features["ner_tags"].feature
    if not isinstance(card_label, datasets.ClassLabel) or card_label.names != names:
        fail(f"the dataset card gives ner_tags as {card_label}")
    plain = datasets.load_dataset("json", data_files=os.path.join(folder, "train.jsonl"),
                                  features=info.features, split="train")
    want = conll_sentences(conll)
    if len(plain) != len(want) or len(from_card) != len(want):
        fail(f"{len(plain)} rows, {len(want)} CoNLL sentences")
    tokens = 0
    for row, card_row, sentence in zip(plain, from_card, want):
        if row != card_row:
            fail(f"row {row['id']} differs between the card and dataset_info.json")
        tags = [label.int2str(t) for t in row["ner_tags"]]
        if [label.str2int(t) for t in tags] != row["ner_tags"]:
            fail(f"row {row['id']}: tags do not round-trip through ClassLabel")
        if list(zip(row["tokens"], tags)) != sentence:
            fail(f"row {row['id']}: {list(zip(row['tokens'], tags))} is not the CoNLL sentence {sentence}")
        tokens += len(sentence)
    print(json.dumps({"rows": len(plain), "tokens": tokens, "label_names": names,
                      "datasets": datasets.__version__}, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
