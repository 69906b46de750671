"""The lab's run config on the Python side: the same schema, defaults and derived sizes.

The schema is not written here a second time: `lab_config.json` is generated from the zod schema
in src/engine/config.ts (`npm run config-spec`) as JSON Schema, and this module validates against
it. The rules zod states as code (range refinements, the even grid of `blocks2x2`, the mode's own
mask strategy and the patches maskRatio leaves visible) are ported below. One departure on purpose: zod drops keys it does not know, this side refuses them, because
a config handed to a long GPU run with a misspelt key should stop before the run, not after.

    config = parse_config(json.load(open("runs/x/config.json")))   # dict, every field filled in
    dims = model_dims(config)                                      # the lab's ModelDims
"""

import json
import math
import os

from safetensors_np import SafetensorsError, load

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = json.load(open(os.path.join(HERE, "lab_config.json"), encoding="utf-8"))
SCHEMA = SPEC["schema"]
PRESETS = SPEC["presets"]
WEIGHTS_FORMAT = SPEC["weightsFormat"]
CHECKPOINT_FORMAT = SPEC["checkpointFormat"]


class ConfigError(ValueError):
    """A config this trainer cannot run; the message names every bad field."""


def js_round(x):
    """JavaScript's Math.round (halves go up), not Python's round (halves go to even)."""
    r = math.floor(x)
    return r + 1 if x - r >= 0.5 else r


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check(value, schema, path, errors):
    """Validate one value against the JSON Schema subset zod emits; returns the value to keep."""
    where = path or "(config)"
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            sub = []
            kept = _check(value, option, path, sub)
            if not sub:
                return kept
        allowed = [o.get("const", o.get("type")) for o in schema["anyOf"]]
        errors.append(f"{where}: {json.dumps(value)} is not one of {allowed}")
        return value
    if "const" in schema:
        if value != schema["const"] or isinstance(value, bool):
            errors.append(f"{where}: must be {json.dumps(schema['const'])}, got {json.dumps(value)}")
        return value
    if "enum" in schema:
        if value not in schema["enum"]:
            errors.append(f"{where}: must be one of {', '.join(map(str, schema['enum']))}, got {json.dumps(value)}")
        return value
    kind = schema.get("type")
    if kind == "object":
        return _check_object(value, schema, path, errors)
    if kind == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{where}: expected true or false, got {json.dumps(value)}")
        return value
    if kind == "string":
        if not isinstance(value, str):
            errors.append(f"{where}: expected a string, got {json.dumps(value)}")
        elif len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: must not be empty")
        return value
    if kind in ("number", "integer"):
        if not _is_number(value):
            errors.append(f"{where}: expected a finite number, got {json.dumps(value)}")
            return value
        if kind == "integer":
            if float(value) != int(value):
                errors.append(f"{where}: expected a whole number, got {value}")
                return value
            value = int(value)
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if lo is not None and value < lo:
            errors.append(f"{where}: must be >= {lo}, got {value}")
        if hi is not None and value > hi:
            errors.append(f"{where}: must be <= {hi}, got {value}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append(f"{where}: must be > {schema['exclusiveMinimum']}, got {value}")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            errors.append(f"{where}: must be < {schema['exclusiveMaximum']}, got {value}")
        return value
    if kind == "array":
        if not isinstance(value, list):
            errors.append(f"{where}: expected a list, got {json.dumps(value)}")
            return value
        n = len(value)
        if n < schema.get("minItems", 0) or n > schema.get("maxItems", n):
            errors.append(f"{where}: expected {schema.get('minItems')} items, got {n}")
            return value
        items = schema.get("prefixItems")
        out = [_check(v, items[i] if items else schema.get("items", {}), f"{path}.{i}", errors) for i, v in enumerate(value)]
        if "orderedWithin" in schema and all(_is_number(v) for v in out):  # config.ts range(lo, hi)
            lo, hi = schema["orderedWithin"]
            if not (out[0] <= out[1] and out[0] >= lo and out[1] <= hi):
                errors.append(f"{where}: must be [lo, hi] with {lo} <= lo <= hi <= {hi}, got {out}")
        return out
    return value  # no constraint


def _check_object(value, schema, path, errors):
    where = path or "(config)"
    if not isinstance(value, dict):
        errors.append(f"{where}: expected an object, got {json.dumps(value)}")
        return value
    props = schema.get("properties", {})
    unknown = [k for k in value if k not in props]
    if unknown:
        known = ", ".join(props)
        errors.append(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} (known: {known})")
    out = {}
    for key, sub in props.items():  # in schema order, like zod's output
        p = f"{path}.{key}" if path else key
        if key in value:
            out[key] = _check(value[key], sub, p, errors)
        elif "default" in sub:
            out[key] = _check(json.loads(json.dumps(sub["default"])), sub, p, errors)
        elif not path and key == "maskStrategy":
            out[key] = None  # the mode's own, filled in by parse_config
        else:
            errors.append(f"{p}: required")
    return out


def parse_config(obj):
    """A (partial) config dict → the full config with defaults; raises ConfigError naming each bad field."""
    errors = []
    config = _check({} if obj is None else obj, SCHEMA, "", errors)
    if errors:
        raise ConfigError("invalid config: " + "; ".join(errors))
    if config["maskStrategy"] is None:  # MAE's own mask is He et al.'s random one; JEPA's is I-JEPA's blocks
        config["maskStrategy"] = "random" if config["mode"] == "mae" else "blocks"
    grid = config["imageSize"] // config["patchSize"]
    if config["grouping"] == "blocks2x2" and grid % 2 != 0:  # parseConfig's own check
        raise ConfigError("grouping blocks2x2 needs an even patch grid")
    if config["maskStrategy"] == "random" and config["mode"] != "mae":
        raise ConfigError(f"maskStrategy 'random' is MAE's (He et al.); {config['mode']} trains on I-JEPA's multi-block masks: use maskStrategy 'blocks' or mode 'mae'")
    n = grid * grid
    visible = js_round((1 - config["maskRatio"]) * n)  # config.ts visiblePatches
    if config["maskStrategy"] == "random" and not 1 <= visible < n:
        raise ConfigError(f"maskRatio {config['maskRatio']} leaves {visible} of the {n} patches visible: the encoder needs at least one and the decoder at least one masked patch")
    return config


def default_config():
    return parse_config({})


def group_count(grouping, grid):
    return {"patch": grid * grid, "rows": grid, "quadrants": 4, "blocks2x2": (grid // 2) * (grid // 2)}[grouping]


def group_of_patch(grouping, grid):
    """g(p) for every patch, row-major over the grid (config.ts groupOfPatch)."""
    half = -(-grid // 2)
    out = []
    for r in range(grid):
        for c in range(grid):
            out.append({
                "patch": r * grid + c,
                "rows": r,
                "quadrants": (0 if r < half else 2) + (0 if c < half else 1),
                "blocks2x2": (r >> 1) * (grid // 2) + (c >> 1),
            }[grouping])
    return out


def model_dims(c):
    """The lab's ModelDims (config.ts modelDims), keys in the same order."""
    p = PRESETS[c["preset"]]
    grid = c["imageSize"] // c["patchSize"]
    predictor_dim = max(p["heads"], js_round(p["embedDim"] * c["predictorWidthRatio"] / p["heads"]) * p["heads"])
    return {
        "imageSize": c["imageSize"],
        "patchSize": c["patchSize"],
        "grid": grid,
        "numPatches": grid * grid,
        "patchDim": 3 * c["patchSize"] * c["patchSize"],
        "embedDim": p["embedDim"],
        "depth": p["depth"],
        "heads": p["heads"],
        "mlpRatio": c["mlpRatio"],
        "predictorDim": predictor_dim,
        "predictorDepth": p["predictorDepth"],
        "predictorHeads": p["heads"],
        "latentDim": c["latentDim"],
        "numGroups": group_count(c["grouping"], grid),
        "patchEmbedStd": c["patchEmbedStd"],
    }


def _no_constants(name):
    raise ValueError(f"{name} is not a number JSON allows")


def read_config_file(path):
    """A config from the CLI's config.json, or from a .safetensors file's metadata (weights or checkpoint)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ConfigError(f"{path}: {e.strerror}") from None
    if not data.lstrip()[:1] == b"{":  # a JSON object starts with '{'; a .safetensors file with its header length
        try:
            _, metadata = load(data)
        except SafetensorsError as e:
            raise ConfigError(f"{path}: neither a JSON config nor a readable .safetensors file: {e}") from None
        return config_from_metadata(metadata, path)
    try:
        raw = json.loads(data.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not a JSON config: {e}") from None
    return parse_config(raw)


def config_from_metadata(metadata, path):
    """The run config inside a lab .safetensors file, checking the file's format version."""
    fmt = metadata.get("format")
    if fmt == CHECKPOINT_FORMAT:
        try:
            raw = json.loads(metadata["state"])["config"]
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"{path}: checkpoint metadata has no config") from None
    elif fmt == WEIGHTS_FORMAT:
        if "config" not in metadata:
            raise ConfigError(f"{path}: weights metadata has no config")
        try:
            raw = json.loads(metadata["config"], parse_constant=_no_constants)
        except ValueError as e:
            raise ConfigError(f"{path}: metadata config is not JSON: {e}") from None
    else:
        raise ConfigError(f"{path}: format {json.dumps(fmt)} is not one this trainer reads ({WEIGHTS_FORMAT} or {CHECKPOINT_FORMAT})")
    return parse_config(raw)
