"""The topology's JSON Schema, committed as schemas/topology.schema.json."""

from __future__ import annotations

import json


def schema_text() -> str:
    from sogen.topology.model import Topology

    schema = Topology.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sogen topology"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
