"""Validates Kubernetes objects against the JSON schemas that the kubernetes-validate package ships (offline).

Reads a JSON list of {"id": ..., "doc": {...}} on stdin and validates each against every Kubernetes version given
in argv with the package's strict schemas (an unknown field is an error). Writes a JSON list of
{"id", "version", "path": [...], "message"} on stdout: every error, not only the first, and one entry for a kind
that has no schema. Run by scripts/check-deploy.mjs with the Python of its cached venv.
"""

import json
import re
import sys

import jsonschema
import kubernetes_validate.utils as kv
from referencing import Registry, Resource

_validators = {}


def validator_for(doc, version):
    """The validator of the newest schema set not newer than `version`, as kubernetes_validate.validate picks it."""
    chosen = [v for v in kv.all_versions() if kv.major_minor(v) <= kv.major_minor(version)][-1]
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", str(doc.get("apiVersion")))
    key = (chosen, str(doc.get("kind")).lower(), api)
    if key not in _validators:
        folder = "kubernetes-json-schema/v%s-local-strict" % chosen
        try:
            schema = kv.schema_contents("%s/%s-%s.json" % (folder, key[1], api), version)
        except FileNotFoundError:
            _validators[key] = None
        else:
            definitions = kv.schema_contents("%s/_definitions.json" % folder, version)
            registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
            _validators[key] = jsonschema.validators.Draft202012Validator(schema, registry=registry)
    return _validators[key], kv.major_minor(chosen)


def main():
    out = []
    for item in json.load(sys.stdin):
        doc = item["doc"]
        for version in sys.argv[1:]:
            validator, used = validator_for(doc, version)
            if validator is None:
                out.append({"id": item["id"], "version": used, "path": ["kind"],
                            "message": "no Kubernetes %s schema for %s %s" % (used, doc.get("apiVersion"),
                                                                             doc.get("kind"))})
                continue
            for error in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.path]):
                out.append({"id": item["id"], "version": used, "path": list(error.path), "message": error.message})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
