"""Index a stage's investors for search, once (chalicelib/adapters/search_backfill.py).

    python -m infrastructure.search_index --stage staging

`make deploy` runs it after every deploy; it does nothing once the stage's index
is whole. It finds the pools table in the stack's outputs.
"""

from __future__ import annotations

import argparse

import boto3

from chalicelib.adapters.search_backfill import index_table


def pools_table(stage: str) -> str:
    stack = f"Pooldesk{stage.capitalize()}"
    outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    return str(next(o["OutputValue"] for o in outputs if o["OutputKey"] == "PoolsTableName"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", required=True)
    args = parser.parse_args(argv)
    index_table(boto3.client("dynamodb"), pools_table(args.stage))


if __name__ == "__main__":
    main()
