"""Convert world-atlas TopoJSON (Natural Earth, public domain) to the offline basemap GeoJSON.

Run once when updating the basemap; the output is committed so the app never needs the network:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_basemap.py package/countries-50m.json static/basemap/countries-50m.geojson
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def decode_arcs(topology: dict, digits: int) -> list[list[list[float]]]:
    """Absolute lon/lat for every arc (TopoJSON stores quantized, delta-encoded positions)."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([round(x * scale_x + shift_x, digits), round(y * scale_y + shift_y, digits)])
        arcs.append(points)
    return arcs


def ring(arc_indexes: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    """Join arcs into one ring; a negative index (~i) means arc i reversed."""
    points: list[list[float]] = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def to_geojson(topology: dict, object_name: str, digits: int = 2) -> dict:
    arcs = decode_arcs(topology, digits)
    features = []
    for geometry in topology["objects"][object_name]["geometries"]:
        if geometry["type"] == "Polygon":
            coordinates = [ring(r, arcs) for r in geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            coordinates = [[ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
        else:
            continue
        features.append({
            "type": "Feature",
            "properties": {"name": geometry.get("properties", {}).get("name", "")},
            "geometry": {"type": geometry["type"], "coordinates": coordinates},
        })
    return {"type": "FeatureCollection", "features": features}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("topojson", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--object", default="countries")
    parser.add_argument("--digits", type=int, default=2, help="decimal places kept (2 = about 1 km)")
    args = parser.parse_args()
    geojson = to_geojson(json.loads(args.topojson.read_text()), args.object, args.digits)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(geojson, separators=(",", ":")))
    print(f"{len(geojson['features'])} features, {args.output.stat().st_size / 1e6:.2f} MB -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
