#!/usr/bin/env bash
# completion.sh HCL: loads `hcl completion bash` into bash and completes as a user would type:
# commands, a command's options, a subcommand's options, and file names after an option that
# takes a value. Each case prints what it got when it fails.
set -eu
hcl=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$hcl" completion bash >"$work/hcl.bash"
# shellcheck disable=SC1091
source "$work/hcl.bash"
touch "$work/net_a.yaml" "$work/net_b.yaml"
fail=0
expect() { # expect WANTED WORD...: completing the last WORD offers WANTED (among others)
  local want=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _hcl
  local got=" ${COMPREPLY[*]} "
  for w in $want; do
    if [[ $got != *" $w "* ]]; then
      echo "completion: '$*' offers [${COMPREPLY[*]}], missing $w"
      fail=1
    fi
  done
}
expect "flow" hcl fl
expect "cosim completion evaluate explore flow generate lint schedule synth --help --version" hcl ""
expect "--network --arch --cosim --dataflow" hcl flow --
expect "--top" hcl lint --t
expect "dataflows memory" hcl explore ""
expect "--sizes" hcl explore memory --si
expect "$work/net_a.yaml $work/net_b.yaml" hcl flow --network "$work/net_"
# A flag takes no value: after it come options again, not only files.
expect "--arch" hcl flow --force --ar
COMP_WORDS=(hcl flow --netw); COMP_CWORD=2; _hcl
[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == --network ]] ||
  { echo "completion: 'hcl flow --netw' offers [${COMPREPLY[*]}], expected only --network"; fail=1; }
"$hcl" completion zsh 2>"$work/err" && { echo "completion: zsh accepted"; fail=1; } || rc=$?
[[ ${rc:-0} -eq 2 ]] && grep -q "valid: bash" "$work/err" ||
  { echo "completion: zsh should exit 2 naming bash (rc ${rc:-0}): $(cat "$work/err")"; fail=1; }
[[ $fail -eq 0 ]] && echo "completion: every case completes"
exit $fail
