"""Checks Label Studio tasks with Label Studio's own SDK (label-studio-sdk), offline.

    check_labelstudio.py export TASKS.json CONFIG.xml
    check_labelstudio.py valid TASKS.json CONFIG.xml

Both: the labeling config validates (LabelInterface.validate) and every annotation of every
task validates against it, region by region and relation by relation. `export` also has Label
Studio's converter (JSON_MIN) read the tasks and checks that it gives each region's start,
end, text and label as written, with text[start:end] equal to the region's text (true of code
points only: `valid` is for the older UTF-16 exports). Prints a JSON summary.
"""

import json
import sys
import tempfile

from label_studio_sdk.converter import Converter
from label_studio_sdk.label_interface import LabelInterface


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main(mode, tasks_path, config_path):
    with open(config_path, encoding="utf-8") as f:
        config = f.read()
    li = LabelInterface(config)
    li.validate()
    with open(tasks_path, encoding="utf-8") as f:
        tasks = json.load(f)
    regions = relations = 0
    for task in tasks:
        for ann in task.get("annotations", []):
            errors = li.validate_prediction(ann, return_errors=True)
            if errors:
                fail(f"task {task.get('id')}: {errors}")
            for r in ann["result"]:
                regions += r["type"] == "labels"
                relations += r["type"] == "relation"
    if mode == "valid":
        print(json.dumps({"tasks": len(tasks), "regions": regions, "relations": relations}))
        return
    with tempfile.TemporaryDirectory() as out:
        Converter(config=config, project_dir=None, download_resources=False).convert_to_json_min(
            tasks_path, out, is_dir=False)
        with open(f"{out}/result.json", encoding="utf-8") as f:
            minimal = json.load(f)
    for task, record in zip(tasks, minimal):
        text = task["data"]["text"]
        want = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                      for a in task.get("annotations", []) for r in a["result"] if r["type"] == "labels")
        got = record.get("label", [])
        got = [got] if isinstance(got, dict) else got
        for g in got:
            if text[g["start"]:g["end"]] != g["text"]:
                fail(f"task {task.get('id')}: the converter's region {g} is not the text at its offsets")
        got = sorted((g["start"], g["end"], g["labels"][0]) for g in got)
        if got != want:
            fail(f"task {task.get('id')}: the converter read {got}, the export has {want}")
    print(json.dumps({"tasks": len(tasks), "regions": regions, "relations": relations}))


if __name__ == "__main__":
    main(*sys.argv[1:])
