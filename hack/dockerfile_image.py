#!/usr/bin/env python3
"""Reads the Dockerfile's runtime stage and compares it with an image built without Docker.

  dockerfile_image.py runtime-run Dockerfile        prints the runtime stage's RUN command
  dockerfile_image.py compare Dockerfile IMAGE.tar  exits 1 naming every field that differs

IMAGE.tar is a docker-archive (what `docker save` and jib's buildTar write). Compared: Entrypoint,
User, WorkingDir, ExposedPorts. Only the Dockerfile forms this project uses are understood
(JSON-form ENTRYPOINT, one RUN in the last stage); anything else is an error, not a guess.
"""
import json
import sys
import tarfile


def instructions(path):
    """(KEYWORD, argument) pairs with line continuations joined and comments dropped."""
    result, pending = [], ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if pending and line.lstrip().startswith("#"):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            full = (pending + line).strip()
            pending = ""
            keyword, _, argument = full.partition(" ")
            result.append((keyword.upper(), argument.strip()))
    if pending:
        sys.exit(f"{path}: file ends inside a line continuation")
    return result


def runtime_stage(path):
    stages = []
    for keyword, argument in instructions(path):
        if keyword == "FROM":
            stages.append([])
        elif not stages:
            sys.exit(f"{path}: {keyword} before the first FROM")
        else:
            stages[-1].append((keyword, argument))
    if not stages:
        sys.exit(f"{path}: no FROM")
    return stages[-1]


def only(stage, keyword, path):
    values = [argument for k, argument in stage if k == keyword]
    if len(values) != 1:
        sys.exit(f"{path}: the runtime stage must have exactly one {keyword}, found {len(values)}")
    return values[0]


def declared_config(path):
    stage = runtime_stage(path)
    entrypoint = only(stage, "ENTRYPOINT", path)
    try:
        entrypoint = json.loads(entrypoint)
    except json.JSONDecodeError:
        sys.exit(f"{path}: ENTRYPOINT must be in JSON form, got {entrypoint!r}")
    ports = set()
    for keyword, argument in stage:
        if keyword == "EXPOSE":
            for port in argument.split():
                ports.add(port if "/" in port else port + "/tcp")
    return {
        "Entrypoint": entrypoint,
        "User": only(stage, "USER", path),
        "WorkingDir": only(stage, "WORKDIR", path),
        "ExposedPorts": sorted(ports),
    }


def image_config(image_tar):
    with tarfile.open(image_tar) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        if len(manifest) != 1:
            sys.exit(f"{image_tar}: expected one image, found {len(manifest)}")
        config = json.load(tar.extractfile(manifest[0]["Config"])).get("config", {})
    return {
        "Entrypoint": config.get("Entrypoint"),
        "User": config.get("User"),
        "WorkingDir": config.get("WorkingDir"),
        "ExposedPorts": sorted((config.get("ExposedPorts") or {}).keys()),
    }


def main(argv):
    if len(argv) == 3 and argv[1] == "runtime-run":
        print(only(runtime_stage(argv[2]), "RUN", argv[2]))
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        declared, built = declared_config(argv[2]), image_config(argv[3])
        mismatches = [k for k in declared if declared[k] != built[k]]
        for key in declared:
            mark = "MISMATCH" if key in mismatches else "same"
            print(f"  {key:12} {mark:8} Dockerfile={json.dumps(declared[key])} image={json.dumps(built[key])}")
        if mismatches:
            print(f"{argv[3]} differs from {argv[2]} in: {', '.join(mismatches)}", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
