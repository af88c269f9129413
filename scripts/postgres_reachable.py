"""Exit 0 when a PostgreSQL server answers at the URL given as the only argument."""

from __future__ import annotations

import sys

import dj_database_url
import psycopg


def main() -> int:
    config = dj_database_url.parse(sys.argv[1])
    try:
        connection = psycopg.connect(
            dbname=config["NAME"],
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            connect_timeout=3,
        )
    except psycopg.Error as error:
        sys.stderr.write(f"PostgreSQL is not reachable: {str(error).strip()}\n")
        return 1
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
