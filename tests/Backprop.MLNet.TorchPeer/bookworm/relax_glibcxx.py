#!/usr/bin/python3
"""Lets TorchSharp 0.107's libLibTorchSharp.so load on a libstdc++ older than GCC 13's (Debian 12 has GCC 12's).

The library needs one symbol of GLIBCXX_3.4.32, std::ios_base_library_init(), which GCC 13 emits to construct the
standard streams; ios_shim.cpp defines it. This script rewrites the library's requirement of version GLIBCXX_3.4.32 to
GLIBCXX_3.4.30 (name and hash), which GCC 12's libstdc++ provides; `patchelf --clear-symbol-version` and
`patchelf --add-needed` do the rest (see prepare.sh). Benchmark use only.
"""
import struct
import sys

def elf_hash(name: bytes) -> int:
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h

path = sys.argv[1]
data = bytearray(open(path, "rb").read())
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
old, new = b"GLIBCXX_3.4.32", b"GLIBCXX_3.4.30"
patched = 0
for name, kind, flags, addr, offset, size, link, info, align, entsize in sections:
    if kind != 0x6FFFFFFE:  # SHT_GNU_verneed
        continue
    strtab = sections[link][4]
    entry = offset
    for _ in range(info):
        _, count, _, aux, nxt = struct.unpack_from("<HHIII", data, entry)
        at = entry + aux
        for _ in range(count):
            _, _, _, vna_name, vna_next = struct.unpack_from("<IHHII", data, at)
            start = strtab + vna_name
            if data[start:start + len(old) + 1] == old + b"\0":
                data[start:start + len(old)] = new
                struct.pack_into("<I", data, at, elf_hash(new))
                patched += 1
            at += vna_next
        entry += nxt
open(path, "wb").write(data)
print(f"{path}: {patched} requirement(s) of {old.decode()} now {new.decode()}")
