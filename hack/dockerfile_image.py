#!/usr/bin/env python3
"""Reads the Dockerfile's runtime stage and compares it with an image built without Docker.

  dockerfile_image.py runtime-run Dockerfile        prints the runtime stage's RUN command
  dockerfile_image.py compare Dockerfile IMAGE.tar QUARKUS_APP_DIR
                                                    exits 1 naming everything that differs

IMAGE.tar is a docker-archive (what `docker save` and jib's buildTar write). Compared: Entrypoint,
User, WorkingDir, ExposedPorts of the image config, and the files the runtime stage's
`COPY --from=build /src/target/quarkus-app/...` instructions would put into the image (taken from
QUARKUS_APP_DIR, i.e. target/quarkus-app) against the files the image has there. Only the
Dockerfile forms this project uses are understood (JSON-form ENTRYPOINT, one RUN in the last stage,
COPY from the build stage's quarkus-app); anything else is an error, not a guess.
"""
import glob
import json
import os
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


BUILD_OUTPUT = "/src/target/quarkus-app/"


def copied_files(path, quarkus_app):
    """Image paths of the files the runtime stage's COPY instructions take from the fast-jar."""
    stage = runtime_stage(path)
    workdir = only(stage, "WORKDIR", path).rstrip("/")
    files = set()
    for keyword, argument in stage:
        if keyword != "COPY":
            continue
        words = [w for w in argument.split() if not w.startswith("--chown=") and not w.startswith("--chmod=")]
        if len(words) != 3 or words[0] != "--from=build" or not words[1].startswith(BUILD_OUTPUT):
            sys.exit(f"{path}: unsupported COPY {argument!r} (expected COPY --from=build {BUILD_OUTPUT}SRC DEST)")
        source, dest = words[1][len(BUILD_OUTPUT):], words[2]
        target = dest if dest.startswith("/") else workdir + "/" + dest
        matches = sorted(glob.glob(os.path.join(quarkus_app, source)))
        if not matches:
            sys.exit(f"{path}: COPY {words[1]} matches nothing in {quarkus_app}")
        for match in matches:
            if os.path.isdir(match):
                # Directory source: its contents go into the destination directory.
                for root, _, names in os.walk(match):
                    for name in names:
                        relative = os.path.relpath(os.path.join(root, name), match)
                        files.add(os.path.normpath(os.path.join(target, relative)))
            else:
                files.add(os.path.normpath(os.path.join(target, os.path.basename(match)) if dest.endswith("/") else target))
    return files


def image_files_under(image_tar, prefix):
    """Regular files below prefix across all layers (no whiteouts expected in our images)."""
    files = set()
    with tarfile.open(image_tar) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        for layer in manifest[0]["Layers"]:
            with tarfile.open(fileobj=outer.extractfile(layer)) as inner:
                for member in inner:
                    name = "/" + os.path.normpath(member.name).lstrip("./")
                    if os.path.basename(name).startswith(".wh."):
                        sys.exit(f"{image_tar}: layer {layer} has a whiteout {name}; not expected here")
                    if member.isfile() and name.startswith(prefix + "/"):
                        files.add(name)
    return files


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
    if len(argv) == 5 and argv[1] == "compare":
        declared, built = declared_config(argv[2]), image_config(argv[3])
        mismatches = [k for k in declared if declared[k] != built[k]]
        workdir = declared["WorkingDir"].rstrip("/")
        expected_files, image_files = copied_files(argv[2], argv[4]), image_files_under(argv[3], workdir)
        print(f"  {'files':12} {'same' if expected_files == image_files else 'MISMATCH':8} "
              f"{len(expected_files)} files under {workdir} by the Dockerfile's COPYs, {len(image_files)} in the image")
        for name in sorted(expected_files - image_files):
            print(f"    only from the Dockerfile: {name}")
        for name in sorted(image_files - expected_files):
            print(f"    only in the image: {name}")
        if expected_files != image_files:
            mismatches.append("files under " + workdir)
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
