#!/usr/bin/env bash
# Build the seeds with every runtime dependency at the lower bound pyproject.toml gives it.
#
#   tools/check_floors.sh [WORKDIR]      (default: a new temporary folder, removed at the end)
#
# Why: a floor nobody installs is a guess (`networkx>=3.2` was one: 3.2 and 3.3 crash on every
# build). This makes a fresh venv, installs each runtime dependency pinned at its floor
# (`name>=X,<Y` -> `name==X`; what those need, pip chooses), then the project without
# dependencies, and from another folder runs a build of a copy of seeds/, a ready query by name,
# an export and a view. It reports whether the build's files equal the committed exports/ byte for
# byte (a difference is named, not a failure: a floor may lay out graph.html or count otherwise)
# and exits non-zero when a command fails. It needs the network (PyPI) and takes a few minutes;
# it is not part of `pytest` or `.ci/run`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
if [ $# -ge 1 ]; then work=$1; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi

floors=$("$python" - "$root/pyproject.toml" <<'PY'
import re, sys, tomllib
with open(sys.argv[1], "rb") as f:
    deps = tomllib.load(f)["project"]["dependencies"]
for dep in deps:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([^,;\s]+)\s*(?:,.*)?", dep)
    if not m:
        sys.exit(f"check_floors: {dep!r} has no lower bound (>=)")
    print(f"{m[1]}=={m[2]}")
PY
)
echo "floors: $(echo $floors)"
"$python" -m venv "$work/venv"
pip="$work/venv/bin/pip"
"$pip" install -q --disable-pip-version-check $floors
"$pip" install -q --disable-pip-version-check --no-deps "$root"
"$pip" check
echo "installed:"; "$pip" freeze --disable-pip-version-check | sed 's/^/  /'

mkdir -p "$work/elsewhere" && cd "$work/elsewhere"
cp -r "$root/seeds" seeds
kg="$work/venv/bin/kg"
"$kg" build seeds --out exports --quiet
"$kg" query union_ancestors --bind union=北京市西城区总工会 --format csv
"$kg" query officials_posts --format csv >/dev/null
"$kg" export --format ttl --input exports/graph.nq -o graph.ttl
"$kg" view exports/graph.json -o view.html >/dev/null

same=0; differ=()
while IFS= read -r f; do
  if cmp -s "$root/$f" "$f"; then same=$((same + 1)); else differ+=("$f"); fi
done < <(git -C "$root" ls-files exports)
echo "exports identical to the committed ones: $same files; different: ${#differ[@]} ${differ[*]:-}"
echo "check_floors: every command worked with the floors"
