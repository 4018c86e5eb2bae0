#!/usr/bin/python3
"""Prints the most buffer bindings any entry point of a SPIR-V module uses
(the largest Binding decoration + 1, from the binary's OpDecorate words):
spirv_bindings.py MODULE.spv"""
import struct
import sys

data = open(sys.argv[1], "rb").read()
words = struct.unpack("<%dI" % (len(data) // 4), data)
if words[0] != 0x07230203:
    sys.exit("not a SPIR-V module")
i, most = 5, -1
while i < len(words):
    count, opcode = words[i] >> 16, words[i] & 0xFFFF
    if count == 0:
        sys.exit("malformed instruction at word %d" % i)
    if opcode == 71 and count >= 4 and words[i + 2] == 33:  # OpDecorate ... Binding N
        most = max(most, words[i + 3])
    i += count
print("bindings per kernel at most: %d" % (most + 1))
