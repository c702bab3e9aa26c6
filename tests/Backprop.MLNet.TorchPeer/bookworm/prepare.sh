#!/bin/bash
# Builds the TorchSharp peer and, where the system's libstdc++ is older than GCC 13's (Debian 12), lets TorchSharp's
# native library load: it needs one GCC 13 symbol, std::ios_base_library_init(), which ios_shim.cpp provides.
# Needs g++, patchelf (apt-get install patchelf) and Debian's python3. Benchmark use only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(dirname "$here")
dotnet build -c Release "$project" > /dev/null
native="$project/bin/Release/net10.0/runtimes/linux-x64/native"
if LD_LIBRARY_PATH="$native" ldd "$native/libLibTorchSharp.so" | grep -q "GLIBCXX_3.4.32' not found"; then
    g++ -O2 -shared -fPIC -o "$native/libiosinit.so" "$here/ios_shim.cpp"
    patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$native/libLibTorchSharp.so"
    /usr/bin/python3 "$here/relax_glibcxx.py" "$native/libLibTorchSharp.so"
    patchelf --add-needed "$native/libiosinit.so" "$native/libLibTorchSharp.so"
fi
rm -rf "$project/bin/Release/net10.0/cpu"
echo "$project/bin/Release/net10.0/Backprop.MLNet.TorchPeer.dll"
