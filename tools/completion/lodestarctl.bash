# bash completion for lodestarctl: its commands, each command's flags, and files for -c/-s.
# The lists follow tools/lodestarctl/commands.cpp (tests/docs/ checks the man page, not this
# file: keep both in step with the table).

_lodestarctl() {
  local cur prev words cword
  _init_completion || return

  local commands="reload check ping status history drain undrain drill explain dnssec export check-delegation stats force-down force-up auto"
  local global="-c --config -s --socket --json -h --help -V --version"

  case $prev in
    -c | --config | -s | --socket)
      _filedir
      return
      ;;
    -n | --limit | --reason | --at | --for | --client | --ecs | --sample | --parent-ns | --port)
      return  # a value of the operator's own
      ;;
  esac

  # The command is the first word that is neither an option nor an option's value.
  local i command=
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      -c | --config | -s | --socket) ((i++)) ;;
      -*) ;;
      *)
        command=${words[i]}
        break
        ;;
    esac
  done

  local flags=
  case $command in
    '') ;;
    reload) flags="--force" ;;
    status) flags="--detail --cluster" ;;
    history) flags="-n --limit" ;;
    drain) flags="--reason --force --dry-run --local --at --for" ;;
    undrain) flags="--local" ;;
    drill) flags="--for --sample --reason --dry-run --force --local" ;;
    explain) flags="--client --ecs" ;;
    export) flags="--client --nsec-chain" ;;
    check-delegation) flags="--parent-ns --port" ;;
    force-down | force-up | auto) flags="--reason --force --dry-run --local" ;;
  esac

  if [[ -z $command ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$global" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags --json -c --config -s --socket -h --help" -- "$cur"))
  elif [[ $command == explain ]]; then
    # explain NAME [TYPE]: offer the common types after the name.
    local args=0
    for ((i = i + 1; i < cword; i++)); do
      case ${words[i]} in
        --client | --ecs | -c | --config | -s | --socket) ((i++)) ;;
        -*) ;;
        *) ((args++)) ;;
      esac
    done
    ((args == 1)) && COMPREPLY=($(compgen -W "A AAAA CNAME MX NS SOA TXT SRV CAA" -- "${cur^^}"))
  elif [[ $command == dnssec && ${words[cword - 1]} == dnssec ]]; then
    COMPREPLY=($(compgen -W "ds keys" -- "$cur"))
  fi
} &&
  complete -F _lodestarctl lodestarctl
