#!/usr/bin/env python3
"""Reference descriptors for the OTLP trace protos, and a field-by-field comparison.

  otlp_descset.py write OUT.pb           FileDescriptorSet taken from PyPI opentelemetry-proto's _pb2 modules
  otlp_descset.py compare REF.pb OURS.pb  print every difference (one line each); exit 1 if any

Used by scripts/check-proto (runs in its venv). Options, comments and source info are ignored.
"""
import importlib
import importlib.metadata
import sys

from google.protobuf import descriptor_pb2

FILES = [
    "opentelemetry/proto/common/v1/common.proto",
    "opentelemetry/proto/resource/v1/resource.proto",
    "opentelemetry/proto/trace/v1/trace.proto",
    "opentelemetry/proto/collector/trace/v1/trace_service.proto",
]
FDP = descriptor_pb2.FieldDescriptorProto


def write(out):
    """Serialize the four files (and their imports) from the installed _pb2 modules."""
    fds, seen = descriptor_pb2.FileDescriptorSet(), set()

    def add(fd):
        if fd.name in seen:
            return
        for dep in fd.dependencies:
            add(dep)
        seen.add(fd.name)
        proto = fds.file.add()
        fd.CopyToProto(proto)
        # The embedded descriptors omit json_name (protoc fills it in); take it from the live descriptors.
        for msg_proto in proto.message_type:
            fill_json_names(msg_proto, fd.message_types_by_name[msg_proto.name])

    for name in FILES:
        add(importlib.import_module(name[:-len(".proto")].replace("/", ".") + "_pb2").DESCRIPTOR)
    with open(out, "wb") as f:
        f.write(fds.SerializeToString())


def fill_json_names(msg_proto, msg):
    for field in msg_proto.field:
        field.json_name = msg.fields_by_name[field.name].json_name
    for nested in msg_proto.nested_type:
        fill_json_names(nested, msg.nested_types_by_name[nested.name])


def flatten(fds):
    """Map 'what' -> value for everything that shapes the wire format or the generated code."""
    out, counts = {}, {"files": 0, "messages": 0, "fields": 0}

    def ranges(rs):
        return ",".join(f"{r.start}..{r.end - 1}" for r in sorted(rs, key=lambda r: r.start)) or "-"

    def message(scope, m):
        name = f"{scope}.{m.name}"
        counts["messages"] += 1
        out[f"message {name}"] = "present"
        # Declaration order: not on the wire, but it orders the generated Swift properties.
        out[f"message {name} field order"] = ",".join(str(f.number) for f in m.field)
        out[f"message {name} oneofs"] = ",".join(o.name for o in m.oneof_decl) or "-"
        out[f"message {name} reserved"] = ranges(m.reserved_range)
        out[f"message {name} reserved names"] = ",".join(sorted(m.reserved_name)) or "-"
        out[f"message {name} extension ranges"] = ranges(m.extension_range)
        for f in m.field:
            counts["fields"] += 1
            key = f"field {name}.{f.name}"
            out[key] = f"#{f.number} {FDP.Type.Name(f.type)} {FDP.Label.Name(f.label)}"
            out[f"{key} type_name"] = f.type_name or "-"
            out[f"{key} oneof"] = m.oneof_decl[f.oneof_index].name if f.HasField("oneof_index") else "-"
            out[f"{key} json_name"] = f.json_name or "-"
            out[f"{key} proto3_optional"] = str(f.proto3_optional)
        for nested in m.nested_type:
            message(name, nested)
        for e in m.enum_type:
            enum(name, e)

    def enum(scope, e):
        name = f"{scope}.{e.name}"
        out[f"enum {name}"] = "present"
        out[f"enum {name} reserved"] = ranges(e.reserved_range)
        for v in e.value:
            out[f"enum value {name}.{v.name}"] = str(v.number)

    for fp in fds.file:
        if fp.name not in FILES:
            continue
        counts["files"] += 1
        out[f"file {fp.name}"] = f"package {fp.package}, syntax {fp.syntax or 'proto2'}"
        out[f"file {fp.name} imports"] = ",".join(sorted(fp.dependency)) or "-"
        for m in fp.message_type:
            message(fp.package, m)
        for e in fp.enum_type:
            enum(fp.package, e)
        for s in fp.service:
            out[f"service {fp.package}.{s.name}"] = "present"
            for rpc in s.method:
                out[f"method {fp.package}.{s.name}/{rpc.name}"] = (
                    f"{'stream ' * rpc.client_streaming}{rpc.input_type} -> "
                    f"{'stream ' * rpc.server_streaming}{rpc.output_type}")
    return out, counts


def load(path):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        fds.ParseFromString(f.read())
    return fds


def compare(ref_path, ours_path):
    ref, counts = flatten(load(ref_path))
    ours, _ = flatten(load(ours_path))
    diffs = []
    for key in sorted(ref.keys() | ours.keys()):
        if key not in ours:
            diffs.append(f"missing in proto/: {key} = {ref[key]}")
        elif key not in ref:
            diffs.append(f"not in reference: {key} = {ours[key]}")
        elif ref[key] != ours[key]:
            diffs.append(f"differs: {key}: proto/ has {ours[key]!r}, reference has {ref[key]!r}")
    for line in diffs:
        print(line)
    version = importlib.metadata.version("opentelemetry-proto")
    if diffs:
        print(f"proto check: {len(diffs)} difference{'s' * (len(diffs) != 1)} from opentelemetry-proto {version}")
        return 1
    if counts["files"] != len(FILES):
        print(f"proto check: reference holds {counts['files']} of the {len(FILES)} files")
        return 1
    print(f"proto check: {counts['files']} files, {counts['messages']} messages, {counts['fields']} fields "
          f"identical to opentelemetry-proto {version}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
