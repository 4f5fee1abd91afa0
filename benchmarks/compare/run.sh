#!/usr/bin/env bash
# Side-by-side comparison with PyTorch (issue 14): installs the peer (Debian's python3-torch with OpenBLAS), runs every
# workload in both libraries, alternating them round by round, and writes benchmarks/compare/results.md.
# PyTorch runs each workload under every (torch threads, OpenBLAS threads) in {1,2} x {1,2}; the best median is the
# reference, and the table shows which setting won and what PyTorch's default setting gave.
# Usage: bash benchmarks/compare/run.sh [--quick] [rounds]   (default 3 rounds; --quick: fewer images and steps, smoke runs only;
#        COMPARE_ONLY="w1 w2" runs only those rows)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=3 quick=""
for arg in "$@"; do case "$arg" in --quick) quick="--quick";; *) rounds=$arg;; esac; done
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-numpy libopenblas0-pthread
fi
peer=benchmarks/compare/torch_workloads.py
# The machine sets OPENBLAS_CORETYPE=Haswell; the peer is measured with it unset so OpenBLAS picks its AVX-512 kernel.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
# Without OpenBLAS, torch uses the reference BLAS (about 30x slower); refuse to compare against that.
blas=$(/usr/bin/python3 $peer blas)
case "$blas" in openblas:*) ;; *) echo "peer is not using OpenBLAS ($blas); install libopenblas0-pthread" >&2; exit 1;; esac
# PyTorch's default setting here: its own ATen thread count, OpenBLAS's from the environment (all cores when unset).
def_tt=$(/usr/bin/python3 -c "import torch; print(torch.get_num_threads())")
def_ob=${OPENBLAS_NUM_THREADS:-$(nproc)}
dotnet build -c Release benchmarks/AutoGrad.Benchmarks -v q -nologo >/dev/null
ours="dotnet benchmarks/AutoGrad.Benchmarks/bin/Release/net10.0/AutoGrad.Benchmarks.dll compare"
load_start=$(uptime | sed 's/.*load average: //')
epoch_rows="cnn-epoch mlp-epoch nielsen-epoch lstm transformer cold-start"
micro_rows="gemm mlp64 mlp256 cnn tape"
if [ -n "${COMPARE_ONLY:-}" ]; then   # e.g. COMPARE_ONLY="lstm transformer": only those rows (development runs)
  epoch_rows=$(for w in $epoch_rows; do if [[ " $COMPARE_ONLY " == *" $w "* ]]; then echo "$w"; fi; done | xargs)
  micro_rows=$(for w in $micro_rows; do if [[ " $COMPARE_ONLY " == *" $w "* ]]; then echo "$w"; fi; done | xargs)
fi
declare -A a b unit extra pextra
run_ours() { if [ -n "$quick" ] || [[ " $epoch_rows " == *" $1 "* ]]; then COMPARE_T0=$(date +%s.%N) $ours "$1" $quick; else $ours "$1" 5; fi; }
run_peer() { # workload torch-threads openblas-threads
  if [[ " $epoch_rows " == *" $1 "* ]]; then COMPARE_T0=$(date +%s.%N) OPENBLAS_NUM_THREADS=$3 /usr/bin/python3 $peer "$1" $quick --threads "$2"
  else OPENBLAS_NUM_THREADS=$3 /usr/bin/python3 $peer "$1" ${quick:-5} --threads "$2"; fi; }
for w in $epoch_rows $micro_rows; do
  for r in $(seq "$rounds"); do   # alternate the libraries so drift on the shared host hits both
    read -r _ u v x < <(run_ours "$w"); a[$w]+="$v "; unit[$w]=$u; extra[$w]=${x:-}
    for tt in 1 2; do for ob in 1 2; do
      read -r _ _ v x < <(run_peer "$w" $tt $ob); b[$w,$tt,$ob]+="$v "; pextra[$w,$tt,$ob]=${x:-}
    done; done
  done
done
# Memory over epochs: the managed heap after a full collection at the end of each cnn-epoch epoch (10 epochs; 3 in quick mode).
memory=""
if [[ " $epoch_rows " == *" cnn-epoch "* ]]; then memory=$($ours cnn-memory $quick); fi
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
field() { tr " " "\n" | sed -n "s|^$1=||p"; }
higher_better() { case "$1" in tokens/s|GFLOP/s|samples/s) return 0;; *) return 1;; esac; }
ratio() { if higher_better "$1"; then awk -v x="$2" -v y="$3" 'BEGIN{printf "%.2f", x/y}'; else awk -v x="$2" -v y="$3" 'BEGIN{printf "%.2f", y/x}'; fi; }
out=benchmarks/compare/results.md
{
  echo "| workload | unit | AutoGrad | PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), best setting | best (torch threads, OpenBLAS threads) | PyTorch default ($def_tt, $def_ob) | AutoGrad over PyTorch's best (higher is better) | AutoGrad bytes/step | notes |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for w in $epoch_rows $micro_rows; do
    ma=$(echo "${a[$w]}" | median); best="" bset="" bx=""
    for tt in 1 2; do for ob in 1 2; do
      m=$(echo "${b[$w,$tt,$ob]}" | median)
      if [ -z "$best" ] || { higher_better "${unit[$w]}" && awk -v m="$m" -v b="$best" 'BEGIN{exit !(m>b)}'; } ||
         { ! higher_better "${unit[$w]}" && awk -v m="$m" -v b="$best" 'BEGIN{exit !(m<b)}'; }; then best=$m bset="($tt, $ob)" bx=${pextra[$w,$tt,$ob]}; fi
    done; done
    mdef=$( [ "$def_tt" -le 2 ] && [ "$def_ob" -le 2 ] && echo "${b[$w,$def_tt,$def_ob]}" | median || echo "n/a")
    bytes=$(echo "${extra[$w]}" | field bytes/step); bytes=${bytes:-"-"}
    case "$w" in
      *-epoch) notes="test accuracy $(echo "${extra[$w]}" | field accuracy) vs $(echo "$bx" | field accuracy), $(echo "${extra[$w]}" | field images) images";;
      cold-start) notes="epoch 1 / later epochs, wall (CPU): AutoGrad $(echo "${extra[$w]}" | field ratio) ($(echo "${extra[$w]}" | field cpu_ratio); $(echo "${extra[$w]}" | field first) s / $(echo "${extra[$w]}" | field later) s), PyTorch $(echo "$bx" | field ratio) ($(echo "$bx" | field cpu_ratio))";;
      *) notes="";;
    esac
    echo "| $w | ${unit[$w]//_/ } | $ma | $best | $bset | $mdef | $(ratio "${unit[$w]}" "$ma" "$best") | $bytes | $notes |"
  done
  echo
  [ -z "$memory" ] || echo "Memory over epochs (cnn-epoch, managed heap after a full collection at the end of each epoch): $(echo "$memory" | field heap_per_epoch_MB | tr ',' ' ') MB."
  echo "Bytes/step: managed bytes allocated per training step on every thread, batch gathering included (PyTorch's allocations are native and not counted)."
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --version), peer BLAS: $blas."
  echo "Medians of $rounds alternating rounds${quick:+ in --quick mode (fewer images and steps: a smoke run, not a measurement)}; load average (1, 5, 15 min) $load_start at the start, $(uptime | sed 's/.*load average: //') at the end; $(date -u +%Y-%m-%d)."
} > "$out"
cat "$out"
