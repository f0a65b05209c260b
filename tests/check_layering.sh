#!/usr/bin/env bash
# Fails when a headless folder includes an ImGui, GLFW or OpenGL header, or when a folder to scan is missing.
set -u
root=${1:?usage: check_layering.sh REPO_ROOT}
status=0
for d in models sim faults hardware labs app/session app/cli; do
  if [ ! -d "$root/$d" ]; then echo "missing folder: $d"; status=1; continue; fi
  hits=$(grep -rnE '#include *[<"](imgui|GLFW/|GL/|backends/imgui|SFML/Window|SFML/Graphics)' "$root/$d" || true)
  if [ -n "$hits" ]; then echo "GUI header in headless folder $d:"; echo "$hits"; status=1; fi
done
# The scan itself must see files, or it proves nothing.
n=$(find "$root/models" -name '*.hpp' | wc -l)
[ "$n" -gt 0 ] || { echo "no headers found under models/"; status=1; }
[ $status -eq 0 ] && echo "layering ok: no GUI headers in headless folders"
exit $status
