#!/usr/bin/env python3
"""Derive, independently of the CDKTF code, the Terraform state that today's live objects correspond to.

  reference-state.py config LIVE_STACK_YAML VALUES_FILE OUT_DIR
      Writes OUT_DIR/reference.tf.json: the live configuration of live-stack.yaml as plain Terraform
      JSON (module addresses flattened to root names; <secret:...> as Vault data-source references,
      <file:...> as file() calls), and OUT_DIR/addresses.json mapping flattened names back to the
      state addresses. VALUES_FILE must parse to exactly the reference's values_yaml (checked).
  reference-state.py state LIVE_STACK_YAML OUT_DIR PLAN_JSON SCHEMAS_JSON
      From `terraform show -json` of a create plan of reference.tf.json (real providers fill in their
      defaults), writes OUT_DIR/terraform.tfstate with every resource at its reference address.
  reference-state.py authentik-seed LIVE_STACK_YAML OUT_DIR
      Writes OUT_DIR/authentik-seed.json: the live goauthentik objects of live-stack.yaml as the
      authentik API holds them (collection path -> objects, API field names, the ids the live objects
      have), for the loopback authentik API (authentik-api/); and OUT_DIR/authentik-imports.json
      ([{"to": address, "id": import id}]): the real goauthentik provider then imports them, so the
      reference state of these resources is what the provider reads, not what this script writes.

Why this is not circular: nothing here reads the CDKTF code or its output. The only shared input is
the values file's text, which the reference describes semantically (the live text is the operator's).
"""
import json, re, sys, uuid
import yaml

SECRET = re.compile(r"<secret:([a-z_]+)#([a-zA-Z0-9_]+)>")
FILE = re.compile(r"<file:([A-Za-z0-9_.-]+)>")
VAULT_DATA_FOR_PATH = {"platform": "secrets", "authentik": "authentik_tf"}
WIDGET_KEY = "<secret:platform#homepage_credentials .authentik.token, or empty>"
# Sensitivity the reference declares for the live state ("Sensitivity" in live-stack.yaml): the whole
# strings below are marked, whether or not the plan JSON shows the nested mark (it collapses a nested
# mark under a schema-sensitive attribute such as Secret data).
A, I = (lambda n: {"type": "get_attr", "value": n}), (lambda k: {"type": "index", "value": {"value": k, "type": "number" if isinstance(k, int) else "string"}})
DECLARED_SENSITIVE = {
    "module.authentik.helm_release.authentik": [[A("values"), I(0)]],
    "module.authentik.kubernetes_config_map.pgbouncer_config": [[A("data"), I("pgbouncer.ini")]],
    "module.authentik.kubernetes_secret.pgbouncer_auth": [[A("data"), I("userlist.txt")]],
    "module.authentik.kubernetes_deployment.pgbouncer": [[A("spec"), I(0), A("template"), I(0), A("spec"), I(0), A("container"), I(0), A("env"), I(0), A("value")]],
    "module.authentik.module.ingress.kubernetes_ingress_v1.proxied-ingress": [[A("metadata"), I(0), A("annotations"), I("gethomepage.dev/widget.key")]],
}
# Framework-based providers keep an unset computed value null; SDKv2 ones store the zero value.
FRAMEWORK_PROVIDERS = {"hashicorp/helm"}  # namespace/type, on any registry host (terraform or OpenTofu)


def go_json(v):
    """Terraform's jsonencode(): sorted keys, compact, Go's HTML escaping."""
    s = json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def resolve(v):
    if isinstance(v, str):
        if v == WIDGET_KEY:
            return '${try(jsondecode(data.vault_kv_secret_v2.secrets.data["homepage_credentials"]).authentik.token, "")}'
        v = SECRET.sub(lambda m: '${data.vault_kv_secret_v2.%s.data["%s"]}' % (VAULT_DATA_FOR_PATH[m.group(1)], m.group(2)), v)
        return FILE.sub(lambda m: '${file("secrets/%s")}' % m.group(1), v)
    if isinstance(v, list):
        return [resolve(x) for x in v]
    if isinstance(v, dict):
        return {k: resolve(x) for k, x in v.items()}
    return v


def split_address(addr):
    """module.a.module.b.type.name[0] -> (module path, type, name, index)"""
    parts = re.findall(r"module\.[^.]+|[^.]+", addr)
    mods = [p for p in parts if p.startswith("module.")]
    rest = [p for p in parts if not p.startswith("module.")]
    typ, name = rest[0], rest[1]
    m = re.match(r"^(.*)\[(\d+)\]$", name)
    return ".".join(mods), typ, (m.group(1) if m else name), (int(m.group(2)) if m else None)


def flat_name(addr):
    mod, typ, name, idx = split_address(addr)
    if not mod:
        return name
    return "ref_" + re.sub(r"[^A-Za-z0-9_]", "_", addr.replace("module.", "")).strip("_")


def cmd_config(ref_file, values_file, out):
    ref = yaml.safe_load(open(ref_file))
    text = open(values_file).read()
    names = {r["address"]: flat_name(r["address"]) for r in ref["resources"]}
    cfg = {"variable": {}, "provider": {}, "data": {}, "resource": {}}
    for k, v in ref["variables"].items():
        cfg["variable"][k] = {kk: vv for kk, vv in v.items()}
    p = ref["providers"]
    cfg["provider"] = {
        "kubernetes": [{"config_path": "${var.kube_config_path}"}],
        "helm": [{"kubernetes": {"config_path": "${var.kube_config_path}"}}],
        "vault": [{"address": p["vault"]["address"], "skip_child_token": True}],
        "cloudflare": [{"api_key": resolve(p["cloudflare"]["api_key"]), "email": "ops@example.org"}],
        "authentik": [{"url": p["authentik"]["url"], "token": resolve(p["authentik"]["token"])}],
    }
    for d in ref["data_sources"]:
        _, typ, name, _ = split_address(d["address"][len("data."):])
        cfg["data"].setdefault(typ, {})[name] = d["values"]
    for r in ref["resources"]:
        _, typ, _, _ = split_address(r["address"])
        vals = resolve(r["values"])
        if typ == "helm_release":
            if yaml.safe_load(text) != r["values_yaml"]:
                sys.exit(f"{values_file} does not parse to the reference's values_yaml")
            vals["values"] = [text.replace("${", "$${").replace("%{", "%%{")]
        if typ == "authentik_outpost":
            vals["config"] = go_json(r["config"])
        if "lifecycle" in r:
            vals["lifecycle"] = r["lifecycle"]
        if "depends_on" in r:
            vals["depends_on"] = ["%s.%s" % (split_address(a)[1], names[a]) for a in r["depends_on"]]
        cfg["resource"].setdefault(typ, {})[names[r["address"]]] = vals
    json.dump(cfg, open(f"{out}/reference.tf.json", "w"), indent=1)
    json.dump({f"{split_address(a)[1]}.{n}": a for a, n in names.items()}, open(f"{out}/addresses.json", "w"), indent=1)


def zero(t):
    """The value SDKv2 providers store for an unset computed attribute of type t."""
    if t == "string":
        return ""
    if t == "number":
        return 0
    if t == "bool":
        return False
    if isinstance(t, list) and t[0] in ("list", "set"):
        return []
    if isinstance(t, list) and t[0] == "map":
        return {}
    return None


def step_attr(name):
    return {"type": "get_attr", "value": name}


def step_index(k):
    return {"type": "index", "value": {"value": k, "type": "number" if isinstance(k, int) else "string"}}


def normalize_block(vals, unknown, sens, block, path, out_sens, sdkv2=True):
    """Walks a resource's planned values with its schema: unknown or unset computed attributes get the
    value the provider stores for them (zero values; a cluster-assigned uid or resourceVersion plans the
    same way), and sensitive marks become state paths (map keys are index steps)."""
    vals = dict(vals or {})
    unknown = unknown if isinstance(unknown, dict) else {}
    sens = sens if isinstance(sens, dict) else {}
    for name, spec in block.get("attributes", {}).items():
        nested = spec.get("nested_type")
        t = spec.get("type") or (["list", None] if nested and nested.get("nesting_mode") in ("list", "set") else ["object", None])
        v = vals.get(name)
        if unknown.get(name) is True or (v is None and spec.get("computed")):
            v = zero(t) if spec.get("computed") and sdkv2 else None
        vals[name] = v
        s_ = sens.get(name)
        if s_ is True or spec.get("sensitive"):
            out_sens.append(path + [step_attr(name)])
        elif isinstance(s_, dict):
            for k, flag in s_.items():
                if flag is True:
                    out_sens.append(path + [step_attr(name), step_index(k)])
        elif isinstance(s_, list):
            for i, flag in enumerate(s_):
                if flag is True:
                    out_sens.append(path + [step_attr(name), step_index(i)])
    for name, bt in block.get("block_types", {}).items():
        v = vals.get(name)
        if unknown.get(name) is True or v is None:
            v = [] if bt["nesting_mode"] in ("list", "set") else None
        if isinstance(v, list):
            u = unknown.get(name) if isinstance(unknown.get(name), list) else []
            sl = sens.get(name) if isinstance(sens.get(name), list) else []
            v = [normalize_block(e, u[i] if i < len(u) else None, sl[i] if i < len(sl) else None, bt["block"], path + [step_attr(name), step_index(i)], out_sens, sdkv2) for i, e in enumerate(v)]
        vals[name] = v
    return vals


def cmd_state(ref_file, out, plan_file, schemas_file):
    ref = yaml.safe_load(open(ref_file))
    plan = json.load(open(plan_file))
    schemas = json.load(open(schemas_file))["provider_schemas"]
    addresses = json.load(open(f"{out}/addresses.json"))
    ids = {k: str(v) for k, v in reference_ids(ref).items()}  # the ids the objects have in the cluster / in authentik
    resources = []
    for rc in plan["resource_changes"]:
        if rc["mode"] != "managed":
            continue
        ref_addr = addresses[rc["address"]]
        mod, typ, name, idx = split_address(ref_addr)
        schema = schemas[rc["provider_name"]]["resource_schemas"][typ]
        sens = []
        after = normalize_block(rc["change"]["after"], rc["change"]["after_unknown"], rc["change"].get("after_sensitive"), schema["block"], [], sens, rc["provider_name"].split("/", 1)[1] not in FRAMEWORK_PROVIDERS)
        meta = (after.get("metadata") or [{}])[0] if isinstance(after.get("metadata"), list) else {}
        after["id"] = ids.get(ref_addr) or (f'{meta.get("namespace")}/{meta.get("name")}' if meta.get("namespace") else meta.get("name")) or after.get("name") or rc["address"]
        if typ == "cloudflare_record":
            after["id"] = "3f1b2a6c9d8e7f6a5b4c3d2e1f0a9b8c"
        if typ == "helm_release":
            after["id"] = after["name"]
        if typ == "authentik_application":
            after["protocol_provider"] = int(ids["authentik_provider_proxy.catchall"])
        if typ == "authentik_outpost":
            after["protocol_providers"] = [int(ids["authentik_provider_proxy.catchall"])]
        provider = rc["provider_name"]
        sens += [p for p in DECLARED_SENSITIVE.get(ref_addr, []) if p not in sens]
        inst = {"schema_version": schema.get("version", 0), "attributes": after, "sensitive_attributes": sens}
        if idx is not None:
            inst["index_key"] = idx
        entry = {"mode": "managed", "type": typ, "name": name, "provider": f'provider["{provider}"]', "instances": [inst]}
        if mod:
            entry["module"] = mod
        resources.append(entry)
    state = {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": str(uuid.uuid4()), "outputs": {}, "resources": resources, "check_results": None}
    json.dump(state, open(f"{out}/terraform.tfstate", "w"), indent=1)


# The goauthentik provider's attribute -> API field names where they differ (terraform-provider-authentik
# v2026.2.1, pkg/provider/resource_*.go: the *SchemaToModel functions), and the collection each resource
# type lives in (its Create call).
AUTHENTIK_RESOURCES = {
    "authentik_provider_proxy": ("/providers/proxy/", {"basic_auth_username_attribute": "basic_auth_user_attribute"}),
    "authentik_application": ("/core/applications/", {"protocol_provider": "provider"}),
    "authentik_stage_user_login": ("/stages/user_login/", {}),
    "authentik_outpost": ("/outposts/instances/", {"protocol_providers": "providers"}),
}
# Designations of the flows the stack looks up (authentik's default blueprints name them by slug).
FLOW_DESIGNATION = {"authorization": "authorization", "invalidation": "invalidation"}
REF = re.compile(r"^\$\{(data\.)?([a-z0-9_]+)\.([a-z0-9_]+)\.id\}$")


def reference_ids(ref):
    """The ids the live goauthentik objects have (the same ones `state` uses)."""
    outpost_uuid = [n for n in ref["resources"] if n["address"] == "authentik_outpost.embedded"][0]["notes"][0].split("UUID is ")[1].split(" ")[0]
    return {
        "authentik_provider_proxy.catchall": 5,
        "authentik_application.catchall": "domain-wide-catch-all",
        "authentik_stage_user_login.default_login": str(uuid.uuid5(uuid.NAMESPACE_URL, "default-authentication-login")),
        "authentik_outpost.embedded": outpost_uuid,
    }


def cmd_authentik_seed(ref_file, out):
    ref = yaml.safe_load(open(ref_file))
    ids = reference_ids(ref)
    objects = {"/flows/instances/": [], "/outposts/service_connections/kubernetes/": []}
    flow_ids = {}
    for d in ref["data_sources"]:
        _, typ, name, _ = split_address(d["address"][len("data."):])
        if typ != "authentik_flow":
            continue
        slug = d["values"]["slug"]
        designation = next(v for k, v in FLOW_DESIGNATION.items() if k in slug)
        flow_ids[f"data.{typ}.{name}"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"flow/{slug}"))
        objects["/flows/instances/"].append({"pk": flow_ids[f"data.{typ}.{name}"], "name": slug, "slug": slug, "title": slug, "designation": designation})

    def value(v):
        m = REF.match(v) if isinstance(v, str) else None
        if not m:
            return v
        addr = f"{'data.' if m.group(1) else ''}{m.group(2)}.{m.group(3)}"
        return flow_ids[addr] if addr in flow_ids else ids[addr]

    imports = []
    for r in ref["resources"]:
        mod, typ, name, _ = split_address(r["address"])
        if mod or typ not in AUTHENTIK_RESOURCES:
            continue
        col, renames = AUTHENTIK_RESOURCES[typ]
        obj = {}
        for k, v in r["values"].items():
            v = [value(x) for x in v] if isinstance(v, list) else value(v)
            obj[renames.get(k, k)] = v
        if typ == "authentik_outpost":
            obj["config"] = r["config"]
            notes = " ".join(r.get("notes", []))
            managed = re.search(r"Outpost\.managed is (\S+?),", notes)
            if managed:
                obj["managed"] = managed.group(1)
            sc = obj.get("service_connection")
            if sc:
                objects["/outposts/service_connections/kubernetes/"].append({"pk": sc, "name": "Local Kubernetes Cluster", "local": True})
        key = "slug" if typ == "authentik_application" else "pk"
        obj[key] = ids[r["address"]]
        objects.setdefault(col, []).append(obj)
        imports.append({"to": r["address"], "id": str(ids[r["address"]])})
    json.dump({"objects": objects}, open(f"{out}/authentik-seed.json", "w"), indent=1)
    json.dump(imports, open(f"{out}/authentik-imports.json", "w"), indent=1)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "config":
        cmd_config(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "state":
        cmd_state(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "authentik-seed":
        cmd_authentik_seed(*sys.argv[2:])
    else:
        sys.exit(__doc__)
