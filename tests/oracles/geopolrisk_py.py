"""Run geopolrisk-py 2.0.1 (the GeoPolRisk reference implementation) and print its results.

Used by tests/test_geopolrisk_oracle.py in a subprocess whose HOME is a temporary
folder (geopolrisk-py writes ~/Documents/geopolrisk on import and configures the
root logger). geopolrisk-py is GPL-3.0 and a test-only dependency: critmin never
imports it.

Usage: python geopolrisk_py.py YEARS COUNTRIES MATERIALS (comma-separated each);
prints a JSON list of {year, country, material, score, hhi, import_risk}.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    years = [int(y) for y in sys.argv[1].split(",")]
    names = sys.argv[2].split(",")
    materials = sys.argv[3].split(",")
    from geopolrisk.assessment.main import gprs_calc

    result = gprs_calc(years, names, materials)
    rows = [
        {
            "year": int(r["Year"]),
            "country": str(r["Country [Economic Entity]"]),
            "material": str(r["Raw Material"]),
            "score": float(r["GeoPolRisk Score"]),
            "hhi": float(r["HHI"]),
            "import_risk": float(r["Import Risk"]),
        }
        for r in result.to_dict(orient="records")
    ]
    sys.stdout.write("ORACLE" + json.dumps(rows) + "\n")


if __name__ == "__main__":
    main()
