#!/usr/bin/env bash
# examples/CharTransformer next to its PyTorch twin (benchmarks/compare/char_transformer.py), issue 13: both trained for the
# same number of steps on the same seeds, the two libraries alternating seed by seed (which goes first alternates too), and a
# markdown table of validation loss (nats/char) and training tokens/s written to benchmarks/compare/char_results.md.
# PyTorch's thread setting: first a probe of PROBE_STEPS steps under every (torch threads, OpenBLAS threads) in SETTINGS; the
# setting with the most tokens/s is used for the seed runs (the thread count changes PyTorch's speed, not its arithmetic's recipe).
# Usage: STEPS=1000 SEEDS="1 2 3" bash benchmarks/compare/char_side_by_side.sh
#        (defaults STEPS=1000, SEEDS="1 2 3", PROBE_STEPS=100, SETTINGS="1,1 1,2 2,1 2,2")
set -euo pipefail
cd "$(dirname "$0")/../.."
STEPS=${STEPS:-1000} SEEDS=${SEEDS:-"1 2 3"} PROBE_STEPS=${PROBE_STEPS:-100} SETTINGS=${SETTINGS:-"1,1 1,2 2,1 2,2"}
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-numpy libopenblas0-pthread
fi
[ -f /usr/share/dict/american-english ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wamerican; }
# As in run.sh: the machine sets OPENBLAS_CORETYPE=Haswell; the peer runs with it unset so OpenBLAS picks its AVX-512 kernel.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
dotnet build -c Release examples/CharTransformer -v q -nologo >/dev/null
ours="dotnet examples/CharTransformer/bin/Release/net10.0/CharTransformer.dll"
peer="/usr/bin/python3 benchmarks/compare/char_transformer.py"
logs=$(mktemp -d)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
val() { grep ' validation ' "$1" | tail -1 | awk '{print $6}'; }
tps() { awk '$2 == "tokens/s" {print $1}' "$1"; }
run_peer() { # steps seed torch-threads openblas-threads log
  OPENBLAS_NUM_THREADS=$4 $peer --steps "$1" --seed "$2" --threads "$3" > "$5"; }

best="" best_tps=0 probe=""
for s in $SETTINGS; do
  tt=${s%,*} ob=${s#*,}
  run_peer "$PROBE_STEPS" 1 "$tt" "$ob" "$logs/probe-$tt-$ob.log"
  v=$(tps "$logs/probe-$tt-$ob.log"); probe+="($tt, $ob) $v; "
  if awk -v v="$v" -v b="$best_tps" 'BEGIN{exit !(v>b)}'; then best="$s" best_tps=$v; fi
done
tt=${best%,*} ob=${best#*,}
echo "probe ($PROBE_STEPS steps): ${probe%; } -> (torch threads, OpenBLAS threads) = ($tt, $ob)" >&2

i=0
for seed in $SEEDS; do
  if (( i % 2 == 0 )); then
    $ours --steps "$STEPS" --seed "$seed" > "$logs/ag-$seed.log"; run_peer "$STEPS" "$seed" "$tt" "$ob" "$logs/pt-$seed.log"
  else
    run_peer "$STEPS" "$seed" "$tt" "$ob" "$logs/pt-$seed.log"; $ours --steps "$STEPS" --seed "$seed" > "$logs/ag-$seed.log"
  fi
  echo "seed $seed: AutoGrad $(val "$logs/ag-$seed.log") nats/char $(tps "$logs/ag-$seed.log") tokens/s; PyTorch $(val "$logs/pt-$seed.log") nats/char $(tps "$logs/pt-$seed.log") tokens/s" >&2
  i=$((i + 1))
done

stats() { awk '{n++; s+=$1; q+=$1*$1; if (n==1||$1<lo) lo=$1; if (n==1||$1>hi) hi=$1} END {m=s/n; sd=(n>1)?sqrt((q-n*m*m)/(n-1)):0; if (sd!=sd) sd=0; printf "%.4f %.4f %.4f %.4f\n", m, sd, lo, hi}'; }
out=benchmarks/compare/char_results.md
{
  echo "| seed | AutoGrad validation (nats/char) | PyTorch validation | AutoGrad / PyTorch loss | AutoGrad tokens/s | PyTorch tokens/s | AutoGrad / PyTorch tokens/s |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for seed in $SEEDS; do
    a=$(val "$logs/ag-$seed.log") b=$(val "$logs/pt-$seed.log") ta=$(tps "$logs/ag-$seed.log") tb=$(tps "$logs/pt-$seed.log")
    echo "| $seed | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.3f", a/b}') | $ta | $tb | $(awk -v a="$ta" -v b="$tb" 'BEGIN{printf "%.2f", a/b}') |"
  done
  read -r am asd alo ahi < <(for s in $SEEDS; do val "$logs/ag-$s.log"; done | stats)
  read -r bm bsd blo bhi < <(for s in $SEEDS; do val "$logs/pt-$s.log"; done | stats)
  read -r tam _ _ _ < <(for s in $SEEDS; do tps "$logs/ag-$s.log"; done | stats)
  read -r tbm _ _ _ < <(for s in $SEEDS; do tps "$logs/pt-$s.log"; done | stats)
  echo "| mean (sample sd; min–max) | $am ($asd; $alo–$ahi) | $bm ($bsd; $blo–$bhi) | $(awk -v a="$am" -v b="$bm" 'BEGIN{printf "%.3f", a/b}') | $(printf '%.0f' "$tam") | $(printf '%.0f' "$tbm") | $(awk -v a="$tam" -v b="$tbm" 'BEGIN{printf "%.2f", a/b}') |"
  echo
  echo "$STEPS steps per run, seeds $SEEDS, the libraries alternating seed by seed; training loss of the last evaluation window and samples are in each run's log."
  echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') at (torch threads, OpenBLAS threads) = ($tt, $ob), the fastest in a $PROBE_STEPS-step probe: ${probe%; }."
  echo "tokens/s: 64 × 16 training tokens per step over the seconds of the training steps (evaluation excluded), both sides."
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --version); load average (1, 5, 15 min) $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(date -u +%Y-%m-%d); commit $(git describe --always --dirty)."
  echo "Command: STEPS=$STEPS SEEDS=\"$SEEDS\" PROBE_STEPS=$PROBE_STEPS SETTINGS=\"$SETTINGS\" bash benchmarks/compare/char_side_by_side.sh"
} > "$out"
for seed in $SEEDS; do echo "AutoGrad seed $seed samples: $(sed -n 's/^samples: //p' "$logs/ag-$seed.log")"; echo "PyTorch seed $seed samples: $(sed -n 's/^samples: //p' "$logs/pt-$seed.log")"; done >&2
cat "$out"
