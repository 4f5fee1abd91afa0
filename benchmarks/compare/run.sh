#!/usr/bin/env bash
# Side-by-side comparison with PyTorch: installs the peer (Debian's python3-torch with OpenBLAS), runs every
# workload in both libraries in one run, alternating them, and writes benchmarks/compare/results.md.
# Usage: bash benchmarks/compare/run.sh [rounds]   (default 3 rounds of 5 repetitions each)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-numpy python3-threadpoolctl libopenblas0-pthread
fi
# Without OpenBLAS, torch and numpy use the reference BLAS (about 30x slower); refuse to compare against that.
blas=$(/usr/bin/python3 -c "import numpy, threadpoolctl; print(' '.join(i.get('internal_api','?')+':'+str(i.get('architecture','?')) for i in threadpoolctl.threadpool_info()))")
case "$blas" in *openblas*) ;; *) echo "peer is not using OpenBLAS ($blas); install libopenblas0-pthread" >&2; exit 1;; esac
# The machine sets OPENBLAS_CORETYPE=Haswell; the peer is measured with it unset so OpenBLAS picks its AVX-512 kernel.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
blas=$(/usr/bin/python3 -c "import numpy, threadpoolctl; print(' '.join(i.get('internal_api','?')+':'+str(i.get('architecture','?')) for i in threadpoolctl.threadpool_info()))")
dotnet build -c Release benchmarks/AutoGrad.Benchmarks -v q -nologo >/dev/null
ours="dotnet benchmarks/AutoGrad.Benchmarks/bin/Release/net10.0/AutoGrad.Benchmarks.dll compare"
declare -A a b unit
for w in gemm mlp64 mlp256 cnn tape; do
  for r in $(seq "$rounds"); do   # alternate the two libraries so drift on the shared host hits both
    read -r _ u v < <($ours "$w" 5); a[$w]+="$v "; unit[$w]=$u
    read -r _ _ v < <(/usr/bin/python3 benchmarks/compare/torch_workloads.py "$w" 5); b[$w]+="$v "
  done
done
# Managed bytes per training step after warm-up (AutoGrad only; PyTorch's allocations are native): the profile mode's figure.
bytes64=$(dotnet benchmarks/AutoGrad.Benchmarks/bin/Release/net10.0/AutoGrad.Benchmarks.dll profile mlp64 300 | grep -o '[0-9,]* B/step')
bytes256=$(dotnet benchmarks/AutoGrad.Benchmarks/bin/Release/net10.0/AutoGrad.Benchmarks.dll profile mlp256 300 | grep -o '[0-9,]* B/step')
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
out=benchmarks/compare/results.md
{
  echo "| workload | unit | AutoGrad | PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') | ratio (AutoGrad / PyTorch, higher is better) |"
  echo "| --- | --- | --- | --- | --- |"
  for w in gemm mlp64 mlp256 cnn tape; do
    ma=$(echo "${a[$w]}" | median); mb=$(echo "${b[$w]}" | median)
    if [ "${unit[$w]}" = "us/iteration" ]; then ratio=$(awk -v x="$ma" -v y="$mb" 'BEGIN{printf "%.2f", y/x}')
    else ratio=$(awk -v x="$ma" -v y="$mb" 'BEGIN{printf "%.2f", x/y}'); fi
    echo "| $w | ${unit[$w]} | $ma | $mb | $ratio |"
  done
  echo
  echo "Managed bytes allocated per training step after warm-up (\`profile\` mode, 300 steps, inside a StepScope): MLP-64 $bytes64, MLP-256 $bytes256."
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --version), peer BLAS: $blas."
  echo "Medians of $rounds alternating rounds x 5 repetitions; $(date -u +%Y-%m-%d)."
} > "$out"
cat "$out"
