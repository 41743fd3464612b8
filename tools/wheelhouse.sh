#!/usr/bin/env bash
# Offline classroom recipe: download every package once into a folder (a "wheelhouse"), then
# install the book's environment from that folder on machines without internet.
#
#   tools/wheelhouse.sh build DIR           # once, on a machine WITH internet
#   tools/wheelhouse.sh install DIR VENV    # on each classroom machine, NO internet needed
#   make venv WHEELHOUSE=DIR                # the same from the repository root, into .venv
#                                           (the book's documented route; tested end to end)
#   VENV/bin/jupyter lab notebooks          # then teach as usual
#
# build DIR      Creates a throwaway Python 3.11 virtualenv and runs, from the repository root,
#                  pip download -r requirements.txt -d DIR        (every pinned package)
#                  pip download "setuptools>=61" -d DIR           (pyproject's build requirement)
#                  pip wheel --no-deps --no-index --find-links DIR . -w DIR   (the tlutils wheel)
#                and copies requirements.txt into DIR, so DIR says what it was built for.
#                Any package that comes only as a source archive is turned into a wheel, so
#                that installing never needs to build anything.
#                Why the tlutils wheel is built this way: with --no-build-isolation pip would use
#                the setuptools that Python 3.11's venv ships (65.5), which cannot build a wheel
#                without the separate `wheel` package ("invalid command 'bdist_wheel'"). Instead
#                pip builds in an isolated environment fed only from DIR (--no-index), so the
#                wheel step downloads nothing, and DIR alone can rebuild tlutils offline (after an
#                edit: pip install --no-index --find-links DIR .).
#                DIR ends up with about 175 wheels, roughly 530 MB (Linux x86-64).
# install DIR VENV
#                python3.11 -m venv VENV
#                VENV/bin/pip install --no-index --find-links DIR -r DIR/requirements.txt tlutils
#                pip runs with PIP_CONFIG_FILE=/dev/null and without PIP_FIND_LINKS/PIP_*INDEX_URL,
#                so no pip configuration can point it at an index or another folder: everything
#                comes from DIR.
#
# DIR must be built on the same operating system and CPU architecture as the classroom machines
# (wheels such as tensorflow-cpu are platform-specific), with Python 3.11 on both. Copy DIR and a
# checkout of the repository (for the notebooks) to each machine, e.g. on a USB stick.
# Set PYTHON to choose the interpreter (default: python3.11).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"

# Print the usage; exit 2 (bad arguments) unless told otherwise (--help exits 0, on stdout).
usage() {
  local status="${1:-2}"
  local text='usage: tools/wheelhouse.sh build DIR          # with internet: download every package into DIR
       tools/wheelhouse.sh install DIR VENV   # without internet: create VENV and install from DIR'
  if ((status == 0)); then echo "$text"; else echo "$text" >&2; fi
  exit "$status"
}

die() {
  echo "tools/wheelhouse.sh: $*" >&2
  exit 2
}

check_python() {
  command -v "$PYTHON" >/dev/null 2>&1 || die "PYTHON='$PYTHON' was not found; install Python 3.11"
  local version
  version="$("$PYTHON" -c 'import platform; print(platform.python_version())')"
  [[ "$version" == 3.11.* ]] || die "PYTHON='$PYTHON' is Python $version; Python 3.11 is required"
}

# Copy what the tlutils wheel is built from to a scratch folder, so building writes nothing
# into the repository (and no stale build/ folder can leak old modules into the wheel).
copy_package_source() {
  local target="$1"
  mkdir -p "$target"
  cp "$ROOT/pyproject.toml" "$ROOT/README.md" "$target/"
  if [[ -f "$ROOT/LICENSE" ]]; then cp "$ROOT/LICENSE" "$target/"; fi
  cp -R "$ROOT/tlutils" "$target/"
  find "$target" -name __pycache__ -type d -prune -exec rm -rf {} +
}

# The [build-system] requires of pyproject.toml, one per line (e.g. setuptools>=61).
build_requirements() {
  "$PYTHON" -c 'import sys, tomllib; print(*tomllib.load(open(sys.argv[1], "rb"))["build-system"]["requires"])' \
    "$ROOT/pyproject.toml"
}

# Replace any source archive in the wheelhouse by a wheel built from it.
wheels_from_sources() {
  local dir="$1" pip="$2"
  local sources=()
  shopt -s nullglob
  sources=("$dir"/*.tar.gz "$dir"/*.zip)
  shopt -u nullglob
  if ((${#sources[@]})); then
    echo "Building wheels from ${#sources[@]} source archive(s)..."
    "$pip" wheel --quiet --no-deps --wheel-dir "$dir" "${sources[@]}"
    rm -f "${sources[@]}"
  fi
}

build() {
  local dir="$1"
  check_python
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local scratch
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/wheelhouse-build.XXXXXX")"
  # shellcheck disable=SC2064  # expand $scratch now: it is local to this function
  trap "rm -rf '$scratch'" EXIT
  "$PYTHON" -m venv "$scratch/venv"
  local pip="$scratch/venv/bin/pip"
  echo "Downloading the pinned packages of requirements.txt into $dir (about 530 MB)..."
  "$pip" download --disable-pip-version-check -r "$ROOT/requirements.txt" -d "$dir"
  wheels_from_sources "$dir" "$pip"
  echo "Building the tlutils wheel (build requirements: $(build_requirements))..."
  # shellcheck disable=SC2046  # one argument per requirement
  "$pip" download --quiet --disable-pip-version-check --no-deps -d "$dir" $(build_requirements)
  copy_package_source "$scratch/src"
  "$pip" wheel --quiet --disable-pip-version-check --no-deps --no-index --find-links "$dir" \
    "$scratch/src" -w "$dir"
  cp "$ROOT/requirements.txt" "$dir/requirements.txt"
  echo "Wheelhouse ready: $dir ($(find "$dir" -name '*.whl' | wc -l) wheels, $(du -sh "$dir" | cut -f1))."
  echo "In the classroom: tools/wheelhouse.sh install $dir VENV"
}

install() {
  local dir="$1" venv="$2"
  [[ -d "$dir" ]] || die "DIR='$dir' is not a directory; build it first: tools/wheelhouse.sh build DIR"
  [[ -f "$dir/requirements.txt" ]] ||
    die "DIR='$dir' holds no requirements.txt; it was not made by: tools/wheelhouse.sh build DIR"
  compgen -G "$dir/tlutils-*.whl" >/dev/null ||
    die "DIR='$dir' holds no tlutils wheel; rebuild it: tools/wheelhouse.sh build DIR"
  if [[ -e "$venv" ]]; then die "VENV='$venv' already exists; choose a new folder"; fi
  check_python
  "$PYTHON" -m venv "$venv"
  echo "Installing from $dir into $venv (no index, no internet; a few minutes)..."
  env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
    --no-index --find-links "$dir" -r "$dir/requirements.txt" tlutils
  echo "Done. Start with: $venv/bin/jupyter lab $ROOT/notebooks"
}

main() {
  (($# >= 1)) || usage
  local command="$1"
  shift
  case "$command" in
    build)
      (($# == 1)) || usage
      build "$1"
      ;;
    install)
      (($# == 2)) || usage
      install "$1" "$2"
      ;;
    -h | --help | help)
      usage 0
      ;;
    *)
      echo "tools/wheelhouse.sh: unknown command '$command'; allowed: build, install" >&2
      usage
      ;;
  esac
}

main "$@"
