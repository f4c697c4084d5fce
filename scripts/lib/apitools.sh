# shellcheck shell=bash
# The API tools: openapi-spec-validator (is openapi.yaml a valid OpenAPI 3.1
# document?) and Schemathesis (do a running Worker's answers conform to it?),
# pinned in tests/support/api-requirements.txt and installed in their own venv,
# the way scripts/lib/servers.sh's ensure_moto_venv installs moto. Source this
# file, then:
#
#   ensure_api_venv "$PWD/.tools/api-venv"   # idempotent; ~40 s the first time

APITOOLS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
APITOOLS_REQUIREMENTS="$APITOOLS_ROOT/tests/support/api-requirements.txt"
APITOOLS_VENV="$APITOOLS_ROOT/.tools/api-venv"

_apitools_say() { echo "api-tools: $*" >&2; }

# ensure_api_venv [DIR]: a venv at DIR (default .tools/api-venv) holding
# exactly the pinned requirements.
ensure_api_venv() {
  local dir="${1:-$APITOOLS_VENV}" python="${PYTHON:-python3}"
  # pip freeze prints the same `name==version` lines the file holds; compare
  # case-insensitively and ignore comments, blank lines and order.
  if [[ -x "$dir/bin/openapi-spec-validator" && -x "$dir/bin/schemathesis" ]] &&
    diff -q <(grep -Ev '^[[:space:]]*(#|$)' "$APITOOLS_REQUIREMENTS" | tr '[:upper:]' '[:lower:]' | sort) \
      <("$dir/bin/pip" freeze 2>/dev/null | tr '[:upper:]' '[:lower:]' | sort) >/dev/null; then
    return 0
  fi
  # Recreate rather than install over: leftovers from older pins would make
  # the freeze differ forever and the venv would be rebuilt on every run.
  _apitools_say "creating venv $dir with $("$python" --version 2>&1) (~40 s)"
  "$python" -m venv --clear "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check --no-input \
    -r "$APITOOLS_REQUIREMENTS"
  _apitools_say "venv $dir ready ($("$dir/bin/schemathesis" --version 2>&1 | head -n1))"
}
