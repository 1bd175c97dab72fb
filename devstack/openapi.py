"""Print the API's OpenAPI document (`make web-types` turns it into the web app's types)."""

from __future__ import annotations

import json
import sys

from app import routes
from chalicelib.api import openapi


def main() -> int:
    json.dump(openapi.build(list(routes)), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
