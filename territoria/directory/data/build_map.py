"""Build `countries.json`: for every ISO 3166-1 country, its region (UCLG's world sections,
from the UN M49 geoscheme) and its outline as an SVG path, so the directory map needs no tile
server. Run once by a maintainer; the output is committed.

    npm pack world-atlas@2.0.2 world-countries@5.1.0 && tar xzf ...  (see SOURCES.md)
    python territoria/directory/data/build_map.py WORLD_ATLAS/countries-110m.json WORLD_COUNTRIES/countries.json
"""

import json
import sys
from pathlib import Path

import pycountry

WIDTH, TOP, BOTTOM = 1000, 84.0, -58.0  # equirectangular, without Antarctica
SCALE = WIDTH / 360
EURASIA = {"RU", "BY", "MD", "AM", "AZ", "GE", "KZ", "KG", "TJ", "TM", "UZ"}


def region(country: dict) -> str:
    """UCLG's sections, from the UN region and subregion."""
    code, reg, sub = country["cca2"], country["region"], country.get("subregion", "")
    if code in EURASIA or sub == "Central Asia":
        return "eurasia"
    if reg == "Africa":
        return "africa"
    if reg == "Europe":
        return "europe"
    if reg == "Americas":
        return "north_america" if sub == "North America" and code in {"US", "CA"} else "latin_america"
    if reg == "Asia":
        return "mewa" if sub == "Western Asia" or code in {"IR", "AF", "PK"} else "asia_pacific"
    return "asia_pacific"  # Oceania, Antarctic territories


def arcs_of(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def path(polygons, arcs) -> str:
    parts = []
    for polygon in polygons:
        for indexes in polygon:
            xy = [(round((lon + 180) * SCALE, 1), round((TOP - lat) * SCALE, 1)) for lon, lat in ring(indexes, arcs)]
            deduped = [p for i, p in enumerate(xy) if i == 0 or p != xy[i - 1]]
            if len(deduped) >= 3:
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in deduped) + "Z")
    return "".join(parts)


def main(atlas: str, countries: str) -> None:
    topology = json.loads(Path(atlas).read_text())
    arcs = arcs_of(topology)
    out = {c["cca2"]: {"region": region(c)} for c in json.loads(Path(countries).read_text())}
    for geometry in topology["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=str(geometry.get("id", "")).zfill(3)) if geometry.get("id") else None
        if not country or country.alpha_2 not in out or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        out[country.alpha_2]["path"] = path(polygons, arcs)
    target = Path(__file__).with_name("countries.json")
    meta = {"viewBox": f"0 0 {WIDTH} {round((TOP - BOTTOM) * SCALE)}", "source": "see SOURCES.md"}
    target.write_text(json.dumps({"meta": meta, "countries": dict(sorted(out.items()))}, separators=(",", ":")) + "\n")
    print(f"{target}: {len(out)} countries, {sum('path' in v for v in out.values())} with an outline")


if __name__ == "__main__":
    main(*sys.argv[1:3])
