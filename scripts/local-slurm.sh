#!/usr/bin/env bash
# A one-node SLURM on this machine, for test/cli/study-slurm.test.ts and for
# trying `tx study --slurm` without a cluster: Debian's packages, a
# slurm.conf of its own (this host the only node, with the CPUs and memory
# `slurmd -C` finds), and the daemons started directly as root, since
# containers have no systemd. sacct needs slurmdbd, and slurmdbd a MariaDB
# (the job completion log's sacct --completion does not know array tasks), so
# a MariaDB server runs too, on its own folder and port. Every daemon has its
# own port, so a real SLURM or MariaDB on this machine is left alone.
#
#   scripts/local-slurm.sh up      install what is missing, start, wait for the node (as root)
#   scripts/local-slurm.sh down    stop the daemons it started; the state folder stays
#   scripts/local-slurm.sh env     print the SLURM_CONF line that points sbatch, squeue, sacct at it
#
# `up` is idempotent: with everything running it returns in a few
# milliseconds. Where it cannot start it says why, and writes that to
# $STATE/unavailable, which the test prints when it skips.
# The state folder is $TXC_SLURM_DIR, default /tmp/txc-slurm.
set -euo pipefail

STATE=${TXC_SLURM_DIR:-/tmp/txc-slurm}
export SLURM_CONF=$STATE/slurm.conf
CTLD_PORT=6917
SLURMD_PORT=6918
DBD_PORT=6919
DB_PORT=3917
DAEMONS=(mariadbd slurmdbd slurmctld slurmd)
PACKAGES=(slurmctld slurmd slurm-client slurmdbd munge mariadb-server-core mariadb-client-core)

log() { echo "local-slurm: $*" >&2; }

unavailable() {
  log "$*"
  # Another user's state folder keeps its own note.
  { mkdir -p "$STATE" && echo "$*" >"$STATE/unavailable"; } 2>/dev/null || true
  exit 1
}

node_state() { sinfo -h -o %T 2>/dev/null | head -n1; }

# The daemon named $1 is alive under the pid its pid file in $STATE names.
running() {
  local pid
  pid=$(cat "$STATE/$1.pid" 2>/dev/null) || return 1
  [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null) == "$1" ]]
}

all_running() {
  local d
  for d in "${DAEMONS[@]}"; do running "$d" || return 1; done
}

# Up to $2 seconds for the command $1 to succeed.
await() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if eval "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

install_packages() {
  local missing=() p
  for p in slurmctld slurmd sbatch slurmdbd munged mariadbd mariadb-install-db; do
    command -v "$p" >/dev/null || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  [[ -f /etc/os-release ]] && . /etc/os-release
  [[ ${ID:-} == debian || ${ID_LIKE:-} == *debian* ]] || unavailable "not Debian, and ${missing[*]} missing: install ${PACKAGES[*]} yourself"
  local t0=$SECONDS
  log "installing ${PACKAGES[*]} (--no-install-recommends)..."
  mkdir -p "$STATE"
  # The packages' scripts talk at length about services they may not start: kept in a log.
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o=Dpkg::Use-Pty=0 --no-install-recommends "${PACKAGES[@]}"; } >"$STATE/apt.log" 2>&1 ||
    unavailable "apt-get install ${PACKAGES[*]} failed (see $STATE/apt.log)"
  log "installed in $((SECONDS - t0))s"
}

start_munge() {
  # A munged already answering (the machine's own, or one started before) will do.
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  if [[ ! -s /etc/munge/munge.key ]]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=128 count=1 status=none
  fi
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  chown munge:munge /etc/munge /etc/munge/munge.key && chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key
  runuser -u munge -- munged || unavailable "munged did not start (see /var/log/munge/munged.log)"
  touch "$STATE/munged.ours"
}

write_conf() {
  # `slurmd -C` prints this host's node line; its UpTime is not a setting.
  local node name
  node=$(slurmd -C | head -n1 | sed 's/ UpTime=.*//')
  [[ $node == NodeName=* ]] || unavailable "slurmd -C did not describe this node: $node"
  name=${node#NodeName=}
  name=${name%% *}
  cat >"$SLURM_CONF" <<EOF
# Written by scripts/local-slurm.sh: a one-node test cluster.
ClusterName=txc
SlurmctldHost=$name(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
KillWait=5
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$DBD_PORT
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=$name Default=YES MaxTime=INFINITE State=UP
EOF
  chmod 0644 "$SLURM_CONF"
  # slurmdbd refuses a config others can read: it holds the database's password.
  (
    umask 077
    cat >"$STATE/slurmdbd.conf" <<EOF
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
PidFile=$STATE/slurmdbd.pid
LogFile=$STATE/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=txc
StorageLoc=slurm_acct_db
EOF
  )
}

start_db() {
  if [[ ! -d $STATE/db/mysql ]]; then
    rm -rf "$STATE/db"
    mariadb-install-db --no-defaults --user=root --datadir="$STATE/db" --auth-root-authentication-method=socket --skip-test-db >"$STATE/db-install.log" 2>&1 ||
      unavailable "mariadb-install-db failed (see $STATE/db-install.log)"
  fi
  # An init file takes one statement per line.
  printf '%s\n' "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'txc';" "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';" >"$STATE/db-init.sql"
  # Small buffers: the accounting of a test cluster's few jobs.
  setsid mariadbd --no-defaults --user=root --datadir="$STATE/db" --socket="$STATE/db.sock" --port=$DB_PORT \
    --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$STATE/mariadbd.pid" --log-error="$STATE/mariadbd.log" \
    --init-file="$STATE/db-init.sql" --innodb-buffer-pool-size=16M --performance-schema=off </dev/null >/dev/null 2>&1 &
  await "running mariadbd && [[ -S $STATE/db.sock ]]" 30 || unavailable "mariadbd did not start (see $STATE/mariadbd.log)"
  # Readable, so that `up` by a user other than root sees it running.
  chmod 0644 "$STATE/mariadbd.pid"
}

stop() {
  local d
  for d in "$@"; do if running "$d"; then kill "$(cat "$STATE/$d.pid")"; fi; done
  for d in "$@"; do await "! running $d" 20 || log "$d is still running"; done
}

up() {
  if all_running && [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]]; then
    rm -f "$STATE/unavailable" 2>/dev/null || true
    return 0
  fi
  [[ $(id -u) -eq 0 ]] || unavailable "starting slurmctld, slurmd, slurmdbd and MariaDB needs root: run 'sudo $0 up'"
  install_packages
  mkdir -p "$STATE/ctld" "$STATE/slurmd"
  chmod 0755 "$STATE"
  start_munge
  # One daemon down: all restarted on freshly written configs, so they agree.
  stop slurmd slurmctld slurmdbd
  write_conf
  running mariadbd || start_db
  slurmdbd || unavailable "slurmdbd did not start (see $STATE/slurmdbd.log)"
  await 'sacctmgr -n list cluster' 30 || unavailable "slurmdbd does not answer (see $STATE/slurmdbd.log)"
  slurmctld || unavailable "slurmctld did not start (see $STATE/slurmctld.log)"
  slurmd || unavailable "slurmd did not start (see $STATE/slurmd.log)"
  await '[[ -n $(node_state) ]]' 20 || true
  # slurmctld keeps a node's drain across restarts (from a run with another
  # slurm.conf, say): resumed once, as a node that drains again says why.
  if [[ $(node_state) =~ ^(drained|draining|down|inval) ]]; then
    scontrol update NodeName="$(sinfo -h -o %n | head -n1)" State=RESUME || true
  fi
  await '[[ $(node_state) =~ ^(idle|mixed|allocated)$ ]]' 20 ||
    unavailable "the node is '$(node_state)' after 20 s, not idle (see $STATE/slurmctld.log and $STATE/slurmd.log)"
  rm -f "$STATE/unavailable" 2>/dev/null || true
  log "up: node $(node_state), accounting in slurmdbd ($SLURM_CONF)"
}

down() {
  stop slurmd slurmctld slurmdbd mariadbd
  # munged only if this script started it: the machine's own may serve others.
  if [[ -f $STATE/munged.ours ]]; then
    munged --stop >/dev/null 2>&1 || true
    rm -f "$STATE/munged.ours"
  fi
  log "stopped"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  env) echo "export SLURM_CONF=$SLURM_CONF" ;;
  *)
    sed -n '2,18s/^# \{0,1\}//p' "$0"
    exit 2
    ;;
esac
