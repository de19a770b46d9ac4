"""Dump the running interpreter's opcode facts as JSON, for gen_opcodes.py.

Runs under the interpreter being described (2.7, 3.6 and later; this file
stays valid Python 2.7), using only that interpreter's own `opcode` and `dis`
modules, and prints one JSON document.

How `dis` interprets each opcode's argument is decided here, in the order
that version's `dis` tests it: the opcode sets come from `opcode`, and the
opcodes that `dis` treats specially are those it binds as module-level
names (e.g. `dis.LOAD_GLOBAL` exists from 3.11 on).
"""
from __future__ import print_function

import dis
import inspect
import json
import opcode
import sys


def main():
    version = "%d.%d" % sys.version_info[:2]
    all_opname = list(getattr(dis, "_all_opname", opcode.opname))
    deopt = getattr(dis, "_deoptop", lambda op: op)
    hasarg = set(getattr(opcode, "hasarg", range(opcode.HAVE_ARGUMENT, 256)))

    def cache_entries(op):
        table = getattr(opcode, "_inline_cache_entries", None)
        if table is None:
            return 0
        if isinstance(table, (list, tuple)):
            return table[op]
        return table.get(opcode.opname[op], 0)

    def cache_format(op):
        fmt = getattr(opcode, "_cache_format", {})
        return [[k, v] for k, v in fmt.get(opcode.opname[op], {}).items()]

    def is_backward(op):
        fn = getattr(dis, "_is_backward_jump", None)
        return bool(fn and fn(op))

    special = set(name for name in dir(dis) if name.isupper() and name in opcode.opmap
                  and getattr(dis, name) == opcode.opmap[name])
    hasjump = set(getattr(opcode, "hasjump", [])) | set(opcode.hasjrel) | set(opcode.hasjabs)
    hasexc = set(getattr(opcode, "hasexc", []))
    labels_style = sys.version_info >= (3, 13)
    jabs_described = sys.version_info >= (3, 10)
    try:
        only_load_const = "op == LOAD_CONST" in inspect.getsource(dis._get_const_value)
    except (AttributeError, OSError, TypeError):
        only_load_const = False

    def arg_kind(op):
        name = opcode.opname[op]
        if op not in hasarg:
            return "none"
        if op in opcode.hasconst:
            # 3.11's dis resolves only LOAD_CONST; other constant opcodes
            # (KW_NAMES) get no description.
            if only_load_const and name != "LOAD_CONST":
                return "plain"
            return "const"
        if op in opcode.hasname:
            if name == "LOAD_GLOBAL" and name in special:
                return "global"
            if name == "LOAD_ATTR" and name in special:
                return "attr"
            if name == "LOAD_SUPER_ATTR" and name in special:
                return "super_attr"
            if name == "IMPORT_NAME" and name in special:
                return "import_name"
            return "name"
        if labels_style:
            if op in hasjump or op in hasexc:
                return "jump"
        else:
            if op in opcode.hasjrel:
                return "jump"
            if op in opcode.hasjabs:
                # Before 3.10, dis describes only relative jumps ("to N");
                # an absolute one shows its bare argument.
                return "jump" if jabs_described else "plain"
        if name in ("LOAD_FAST_LOAD_FAST", "LOAD_FAST_BORROW_LOAD_FAST_BORROW",
                    "STORE_FAST_LOAD_FAST", "STORE_FAST_STORE_FAST") and name in special:
            return "local_pair"
        if op in opcode.haslocal:
            return "local"
        if op in opcode.hasfree:
            return "free"
        if op in opcode.hascompare:
            return "compare"
        for kind, names in (("convert_value", ["CONVERT_VALUE"]),
                            ("format_value", ["FORMAT_VALUE"]),
                            ("function_flags", ["MAKE_FUNCTION", "SET_FUNCTION_ATTRIBUTE"]),
                            ("binary_op", ["BINARY_OP"]),
                            ("intrinsic1", ["CALL_INTRINSIC_1"]),
                            ("intrinsic2", ["CALL_INTRINSIC_2"]),
                            ("common_constant", ["LOAD_COMMON_CONSTANT"]),
                            ("special_method", ["LOAD_SPECIAL"]),
                            ("is_op", ["IS_OP"]),
                            ("contains_op", ["CONTAINS_OP"])):
            if name in names and name in special:
                return kind
        return "plain"

    def jump(op):
        if op in opcode.hasjabs:
            return "absolute"
        if op in opcode.hasjrel or op in hasjump:
            return "backward" if is_backward(op) else "forward"
        return None

    ops = []
    for op in range(256):
        d = deopt(op)
        ops.append({
            "name": all_opname[op],
            "deopt": d,
            "has_arg": d in hasarg,
            "arg_kind": arg_kind(d),
            "jump": jump(d),
            "cache_entries": cache_entries(d),
            "cache_format": cache_format(d),
        })

    def reprs(seq):
        out = []
        for obj in seq:
            out.append(obj.__name__ if isinstance(obj, type) else repr(obj))
        return out

    flags = getattr(dis, "FUNCTION_ATTR_FLAGS", getattr(dis, "MAKE_FUNCTION_FLAGS", ()))
    converters = [c[1] for c in getattr(dis, "FORMAT_VALUE_CONVERTERS", ())]
    if not converters and "FORMAT_VALUE" in special:
        # 3.6 and 3.7 spell the same table inline in _get_instructions_bytes.
        converters = ["", "str", "repr", "ascii"]
    if sys.version_info >= (3, 13):
        compare_shift, compare_bool = 5, True
    elif sys.version_info >= (3, 12):
        compare_shift, compare_bool = 4, False
    else:
        compare_shift, compare_bool = 0, False
    doc = {
        "version": version,
        "have_argument": opcode.HAVE_ARGUMENT,
        "extended_arg": opcode.EXTENDED_ARG,
        "cmp_op": list(opcode.cmp_op),
        "nb_ops": [x[1] for x in getattr(opcode, "_nb_ops", [])],
        "intrinsic1": list(getattr(opcode, "_intrinsic_1_descs", [])),
        "intrinsic2": list(getattr(opcode, "_intrinsic_2_descs", [])),
        "common_constants": reprs(getattr(opcode, "_common_constants", [])),
        "special_methods": list(getattr(opcode, "_special_method_names", [])),
        "function_flags": list(flags),
        "format_value_converters": converters,
        "compare_shift": compare_shift,
        "compare_bool": compare_bool,
        "flag_names": sorted([bit, name] for bit, name in
                             getattr(dis, "COMPILER_FLAG_NAMES", {}).items()),
        "source": "dumped from %s %s by scripts/dump_opcodes.py" % (
            getattr(sys, "implementation", None) and sys.implementation.name or "cpython",
            sys.version.split()[0]),
        "ops": ops,
    }
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
