#!/usr/bin/env python3
"""Groups `twiggy top -n 1000000 -f csv` rows (shallow sizes) by crate.

  python3 bench/size-by-crate.py TOP.csv [GROUPS]

Functions are credited to the crate of the type or path their name starts
with (`<serde_json::de::Deserializer<R> as ...>::f` → serde_json), as
cargo-bloat does; generic code instantiated in another crate is credited to the
crate that defines it. Data segments, the name section and the other wasm
sections are their own rows. With GROUPS, crates are also summed into the
families used in bench/SIZE.md. Prints markdown tables.
"""
import csv
import re
import sys
from collections import Counter

rows = list(csv.DictReader(open(sys.argv[1])))
total = sum(int(r["ShallowSize"]) for r in rows if not r["Name"].startswith("Σ") and not r["Name"].startswith("..."))


def crate_of(name: str) -> str:
    if name.startswith("data segment"):
        return "(data segments: constants, strings, tables)"
    if name.startswith('"function names"') or name.startswith('"data names"') or "names\" subsection" in name:
        return "(name section: function/data names)"
    if name.startswith(("type[", "import", "export", "elem", "table[", "memory[", "global[", "code section", "custom section", "\"")):
        return "(wasm sections: types, imports, exports, tables)"
    s = name.lstrip("<&*( ")
    for prefix in ("mut ", "dyn ", "const ", "impl "):
        if s.startswith(prefix):
            s = s[len(prefix):].lstrip("<&*( ")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::", s)
    if m:
        return m.group(1)
    if re.match(r"(u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|str|bool|char)\b", s):
        return "core (primitive impls: fmt, parse)"
    if s.startswith("__wbg") or s.startswith("__wbindgen") or s.startswith("__externref"):
        return "wasm_bindgen (generated glue)"
    if re.match(r"(func|function)\[?\d+", s) or s.startswith("code["):
        return "(unnamed functions)"
    return "(other: " + s[:40] + ")"


by_crate = Counter()
for r in rows:
    n = r["Name"]
    if n.startswith("Σ") or n.startswith("..."):
        continue
    by_crate[crate_of(n)] += int(r["ShallowSize"])

FAMILIES = [
    ("data segments (strings, tables: attributed below in bench/SIZE.md)", ["(data segments: constants, strings, tables)"]),
    ("name section (function and data names)", ["(name section: function/data names)"]),
    ("wasm sections (types, imports, exports, element table)", ["(wasm sections: types, imports, exports, tables)"]),
    ("our crate (workflow_status_worker)", ["workflow_status_worker"]),
    ("std / core / alloc (fmt, panic, collections, f64 Display, unwinding strings)", ["std", "core", "alloc", "core (primitive impls: fmt, parse)", "panic_unwind", "panic_abort", "compiler_builtins", "dlmalloc", "hashbrown", "rustc_demangle", "addr2line", "gimli", "miniz_oxide", "object"]),
    ("serde / serde_json", ["serde", "serde_core", "serde_json", "serde_derive", "ryu", "itoa", "memchr"]),
    ("aws-sigv4 / aws-smithy / aws-credential-types", ["aws_sigv4", "aws_smithy_types", "aws_smithy_runtime_api", "aws_smithy_http", "aws_smithy_async", "aws_credential_types", "zeroize", "tracing", "tracing_core", "form_urlencoded", "percent_encoding", "time", "num_conv", "powerfmt", "deranged"]),
    ("sha2 / hmac / digest / crc32fast / hex / base64", ["sha2", "hmac", "digest", "block_buffer", "crypto_common", "generic_array", "typenum", "cpufeatures", "crc32fast", "hex", "base64", "subtle", "hybrid_array"]),
    ("reqwest + http + url + bytes", ["reqwest", "http", "http_body", "bytes", "url", "futures_util", "futures_core", "futures_channel", "futures_task", "futures_io", "pin_project_lite", "mime", "serde_urlencoded"]),
    ("idna / icu_* unicode tables (via url)", ["idna", "idna_adapter", "icu_normalizer", "icu_properties", "icu_collections", "icu_provider", "icu_locale_core", "zerovec", "zerofrom", "yoke", "tinystr", "potential_utf", "writeable", "litemap", "smallvec", "utf8_iter", "utf16_iter", "write16", "displaydoc", "stable_deref_trait"]),
    ("chrono", ["chrono", "num_traits"]),
    ("wasm-bindgen / js-sys / web-sys / wasm-bindgen-futures / worker", ["wasm_bindgen", "wasm_bindgen (generated glue)", "js_sys", "web_sys", "wasm_bindgen_futures", "worker", "worker_sys", "serde_wasm_bindgen", "wasm_streams", "once_cell"]),
    ("uuid / thiserror / getrandom", ["uuid", "thiserror", "getrandom", "rand", "rand_core"]),
]

print("| crate | bytes (shallow) | share |")
print("|---|---:|---:|")
for crate, size in by_crate.most_common(45):
    print(f"| {crate} | {size:,} | {size / total:.1%} |")
print(f"| **total** | **{total:,}** | |")

if len(sys.argv) > 2:
    print()
    print("| family | bytes (shallow) | share | crates seen |")
    print("|---|---:|---:|---|")
    used = set()
    fam_rows = []
    for label, crates in FAMILIES:
        size = sum(by_crate.get(c, 0) for c in crates)
        seen = [c for c in crates if by_crate.get(c)]
        used.update(crates)
        fam_rows.append((size, label, seen))
    rest = sum(v for k, v in by_crate.items() if k not in used)
    for size, label, seen in sorted(fam_rows, reverse=True):
        if not size:
            continue
        print(f"| {label} | {size:,} | {size / total:.1%} | {', '.join(seen)} |")
    others = sorted(((v, k) for k, v in by_crate.items() if k not in used), reverse=True)
    print(f"| everything else | {rest:,} | {rest / total:.1%} | {', '.join(k for v, k in others[:8])} |")
