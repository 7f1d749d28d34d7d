# Sourced by the scripts' self-tests. `check NAME COMMAND...` runs one check;
# `report SUITE` prints the plain closing line CI reads and fails if any check did.
# CHECK_OUTPUT, when it names a file, is shown under a failed check.
passed=0
failed=0

check() {
  if "${@:2}"; then
    echo "ok - $1"
    passed=$((passed + 1))
  else
    echo "FAIL - $1"
    if [[ -n ${CHECK_OUTPUT:-} && -f $CHECK_OUTPUT ]]; then
      sed "s/^/    /" "$CHECK_OUTPUT"
    fi
    failed=$((failed + 1))
  fi
}

report() {
  echo "$1: $passed passed, $failed failed"
  [[ $failed == 0 ]]
}
