#!/usr/bin/env bash
# Installs the peers bench/compare measures against: Debian's numpy and PyTorch, with OpenBLAS
# (serial) selected as the system BLAS/LAPACK. Debian's torch links the generic libblas.so.3;
# with the reference BLAS behind it the peer would be measured unfairly slow. Run as root.
set -euo pipefail
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-numpy python3-torch libopenblas0-serial
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
update-alternatives --set "libblas.so.3-$arch" "/usr/lib/$arch/openblas-serial/libblas.so.3"
update-alternatives --set "liblapack.so.3-$arch" "/usr/lib/$arch/openblas-serial/liblapack.so.3"
update-alternatives --display "libblas.so.3-$arch" | head -3
