#!/usr/bin/env python3
"""The public API of the `orderhunt` crate, one item per line, from rustdoc's
JSON output (nightly `--output-format json`).

    scripts/public_api.py DOC_DIR        print the list
    scripts/public_api.py DOC_DIR FILE   compare with FILE; exit 1 on a difference

DOC_DIR holds orderhunt.json, orderhunt_core.json and orderhunt_scenarios.json
(scripts/public-api.sh makes them). The walk starts at the `orderhunt` crate
root and follows its `pub use` re-exports into the core and the catalog, as
a user's `cargo doc` shows them: hidden items (`#[doc(hidden)]`) are left out
by rustdoc itself. Each line is a path and what it is; functions and methods
carry their signature, structs their public fields, enums their variants,
traits their methods, so a changed signature is a changed line.
"""

import json
import os
import sys


def load(doc_dir, name):
    with open(os.path.join(doc_dir, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def ty(t):
    """A compact rendering of a rustdoc JSON type."""
    if t is None:
        return "()"
    if not isinstance(t, dict):
        return str(t)
    (k, v), = t.items()
    if k == "primitive":
        return v
    if k == "generic":
        return v
    if k == "resolved_path":
        args = v.get("args")
        name = v.get("path") or v.get("name")
        return name + generic_args(args)
    if k == "borrowed_ref":
        lt = (v.get("lifetime") or "") + " " if v.get("lifetime") else ""
        return "&" + lt + ("mut " if v.get("is_mutable") else "") + ty(v["type"])
    if k == "tuple":
        return "(" + ", ".join(ty(x) for x in v) + ")"
    if k == "slice":
        return "[" + ty(v) + "]"
    if k == "array":
        return "[" + ty(v["type"]) + "; " + str(v["len"]) + "]"
    if k in ("impl_trait", "dyn_trait"):
        bounds = v if isinstance(v, list) else v.get("traits", [])
        parts = []
        for b in bounds:
            tb = b.get("trait_bound", b) if isinstance(b, dict) else b
            if isinstance(tb, dict) and "trait" in tb:
                parts.append(ty({"resolved_path": tb["trait"]}))
            elif isinstance(b, dict) and "outlives" in b:
                parts.append(b["outlives"])
        return ("impl " if k == "impl_trait" else "dyn ") + " + ".join(parts)
    if k == "qualified_path":
        return "<" + ty(v["self_type"]) + ">::" + v["name"]
    if k == "raw_pointer":
        return ("*mut " if v.get("is_mutable") else "*const ") + ty(v["type"])
    if k == "function_pointer":
        return "fn(" + ", ".join(ty(x[1]) for x in v["sig"]["inputs"]) + ") -> " + ty(v["sig"].get("output"))
    return json.dumps(t, sort_keys=True)


def generic_args(args):
    if not args:
        return ""
    if "angle_bracketed" in args:
        out = []
        for a in args["angle_bracketed"]["args"]:
            if "type" in a:
                out.append(ty(a["type"]))
            elif "lifetime" in a:
                out.append(a["lifetime"])
            elif "const" in a:
                out.append(str(a["const"].get("expr")))
        for c in args["angle_bracketed"].get("constraints", []):
            out.append(c["name"] + "=" + json.dumps(c.get("binding"), sort_keys=True))
        return "<" + ", ".join(out) + ">" if out else ""
    if "parenthesized" in args:
        p = args["parenthesized"]
        return "(" + ", ".join(ty(x) for x in p["inputs"]) + ") -> " + ty(p.get("output"))
    return ""


def sig(fn):
    s = fn["sig"]
    inputs = ", ".join(n + ": " + ty(t) for n, t in s["inputs"])
    gens = [g["name"] for g in fn.get("generics", {}).get("params", [])
            if "type" in g.get("kind", {})]
    return ("<" + ", ".join(gens) + ">" if gens else "") + "(" + inputs + ") -> " + ty(s.get("output"))


class Api:
    def __init__(self, doc_dir):
        self.crates = {c: load(doc_dir, c) for c in
                       ("orderhunt", "orderhunt_core", "orderhunt_scenarios")}
        self.lines = []
        self.seen = set()

    def item(self, crate, iid):
        return self.crates[crate]["index"].get(str(iid))

    def resolve(self, source):
        """The (crate, id) of a path like orderhunt_core::api::Test."""
        parts = source.split("::")
        crate = parts[0]
        if crate not in self.crates:
            return None
        d = self.crates[crate]
        cur = d["root"]
        for name in parts[1:]:
            found = None
            inner = d["index"][str(cur)]["inner"]
            if "enum" in inner:  # a variant, re-exported (`use Enum::Variant`)
                for vid in inner["enum"]["variants"]:
                    if d["index"][str(vid)]["name"] == name:
                        found = ("direct", vid)
                if found is None:
                    return None
                cur = found[1]
                continue
            for cid in inner["module"]["items"]:
                it = d["index"].get(str(cid))
                if it is None:
                    continue
                if it["name"] == name and "use" not in it["inner"]:
                    found = ("direct", cid)
                    break
                if "use" in it["inner"] and it["inner"]["use"]["name"] == name:
                    found = ("use", it["inner"]["use"])
                    break
            if found is None:
                return None
            if found[0] == "use":
                u = found[1]
                if str(u.get("id")) in d["index"]:
                    cur = u["id"]
                else:
                    return self.resolve(u["source"])
            else:
                cur = found[1]
        return crate, cur

    def emit(self, line):
        self.lines.append(line)

    def walk(self, crate, iid, path):
        it = self.item(crate, iid)
        if it is None:
            self.emit(path + " (unresolved)")
            return
        key = (crate, iid, path)
        if key in self.seen:
            return
        self.seen.add(key)
        (kind, inner), = it["inner"].items()
        if kind == "module":
            self.emit(path + " mod")
            for cid in inner["items"]:
                c = self.item(crate, cid)
                if c is None:
                    continue
                if "use" in c["inner"]:
                    self.use(crate, c["inner"]["use"], path)
                else:
                    self.walk(crate, cid, path + "::" + c["name"])
        elif kind == "use":
            self.use(crate, inner, path.rsplit("::", 1)[0])
        elif kind == "function":
            self.emit(path + " fn" + sig(inner))
        elif kind == "struct":
            self.emit(path + " struct")
            k = inner["kind"]
            fields = k.get("plain", {}).get("fields", []) if isinstance(k, dict) else []
            if isinstance(k, dict) and "tuple" in k:
                fields = [f for f in k["tuple"] if f is not None]
            for fid in fields:
                f = self.item(crate, fid)
                if f and f["visibility"] == "public":
                    self.emit(path + "." + f["name"] + ": " + ty(f["inner"]["struct_field"]))
            self.impls(crate, inner.get("impls", []), path)
        elif kind == "enum":
            self.emit(path + " enum")
            for vid in inner["variants"]:
                v = self.item(crate, vid)
                self.emit(path + "::" + v["name"] + " variant")
            self.impls(crate, inner.get("impls", []), path)
        elif kind == "trait":
            self.emit(path + " trait")
            for mid in inner["items"]:
                m = self.item(crate, mid)
                if m and "function" in m["inner"]:
                    self.emit(path + "::" + m["name"] + " fn" + sig(m["inner"]["function"]))
        elif kind == "constant":
            self.emit(path + " const: " + ty(inner["type"]))
        elif kind == "static":
            self.emit(path + " static: " + ty(inner["type"]))
        elif kind == "macro":
            self.emit(path + " macro")
        elif kind == "type_alias":
            self.emit(path + " type = " + ty(inner["type"]))
        else:
            self.emit(path + " " + kind)

    def impls(self, crate, impl_ids, path):
        for iid in impl_ids:
            imp = self.item(crate, iid)
            if imp is None:
                continue
            i = imp["inner"]["impl"]
            if i.get("trait") is not None:
                if not i.get("is_synthetic") and not i.get("blanket_impl"):
                    self.emit(path + " impl " + ty({"resolved_path": i["trait"]}))
                continue
            for mid in i["items"]:
                m = self.item(crate, mid)
                if m and m["visibility"] == "public" and "function" in m["inner"]:
                    self.emit(path + "::" + m["name"] + " fn" + sig(m["inner"]["function"]))

    def use(self, crate, u, parent):
        d = self.crates[crate]
        if u.get("is_glob"):
            target = (crate, u["id"]) if str(u.get("id")) in d["index"] else self.resolve(u["source"])
            if target is None:
                self.emit(parent + "::* (unresolved glob of " + u["source"] + ")")
                return
            mod = self.item(*target)
            for cid in mod["inner"]["module"]["items"]:
                c = self.item(target[0], cid)
                if c is None:
                    continue
                if "use" in c["inner"]:
                    self.use(target[0], c["inner"]["use"], parent)
                else:
                    self.walk(target[0], cid, parent + "::" + c["name"])
            return
        path = parent + "::" + u["name"]
        if str(u.get("id")) in d["index"]:
            self.walk(crate, u["id"], path)
            return
        target = self.resolve(u["source"])
        if target is None and u["source"].split("::")[0] not in self.crates:
            self.emit(path + " (re-export of " + u["source"] + ")")
        elif target is None:
            self.emit(path + " (re-export of " + u["source"] + ", not resolved)")
        else:
            self.walk(target[0], target[1], path)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    api = Api(argv[1])
    root = api.crates["orderhunt"]["root"]
    api.walk("orderhunt", root, "orderhunt")
    lines = sorted(set(api.lines))
    text = "".join(line + "\n" for line in lines)
    if len(argv) == 2:
        sys.stdout.write(text)
        return 0
    with open(argv[2], encoding="utf-8") as f:
        want = f.read()
    if want == text:
        print("public-api: %d items, as listed in %s" % (len(lines), argv[2]))
        return 0
    import difflib
    sys.stdout.writelines(difflib.unified_diff(
        want.splitlines(True), text.splitlines(True), argv[2], "the code's public API"))
    print("public-api: the public API of `orderhunt` changed. If on purpose, run "
          "scripts/public-api.sh --bless and note it in CHANGELOG.md.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
